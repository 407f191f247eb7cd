"""Export of a 500-holding portfolio overview as CSV and as PDF: render (with watermark and
signature) and upload to S3 (moto over HTTP), with file sizes. Floors measured in the same
run: a bare ``csv.writer`` of the same long-form rows, and a bare ``put_object`` of the same
bytes."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from dawsos_core.exports.render import CONTENT_TYPES, render
from dawsos_core.exports.storage import ExportStore
from dawsos_local.aws import LocalAws
from tests.bench.stats import ms, p, timed
from tests.unit.exports.overview import overview_document, sample_watermark

TITLE = "export of a 500-holding overview: CSV and PDF, render and upload"
HOLDINGS = 500
KEY = b"bench-watermark-key-" + b"x" * 20


def _median(fn: Callable[[], object], repeat: int) -> float:
    return p(timed(fn, repeat, warmup=1), 50)


def run(console: Console) -> None:
    doc = overview_document(HOLDINGS)
    watermark = sample_watermark()

    def bare_csv() -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for table in doc.tables:
            for i, row in enumerate(table.rows):
                for column, value in zip(table.columns, row, strict=True):
                    writer.writerow((table.name, i, column, value))
        return out.getvalue().encode()

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto logs every request
    aws = LocalAws("dawsos-bench-exports").start()
    try:
        client = aws.client()
        store = ExportStore(aws.bucket, endpoint_url=aws.endpoint_url, client=client)
        results = Table("format", "render + sign", "upload", "bare put_object", "size")
        ratios = []
        for export_format, repeat in (("csv", 20), ("pdf", 5)):
            data = render(doc, watermark, export_format, KEY)
            rendering = _median(lambda f=export_format: render(doc, watermark, f, KEY), repeat)
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
                export_format, ms(rendering), ms(upload), ms(bare), f"{len(data) / 1024:,.0f} KiB"
            )
            ratios.append((export_format, rendering, upload, bare))
        floor = _median(bare_csv, 20)
    finally:
        aws.stop()
    console.print(results)
    csv_render = ratios[0][1]
    console.print(
        f"CSV render + sign = {csv_render / floor:.2f}x a bare csv.writer of the same rows "
        f"({ms(floor)}); PDF render = {ratios[1][1] / csv_render:.1f}x CSV's"
    )
    for export_format, _, upload, bare in ratios:
        console.print(f"{export_format} upload = {upload / bare:.2f}x a bare put_object")
