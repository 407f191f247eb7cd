"""Portfolios: account prefixes (holdings and cash) owned by one user, plus the Income and
Expenses prefixes whose postings are return rather than external flows.

What defines a portfolio (owner, ledger, prefixes, base currency) never changes, since its
valuations and past answers depend on it; its name and benchmarks do. Deleting one keeps
its history (valuations, executions, exports) and retires its id."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.ledger import (
    DEFAULT_LEDGER,
    CommitRecord,
    latest_commit,
    unmatched_prefixes,
)
from dawsos_core.db.repositories.ledgers import ledger_by_id
from dawsos_core.db.repositories.portfolios import (
    PortfolioRecord,
    change_portfolio,
    deleted_portfolio,
    insert_portfolio,
    list_portfolios,
    mark_deleted,
    portfolio_by_id,
    set_benchmarks,
)
from dawsos_core.errors import BadRequest, Conflict, Forbidden, NotFound, Unprocessable

Commodity = Annotated[str, Field(pattern=r"^/?[A-Z0-9][A-Z0-9'._-]{0,63}$")]
AccountPrefix = Annotated[
    str, Field(pattern=r"^(Assets|Liabilities|Equity|Income|Expenses)(:[A-Z0-9][A-Za-z0-9-]*)*$")
]


class PortfolioSpec(BaseModel):
    """What defines a portfolio; validated before anything is written."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    owner_sub: str = Field(min_length=1, max_length=256)
    ledger_id: str = Field(default=DEFAULT_LEDGER, pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = ""
    account_prefixes: list[AccountPrefix] = Field(min_length=1)
    internal_prefixes: list[AccountPrefix] = Field(default_factory=list)
    base_currency: str = Field(default="CAD", pattern=r"^[A-Z]{3}$")
    benchmarks: list[Commodity] = Field(
        default_factory=list, max_length=10, description="Commodities to compare it with"
    )

    @field_validator("internal_prefixes")
    @classmethod
    def _income_or_expenses(cls, prefixes: list[str]) -> list[str]:
        wrong = [p for p in prefixes if not p.startswith(("Income", "Expenses"))]
        if wrong:
            raise ValueError(f"internal prefixes must be Income or Expenses accounts: {wrong}")
        return prefixes

    @model_validator(mode="after")
    def _disjoint(self) -> PortfolioSpec:
        both = sorted(set(self.account_prefixes) & set(self.internal_prefixes))
        if both:
            raise ValueError(f"prefixes listed as both holdings and internal: {both}")
        return self


def check_prefixes(
    conn: Connection, commit_hash: str, portfolio: PortfolioRecord | PortfolioSpec
) -> None:
    """422 naming every prefix under which the ledger commit has no account."""
    missing = unmatched_prefixes(
        conn, commit_hash, [*portfolio.account_prefixes, *portfolio.internal_prefixes]
    )
    if missing:
        raise Unprocessable(
            f"portfolio {portfolio.id}: no account of ledger commit {commit_hash[:12]} lies "
            f"under {', '.join(missing)}"
        )


def create_portfolio(
    db: Database, spec: PortfolioSpec, *, currencies: frozenset[str] | None = None
) -> tuple[PortfolioRecord, bool]:
    """``cut_portfolio`` in a transaction of its own, as the operator (the CLI)."""
    with db.transaction() as conn:
        return cut_portfolio(conn, spec, currencies=currencies)


def cut_portfolio(
    conn: Connection,
    spec: PortfolioSpec,
    *,
    caller: str | None = None,
    currencies: frozenset[str] | None = None,
    exists_ok: bool = True,
) -> tuple[PortfolioRecord, bool]:
    """Create it from its ledger, or confirm an identical one exists (False); a different
    one is a 409 (any one, without ``exists_ok``), and so is the id of one the owner
    deleted. The benchmarks are not part of its definition: those of the spec replace them.

    Only the ledger's owner may cut portfolios from it: ``caller`` (an API caller, who must
    be the spec's owner) may cut only from a ledger of its own; the operator (``caller``
    None) from the operator's ledgers for anyone, and from an owner's for that owner. An
    unknown ledger (or another owner's, to an API caller) is a 404 naming it; another
    owner's, to the operator, or the operator's, to a caller, a 403 naming it. The database
    refuses the same (0026).

    When the ledger has been synced, every prefix must match one of its accounts. With
    ``currencies`` (what the pricing policy's FX source crosses to), the base currency must
    be one of them (400 naming it and listing them)."""
    if currencies and spec.base_currency not in currencies:
        raise BadRequest(
            f"base_currency: {spec.base_currency} is not a currency the FX source crosses to;"
            f" it offers {', '.join(sorted(currencies))}"
        )
    if caller is not None and caller != spec.owner_sub:
        raise Forbidden(f"portfolio {spec.id}: a caller cuts portfolios for itself only")
    deleted_at = deleted_portfolio(conn, spec.id, caller)
    if deleted_at is not None:
        raise Conflict(
            f"portfolio {spec.id} was deleted on {deleted_at.date()}; a deleted portfolio's id"
            " is not reused, so that its history stays its own: choose another id"
        )
    ledger = ledger_by_id(conn, spec.ledger_id, None)
    if ledger is None or (caller is not None and ledger.owner_sub not in (None, caller)):
        raise NotFound(f"no ledger {spec.ledger_id}")
    if ledger.owner_sub is None and caller is not None:
        raise Forbidden(
            f"ledger {spec.ledger_id} is the operator's: only the operator cuts portfolios from it"
        )
    if ledger.owner_sub is not None and ledger.owner_sub != spec.owner_sub:
        raise Forbidden(
            f"ledger {spec.ledger_id} belongs to another owner: only its owner may cut"
            " portfolios from it"
        )
    record = PortfolioRecord(
        id=spec.id,
        owner_sub=spec.owner_sub,
        name=spec.name,
        account_prefixes=list(spec.account_prefixes),
        internal_prefixes=list(spec.internal_prefixes),
        base_currency=spec.base_currency,
        created_at=dt.datetime.now(dt.UTC),
        ledger_id=spec.ledger_id,
        benchmarks=list(spec.benchmarks),
    )
    commit = latest_commit(conn, spec.ledger_id)
    if commit is not None:
        check_prefixes(conn, commit.commit_hash, spec)
    if insert_portfolio(conn, record):
        return record, True
    if not exists_ok:
        raise Conflict(f"portfolio {spec.id} already exists")
    existing = portfolio_by_id(conn, spec.id, caller)
    definition = (
        "owner_sub",
        "ledger_id",
        "account_prefixes",
        "internal_prefixes",
        "base_currency",
    )
    if existing is None or not all(getattr(existing, f) == getattr(record, f) for f in definition):
        raise Conflict(f"portfolio {spec.id} already exists with another definition")
    if existing.benchmarks != record.benchmarks:  # they change no valuation
        set_benchmarks(conn, spec.id, record.benchmarks)
        existing = dataclasses.replace(existing, benchmarks=record.benchmarks)
    return existing, False


def get_portfolio(conn: Connection, portfolio_id: str, owner_sub: str | None) -> PortfolioRecord:
    """The owner's live portfolio; 404 otherwise, saying so when the owner deleted it."""
    record = portfolio_by_id(conn, portfolio_id, owner_sub)
    if record is None:
        raise NotFound(_missing(conn, portfolio_id, owner_sub))
    return record


def _missing(conn: Connection, portfolio_id: str, owner_sub: str | None) -> str:
    deleted_at = deleted_portfolio(conn, portfolio_id, owner_sub)
    if deleted_at is None:
        return f"no portfolio {portfolio_id}"
    return (
        f"portfolio {portfolio_id} was deleted on {deleted_at.date()}: its stored answers"
        " still export by execution id; cut a new portfolio to go on"
    )


DEFINITION_FIELDS = (
    "id",
    "owner_sub",
    "ledger_id",
    "account_prefixes",
    "internal_prefixes",
    "base_currency",
)


class PortfolioChange(BaseModel):
    """What an owner may change of a live portfolio: what changes no valuation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = Field(default=None, max_length=200, description="Its new name")
    benchmarks: list[Commodity] | None = Field(
        default=None, max_length=10, description="Its benchmarks, replacing the current ones"
    )

    @model_validator(mode="before")
    @classmethod
    def _definition_is_fixed(cls, data: object) -> object:
        fixed = [f for f in DEFINITION_FIELDS if isinstance(data, dict) and f in data]
        if fixed:
            raise ValueError(
                f"{', '.join(fixed)} cannot change: a portfolio's valuations and past answers"
                " depend on what defines it; cut a new portfolio (POST /v1/portfolios) and"
                " delete this one"
            )
        return data

    @model_validator(mode="after")
    def _something(self) -> PortfolioChange:
        if self.name is None and self.benchmarks is None:
            raise ValueError("give name or benchmarks (or both) to change")
        return self


def change_portfolio_of(
    conn: Connection, owner_sub: str, portfolio_id: str, change: PortfolioChange
) -> None:
    """Apply ``change`` to the owner's live portfolio (404 otherwise)."""
    changed = change_portfolio(
        conn, portfolio_id, owner_sub, name=change.name, benchmarks=change.benchmarks
    )
    if changed is None:
        raise NotFound(_missing(conn, portfolio_id, owner_sub))


def delete_portfolio_of(conn: Connection, owner_sub: str, portfolio_id: str) -> dt.datetime:
    """Mark the owner's live portfolio deleted and say when (404 otherwise, and for one
    deleted already). Its valuations, executions and exports are kept."""
    deleted_at = mark_deleted(conn, portfolio_id, owner_sub)
    if deleted_at is None:
        raise NotFound(_missing(conn, portfolio_id, owner_sub))
    return deleted_at


class LatestCommit(BaseModel):
    model_config = ConfigDict(frozen=True)

    commit_hash: str
    committed_at: dt.datetime
    synced_at: dt.datetime
    transactions: int

    @classmethod
    def of(cls, commit: CommitRecord | None) -> LatestCommit | None:
        if commit is None:
            return None
        return cls(
            commit_hash=commit.commit_hash,
            committed_at=commit.committed_at,
            synced_at=commit.synced_at,
            transactions=commit.transactions,
        )


class PortfolioView(BaseModel):
    """A portfolio as its owner sees it through the API, with its ledger's latest commit."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    base_currency: str
    account_prefixes: list[str]
    internal_prefixes: list[str]
    benchmarks: list[str]
    ledger_id: str
    created_at: dt.datetime
    latest_commit: LatestCommit | None = Field(
        description="the latest synced commit of its ledger, which answers use unless pinned"
    )


def portfolio_views(
    conn: Connection, owner_sub: str, portfolio_id: str | None = None
) -> list[PortfolioView]:
    """The owner's portfolios (or the one named: 404 when it is not the owner's)."""
    records = (
        list_portfolios(conn, owner_sub)
        if portfolio_id is None
        else [get_portfolio(conn, portfolio_id, owner_sub)]
    )
    latest = {r.ledger_id: latest_commit(conn, r.ledger_id) for r in records}
    return [
        PortfolioView(
            id=r.id,
            name=r.name,
            base_currency=r.base_currency,
            account_prefixes=r.account_prefixes,
            internal_prefixes=r.internal_prefixes,
            benchmarks=r.benchmarks,
            ledger_id=r.ledger_id,
            created_at=r.created_at,
            latest_commit=LatestCommit.of(latest[r.ledger_id]),
        )
        for r in records
    ]
