"""An overview answer read as a statement: fixed order, typed figures, totals from the
holdings' own decimals."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from dawsos_core.exports.document import ExportDocument, build_document
from dawsos_core.exports.statement import EFFECTS, statement_of


def test_effects_come_in_the_fixed_order_whatever_the_stored_one(
    document: ExportDocument,
) -> None:
    shuffled = dict(sorted(document.result["attribution"].items(), reverse=True))
    doc = dataclasses.replace(document, result={**document.result, "attribution": shuffled})

    statement = statement_of(doc)

    assert statement is not None
    assert [key for key, _, _ in statement.effects] == [key for key, _ in EFFECTS]
    assert statement.effects[-1][1] == "Total return (TWR)"
    assert statement.effects[-1][2] == document.result["attribution"]["total"]


def test_holdings_by_weight_and_totals_from_their_decimals(document: ExportDocument) -> None:
    statement = statement_of(document)

    assert statement is not None
    weights = [h.weight for h in statement.holdings]
    assert weights == sorted(weights, reverse=True)
    holdings = document.result["valuation"]["holdings"]
    cost = sum(Decimal(h["cost_base"]) for h in holdings)
    assert statement.cost_base == cost
    assert statement.gain_base == Decimal(document.result["valuation"]["value_base"]) - cost
    assert statement.series is not None
    assert sum(statement.series.flow_in) == 5000.0


def test_an_answer_without_cost_has_no_gain_and_other_answers_no_statement(
    document: ExportDocument,
) -> None:
    valuation = document.result["valuation"]
    bare = [
        {k: v for k, v in h.items() if "cost" not in k and "unrealised" not in k}
        for h in valuation["holdings"]
    ]
    older = dataclasses.replace(
        document,
        result={**document.result, "valuation": {**valuation, "holdings": bare}},
    )
    other = build_document(
        pattern_id="allocation",
        inputs={},
        result={"allocation": {"by": "commodity", "weights": {"A": 0.6, "B": 0.4}}},
        provenance={},
        attributions=[],
    )

    statement = statement_of(older)
    assert statement is not None
    assert (statement.cost_base, statement.gain_base, statement.gain_pct) == (None, None, None)
    assert statement_of(other) is None


def test_income_comes_before_costs_by_class(document: ExportDocument) -> None:
    statement = statement_of(document)

    assert statement is not None
    assert [name for name, _ in statement.by_class] == [
        "Dividends",
        "Interest",
        "Commissions",
        "Fees",
        "Withholding",
    ]
    assert (
        dict(statement.by_class)["Dividends"]
        == document.result["attribution"]["by_class"]["dividends"]
    )
