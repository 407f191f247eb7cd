"""Policies and the offline providers: named failures, no silent fallbacks."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from dawsos_core.errors import BadRequest, ProviderError
from dawsos_core.pricing.policies import POLICIES, get_policy
from dawsos_core.pricing.providers.boc import parse_observations
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.pricing.providers.wm4pm import Wm4pmFx

FIXTURES = Path(__file__).parents[2] / "fixtures" / "boc"


def test_policies_name_their_base_and_sources() -> None:
    assert set(POLICIES) == {"ECB_CAD", "BOC_CAD", "WM4PM_CAD"}
    assert {p.base_currency for p in POLICIES.values()} == {"CAD"}
    with pytest.raises(BadRequest, match="unknown pricing policy 'NOPE'"):
        get_policy("NOPE")


def test_ecb_rate_is_crossed_through_eur_and_dated() -> None:
    obs = EcbFx().rate("USD", "CAD", dt.date(2024, 6, 28), 5)

    assert obs is not None
    assert obs.observed_on == dt.date(2024, 6, 28)
    assert Decimal("1.35") < obs.value < Decimal("1.40")
    assert obs.source == "ECB"


def test_ecb_weekend_uses_the_last_fixing_within_the_age_bound() -> None:
    saturday = dt.date(2024, 6, 29)

    obs = EcbFx().rate("USD", "CAD", saturday, 5)

    assert obs is not None
    assert obs.observed_on == dt.date(2024, 6, 28)
    assert EcbFx().rate("USD", "CAD", saturday, 0) is None  # no fallback beyond the bound


def test_ecb_unknown_currency_has_no_rate() -> None:
    assert EcbFx().rate("XYZ", "CAD", dt.date(2024, 6, 28), 5) is None


def test_wm4pm_refuses_without_credentials() -> None:
    with pytest.raises(ProviderError, match="licensed feed"):
        Wm4pmFx(None).rate("USD", "CAD", dt.date(2024, 6, 28), 3)


def test_valet_recorded_response_parses() -> None:
    payload = json.loads((FIXTURES / "FXUSDCAD_2024-06-23_2024-06-28.json").read_text())

    found = parse_observations(payload, "FXUSDCAD")

    assert found[dt.date(2024, 6, 28)] == Decimal("1.3687")
    assert len(found) == 5


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"terms": {}}, "observations"),
        ({"observations": [{"FXUSDCAD": {"v": "1.3"}}]}, r"observations\[0\]\.d"),
        (
            {"observations": [{"d": "2024-06-28", "FXUSDCAD": {"v": "abc"}}]},
            r"observations\[0\]\.FXUSDCAD\.v",
        ),
        ({"observations": [{"d": "2024-06-28", "FXUSDCAD": {"v": "-1"}}]}, "FXUSDCAD.v = -1"),
    ],
)
def test_malformed_valet_payload_names_the_field(payload: object, field: str) -> None:
    with pytest.raises(ProviderError, match=field):
        parse_observations(payload, "FXUSDCAD")
