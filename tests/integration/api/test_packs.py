"""GET /v1/packs and /v1/packs/{id}: the packs newest first, filtered and bounded, and one
pack's fixings with the prices of what the caller's own books name, never the rest of the
instrument universe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from http import HTTPStatus

import pytest

from tests.conftest import ApiResponse
from tests.integration.api.conftest import Execute

Call = Callable[..., ApiResponse]


def _packs(call_api: Call, query: str = "", sub: str = "alice") -> ApiResponse:
    return call_api("execute", "GET", "/v1/packs", query=query, sub=sub)


def _pack(call_api: Call, pack_id: str, sub: str = "alice") -> ApiResponse:
    return call_api(
        "execute", "GET", f"/v1/packs/{pack_id}", sub=sub, path_parameters={"pack_id": pack_id}
    )


def test_packs_are_listed_newest_first_and_filtered(executing: Execute, call_api: Call) -> None:
    every = _packs(call_api)
    window = _packs(call_api, "from=2024-06-19&to=2024-06-21&policy=ECB")
    three = _packs(call_api, "limit=3")

    assert every.status == window.status == three.status == HTTPStatus.OK, every.body
    dates = [p["date"] for p in every.body["packs"]]
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == 10  # the fixture's two weeks of weekdays
    assert [p["date"] for p in window.body["packs"]] == ["2024-06-21", "2024-06-20", "2024-06-19"]
    assert [p["pack_id"] for p in three.body["packs"]] == [
        p["pack_id"] for p in every.body["packs"][:3]
    ]
    assert all(p["status"] == "fresh" for p in every.body["packs"])
    assert every.body["attributions"] == [
        {"source": "ECB", "text": "Foreign exchange reference rates: European Central Bank"}
    ]
    # as of Friday 2024-06-28 18:00 London: that day's pack is the expected one
    assert every.body["expected_date"] == "2024-06-28"
    ages = {p["date"]: p["age_days"] for p in every.body["packs"]}
    assert (ages["2024-06-28"], ages["2024-06-27"], ages["2024-06-21"]) == (0, 1, 7)
    assert all(
        ages[p["date"]] == (dt.date(2024, 6, 28) - dt.date.fromisoformat(p["date"])).days
        for p in every.body["packs"]
    )


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("policy=ecb", "policy"),
        ("from=2024-06-21&to=2024-06-19", "from"),
        ("from=yesterday", "from"),
    ],
)
def test_a_bad_listing_filter_is_a_400_naming_it(
    executing: Execute, call_api: Call, query: str, named: str
) -> None:
    response = _packs(call_api, query)

    assert response.status == HTTPStatus.BAD_REQUEST, response.body
    assert named in response.body["message"]


def test_a_pack_shows_its_fixings_and_the_prices_of_the_callers_books(
    executing: Execute, call_api: Call
) -> None:
    latest = _packs(call_api, "limit=1").body["packs"][0]

    response = _pack(call_api, latest["pack_id"])

    assert response.status == HTTPStatus.OK, response.body
    body = response.body
    assert body["pack"]["pack_id"] == latest["pack_id"]
    assert [p["commodity"] for p in body["prices"]] == ["ACME"]
    assert body["prices"][0]["price"] == "103.25"  # the ledger's 2024-06-28 price, exact
    fixed = {f["currency"]: f for f in body["fixings"]}
    assert {"USD", "CAD"} <= set(fixed)
    assert all(f["pivot"] == "EUR" and f["quoted"] == "per_pivot" for f in fixed.values())
    assert {a["source"] for a in body["attributions"]} >= {"ECB"}


def test_another_tenant_sees_the_fixings_but_none_of_the_prices(
    executing: Execute, call_api: Call
) -> None:
    latest = _packs(call_api, "limit=1").body["packs"][0]

    theirs = _pack(call_api, latest["pack_id"], sub="mallory")

    assert theirs.status == HTTPStatus.OK, theirs.body
    assert theirs.body["prices"] == []  # alice's ACME is hers to see, not mallory's
    assert theirs.body["fixings"]


def test_an_unknown_or_malformed_pack_id_is_refused(executing: Execute, call_api: Call) -> None:
    unknown = _pack(call_api, "PP_ECB_2024-06-28_000000000000")
    malformed = _pack(call_api, "PP;DROP")

    assert unknown.status == HTTPStatus.NOT_FOUND
    assert "PP_ECB_2024-06-28_000000000000" in unknown.body["message"]
    assert malformed.status == HTTPStatus.BAD_REQUEST
