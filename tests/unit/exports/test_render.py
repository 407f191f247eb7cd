"""Each format, read back by an independent reader (csv, json, openpyxl, pypdf), holds the
answer's figures, the attributions and the watermark, and verifies as signed."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections import defaultdict
from decimal import Decimal

import pytest

from dawsos_core.exports.document import ExportDocument
from dawsos_core.exports.render import render
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
    assert "Provenance" in book.sheetnames
    holdings = book["valuation.holdings"]
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


def test_pdf_has_the_chart_tables_and_the_mark_on_every_page(
    document: ExportDocument, watermark: Watermark
) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(rendered(document, watermark, "pdf")))

    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for text in pages:
        assert f"DawsOS export {watermark.export_id}" in text
    everything = "\n".join(pages)
    for heading in (
        "Value and time-weighted return",
        "valuation.holdings",
        "attribution.by_holding",
        "Provenance",
        "Attributions",
    ):
        assert heading in everything
    assert "SYM0006" in everything
    assert sum(len(page.images) for page in reader.pages) == 1
    assert reader.metadata is not None
    assert str(reader.metadata["/Keywords"]).startswith("DAWSOS-WM1.")


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
