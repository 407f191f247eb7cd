"""Kinds of figures by name, and reading order."""

from __future__ import annotations

import pytest

from dawsos_core.exports.columns import as_date, kind_of, reading_order, row_kinds


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("weight", "percent"),
        ("metrics.twr", "percent"),
        ("unrealised_gain_pct", "percent"),
        ("metrics.sharpe", "ratio"),
        ("valuation.value_base", "amount"),
        ("cost.USD", "amount"),
        ("fx_rate", "rate"),
        ("units", "units"),
        ("metrics.returns", "count"),
        ("commodity", "text"),
    ],
)
def test_a_figure_is_of_the_kind_its_name_says(name: str, kind: str) -> None:
    assert kind_of(name) == kind


def test_reading_order_is_stable_for_names_it_does_not_know() -> None:
    stored = ["weight", "zeta", "value_base", "commodity", "alpha_note", "cost.USD", "units"]

    assert reading_order(stored) == [
        "commodity",
        "units",
        "value_base",
        "cost.USD",
        "weight",
        "zeta",
        "alpha_note",
    ]


def test_a_map_of_figures_takes_its_kind_from_the_key() -> None:
    assert row_kinds("attribution.by_class", ("key", "value"), ("dividends", 0.1)) == [
        "text",
        "percent",
    ]
    assert row_kinds("t", ("commodity", "value"), ("A", 1.0)) == ["text", "amount"]


def test_only_a_real_iso_date_is_a_date() -> None:
    assert as_date("2026-10-30") is not None
    assert as_date("2026-02-30") is None
    assert as_date("2026-10-30T18:00:00Z") is None
