"""SQL of the portfolio's stored day effects (``valuation_effects``): one row a day, keyed
by the day's valuation at a commit and the previous weekday's pack it was measured from."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from psycopg.rows import tuple_row

from dawsos_core.analytics.attribution import EFFECTS
from dawsos_core.db.connection import Connection

_COLUMNS = ", ".join(EFFECTS)


def stored_day_effects(
    conn: Connection, portfolio_id: str, commit_hash: str, pack_ids: list[str]
) -> dict[int, npt.NDArray[np.float64]]:
    """The stored effects of each day of a run of consecutive weekdays' packs after its
    first, by its index in ``pack_ids``, each measured from the pack before it there."""
    with conn.cursor(row_factory=tuple_row) as cursor:
        rows = cursor.execute(
            f"SELECT w.i - 1, {', '.join(f'e.{c}' for c in EFFECTS)}"
            " FROM unnest(%(packs)s::text[], %(previous)s::text[]) WITH ORDINALITY"
            "  AS w(pack_id, previous_pack_id, i)"
            " JOIN valuations v ON v.portfolio_id = %(portfolio)s"
            "  AND v.ledger_commit_hash = %(commit)s AND v.pack_id = w.pack_id"
            " JOIN valuation_effects e ON e.valuation_id = v.id"
            "  AND e.previous_pack_id = w.previous_pack_id",
            {
                "packs": [None, *pack_ids[1:]] if pack_ids else [],
                "previous": [None, *pack_ids[:-1]] if pack_ids else [],
                "portfolio": portfolio_id,
                "commit": commit_hash,
            },
        ).fetchall()
    return {int(r[0]): np.array(r[1:], dtype=np.float64) for r in rows}


def insert_day_effects(
    conn: Connection,
    portfolio_id: str,
    commit_hash: str,
    days: list[tuple[str, str, npt.NDArray[np.float64]]],
) -> None:
    """Store each (pack, previous pack, effects) of the portfolio valued at the commit with
    the pack; a day stored meanwhile is kept."""
    if not days:
        return
    columns = np.array([effects for _, _, effects in days]).T
    conn.execute(
        f"INSERT INTO valuation_effects (valuation_id, previous_pack_id, portfolio_id, {_COLUMNS})"
        f" SELECT v.id, d.previous_pack_id, v.portfolio_id, {', '.join(f'd.{c}' for c in EFFECTS)}"
        " FROM unnest(%(packs)s::text[], %(previous)s::text[],"
        f" {', '.join(f'%({c})s::float8[]' for c in EFFECTS)})"
        f"  AS d(pack_id, previous_pack_id, {_COLUMNS})"
        " JOIN valuations v ON v.portfolio_id = %(portfolio)s"
        "  AND v.ledger_commit_hash = %(commit)s AND v.pack_id = d.pack_id"
        " ON CONFLICT DO NOTHING",
        {
            "packs": [pack for pack, _, _ in days],
            "previous": [previous for _, previous, _ in days],
            "portfolio": portfolio_id,
            "commit": commit_hash,
            **{c: columns[k].tolist() for k, c in enumerate(EFFECTS)},
        },
    )
