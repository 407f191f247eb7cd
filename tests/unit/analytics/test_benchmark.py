"""Benchmark comparison figures equal empyrical-reloaded's on the same returns."""

from __future__ import annotations

import empyrical
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dawsos_core.analytics.benchmark import compare
from dawsos_core.analytics.risk import daily_risk_free


def _same(ours: float | None, theirs: float) -> bool:
    """Equal within 1e-9, or null where empyrical has NaN (no day of the kind)."""
    if np.isnan(theirs):
        return ours is None
    return ours is not None and abs(ours - theirs) <= 1e-9 * max(1.0, abs(theirs))


@settings(max_examples=200, deadline=None)
@given(days=st.integers(5, 600), seed=st.integers(0, 2**32 - 1), rf=st.sampled_from([0.0, 0.03]))
def test_beta_alpha_tracking_error_and_captures_equal_empyrical(
    days: int, seed: int, rf: float
) -> None:
    rng = np.random.default_rng(seed)
    b = rng.normal(0.0004, 0.011, days)
    r = 0.8 * b + rng.normal(0.0001, 0.004, days)
    rf_d = daily_risk_free(rf)

    ours = compare(r, b, rf)

    assert ours.beta == pytest.approx(empyrical.beta(r, b, rf_d), abs=1e-9)
    assert ours.alpha == pytest.approx(empyrical.alpha(r, b, rf_d), abs=1e-9)
    te = np.std(r - b, ddof=1) * np.sqrt(252)
    assert ours.tracking_error == pytest.approx(te, abs=1e-12)
    info = empyrical.excess_sharpe(r, b) * np.sqrt(252)
    assert ours.information_ratio == pytest.approx(info, abs=1e-9)
    assert _same(ours.up_capture, empyrical.up_capture(r, b))
    assert _same(ours.down_capture, empyrical.down_capture(r, b))
    assert ours.correlation == pytest.approx(float(np.corrcoef(r, b)[0, 1]), abs=1e-12)
    twr_b = empyrical.cum_returns_final(b)
    assert ours.benchmark_twr == pytest.approx(twr_b, abs=1e-12)
    assert ours.excess_return == pytest.approx(empyrical.cum_returns_final(r) - twr_b, abs=1e-12)


def test_one_return_has_no_risk_figures() -> None:
    ours = compare(np.array([0.01]), np.array([0.02]))

    assert ours.excess_return == pytest.approx(-0.01)
    assert ours.beta is None
    assert ours.tracking_error is None


def test_a_flat_benchmark_has_no_beta_and_no_capture() -> None:
    ours = compare(np.array([0.01, -0.02, 0.005]), np.zeros(3))

    assert ours.beta is None
    assert ours.alpha is None
    assert ours.up_capture is None
    assert ours.down_capture is None
    assert ours.tracking_error is not None
