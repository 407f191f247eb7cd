"""portfolio_overview reads the portfolio's day effects, a row a day, stored when each pack
is valued: its decomposition is return_attribution's to the bit, a day missing after a
backdated commit or a restatement is made on demand and kept, and the stored rows are the
caller's alone."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from dawsos_core.analytics.attribution import EFFECTS
from dawsos_core.db.connection import Database
from tests.integration.api.conftest import Execute
from tests.integration.api.test_replay import RESTATED_DAY, backdate_and_restate, pinned
from tests.integration.conftest import LedgerRepo, rows

OVERVIEW = {"portfolio_id": "p", "lookback_days": 9}  # 2024-06-17 to 06-28
WINDOW = {"portfolio_id": "p", "start": "2024-06-17", "end": "2024-06-28"}
PORTFOLIO_FIGURES = ("local", "fx", "interaction", "trading", "income", "costs", "other", "total")


def _both(execute: Execute, **pins: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    overview = execute("portfolio_overview", OVERVIEW, **pins)
    full = execute("return_attribution", WINDOW, **pins)
    assert overview.status == full.status == HTTPStatus.OK, (overview.body, full.body)
    return overview.body["result"]["attribution"], full.body["result"]["attribution"]


def _effects(url: str, commit: str) -> list[dict[str, Any]]:
    return rows(
        url,
        "SELECT v.date, v.pack_id, e.previous_pack_id, "
        + ", ".join(f"e.{c}" for c in EFFECTS)
        + " FROM valuation_effects e JOIN valuations v ON v.id = e.valuation_id"
        " WHERE v.portfolio_id = 'p' AND v.ledger_commit_hash = %s ORDER BY v.date",
        commit,
    )


def _latest_commit(url: str) -> str:
    (row,) = rows(url, "SELECT commit_hash FROM ledger_commits ORDER BY synced_at DESC LIMIT 1")
    return str(row["commit_hash"])


def test_each_weekday_after_the_first_is_stored_when_its_pack_is_built(
    executing: Execute, database_url: str
) -> None:
    stored = _effects(database_url, _latest_commit(database_url))

    assert [r["date"].isoformat() for r in stored][:2] == ["2024-06-18", "2024-06-19"]
    assert len(stored) == 9  # ten weekdays of packs
    assert any(r["local"] != 0.0 for r in stored)
    assert any(r["fx"] != 0.0 for r in stored)


def test_the_overview_decomposition_is_return_attributions_to_the_bit(
    executing: Execute,
) -> None:
    overview, full = _both(executing)

    for name in PORTFOLIO_FIGURES:
        assert overview[name] == full[name], name
    assert overview["by_class"] == full["by_class"]
    assert "by_holding" not in overview  # per holding: return_attribution
    assert "by_holding" in full


def test_a_backdated_commit_and_a_restatement_are_followed_and_a_pinned_overview_replays(
    executing: Execute, setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    first = executing("portfolio_overview", OVERVIEW)
    assert first.status == HTTPStatus.OK, first.body
    old_commit = first.body["provenance"]["ledger_commit_hash"]

    new_commit, (revalued,), restated = backdate_and_restate(db, repo)
    assert restated.superseded

    replay = executing("portfolio_overview", OVERVIEW, **pinned(first.body))
    overview, full = _both(executing)

    assert replay.body["result_hash"] == first.body["result_hash"]
    for name in PORTFOLIO_FIGURES:
        assert overview[name] == full[name], name
    assert overview["by_class"] == full["by_class"]
    assert overview["total"] != first.body["result"]["attribution"]["total"]
    old, new = _effects(database_url, old_commit), _effects(database_url, new_commit)
    assert revalued.changed_from is not None
    before = [r for r in new if r["date"] < revalued.changed_from]
    assert before == [r for r in old if r["date"] < revalued.changed_from]  # copied
    around = [r for r in new if r["date"] in (RESTATED_DAY, RESTATED_DAY.replace(day=25))]
    assert len({(r["pack_id"], r["previous_pack_id"]) for r in around}) == 4  # both packs


def test_another_caller_sees_none_of_the_stored_effects(
    executing: Execute, logins: dict[str, str]
) -> None:
    db = Database(lambda: logins["execute"])  # as the execute function logs in
    count = "SELECT count(*) AS n FROM valuation_effects"

    with db.request_transaction("mallory") as conn:
        theirs = conn.execute(count).fetchone()
    with db.request_transaction("alice") as conn:
        ours = conn.execute(count).fetchone()

    db.close()

    assert theirs == {"n": 0}
    assert ours == {"n": 9}
