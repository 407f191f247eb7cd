"""Carino-linked currency attribution sums to the total exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from dawsos_core.analytics.attribution import carino_factor, currency_attribution


@settings(max_examples=300, deadline=None)
@given(
    days=st.integers(1, 60),
    holdings=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_linked_effects_sum_to_the_total(days: int, holdings: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(holdings), size=days)
    local = rng.normal(0, 0.02, size=(days, holdings))
    fx = rng.normal(0, 0.005, size=(days, holdings))

    a = currency_attribution([f"H{i}" for i in range(holdings)], weights, local, fx)

    assert a.local + a.fx + a.interaction == pytest.approx(a.total, abs=1e-10)
    assert sum(h["total"] for h in a.by_holding.values()) == pytest.approx(a.total, abs=1e-10)
    daily = (weights * ((1 + local) * (1 + fx) - 1)).sum(axis=1)
    assert a.total == pytest.approx(float(np.prod(1 + daily) - 1), abs=1e-12)


def test_one_day_needs_no_linking() -> None:
    a = currency_attribution(
        ["VEA", "USD"], np.array([[0.6, 0.4]]), np.array([[0.02, 0.0]]), np.array([[0.01, 0.01]])
    )

    assert a.local == pytest.approx(0.6 * 0.02)
    assert a.fx == pytest.approx(0.01)
    assert a.interaction == pytest.approx(0.6 * 0.02 * 0.01)
    assert a.by_holding["USD"]["local"] == 0.0


@given(arrays(np.float64, 5, elements=st.floats(-0.9, 5.0)))
def test_carino_factor_is_continuous_at_zero(r: np.ndarray) -> None:
    k = carino_factor(r)
    assert np.all(np.isfinite(k))
    assert float(carino_factor(0.0)) == 1.0
    assert float(carino_factor(1e-13)) == pytest.approx(1.0)
