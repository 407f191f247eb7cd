"""Currency attribution (base CAD) per holding and for the portfolio, Carino-linked.

Per holding and day: r_L the local price return, r_X the change in base units per foreign
unit, r_B = r_L + r_X + r_L * r_X. Portfolio effects weight each by the holding's base value
at the start of the day. Over the window each day's effects are scaled by Carino factors
k_t / k, with k_t = ln(1 + R_t) / R_t and k = ln(1 + T) / T (1 when the return is 0), so
local + fx + interaction equals the window's total T = prod(1 + R_t) - 1 exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dawsos_core.analytics.returns import Floats


def carino_factor(r: Floats | float) -> Floats:
    r = np.asarray(r, dtype=np.float64)
    small = np.abs(r) < 1e-12
    safe = np.where(small, 1.0, r)
    return np.where(small, 1.0 - r / 2.0, np.log1p(safe) / safe)  # limit 1 - r/2 near 0


@dataclass(frozen=True)
class Attribution:
    local: float
    fx: float
    interaction: float
    total: float
    by_holding: dict[str, dict[str, float]]


def currency_attribution(
    commodities: list[str], weights: Floats, local_returns: Floats, fx_returns: Floats
) -> Attribution:
    """``weights``, ``local_returns`` and ``fx_returns`` are (days, holdings) arrays: start-of-day
    base weights and each day's local and FX returns of each holding."""
    weighted_local = weights * local_returns
    weighted_fx = weights * fx_returns
    weighted_inter = weighted_local * fx_returns
    local_d = weighted_local.sum(axis=1)
    fx_d = weighted_fx.sum(axis=1)
    inter_d = weighted_inter.sum(axis=1)
    daily = local_d + fx_d + inter_d
    total = float(np.prod(1.0 + daily) - 1.0)
    scale = carino_factor(daily) / float(carino_factor(total))
    # One matrix-vector product per effect links every holding's daily effects at once.
    local_h, fx_h, inter_h = scale @ weighted_local, scale @ weighted_fx, scale @ weighted_inter
    per = {
        c: {
            "local": float(local_h[i]),
            "fx": float(fx_h[i]),
            "interaction": float(inter_h[i]),
            "total": float(local_h[i] + fx_h[i] + inter_h[i]),
        }
        for i, c in enumerate(commodities)
    }
    return Attribution(
        local=float((scale * local_d).sum()),
        fx=float((scale * fx_d).sum()),
        interaction=float((scale * inter_d).sum()),
        total=total,
        by_holding=per,
    )
