"""Income and cost classes declared in an account's open directive (``income-class``
metadata) for the names the classification does not read: the brokerage's books with its
internal accounts renamed (Payout, Coupons, Trading) and declared, and one whose name says
interest declared "none", decompose exactly as the original books do by name, and equal the
independent computation (tests/oracles/decomposition.py) on the renamed books."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from dawsos_core.analytics.attribution import COSTS, INCOME
from dawsos_core.db.connection import Database
from dawsos_core.errors import LedgerInvalid
from dawsos_core.ledger.rows import extract_rows
from dawsos_core.portfolios import PortfolioSpec, create_portfolio
from dawsos_core.valuations import portfolio_performance
from tests.integration.analytics.test_decomposition_oracle import (
    ACCOUNTS,
    END,
    INTERNAL,
    LEDGER,
    START,
    WITHIN,
)
from tests.integration.conftest import backfill_ecb, synced_database
from tests.oracles.decomposition import reference_decomposition

RENAMED = {  # the original account -> its new name and the class its metadata declares
    "Income:Broker:CORA:Dividend": ("Income:Broker:CORA:Payout", "dividends"),
    "Income:Broker:Interest": ("Income:Broker:Coupons", "interest"),
    "Expenses:Broker:Commissions": ("Expenses:Broker:Trading", "commissions"),
    "Income:Broker:Promotion": ("Income:Broker:Interest:Promotion", "none"),  # stays other
}


def renamed_books() -> str:
    text = LEDGER.read_text()
    for old, (new, declared) in RENAMED.items():
        opened = next(line for line in text.splitlines() if f" open {old} " in line)
        text = text.replace(opened, f'{opened}\n  income-class: "{declared}"')
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def declared(
    pg_admin_url: str, template_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, Path]]:
    root = tmp_path_factory.mktemp("declared") / "ledger"
    with synced_database(
        pg_admin_url, template_database, root, {"main.beancount": renamed_books()}
    ) as (db, _url):
        create_portfolio(
            db,
            PortfolioSpec(
                id="declared",
                owner_sub="broker",
                account_prefixes=ACCOUNTS,
                internal_prefixes=INTERNAL,
                base_currency="USD",
            ),
        )
        backfill_ecb(db, START, END, today=dt.date(2025, 7, 1))
        yield db, root / "main.beancount"


def test_declared_classes_decompose_as_the_names_did_and_as_the_reference(
    declared: tuple[Database, Path],
) -> None:
    db, books = declared
    ours = portfolio_performance(db, "declared", START, END, policy="ECB").attribution
    by_name = reference_decomposition(LEDGER, ACCOUNTS, INTERNAL, "USD", START, END)
    by_declaration = reference_decomposition(books, ACCOUNTS, INTERNAL, "USD", START, END)

    for name in (*INCOME, *COSTS):
        assert getattr(by_declaration.portfolio, name) == pytest.approx(
            getattr(by_name.portfolio, name), abs=1e-15
        ), name  # the renamed books' classes are the original's
        assert ours.by_class[name] == pytest.approx(
            getattr(by_declaration.portfolio, name), abs=WITHIN
        ), name
    assert ours.by_class["interest"] != 0  # the coupons count, the promotion does not
    assert ours.other == pytest.approx(by_declaration.portfolio.other, abs=WITHIN)
    assert ours.by_holding["CORA"]["dividends"] == pytest.approx(
        by_declaration.holdings["CORA"].dividends, abs=WITHIN
    )


@pytest.mark.parametrize(
    ("directive", "says"),
    [
        ('2025-01-02 open Income:Broker:Payout USD\n  income-class: "gifts"', "use one of"),
        (
            '2025-01-02 open Assets:Broker:Cash USD\n  income-class: "interest"',
            "classifies Income and Expenses accounts only",
        ),
    ],
    ids=["unknown_class", "not_internal"],
)
def test_a_declared_class_that_cannot_be_is_refused_naming_the_account(
    tmp_path: Path, directive: str, says: str
) -> None:
    from beancount import loader

    (tmp_path / "main.beancount").write_text(directive + "\n")
    entries, _, _ = loader.load_file(str(tmp_path / "main.beancount"))

    with pytest.raises(LedgerInvalid) as refused:
        extract_rows(entries, tmp_path)

    (issue,) = refused.value.issues
    assert issue.startswith("main.beancount:1: income-class")
    assert says in issue
