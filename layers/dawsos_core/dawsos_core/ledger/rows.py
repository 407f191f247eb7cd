"""Flatten booked Beancount entries into the rows stored per commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dawsos_core.db.repositories.ledger import LedgerRows
from dawsos_core.errors import LedgerInvalid


class _Sources:
    """``file:line`` of an entry, the file relative to the checkout (resolved once per file)."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()
        self._names: dict[str, str] = {}

    def __call__(self, meta: Any) -> str:
        filename, line = (meta or {}).get("filename"), (meta or {}).get("lineno")
        if not filename or filename.startswith("<"):
            return ""
        name = self._names.get(filename)
        if name is None:
            try:
                name = Path(filename).resolve().relative_to(self._root).as_posix()
            except ValueError:
                name = Path(filename).name
            self._names[filename] = name
        return f"{name}:{line}"


def _declares_currency(meta: Any) -> bool:
    """``commodity GBP`` with the metadata ``currency: TRUE`` declares GBP a currency."""
    value = (meta or {}).get("currency")
    return value is True or (isinstance(value, str) and value.strip().upper() == "TRUE")


def _metadata(meta: Any) -> dict[str, str]:
    """A directive's own metadata as text (``asset-class: "equity"``), without the source
    position Beancount adds."""
    return {
        str(k): str(v).upper() if isinstance(v, bool) else str(v)
        for k, v in (meta or {}).items()
        if k not in ("filename", "lineno") and v is not None
    }


def extract_rows(entries: list[Any], root: Path) -> LedgerRows:
    """Rows of every transaction (padding included), posting, price, account and commodity
    directive."""
    from beancount.core import data
    from beancount.core.position import Cost

    rows = LedgerRows()
    source = _Sources(root)
    opened: dict[str, list[Any]] = {}
    for entry in entries:
        if isinstance(entry, data.Transaction):
            txn_id = len(rows.transactions)
            rows.transactions.append(
                (
                    txn_id,
                    entry.date,
                    entry.flag or "*",
                    entry.payee,
                    entry.narration or "",
                    source(entry.meta),
                )
            )
            for number, posting in enumerate(entry.postings):
                units, cost, price = posting.units, posting.cost, posting.price
                if (
                    units is None
                    or units.number is None
                    or not (cost is None or isinstance(cost, Cost))
                ):
                    where = source(entry.meta)
                    raise LedgerInvalid([f"{where}: posting to {posting.account} is not booked"])
                if cost is not None:
                    rows.cash_currencies.add(cost.currency)
                rows.postings.append(
                    (
                        txn_id,
                        number,
                        entry.date,
                        posting.account,
                        units.currency,
                        units.number,
                        cost.number if cost else None,
                        cost.currency if cost else None,
                        cost.date if cost else None,
                        cost.label if cost else None,
                        price.number if price else None,
                        price.currency if price else None,
                    )
                )
        elif isinstance(entry, data.Price) and entry.amount.number is not None:
            rows.cash_currencies.add(entry.amount.currency)
            rows.prices.append(
                (
                    len(rows.prices),
                    entry.date,
                    entry.currency,
                    entry.amount.currency,
                    entry.amount.number,
                )
            )
        elif isinstance(entry, data.Commodity):
            if _declares_currency(entry.meta):
                rows.declared_currencies.add(entry.currency)
            rows.commodities[entry.currency] = _metadata(entry.meta)
        elif isinstance(entry, data.Open):
            declared = _declared_class(entry, source)
            opened[entry.account] = [
                entry.account, entry.date, None, list(entry.currencies or []), declared
            ]  # fmt: skip
        elif isinstance(entry, data.Close) and entry.account in opened:
            opened[entry.account][2] = entry.date
    rows.accounts = [(a[0], a[1], a[2], a[3], a[4]) for a in opened.values()]
    return rows


INCOME_CLASS_KEY = "income-class"
DECLARED_CLASSES = ("dividends", "interest", "commissions", "fees", "withholding", "none")


def _declared_class(entry: Any, source: _Sources) -> str | None:
    """The class an Income or Expenses account's open directive declares in its metadata
    (``income-class: "dividends"``; "none": unclassified whatever its name says), or None;
    any other value, or the key on another kind of account, refuses the ledger there."""
    value = (entry.meta or {}).get(INCOME_CLASS_KEY)
    if value is None:
        return None
    where = source(entry.meta)
    if not entry.account.startswith(("Income:", "Expenses:")):
        raise LedgerInvalid(
            [f"{where}: {INCOME_CLASS_KEY} classifies Income and Expenses accounts only, not"
             f" {entry.account}"]
        )  # fmt: skip
    if not isinstance(value, str) or value.strip().lower() not in DECLARED_CLASSES:
        raise LedgerInvalid(
            [f"{where}: {INCOME_CLASS_KEY} of {entry.account} is {value!r}; use one of"
             f" {', '.join(DECLARED_CLASSES)}"]
        )  # fmt: skip
    return value.strip().lower()
