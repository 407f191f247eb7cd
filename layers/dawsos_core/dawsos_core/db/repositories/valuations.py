"""SQL of the valuations: a portfolio valued at a ledger commit with packs, set-based, and
the reads of a window of them (its daily series and its holding-days).

A valuation (DESIGN section 6): the units of each commodity held under the portfolio's
account prefixes at the end of the pack's date, at the commit, times the pack's price in
its quote currency (a currency is its own quote at 1), times the rate of that quote in the
portfolio's base, crossed from the pack's fixings; the external flows counted on the date
(each transaction that crosses the portfolio's boundary, dated after the previous weekday
and on or before the date, measured on its legs outside the portfolio) valued the same
way, inflows and outflows apart. Numeric arithmetic throughout; the float64 copies are
for the analytics.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt
from psycopg.rows import tuple_row

from dawsos_core.analytics.attribution import EFFECTS
from dawsos_core.analytics.returns import ValuationSeries
from dawsos_core.db.connection import Connection
from dawsos_core.db.repositories.ledger import under_prefixes


def rates_to_base(packs: str) -> str:
    """SQL: the common table expressions ``fixings`` and ``to_base``, each pack of the
    relation ``packs`` (its column pack_id, once each) with the rate to base of every
    currency it fixes, its pivot at 1. Parameters: pivot, quoted, base."""
    return f"""fixings AS (
    SELECT pack_id, currency, rate FROM pack_fixings WHERE pack_id IN (SELECT pack_id FROM {packs})
    UNION ALL SELECT pack_id, %(pivot)s, 1 FROM {packs}
), to_base AS (
    SELECT f.pack_id, f.currency,
           CASE WHEN %(quoted)s = 'per_pivot' THEN b.rate / f.rate ELSE f.rate / b.rate END
               AS rate
    FROM fixings f JOIN fixings b ON b.pack_id = f.pack_id AND b.currency = %(base)s
)"""


# The window's packs and their rates to base. Parameters: packs, pivot, quoted, base.
_RATES = f"""
packs AS (
    SELECT id AS pack_id, date FROM pricing_packs WHERE id = ANY(%(packs)s)
), {rates_to_base("packs")}"""

_EFFECTS = ", ".join(EFFECTS)

# A weekday a posting counts on: its date, or the next Monday for a Saturday or a Sunday.
COUNTED_ON = "{date} + CASE extract(isodow FROM {date}) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END"

# The valuation of a portfolio at a commit with a set of packs, as common table expressions
# ending in ``valued``: one row per (pack, holding or flow, commodity) with its units, price
# and rate to base (NULL when the pack lacks one). Parameters: packs, commit, holdings,
# internal, pivot, quoted, base.
_VALUED = f"""{_RATES}, moves AS (
    SELECT currency, date, sum(units) AS units FROM ledger_postings
    WHERE commit_hash = %(commit)s AND account IN (
        SELECT account FROM ledger_accounts
        WHERE commit_hash = %(commit)s AND {under_prefixes("%(holdings)s")})
    GROUP BY currency, date
), balances AS (
    SELECT currency, date AS since, lead(date) OVER w AS until, sum(units) OVER w AS units
    FROM moves WINDOW w AS (PARTITION BY currency ORDER BY date)
), held AS (
    SELECT k.pack_id, b.currency AS commodity, b.units
    FROM packs k JOIN balances b ON b.since <= k.date AND (b.until IS NULL OR b.until > k.date)
    WHERE b.units <> 0
), sided AS (
    SELECT txn_id, date, currency, units,
           {under_prefixes("%(holdings)s")}
           OR {under_prefixes("%(internal)s")} AS inside
    FROM ledger_postings
    WHERE commit_hash = %(commit)s
      AND date BETWEEN (SELECT min(date) FROM packs) - 3 AND (SELECT max(date) FROM packs)
), crossing AS (
    SELECT txn_id FROM sided GROUP BY txn_id HAVING bool_or(inside) AND bool_or(NOT inside)
), flows AS (
    -- measured on the legs outside the portfolio, positive into it; a flow dated on a
    -- Saturday or a Sunday counts on the next Monday
    SELECT k.pack_id, s.txn_id, s.currency AS commodity, -sum(s.units) AS units
    FROM sided s JOIN crossing c USING (txn_id)
    JOIN packs k ON k.date = {COUNTED_ON.format(date="s.date")}
    WHERE NOT s.inside GROUP BY k.pack_id, s.txn_id, s.currency HAVING sum(s.units) <> 0
), valued AS (
    SELECT x.kind, x.pack_id, x.commodity, x.units,
           coalesce(p.quote_currency, x.commodity) AS price_currency,
           coalesce(p.price, 1) AS price, t.rate
    FROM (SELECT 'held' AS kind, pack_id, commodity, units FROM held
          UNION ALL SELECT 'flow', pack_id, commodity, units FROM flows) x
    LEFT JOIN pack_prices p ON p.pack_id = x.pack_id AND p.commodity = x.commodity
    LEFT JOIN to_base t
        ON t.pack_id = x.pack_id AND t.currency = coalesce(p.quote_currency, x.commodity)
)"""

_INSERT = f"""
WITH {_VALUED},
missing AS (
    SELECT DISTINCT v.pack_id, k.date, v.commodity, v.price_currency
    FROM valued v JOIN packs k USING (pack_id) WHERE v.rate IS NULL
), totals AS (
    SELECT k.pack_id, k.date,
           coalesce(sum(v.units * v.price * v.rate) FILTER (WHERE v.kind = 'held'), 0)
               AS value_base,
           coalesce(sum(v.units * v.price * v.rate)
                    FILTER (WHERE v.kind = 'flow' AND v.units * v.price * v.rate > 0), 0)
               AS flow_in_base,
           coalesce(-sum(v.units * v.price * v.rate)
                    FILTER (WHERE v.kind = 'flow' AND v.units * v.price * v.rate < 0), 0)
               AS flow_out_base
    FROM packs k LEFT JOIN valued v USING (pack_id)
    GROUP BY k.pack_id, k.date
), portfolio_rows AS (
    -- a valuation another transaction stored meanwhile is kept, and its holdings with it
    INSERT INTO valuations (portfolio_id, ledger_commit_hash, pack_id, date, base_currency,
                            value_base, flow_in_base, flow_out_base)
    SELECT %(portfolio)s, %(commit)s, pack_id, date, %(base)s, value_base, flow_in_base,
           flow_out_base
    FROM totals WHERE NOT EXISTS (SELECT 1 FROM missing)
    ON CONFLICT DO NOTHING
    RETURNING id, pack_id
), holding_rows AS (
    INSERT INTO holding_valuations (valuation_id, portfolio_id, commodity, units,
                                    price_currency, price, value_local, fx_rate, value_base)
    SELECT r.id, %(portfolio)s, v.commodity, v.units, v.price_currency, v.price,
           v.units * v.price, v.rate, v.units * v.price * v.rate
    FROM valued v JOIN portfolio_rows r USING (pack_id) WHERE v.kind = 'held'
)
SELECT pack_id, date, commodity, price_currency FROM missing ORDER BY date, commodity"""


@dataclass(frozen=True)
class Unvalued:
    """A commodity a pack cannot value: no price, or no fixing of its quote currency."""

    pack_id: str
    date: dt.date
    commodity: str
    price_currency: str


def insert_valuations(
    conn: Connection,
    *,
    portfolio_id: str,
    base_currency: str,
    account_prefixes: list[str],
    internal_prefixes: list[str],
    commit_hash: str,
    pack_ids: list[str],
    pivot: str,
    quoted: str,
) -> list[Unvalued]:
    """Value the portfolio at the commit with each pack, in one statement; a valuation
    already stored is kept. When any commodity cannot be valued nothing is written and
    each is returned."""
    rows = conn.execute(
        _INSERT,
        {
            "portfolio": portfolio_id,
            "base": base_currency,
            "holdings": account_prefixes,
            "internal": internal_prefixes,
            "commit": commit_hash,
            "packs": pack_ids,
            "pivot": pivot,
            "quoted": quoted,
        },
    ).fetchall()
    return [Unvalued(**r) for r in rows]


def copy_valuations(
    conn: Connection, portfolio_id: str, old: str, new: str, before: dt.date | None
) -> int:
    """The valuations of ``old`` dated before ``before`` (all of them for None), with their
    holdings and day effects, stored as ``new``'s too: the two commits hold the same
    postings until then."""
    row = conn.execute(
        "WITH old AS ("
        "  SELECT * FROM valuations"
        "  WHERE portfolio_id = %(portfolio)s AND ledger_commit_hash = %(old)s"
        "  AND (%(before)s::date IS NULL OR date < %(before)s)),"
        " new AS ("
        "  INSERT INTO valuations (portfolio_id, ledger_commit_hash, pack_id, date,"
        "   base_currency, value_base, flow_in_base, flow_out_base)"
        "  SELECT portfolio_id, %(new)s, pack_id, date, base_currency, value_base,"
        "   flow_in_base, flow_out_base FROM old"
        "  ON CONFLICT DO NOTHING RETURNING id, pack_id),"
        " holdings AS ("
        "  INSERT INTO holding_valuations (valuation_id, portfolio_id, commodity, units,"
        "   price_currency, price, value_local, fx_rate, value_base)"
        "  SELECT n.id, h.portfolio_id, h.commodity, h.units, h.price_currency, h.price,"
        "   h.value_local, h.fx_rate, h.value_base"
        "  FROM new n JOIN old o USING (pack_id) JOIN holding_valuations h"
        "   ON h.valuation_id = o.id),"
        " effects AS ("
        "  INSERT INTO valuation_effects (valuation_id, previous_pack_id, portfolio_id,"
        f"   {_EFFECTS})"
        f"  SELECT n.id, e.previous_pack_id, e.portfolio_id, {_EFFECTS}"
        "  FROM new n JOIN old o USING (pack_id) JOIN valuation_effects e"
        "   ON e.valuation_id = o.id)"
        " SELECT count(*) AS copied FROM new",
        {"portfolio": portfolio_id, "old": old, "new": new, "before": before},
    ).fetchone()
    assert row is not None
    return int(row["copied"])


def valued_packs(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_ids: list[str]
) -> set[str]:
    """The packs among ``pack_ids`` with which the portfolio is valued at the commit."""
    rows = conn.execute(
        "SELECT pack_id FROM valuations WHERE portfolio_id = %s AND ledger_commit_hash = %s"
        " AND pack_id = ANY(%s)",
        (portfolio_id, commit_hash, pack_ids),
    ).fetchall()
    return {r["pack_id"] for r in rows}


@dataclass(frozen=True)
class ValuationPoint:
    date: dt.date
    pack_id: str
    value_base: Decimal
    flow_in_base: Decimal
    flow_out_base: Decimal


def valuation_points(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_ids: list[str]
) -> list[ValuationPoint]:
    """The portfolio's valuations at the commit with the packs, in date order."""
    rows = conn.execute(
        "SELECT date, pack_id, value_base, flow_in_base, flow_out_base FROM valuations"
        " WHERE portfolio_id = %s AND ledger_commit_hash = %s AND pack_id = ANY(%s)"
        " ORDER BY date",
        (portfolio_id, commit_hash, pack_ids),
    ).fetchall()
    return [ValuationPoint(**r) for r in rows]


def valuation_series(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_ids: list[str]
) -> ValuationSeries:
    """The valuations at the commit with the packs as a series, in date order."""
    points = valuation_points(conn, portfolio_id, commit_hash, pack_ids)
    return ValuationSeries(
        dates=[p.date for p in points],
        values=np.array([float(p.value_base) for p in points]),
        flow_in=np.array([float(p.flow_in_base) for p in points]),
        flow_out=np.array([float(p.flow_out_base) for p in points]),
    )


def holding_units(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_id: str
) -> dict[str, Decimal]:
    rows = conn.execute(
        f"SELECT h.commodity, h.units {_HOLDINGS_OF_ONE}",
        (portfolio_id, commit_hash, pack_id),
    ).fetchall()
    return {r["commodity"]: r["units"] for r in rows}


# FROM/WHERE of a valuation's holdings. Parameters: portfolio, commit, pack.
_HOLDINGS_OF_ONE = (
    "FROM valuations v JOIN holding_valuations h ON h.valuation_id = v.id"
    " WHERE v.portfolio_id = %s AND v.ledger_commit_hash = %s AND v.pack_id = %s"
)


@dataclass(frozen=True)
class HoldingDays:
    """Every holding-day of a window, as columns of equal length: ``holding`` indexes
    ``commodities`` (sorted), ``day`` counts days from the window's start, and price, FX rate
    and value in base are float64 (the conventions' arithmetic)."""

    commodities: list[str]
    holding: npt.NDArray[np.int32]
    day: npt.NDArray[np.int32]
    price: npt.NDArray[np.float64]
    fx_rate: npt.NDArray[np.float64]
    value_base: npt.NDArray[np.float64]


def no_holding_days() -> HoldingDays:
    """For answers that show no holdings over time: nothing read."""
    empty = np.empty(0)
    index = np.empty(0, dtype=np.int32)
    return HoldingDays([], index, index, empty, empty, empty)


def holding_days(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_ids: list[str], start: dt.date
) -> HoldingDays:
    """Each holding's valuation with each pack, its day counted from ``start``."""
    rows = _packed_holding_days(conn, portfolio_id, commit_hash, pack_ids, start)
    counts = [len(packed) // _PACKED_DAY.itemsize for _, packed in rows]
    size = sum(counts)
    day = np.empty(size, dtype=np.int32)
    price, fx_rate, value_base = np.empty(size), np.empty(size), np.empty(size)
    at = 0
    for (_, packed), count in zip(rows, counts, strict=True):
        days = np.frombuffer(packed, dtype=_PACKED_DAY)
        day[at : at + count] = days["day"]
        price[at : at + count] = days["price"]
        fx_rate[at : at + count] = days["fx_rate"]
        value_base[at : at + count] = days["value_base"]
        at += count
    return HoldingDays(
        commodities=[commodity for commodity, _ in rows],
        holding=np.repeat(np.arange(len(rows), dtype=np.int32), counts),
        day=day,
        price=price,
        fx_rate=fx_rate,
        value_base=value_base,
    )


# One holding-day as ``_packed_holding_days`` packs it: big-endian, unaligned.
_PACKED_DAY = np.dtype(
    [("day", ">i4"), ("price", ">f8"), ("fx_rate", ">f8"), ("value_base", ">f8")]
)


def _packed_holding_days(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_ids: list[str], start: dt.date
) -> list[tuple[str, bytes]]:
    """(commodity, its holding-days as packed binary) in commodity order: as ordinary rows,
    ten years of 500 holdings answer portfolio_overview five times slower, and without the
    stored float8 copies 1.5 times slower (make bench)."""
    with conn.cursor(row_factory=tuple_row, binary=True) as cursor:
        rows: list[tuple[str, bytes]] = cursor.execute(
            "SELECT h.commodity, string_agg(int4send(v.date - %s::date)"
            " || float8send(h.price_f8) || float8send(h.fx_rate_f8)"
            " || float8send(h.value_base_f8), ''::bytea)"
            " FROM valuations v JOIN holding_valuations h ON h.valuation_id = v.id"
            " WHERE v.portfolio_id = %s AND v.ledger_commit_hash = %s AND v.pack_id = ANY(%s)"
            " GROUP BY h.commodity ORDER BY h.commodity",
            (start, portfolio_id, commit_hash, pack_ids),
        ).fetchall()
    return rows


def pack_holdings(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_id: str
) -> list[dict[str, object]]:
    rows = conn.execute(
        "SELECT h.commodity, h.units, h.price_currency, h.price, h.value_local, h.fx_rate,"
        f" h.value_base {_HOLDINGS_OF_ONE} ORDER BY h.commodity",
        (portfolio_id, commit_hash, pack_id),
    ).fetchall()
    return [dict(r) for r in rows]


def pack_rates_to_base(
    conn: Connection,
    pack_id: str,
    currencies: list[str],
    *,
    pivot: str,
    quoted: str,
    base_currency: str,
) -> dict[str, Decimal]:
    """The pack's exact rate into ``base_currency`` of each of ``currencies`` it fixes (the
    rates its valuations use); a currency it does not fix is absent."""
    rows = conn.execute(
        f"WITH {_RATES} SELECT currency, rate FROM to_base WHERE currency = ANY(%(currencies)s)",
        {
            "packs": [pack_id],
            "currencies": currencies,
            "pivot": pivot,
            "quoted": quoted,
            "base": base_currency,
        },
    ).fetchall()
    return {r["currency"]: r["rate"] for r in rows}


def commodity_values(
    conn: Connection,
    *,
    commodities: list[str],
    pack_ids: list[str],
    pivot: str,
    quoted: str,
    base_currency: str,
) -> dict[str, list[tuple[dt.date, float | None]]]:
    """Each commodity's value of one unit in base with each pack, in date order: its price
    times its quote currency's rate (a currency at its rate); None where the pack has
    neither."""
    rows = conn.execute(
        f"WITH {_RATES}"
        " SELECT c.commodity, k.date,"
        "  (coalesce(p.price, CASE WHEN t.rate IS NOT NULL AND p.pack_id IS NULL THEN 1 END)"
        "   * t.rate)::float8 AS value"
        " FROM packs k CROSS JOIN unnest(%(commodities)s::text[]) AS c(commodity)"
        " LEFT JOIN pack_prices p ON p.pack_id = k.pack_id AND p.commodity = c.commodity"
        " LEFT JOIN to_base t ON t.pack_id = k.pack_id"
        "  AND t.currency = coalesce(p.quote_currency, c.commodity)"
        " ORDER BY c.commodity, k.date",
        {
            "commodities": commodities,
            "packs": pack_ids,
            "pivot": pivot,
            "quoted": quoted,
            "base": base_currency,
        },
    ).fetchall()
    values: dict[str, list[tuple[dt.date, float | None]]] = {c: [] for c in commodities}
    for r in rows:
        values[r["commodity"]].append((r["date"], r["value"]))
    return values


def holding_currencies(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_ids: list[str]
) -> dict[str, str]:
    """The quote currency of each commodity the portfolio holds on any of the packs' days."""
    rows = conn.execute(
        "SELECT DISTINCT ON (h.commodity) h.commodity, h.price_currency"
        " FROM valuations v JOIN holding_valuations h ON h.valuation_id = v.id"
        " WHERE v.portfolio_id = %s AND v.ledger_commit_hash = %s AND v.pack_id = ANY(%s)"
        " ORDER BY h.commodity, v.date DESC",
        (portfolio_id, commit_hash, pack_ids),
    ).fetchall()
    return {r["commodity"]: r["price_currency"] for r in rows}
