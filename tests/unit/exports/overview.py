"""A portfolio_overview answer in the stored shape, with any number of holdings.

Seeded, so the same holdings count always gives the same answer; used by the export tests
and the export benchmark (500 holdings).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np

from dawsos_core.analytics.conventions import CONVENTIONS
from dawsos_core.analytics.unrealised import UNREALISED_GAIN_CONVENTION
from dawsos_core.calendar import weekdays
from dawsos_core.exports.document import ExportDocument, build_document
from dawsos_core.exports.watermark import Watermark
from dawsos_core.rights.registry import load_registry

END = dt.date(2026, 10, 30)


def synthetic_overview(holdings: int, *, days: int = 253) -> dict[str, Any]:
    rng = np.random.default_rng(holdings)
    symbols = [f"SYM{i:04d}" for i in range(holdings)]
    units = rng.integers(1, 500, holdings)
    prices = rng.uniform(5, 900, holdings).round(2)
    fx = Decimal("1.396885069817400644468313641")
    values = [Decimal(int(u)) * Decimal(str(p)) * fx for u, p in zip(units, prices, strict=True)]
    total = sum(values, Decimal(0))
    costs = [
        (Decimal(int(u)) * Decimal(str(p)) * Decimal(str(c))).quantize(Decimal("0.01"))
        for u, p, c in zip(units, prices, rng.uniform(0.7, 1.2, holdings), strict=True)
    ]
    dates = list(weekdays(END - dt.timedelta(days=int(days * 1.45)), END))[-days:]
    returns = rng.normal(0.0003, 0.006, days - 1)
    wealth = np.concatenate(([1.0], np.cumprod(1 + returns)))
    by_holding = {
        s: {
            "fx": float(a),
            "local": float(b),
            "total": float(a + b + a * b),
            "interaction": float(a * b),
        }
        for s, a, b in zip(
            symbols, rng.normal(0, 1e-3, holdings), rng.normal(0, 3e-3, holdings), strict=True
        )
    }
    return {
        "positions": {
            "date": END.isoformat(),
            "unpriced": [],
            "positions": [
                {
                    "cash": False,
                    "cost": {"USD": str(c)},
                    "units": str(u),
                    "commodity": s,
                    "last_price_date": END.isoformat(),
                }
                for s, u, c in zip(symbols, units, costs, strict=True)
            ],
            "portfolio_id": "p",
            "base_currency": "CAD",
            "ledger_commit_hash": "6593df4df08683897caf7e31bd269023211e5df6",
        },
        "valuation": {
            "as_of": END.isoformat(),
            "holdings": [
                {
                    "price": f"{p:.2f}",
                    "units": str(u),
                    "weight": float(v / total),
                    "fx_rate": str(fx),
                    "commodity": s,
                    "value_base": str(v),
                    "value_local": f"{p * u:.2f}",
                    "price_currency": "USD",
                    "cost": str(c),
                    "cost_currency": "USD",
                    "cost_base": str(c * fx),
                    "unrealised_gain_base": str(v - c * fx),
                    "unrealised_gain_pct": float((v - c * fx) / (c * fx)),
                }
                for s, u, p, v, c in zip(symbols, units, prices, values, costs, strict=True)
            ],
            "conventions": {"unrealised_gain": UNREALISED_GAIN_CONVENTION},
            "value_base": str(total),
            "portfolio_id": "p",
            "base_currency": "CAD",
            "pricing_pack_id": "PP_ECB_CAD_2026-10-30_7cf7e12c9074",
        },
        "metrics": {
            "start": dates[0].isoformat(),
            "end": END.isoformat(),
            "returns": days - 1,
            "twr": float(wealth[-1] - 1),
            "twr_annualized": None,
            "mwr": float(wealth[-1] - 1) * 1.01,
            "sharpe": 1.15,
            "sortino": 1.84,
            "volatility": 0.0625,
            "max_drawdown": -0.0445,
            "max_drawdown_peak": "2026-06-25",
            "max_drawdown_trough": "2026-09-11",
            "max_drawdown_recovery": None,
            "zero_denominator_dates": [],
            "conventions": dict(CONVENTIONS),
        },
        "periods": {
            "as_of": END.isoformat(),
            "base_currency": "CAD",
            "periods": [
                _period(name, dates[-1 - back], dates[-1], wealth[-1] / wealth[-1 - back] - 1)
                for name, back in (("1d", 1), ("MTD", 21), ("QTD", 21), ("YTD", 212))
            ]
            + [
                {
                    "period": "1y",
                    "start": None,
                    "end": None,
                    "twr": None,
                    "mwr": None,
                    "volatility": None,
                    "reason": f"no valuation before {dates[0]}",
                }
            ],
        },
        "attribution": {
            "fx": -0.00295,
            "local": 0.0495,
            "total": 0.0727,
            "interaction": 0.000132,
            "trading": 0.0001,
            "income": 0.0271,
            "costs": -0.0011,
            "other": -0.000232,
            "by_class": {
                "dividends": 0.0251,
                "interest": 0.002,
                "commissions": -0.0011,
                "fees": 0.0,
                "withholding": 0.0,
            },
            "by_holding": by_holding,
            "unattributed": {},
            "contribution": {s: h["total"] for s, h in by_holding.items()},
        },
        "chart": {
            "title": "p value",
            "base_currency": "CAD",
            "dates": [d.isoformat() for d in dates],
            "value": [float(total) * w for w in wealth],
            "flow_in": [5000.0 if i == 100 else 0.0 for i in range(days)],
            "flow_out": [2500.0 if i == 180 else 0.0 for i in range(days)],
            "cumulative_twr": [float(w - 1) for w in wealth],
            "drawdown": [
                float(w / m - 1) for w, m in zip(wealth, np.maximum.accumulate(wealth), strict=True)
            ],
            "attribution": {
                "fx": -0.00295,
                "local": 0.0495,
                "total": 0.0467,
                "interaction": 0.000132,
            },
        },
    }


def _period(name: str, start: dt.date, end: dt.date, twr: float) -> dict[str, Any]:
    return {
        "period": name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "twr": float(twr),
        "mwr": float(twr) * 1.01,
        "volatility": 0.0625,
        "reason": None,
    }


PROVENANCE: dict[str, Any] = {
    "as_of": END.isoformat(),
    "sources": ["ECB", "Internal"],
    "pack_hash": "7cf7e12c9074b0108e96f2ea334108b81790649ade54ec032d91044554330193",
    "pattern_id": "portfolio_overview",
    "base_currency": "CAD",
    "pack_age_days": 0,
    "pack_is_fresh": True,
    "pricing_policy": "ECB_CAD",
    "pattern_version": 4,
    "pricing_pack_id": "PP_ECB_CAD_2026-10-30_7cf7e12c9074",
    "ledger_commit_hash": "6593df4df08683897caf7e31bd269023211e5df6",
}


def overview_document(holdings: int) -> ExportDocument:
    registry = load_registry()
    return build_document(
        pattern_id="portfolio_overview",
        inputs={"portfolio_id": "p"},
        result=synthetic_overview(holdings),
        provenance=PROVENANCE,
        attributions=[(a.source, a.text) for a in registry.attributions(PROVENANCE["sources"])],
    )


def sample_watermark(export_format: str = "csv") -> Watermark:
    return Watermark(
        export_id="0f5c8d1e-52a4-4c1b-9d44-3f8f2f0d6a11",
        execution_id="e27ad0ca-0364-4c22-ad2d-cefdcde14b2d",
        user="c2a6837a502aca01",
        issued_at="2026-11-24T20:08:24Z",
        request_id="req-1",
        pricing_pack_id=PROVENANCE["pricing_pack_id"],
        ledger_commit_hash=PROVENANCE["ledger_commit_hash"],
        environment="development",
        format=export_format,
    )
