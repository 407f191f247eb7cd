"""`dawsos feeds store` as an operator runs it: every provider error on a line of its own
with the provider's code and what to do, and exit status 1."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dawsos_core.db.connection import Database
from dawsos_core.pricing.packs import build_pack
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_local.cli import main
from tests.integration.conftest import FIXTURES, FRI, TODAY, LedgerRepo
from tests.integration.loopback import RoutedProvider, routed_provider

KEY = "abcdefghij0123456789abcdefghij01"


@pytest.fixture
def providers() -> Iterator[RoutedProvider]:
    """FRED knowing DGS10 only, and NewsAPI refusing the key."""
    fred, news = FIXTURES / "fred", FIXTURES / "newsapi"
    with routed_provider() as server:
        daily = ("series_id", "DGS10")
        server.serve("/fred/series", (fred / "series_DGS10.json").read_bytes(), where=daily)
        server.serve(
            "/fred/series/observations",
            (fred / "DGS10_2024-06-18_2024-06-28.json").read_bytes(),
            where=daily,
        )
        unknown = (fred / "error_400_series_does_not_exist.json").read_bytes()
        server.serve("/fred/series", unknown, status=400)
        server.serve(
            "/v2/everything", (news / "error_401_apiKeyInvalid.json").read_bytes(), status=401
        )
        yield server


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    setup: tuple[Database, LedgerRepo],
    database_url: str,
    providers: RoutedProvider,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Run:
    db, _ = setup
    assert build_pack(db, FRI, "ECB", fx=EcbFx(), today=TODAY).status == "fresh"
    for name, value in {
        "DATABASE_URL": database_url,
        "DAWSOS_NOW": "2024-06-28T18:00:00Z",
        "MACRO_SERIES": "DGS10,NOSUCH",
        "FRED_API_KEY": KEY,
        "FRED_URL": f"{providers.url}/fred",
        "NEWSAPI_API_KEY": KEY,
        "NEWSAPI_URL": f"{providers.url}/v2",
        "PROVIDER_RETRIES": "0",
    }.items():
        monkeypatch.setenv(name, value)
    # click 8.1 mixes stderr into stdout unless told not to; 8.2 always separates them.
    separate: dict[str, Any] = (
        {"mix_stderr": False} if "mix_stderr" in inspect.signature(CliRunner).parameters else {}
    )
    runner = CliRunner(**separate)

    def invoke(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, [*args, "--data-dir", str(tmp_path / "data")])
        return result.exit_code, result.stdout, result.stderr

    return invoke


def test_feeds_store_prints_each_providers_code_and_what_to_do(run: Run) -> None:
    code, out, _ = run("feeds", "store", "--date", "2024-06-28")

    assert code == 1
    lines = out.splitlines()
    assert "macro: stored DGS10 8" in lines
    assert (
        "macro: error: FRED NOSUCH: HTTP 400 error_code 400: Bad Request. The series does not"
        " exist. -> check the series id in MACRO_SERIES"
    ) in lines
    (news,) = [line for line in lines if line.startswith("news: error: ")]
    assert news.startswith("news: error: NewsAPI ACME: HTTP 401 apiKeyInvalid: Your API key")
    assert news.endswith("-> check NEWSAPI_API_KEY")
    assert "fundamentals: skipped (no FMP key configured)" in lines
    assert KEY not in out


def test_feeds_store_json_is_the_pack_builders_report(run: Run) -> None:
    code, out, _ = run("feeds", "store", "--date", "2024-06-28", "--json")

    assert code == 1
    report = json.loads(out)
    (error,) = report["macro"]["errors"]
    assert (error["series"], error["provider_code"], error["action"]) == (
        "NOSUCH",
        "400",
        "check the series id in MACRO_SERIES",
    )
    assert report["news"]["errors"][0]["provider_code"] == "apiKeyInvalid"


def test_feeds_store_refuses_a_date_without_a_fresh_pack(run: Run) -> None:
    code, _, err = run("feeds", "store", "--date", "2024-06-27")

    assert code == 2
    assert "no fresh ECB pack for 2024-06-27: build it first" in err
