"""One answer, one ledger commit, one pack set: a request pinned to a pack, a commit (by a
prefix, as git takes one) and a packs_as_of instant replays byte for byte whatever commits
and restatements come later; unpinned, the answer is valued at the new commit on every day
of its window, and no pack is rebuilt for a ledger change."""

from __future__ import annotations

import datetime as dt
import textwrap
from http import HTTPStatus

from dawsos_core.db.connection import Database
from dawsos_core.ledger.sync import sync_ledger
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.pricing.packs import PackOutcome, build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.valuations import Revaluation, revalue_commit
from tests.integration.api.conftest import Execute
from tests.integration.conftest import LEDGER, TODAY, LedgerRepo, rows

WINDOW = {"portfolio_id": "p", "start": "2024-06-17", "end": "2024-06-28"}
BACKDATED = textwrap.dedent("""
    2024-06-19 * "Deposit, imported late"
      Assets:Broker:Cash      2000 USD
      Assets:Bank:Checking
""")
RESTATED_DAY = dt.date(2024, 6, 24)


def pinned(body: dict[str, object]) -> dict[str, object]:
    provenance = body["provenance"]
    assert isinstance(provenance, dict)
    return {
        "pack_id": provenance["pricing_pack_id"],
        "ledger_commit": str(provenance["ledger_commit_hash"])[:7],
        "packs_as_of": provenance["packs_as_of"],
    }


def backdate_and_restate(
    db: Database, repo: LedgerRepo
) -> tuple[str, list[Revaluation], PackOutcome]:
    """A backdated deposit committed, synced and re-valued, then the 06-24 pack restated
    with a corrected price: the new commit, its re-valuation and the restatement."""
    corrected = LEDGER.replace("2024-06-24 price ACME 97.50", "2024-06-24 price ACME 97.75")
    new_commit = repo.commit({"main.beancount": corrected + BACKDATED})
    sync_ledger(db, repo.path)
    revalued = revalue_commit(db, new_commit, "ECB", today=TODAY)
    return new_commit, revalued, build_pack(db, RESTATED_DAY, "ECB", fx=EcbFx(), today=TODAY)


def test_a_pinned_answer_replays_across_a_backdated_commit_and_a_restatement(
    executing: Execute, setup: tuple[Database, LedgerRepo], database_url: str
) -> None:
    db, repo = setup
    first = executing("performance_history", WINDOW)
    assert first.status == HTTPStatus.OK, first.body
    packs_before = rows(database_url, "SELECT id FROM pricing_packs ORDER BY id")

    new_commit, revalued, restated = backdate_and_restate(db, repo)

    replay = executing("performance_history", WINDOW, **pinned(first.body))
    latest = executing("performance_history", WINDOW)

    assert replay.status == latest.status == HTTPStatus.OK
    assert replay.body["result_hash"] == first.body["result_hash"]
    assert replay.body["result"] == first.body["result"]
    assert replay.body["provenance"]["pack_set_hash"] == first.body["provenance"]["pack_set_hash"]
    assert [r.changed_from for r in revalued] == [dt.date(2024, 6, 19)]
    assert restated.status == "fresh"
    assert restated.superseded  # the 06-24 pack was restated...
    packs_after = rows(database_url, "SELECT id FROM pricing_packs ORDER BY id")
    assert len(packs_after) == len(packs_before) + 1  # ...and no pack was rebuilt for the commit
    provenance = latest.body["provenance"]
    assert provenance["ledger_commit_hash"] == new_commit
    assert provenance["pack_set_hash"] != first.body["provenance"]["pack_set_hash"]
    assert latest.body["result_hash"] != first.body["result_hash"]
    commits = rows(
        database_url,
        "SELECT DISTINCT ledger_commit_hash FROM valuations v"
        " WHERE v.portfolio_id = 'p' AND v.date >= '2024-06-19'"
        " AND ledger_commit_hash = %s",
        new_commit,
    )
    assert commits == [{"ledger_commit_hash": new_commit}]


def test_a_portfolio_created_after_its_packs_is_answered_at_once(
    executing: Execute, setup: tuple[Database, LedgerRepo]
) -> None:
    db, _ = setup
    create_portfolio(
        db,
        PortfolioSpec(
            id="late", owner_sub="alice", account_prefixes=["Assets:Broker"], base_currency="EUR"
        ),
    )

    response = executing("portfolio_overview", {"portfolio_id": "late", "lookback_days": 5})

    assert response.status == HTTPStatus.OK, response.body
    assert response.body["provenance"]["base_currency"] == "EUR"
    assert response.body["result"]["valuation"]["base_currency"] == "EUR"
    assert float(response.body["result"]["valuation"]["value_base"]) > 0


def test_a_commit_is_taken_by_an_unambiguous_prefix_only(
    executing: Execute, setup: tuple[Database, LedgerRepo]
) -> None:
    _, repo = setup
    commit = rows_commit(repo)

    short = executing("portfolio_overview", {"portfolio_id": "p"}, ledger_commit=commit[:6])
    unknown = executing("portfolio_overview", {"portfolio_id": "p"}, ledger_commit="0" * 12)
    whole = executing(
        "portfolio_overview", {"portfolio_id": "p", "lookback_days": 5}, ledger_commit=commit
    )

    assert short.status == HTTPStatus.BAD_REQUEST
    assert "ledger_commit" in short.body["message"]
    assert unknown.status == HTTPStatus.NOT_FOUND
    assert "0" * 12 in unknown.body["message"]
    assert whole.status == HTTPStatus.OK
    assert whole.body["provenance"]["ledger_commit_hash"] == commit


def rows_commit(repo: LedgerRepo) -> str:
    from dulwich.repo import Repo

    with Repo(str(repo.path)) as git:
        return git.head().decode()


def test_packs_as_of_before_the_pack_was_live_is_refused(executing: Execute) -> None:
    response = executing("performance_history", WINDOW, packs_as_of="2000-01-01T00:00:00Z")
    naive = executing("performance_history", WINDOW, packs_as_of="2024-06-28T18:00:00")

    assert response.status == HTTPStatus.BAD_REQUEST
    assert "packs_as_of" in response.body["message"]
    assert naive.status == HTTPStatus.BAD_REQUEST
    assert "packs_as_of" in naive.body["message"]
