"""An answer becomes summary rows and tables, the same for every format."""

from __future__ import annotations

import pytest

from dawsos_core.exports.document import ExportDocument, display


def test_records_become_tables_and_series_one_table(document: ExportDocument) -> None:
    holdings = document.table("valuation.holdings")
    positions = document.table("positions.positions")
    chart = document.table("chart")
    by_holding = document.table("attribution.by_holding")

    assert len(holdings.rows) == len(positions.rows) == len(by_holding.rows) == 7
    assert "cost.USD" in positions.columns
    assert chart.columns == (
        "dates",
        "value",
        "cumulative_twr",
        "drawdown",
        "flow_in",
        "flow_out",
    )
    assert len(chart.rows) == 253
    assert by_holding.columns[0] == "key"


def test_sections_and_columns_come_in_reading_order(document: ExportDocument) -> None:
    """Stored answers are alphabetical; a document reads valuation first and a holding from
    its name through its value, cost and gain to its weight."""
    holdings = document.table("valuation.holdings")

    assert holdings.columns == (
        "commodity",
        "units",
        "price",
        "price_currency",
        "value_local",
        "fx_rate",
        "value_base",
        "cost",
        "cost_currency",
        "cost_base",
        "unrealised_gain_base",
        "unrealised_gain_pct",
        "weight",
    )
    assert document.summary[0][0].startswith("valuation.")
    sections = [name.split(".")[0] for name, _ in document.summary]
    assert sections.index("metrics") < sections.index("attribution")
    assert next(t.name for t in document.tables) == "valuation.holdings"


def test_scalars_keep_their_stored_form(document: ExportDocument) -> None:
    summary = dict(document.summary)

    assert summary["valuation.value_base"] == document.result["valuation"]["value_base"]
    assert summary["metrics.twr"] == document.result["metrics"]["twr"]
    assert summary["metrics.conventions.linking"] == "Carino"
    assert dict(document.provenance)["sources"] == "ECB; Internal"
    assert document.chart is not None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("75616.92294844253490870032223", "75616.922948"),
        ("10539.58", "10539.58"),
        (0.07272260477911119, "0.072723"),
        (252, "252"),
        (None, ""),
        (True, "yes"),
        ("2026-10-30", "2026-10-30"),
        ("-0.0000004", "0"),
    ],
)
def test_display_rounds_to_six_places_only_for_reading(value: object, shown: str) -> None:
    assert display(value) == shown  # type: ignore[arg-type]
