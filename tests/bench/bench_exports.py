"""Exports of a portfolio overview, 5 holdings (the demo's size) and 500: render + sign per
format and upload to S3 (moto over HTTP), each against a floor measured in the same run.

Floors: for CSV a bare ``csv.writer`` of the same long-form rows; for XLSX a bare
xlsxwriter workbook with the same cells and no formats; for PDF bare fpdf2 writing the
same pages alone: the same text lines (read back from our file beforehand) placed one
under the other, and the same charts' paths (the value and TWR lines, the drawdown area,
the decomposition's bars), with no layout, measuring, wrapping or signing; for an upload
a bare ``put_object`` of the same bytes. Ratios only: never a pass or fail on time.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table

from dawsos_core.exports.document import ExportDocument
from dawsos_core.exports.render import CONTENT_TYPES, render
from dawsos_core.exports.statement import statement_of
from dawsos_core.exports.storage import ExportStore
from dawsos_local.aws import LocalAws
from tests.bench.stats import ms, p, timed
from tests.unit.exports.overview import overview_document, sample_watermark

TITLE = "exports of an overview (5 and 500 holdings): CSV, XLSX, PDF against their floors"
KEY = b"bench-watermark-key-" + b"x" * 20
REPEAT = {"csv": 20, "xlsx": 10, "pdf": 10}


def _median(fn: Callable[[], object], repeat: int) -> float:
    return p(timed(fn, repeat, warmup=2), 50)


def _bare_csv(doc: ExportDocument) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for table in doc.tables:
        for i, row in enumerate(table.rows):
            for column, value in zip(table.columns, row, strict=True):
                writer.writerow((table.name, i, column, value))
    return out.getvalue().encode()


def _bare_xlsx(doc: ExportDocument) -> bytes:
    import xlsxwriter  # type: ignore[import-untyped]

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    ws = book.add_worksheet("Summary")
    for i, (key, value) in enumerate(doc.summary):
        ws.write(i, 0, key)
        ws.write(i, 1, value)
    for n, table in enumerate(doc.tables):
        ws = book.add_worksheet(f"t{n}")
        ws.write_row(0, 0, table.columns)
        for i, row in enumerate(table.rows, start=1):
            ws.write_row(i, 0, row)
    book.close()
    return out.getvalue()


def _pages_text(data: bytes) -> list[list[str]]:
    import pypdf

    return [page.extract_text().splitlines() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def _bare_pdf(pages: list[list[str]], doc: ExportDocument) -> bytes:
    """The same pages written alone: their lines, then the charts' paths on pages 1-2."""
    from fpdf import FPDF

    statement = statement_of(doc)
    assert statement is not None
    assert statement.series is not None
    series = statement.series
    n = len(series.value)

    def line(values: list[float], top: float, height: float) -> list[tuple[float, float]]:
        lo, hi = min(values), max(values)
        return [
            (15 + 180 * i / (n - 1), top + height - (v - lo) / (hi - lo or 1) * height)
            for i, v in enumerate(values)
        ]

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    for number, lines in enumerate(pages):
        pdf.add_page()
        pdf.set_font("helvetica", "", 7)
        for i, text in enumerate(lines):
            pdf.text(14, 12 + 3.5 * (i % 78), text.encode("latin-1", "replace").decode("latin-1"))
        if number == 0:
            pdf.polyline(line(series.value, 110, 50))
        if number == 1:
            pdf.polyline(line(series.value, 30, 60))
            pdf.polyline(line(series.cumulative_twr, 100, 50))
            pdf.polygon(line(series.drawdown, 100, 50), style="F")
            for i, (_, _, v) in enumerate(statement.effects):
                pdf.rect(60, 160 + 6 * i, max(abs(v) * 1000, 0.2), 4, style="F")
    return bytes(pdf.output())


def run(console: Console) -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request
    aws = LocalAws("dawsos-bench-exports").start()
    results = Table(
        "holdings", "format", "render + sign", "floor", "ratio", "upload", "bare put", "size"
    )
    try:
        client = aws.client()
        store = ExportStore(aws.bucket, endpoint_url=aws.endpoint_url, client=client)
        for holdings in (5, 500):
            doc = overview_document(holdings)
            for export_format in ("csv", "xlsx", "pdf"):
                watermark = sample_watermark(export_format)
                data = render(doc, watermark, export_format, KEY)
                floor_fn: Callable[[], Any]
                if export_format == "csv":
                    floor_fn = lambda d=doc: _bare_csv(d)  # noqa: E731
                elif export_format == "xlsx":
                    floor_fn = lambda d=doc: _bare_xlsx(d)  # noqa: E731
                else:
                    pages = _pages_text(data)
                    floor_fn = lambda d=doc, t=pages: _bare_pdf(t, d)  # noqa: E731
                repeat = REPEAT[export_format]
                rendering = _median(
                    lambda d=doc, w=watermark, f=export_format: render(d, w, f, KEY), repeat
                )
                floor = _median(floor_fn, repeat)
                upload = _median(
                    lambda d=data, f=export_format: store.put(
                        f"bench.{f}", d, content_type=CONTENT_TYPES[f], sha256="0" * 64
                    ),
                    repeat,
                )
                bare = _median(
                    lambda d=data: client.put_object(Bucket=aws.bucket, Key="bare", Body=d),
                    repeat,
                )
                results.add_row(
                    str(holdings),
                    export_format,
                    ms(rendering),
                    ms(floor),
                    f"{rendering / floor:.2f}x",
                    ms(upload),
                    ms(bare),
                    f"{len(data) / 1024:,.0f} KiB",
                )
    finally:
        aws.stop()
    console.print(results)
    console.print(
        "ratio: our render + sign over the floor of the same run (CSV: a bare csv.writer of "
        "the rows; XLSX: bare xlsxwriter cells; PDF: bare fpdf2 writing the same lines and "
        "chart paths). Warm renders, median; the cold first file is in bench_cold_start."
    )
