from __future__ import annotations

import pytest

from dawsos_core.exports.document import ExportDocument
from dawsos_core.exports.watermark import Watermark
from tests.unit.exports.overview import overview_document, sample_watermark

KEY = b"k" * 40


@pytest.fixture
def document() -> ExportDocument:
    return overview_document(7)


@pytest.fixture
def watermark() -> Watermark:
    return sample_watermark()
