"""Display precision of the human formats."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dawsos_core.exports.numbers import MISSING, money, percent, rate, shown, units


@pytest.mark.parametrize(
    ("shown_text", "expected"),
    [
        (money(Decimal("82601.34829752953")), "82,601.35"),
        (money(Decimal("-0.001"), signed=True), "0.00"),
        (money(Decimal("4918.935"), signed=True), "+4,918.94"),
        (money(None), MISSING),
        (percent(0.07269722157848046), "7.27%"),
        (percent(-0.00266, signed=True), "-0.27%"),
        (percent(3e-18, signed=True), "0.00%"),
        (percent(0.0001410353, places=3, signed=True), "+0.014%"),
        (rate(Decimal("1.39688506981740064447")), "1.396885"),
        (units(Decimal("8204.90")), "8,204.90"),
        (units(Decimal("53")), "53"),
        (shown("percent", "0.5"), "50.00%"),
        (shown("text", "2026-10-30"), "2026-10-30"),
        (shown("amount", None), MISSING),
    ],
)
def test_figures_show_at_display_precision(shown_text: str, expected: str) -> None:
    assert shown_text == expected
