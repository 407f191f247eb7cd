"""Each format, read back by an independent reader (csv, json, openpyxl, pypdf), holds the
answer's figures, the attributions and the watermark, and verifies as signed."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from dawsos_core.exports.document import ExportDocument, build_document
from dawsos_core.exports.render import render
from dawsos_core.exports.statement import EFFECTS
from dawsos_core.exports.watermark import Watermark, verify
from tests.unit.exports.conftest import KEY


def rendered(doc: ExportDocument, watermark: Watermark, export_format: str) -> bytes:
    data = render(doc, dataclasses.replace(watermark, format=export_format), export_format, KEY)
    check = verify(data, KEY)
    assert check.authentic, check.reason
    return data


def test_csv_is_one_long_table_with_watermark_and_attributions(
    document: ExportDocument, watermark: Watermark
) -> None:
    rows = list(csv.DictReader(io.StringIO(rendered(document, watermark, "csv").decode())))

    sections: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for row in rows:
        sections[row["section"]][(row["row"], row["column"])] = row["value"]
    assert sections["watermark"][("0", "user")] == watermark.user
    assert sections["watermark"][("0", "token")].startswith("DAWSOS-WM1.")
    assert sections["attribution"][("1", "source")] == "Internal"
    holdings = document.result["valuation"]["holdings"]
    assert sections["valuation.holdings"][("6", "value_base")] == holdings[6]["value_base"]
    for exact in ("cost_base", "unrealised_gain_base"):  # never rounded for display
        assert sections["valuation.holdings"][("6", exact)] == holdings[6][exact]
    gain_pct = sections["valuation.holdings"][("6", "unrealised_gain_pct")]
    assert float(gain_pct) == holdings[6]["unrealised_gain_pct"]
    assert (
        sections["summary"][("0", "valuation.value_base")]
        == (document.result["valuation"]["value_base"])
    )


def test_csv_quotes_text_a_spreadsheet_would_run(
    document: ExportDocument, watermark: Watermark
) -> None:
    doc = dataclasses.replace(document, summary=(("headline", "=HYPERLINK(1)"), ("x", "-0.5")))

    rows = list(csv.DictReader(io.StringIO(rendered(doc, watermark, "csv").decode())))

    summary = {r["column"]: r["value"] for r in rows if r["section"] == "summary"}
    assert summary == {"headline": "'=HYPERLINK(1)", "x": "-0.5"}


def test_json_carries_the_stored_answer_unchanged(
    document: ExportDocument, watermark: Watermark
) -> None:
    body = json.loads(rendered(document, watermark, "json"))

    assert body["result"] == document.result
    assert body["provenance"] == document.raw_provenance
    assert body["watermark"]["export_id"] == watermark.export_id
    assert [a["source"] for a in body["attributions"]] == ["ECB", "Internal"]


def test_xlsx_has_a_sheet_per_table_and_a_provenance_sheet(
    document: ExportDocument, watermark: Watermark
) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(rendered(document, watermark, "xlsx")))

    assert book.sheetnames[0] == "Summary"
    assert book.sheetnames[1] == "Holdings"
    assert book.sheetnames[-1] == "Provenance"
    holdings = book["Holdings"]
    header = [c.value for c in holdings[3]]
    values = [row[header.index("value_base")].value for row in holdings.iter_rows(min_row=4)]
    expected = [float(Decimal(h["value_base"])) for h in document.result["valuation"]["holdings"]]
    assert values == pytest.approx(expected, rel=1e-15)
    provenance = {r[0].value: r[1].value for r in book["Provenance"].iter_rows() if r[0].value}
    assert provenance["user"] == watermark.user
    assert str(provenance["token"]).startswith("DAWSOS-WM1.")
    assert book.properties.keywords == provenance["token"]
    for sheet in book.worksheets:
        assert sheet["A1"].value == watermark.visible_text()


def test_xlsx_columns_read_in_order_with_number_formats_and_real_dates(
    document: ExportDocument, watermark: Watermark
) -> None:
    """Given an overview, the holdings read from name to weight, each figure carries its
    kind's format, and dates are date cells, not text."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(io.BytesIO(rendered(document, watermark, "xlsx")))

    holdings = book["Holdings"]
    header = [c.value for c in holdings[3]]
    assert header[:3] == ["commodity", "units", "price"]
    assert header[-1] == "weight"
    first = {name: cell for name, cell in zip(header, holdings[4], strict=True)}
    assert first["weight"].number_format == "0.00%"
    assert first["unrealised_gain_pct"].number_format == "0.00%"
    assert first["value_base"].number_format == "#,##0.00"
    assert first["cost_base"].number_format == "#,##0.00"
    assert first["fx_rate"].number_format == "0.000000"
    series = book["Daily series"]
    assert [c.value for c in series[3]][:2] == ["dates", "value"]
    day = series["A4"]
    assert day.is_date
    assert day.value.date().isoformat() == document.result["chart"]["dates"][0]
    summary = {r[0].value: r[1] for r in book["Summary"].iter_rows(min_row=2) if r[0].value}
    assert summary["As of"].is_date
    assert summary["Market value (CAD)"].value == pytest.approx(
        float(Decimal(document.result["valuation"]["value_base"])), rel=1e-15
    )
    assert summary["Market value (CAD)"].number_format == "#,##0.00"
    assert summary["Time-weighted return"].number_format == "0.00%"
    assert summary["Time-weighted return"].value == document.result["metrics"]["twr"]
    assert summary["Sharpe ratio"].number_format == "0.00"
    by_class = book["Income and costs"]
    assert by_class["B4"].number_format == "0.00%"  # a map of fractions: the key says so


def _pdf_pages(document: ExportDocument, watermark: Watermark) -> tuple[Any, list[str]]:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(rendered(document, watermark, "pdf")))
    return reader, [page.extract_text() for page in reader.pages]


def test_pdf_has_the_charts_tables_and_the_mark_on_every_page(
    document: ExportDocument, watermark: Watermark
) -> None:
    reader, pages = _pdf_pages(document, watermark)

    assert len(pages) >= 4
    for text in pages:
        assert f"DawsOS export {watermark.export_id}" in text
    everything = "\n".join(pages)
    for heading in (
        "Portfolio statement",
        "Performance, ",
        "Return decomposition",
        "Holdings as of 30 October 2026, in CAD",
        "Return attribution by holding",
        "Provenance",
        "Attributions",
        "Conventions",
    ):
        assert heading in everything
    assert "SYM0006" in everything
    assert sum(len(page.images) for page in reader.pages) == 0  # the charts are vector graphics
    assert reader.metadata is not None
    assert str(reader.metadata["/Keywords"]).startswith("DAWSOS-WM1.")
    assert "Conventions" in pages[-1] or "Conventions" in pages[-2]


def test_pdf_page_one_is_the_summary_at_display_precision(
    document: ExportDocument, watermark: Watermark
) -> None:
    """Page one holds the portfolio, the as-of date, the value in base, the returns and the
    risk as percentages and amounts, not raw keys and fractions."""
    _, pages = _pdf_pages(document, watermark)
    first = pages[0]
    valuation, metrics = document.result["valuation"], document.result["metrics"]
    value = Decimal(valuation["value_base"])

    assert "Portfolio statement" in first
    assert "As of 30 October 2026" in first
    assert "Portfolio p" in first
    assert "base currency CAD" in first
    assert f"CAD {value:,.2f}" in first
    assert f"{100 * metrics['twr']:+.2f}%" in first
    assert f"{100 * metrics['volatility']:.2f}%" in first
    assert f"{metrics['sharpe']:.2f}" in first
    for heading in ("Period returns", "Risk over the window", "Value over the window"):
        assert heading in first
    mtd = next(p for p in document.result["periods"]["periods"] if p["period"] == "MTD")
    assert f"{100 * mtd['twr']:+.2f}%" in first
    assert "attribution.fx" not in first
    assert "valuation.value_base" not in first
    assert str(metrics["twr"]) not in first  # no raw fractions


def test_pdf_shows_a_holding_bought_in_several_currencies_by_its_cost_in_base(
    document: ExportDocument, watermark: Watermark
) -> None:
    valuation = document.result["valuation"]
    first, *rest = valuation["holdings"]
    mixed = {**first, "cost": None, "cost_currency": None}
    result = {**document.result, "valuation": {**valuation, "holdings": [mixed, *rest]}}

    _, pages = _pdf_pages(dataclasses.replace(document, result=result), watermark)
    text = "\n".join(pages).partition("Holdings as of")[2]

    line = next(t for t in text.splitlines() if t.startswith(first["commodity"] + " "))
    assert "several currencies" in line
    assert f"{Decimal(first['cost_base']):,.2f}" in line


def test_pdf_charts_have_the_flows_and_the_effects_in_their_fixed_order(
    document: ExportDocument, watermark: Watermark
) -> None:
    _, pages = _pdf_pages(document, watermark)
    performance = next(
        p for p in pages if p.startswith("portfolio overview") and "Performance" in p
    )

    assert "Value in CAD, external flows marked" in performance
    assert "inflow" in performance
    assert "outflow" in performance  # the fixture's chart has one of each
    assert "cumulative TWR" in performance
    labels = [label for _, label in EFFECTS]
    chart = performance.partition("Return decomposition over the window")[2]
    positions = [chart.index(label) for label in labels]
    assert positions == sorted(positions)
    total = document.result["attribution"]["total"]
    assert f"{100 * total:+.2f}%" in chart


def test_pdf_holdings_show_cost_gain_and_weight_with_totals(
    document: ExportDocument, watermark: Watermark
) -> None:
    _, pages = _pdf_pages(document, watermark)
    text = "\n".join(pages).partition("Holdings as of")[2]  # not page one's largest ones
    holdings = document.result["valuation"]["holdings"]
    biggest = max(holdings, key=lambda h: h["weight"])

    line = next(t for t in text.splitlines() if t.startswith(biggest["commodity"] + " "))
    gain = Decimal(biggest["unrealised_gain_base"])
    for figure in (
        f"{Decimal(biggest['value_base']):,.2f}",
        f"{Decimal(biggest['cost']):,.2f} USD",
        f"{Decimal(biggest['cost_base']):,.2f}",
        f"{gain:+,.2f}",
        f"{100 * biggest['unrealised_gain_pct']:+.2f}%",
        f"{100 * biggest['weight']:.2f}%",
    ):
        assert figure in line, (figure, line)
    total_cost = sum(Decimal(h["cost_base"]) for h in holdings)
    assert "Income and costs by class" in "\n".join(pages)
    total = next(t for t in text.splitlines() if t.startswith("Total ") and "100.00%" in t)
    assert f"{total_cost:,.2f}" in total


def test_pdf_of_another_answer_shows_its_tables_by_kind(watermark: Watermark) -> None:
    doc = build_document(
        pattern_id="allocation",
        inputs={"portfolio_id": "p"},
        result={
            "allocation": {
                "as_of": "2026-10-30",
                "value_base": "1000.504",
                "by_commodity": [
                    {"weight": 0.6, "commodity": "AAA", "value_base": "600.3024"},
                    {"weight": 0.4, "commodity": "BBB", "value_base": "400.2016"},
                ],
            }
        },
        provenance={"pricing_pack_id": "PP_X"},
        attributions=[("Internal", "ledger")],
    )

    _, pages = _pdf_pages(doc, watermark)
    text = "\n".join(pages)

    assert "allocation of p" in pages[0]
    assert "allocation.by_commodity" in text
    assert "AAA 600.30 60.00%" in text  # reading order: name, value, weight
    assert "1,000.50" in text
    assert "Provenance" in text


def test_text_shows_rounded_figures_and_the_token(
    document: ExportDocument, watermark: Watermark
) -> None:
    text = rendered(document, watermark, "txt").decode()

    assert text.splitlines()[1] == watermark.visible_text()
    assert "watermark: DAWSOS-WM1." in text
    assert "News" not in text
    assert "Carino" in text


def test_an_unknown_format_is_refused(document: ExportDocument, watermark: Watermark) -> None:
    with pytest.raises(ValueError, match="unsupported export format 'docx'"):
        render(document, watermark, "docx", KEY)


_IMPORTS = """
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
spec.loader.exec_module(importlib.util.module_from_spec(spec))
from dawsos_core.exports.render import render
from tests.unit.exports.overview import overview_document, sample_watermark
heavy = ("matplotlib", "fpdf", "xlsxwriter", "PIL", "openpyxl")
seen = {"init": [m for m in heavy if m in sys.modules]}
for fmt in ("csv", "json", "txt", "pdf", "xlsx"):
    render(overview_document(3), sample_watermark(fmt), fmt, b"k" * 40)
    seen[fmt] = [m for m in heavy if m in sys.modules]
print(json.dumps(seen))
"""


def test_the_export_function_imports_only_what_a_format_needs(repo_root: Path) -> None:
    """Given a fresh interpreter with the export handler loaded, each format imports its own
    writer when first used, and a PDF never imports a plotting library."""
    out = subprocess.run(
        [sys.executable, "-c", _IMPORTS, str(repo_root / "functions" / "export" / "app.py")],
        check=True,
        capture_output=True,
        text=True,
        cwd=repo_root,
        env={**os.environ, "POWERTOOLS_TRACE_DISABLED": "true"},
    )
    seen = json.loads(out.stdout.splitlines()[-1])

    assert seen["init"] == []
    assert seen["csv"] == seen["json"] == seen["txt"] == []
    assert seen["pdf"] == ["fpdf", "PIL"]  # fpdf2 imports Pillow itself
    assert seen["xlsx"] == ["fpdf", "xlsxwriter", "PIL"]
