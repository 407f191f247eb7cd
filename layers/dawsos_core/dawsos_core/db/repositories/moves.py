"""SQL of the postings a window's days count, each valued in base with its day's pack: what
the return decomposition and the income report read beside the holding-days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import under_prefixes
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.db.repositories.valuations import COUNTED_ON, rates_to_base
from dawsos_core.errors import MissingObservations


@dataclass(frozen=True)
class Moves:
    """Every posting a window's days count (after its first day), of the transactions that
    touch the portfolio side, as columns of equal length: ``day`` counts days from the
    window's start; ``kind`` is H (a holding account), I (an internal Income or Expenses
    account) or O (outside: the transaction crosses the boundary there). ``trade_value`` is
    the posting at its own price (its ``@`` price, else its cost, else its units) in base at
    the day's rate; ``market_value`` an outside leg valued like a holding (NaN otherwise).
    ``currencies``: every commodity the window's packs fix on its first and last days and on
    the days with postings, so every currency it holds."""

    day: npt.NDArray[np.int32]
    txn: npt.NDArray[np.int64]
    kind: list[str]
    account: list[str]
    declared_class: list[str | None]  # an I account's income-class metadata, if any
    commodity: list[str]
    units: npt.NDArray[np.float64]
    trade_value: npt.NDArray[np.float64]
    market_value: npt.NDArray[np.float64]
    currencies: frozenset[str]


def no_moves() -> Moves:
    empty = np.empty(0)
    return Moves(
        np.empty(0, dtype=np.int32),
        np.empty(0, dtype=np.int64),
        [],
        [],
        [],
        [],
        empty,
        empty,
        empty,
        frozenset(),
    )


_MOVES = f"""
WITH packs AS (
    SELECT id AS pack_id, date FROM pricing_packs WHERE id = ANY(%(packs)s)
), sided AS (
    SELECT txn_id, posting_no, date, account, currency, units, price_number, price_currency,
           cost_number, cost_currency,
           CASE WHEN {under_prefixes("%(holdings)s")} THEN 'H'
                WHEN {under_prefixes("%(internal)s")} THEN 'I' ELSE 'O' END AS kind
    FROM ledger_postings
    WHERE commit_hash = %(commit)s
      AND date > (SELECT min(date) FROM packs) AND date <= (SELECT max(date) FROM packs)
), counted AS (
    -- a window function, not a join: the planner cannot size a CTE's groups
    SELECT s.*, k.pack_id, k.date AS day_date,
           bool_or(s.kind <> 'O') OVER (PARTITION BY s.txn_id) AS touches
    FROM sided s JOIN packs k ON k.date = {COUNTED_ON.format(date="s.date")}
), moved AS (  -- rates are crossed only for the packs of the days with postings
    SELECT DISTINCT pack_id FROM counted WHERE touches
), {rates_to_base("moved")}
SELECT s.day_date - %(start)s::date AS day, s.txn_id, s.kind, s.account,
       CASE WHEN s.kind = 'I' THEN (SELECT a.income_class FROM ledger_accounts a
                                    WHERE a.commit_hash = %(commit)s AND a.account = s.account)
       END AS declared_class,
       s.currency AS commodity, s.units, s.pack_id, s.day_date AS date,
       coalesce(s.price_currency, s.cost_currency, s.currency) AS value_currency,
       s.units * coalesce(s.price_number, s.cost_number, 1) * v.rate AS trade_value,
       CASE WHEN s.kind = 'O' THEN s.units * coalesce(p.price, 1) * m.rate END AS market_value
FROM counted s
LEFT JOIN to_base v ON v.pack_id = s.pack_id
    AND v.currency = coalesce(s.price_currency, s.cost_currency, s.currency)
LEFT JOIN pack_prices p ON s.kind = 'O' AND p.pack_id = s.pack_id AND p.commodity = s.currency
LEFT JOIN to_base m ON s.kind = 'O' AND m.pack_id = s.pack_id
    AND m.currency = coalesce(p.quote_currency, s.currency)
WHERE s.touches
ORDER BY day, s.txn_id, s.posting_no"""


def window_moves(
    conn: Connection,
    portfolio: PortfolioRecord,
    commit_hash: str,
    pack_ids: list[str],
    start: dt.date,
    *,
    pivot: str,
    quoted: str,
) -> Moves:
    """The postings the window's days after its first count (``pack_ids`` the window's
    packs, ``start`` its first day), with their values in the portfolio's base, crossed from
    fixings to ``pivot`` quoted ``quoted``. A posting a pack cannot value (no fixing of its
    currency) is a 422 naming it."""
    rows = conn.execute(
        _MOVES,
        {
            "packs": pack_ids,
            "commit": commit_hash,
            "start": start,
            "holdings": portfolio.account_prefixes,
            "internal": portfolio.internal_prefixes,
            "pivot": pivot,
            "quoted": quoted,
            "base": portfolio.base_currency,
        },
    ).fetchall()
    unvalued = sorted(
        {
            f"{r['value_currency'] if r['trade_value'] is None else r['commodity']} on {r['date']}"
            f" (posting to {r['account']})"
            for r in rows
            if r["trade_value"] is None or (r["kind"] == "O" and r["market_value"] is None)
        }
    )
    if unvalued:
        raise MissingObservations(
            [f"the packs cannot value {u}" for u in unvalued[:10]]
            + ([f"and {len(unvalued) - 10} more"] if len(unvalued) > 10 else [])
        )
    # what is held on any day was held on the first or moved on a day with postings
    fixed = {pack_ids[0], pack_ids[-1], *(r["pack_id"] for r in rows)}
    currencies = conn.execute(
        "SELECT DISTINCT currency FROM pack_fixings WHERE pack_id = ANY(%s)", (sorted(fixed),)
    ).fetchall()
    return Moves(
        day=np.array([r["day"] for r in rows], dtype=np.int32),
        txn=np.array([r["txn_id"] for r in rows], dtype=np.int64),
        kind=[r["kind"] for r in rows],
        account=[r["account"] for r in rows],
        declared_class=[r["declared_class"] for r in rows],
        commodity=[r["commodity"] for r in rows],
        units=np.array([float(r["units"]) for r in rows]),
        trade_value=np.array([float(r["trade_value"]) for r in rows]),
        market_value=np.array(
            [np.nan if r["market_value"] is None else float(r["market_value"]) for r in rows]
        ),
        currencies=frozenset([r["currency"] for r in currencies] + [pivot]),
    )
