"""Policies and the offline providers: named failures, no silent fallbacks."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from dawsos_core.errors import BadRequest, MissingObservations, ProviderError
from dawsos_core.pricing.fx import cross_rates
from dawsos_core.pricing.policies import POLICIES, get_policy
from dawsos_core.pricing.providers.boc import parse_observations
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.pricing.providers.wm4pm import Wm4pmFx

FIXTURES = Path(__file__).parents[2] / "fixtures" / "boc"


def test_policies_name_an_fx_source_and_the_old_names_are_aliases() -> None:
    assert set(POLICIES) == {"ECB", "BOC", "WM4PM"}
    assert {(p.name, p.pivot, p.quoted) for p in POLICIES.values()} == {
        ("ECB", "EUR", "per_pivot"),
        ("BOC", "CAD", "in_pivot"),
        ("WM4PM", "USD", "per_pivot"),
    }
    assert [get_policy(n).name for n in ("ECB_CAD", "BOC_CAD", "WM4PM_CAD")] == [
        "ECB",
        "BOC",
        "WM4PM",
    ]
    with pytest.raises(BadRequest, match=r"unknown pricing policy 'NOPE'.*ECB \(or ECB_CAD\)"):
        get_policy("NOPE")


def test_ecb_fixings_are_its_own_figures_per_euro_and_dated() -> None:
    fixings = EcbFx().fixings(["USD"], dt.date(2024, 6, 28), 5)

    usd = fixings["USD"]
    assert usd.observed_on == dt.date(2024, 6, 28)
    assert usd.value == Decimal("1.0705")  # the ECB's figure: USD per EUR
    assert usd.source == "ECB"
    assert {"GBP", "CAD", "JPY"} <= set(fixings)  # every currency fixed that day
    assert "EUR" not in fixings  # the pivot has no fixing


def test_ecb_weekend_uses_the_last_fixing_within_the_age_bound() -> None:
    saturday = dt.date(2024, 6, 29)

    assert EcbFx().fixings(["USD"], saturday, 5)["USD"].observed_on == dt.date(2024, 6, 28)
    assert EcbFx().fixings(["USD"], saturday, 0) == {}  # no fallback beyond the bound


def test_ecb_publishes_what_it_fixes_and_not_other_codes() -> None:
    published = EcbFx().publishes()

    assert {"EUR", "USD", "GBP", "CAD"} <= published
    assert "XYZ" not in published
    assert "XYZ" not in EcbFx().fixings(["XYZ"], dt.date(2024, 6, 28), 5)


def test_wm4pm_refuses_without_credentials() -> None:
    with pytest.raises(ProviderError, match="licensed feed"):
        Wm4pmFx(None).fixings(["USD"], dt.date(2024, 6, 28), 3)


def test_crossing_fixings_to_a_base() -> None:
    per_euro = {"USD": Decimal("1.0705"), "CAD": Decimal("1.4670"), "GBP": Decimal("0.84638")}

    cad = cross_rates(per_euro, "EUR", "per_pivot", "CAD")
    usd = cross_rates(per_euro, "EUR", "per_pivot", "USD")
    in_cad = cross_rates({"USD": Decimal("1.3687")}, "CAD", "in_pivot", "USD")

    assert cad["USD"] == Decimal("1.4670") / Decimal("1.0705")
    assert cad["EUR"] == Decimal("1.4670")
    assert cad["CAD"] == 1
    assert usd["GBP"] == Decimal("1.0705") / Decimal("0.84638")
    assert in_cad["CAD"] == 1 / Decimal("1.3687")
    assert in_cad["USD"] == 1
    with pytest.raises(MissingObservations, match="no JPY fixing"):
        cross_rates(per_euro, "EUR", "per_pivot", "JPY")


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
