"""The canonical text an execution's result hash is computed over."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dawsos_core.execution import canonical_json

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30,
)


@given(json_values)
def test_reads_back_to_the_same_value_and_is_its_own_canonical_form(value: object) -> None:
    text = canonical_json(value)
    assert json.loads(text) == value
    assert canonical_json(json.loads(text)) == text


def test_equal_values_give_equal_text_whatever_the_insertion_order() -> None:
    assert canonical_json({"b": 1, "a": [1.5, {"d": 2, "c": 3}]}) == canonical_json(
        {"a": [1.5, {"c": 3, "d": 2}], "b": 1}
    )


def test_no_whitespace_and_non_ascii_kept_as_utf8() -> None:
    assert canonical_json({"b": [1, 2.5], "a": "Zürich"}) == '{"a":"Zürich","b":[1,2.5]}'


def test_dates_are_iso_text() -> None:
    assert canonical_json({"as_of": dt.date(2026, 10, 30)}) == '{"as_of":"2026-10-30"}'


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
@pytest.mark.parametrize(
    "where",
    [
        lambda x: x,
        lambda x: {"metrics": {"sharpe": x}},
        lambda x: {"series": [0.1, 0.2, x, 0.3]},
        lambda x: [{"value": 1.0}, {"value": x}],
        lambda x: {"rows": [[1, "a", x]]},
    ],
)
def test_a_non_finite_number_anywhere_is_refused(bad: float, where: object) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        canonical_json(where(bad))  # type: ignore[operator]


def test_finite_numbers_whose_sum_overflows_are_accepted() -> None:
    value = {"series": [1e308, 1e308, -1e308], "big": [2**70, 1.0]}
    assert json.loads(canonical_json({"series": value["series"]})) == {"series": value["series"]}
    with pytest.raises(TypeError):  # an integer beyond 64 bits is not canonical JSON here
        canonical_json({"big": value["big"]})


any_floats = st.recursive(
    st.none() | st.floats() | st.text(max_size=8) | st.just("null"),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=4), children, max_size=6)
    ),
    max_leaves=25,
)


def _has_non_finite(value: object) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(v) for v in value)
    return False


@given(any_floats)
def test_refused_exactly_when_a_non_finite_number_is_somewhere(value: object) -> None:
    if _has_non_finite(value):
        with pytest.raises(ValueError, match="non-finite"):
            canonical_json(value)
    else:
        assert json.loads(canonical_json(value)) == value
