"""A ``portfolio_overview`` answer read as a statement: the figures a report shows, typed
and in a fixed, meaningful order (the PDF and the XLSX summary both start from it).

Nothing is computed here that the answer does not hold: totals are sums of the holdings'
own decimal figures, and a figure the answer lacks (an older answer without cost, a
period the window does not cover) is None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dawsos_core.exports.columns import RETURN_EFFECTS
from dawsos_core.exports.document import ExportDocument

# The return decomposition in reading order: the market, the currency, their cross term,
# then what trading, income and costs added, the rest, and the total (the TWR).
_LABELS = {
    "local": "Market (local)",
    "fx": "Currency (FX)",
    "interaction": "Interaction",
    "trading": "Trading",
    "income": "Income",
    "costs": "Costs",
    "other": "Other",
    "total": "Total return (TWR)",
}
EFFECTS: tuple[tuple[str, str], ...] = tuple((k, _LABELS[k]) for k in RETURN_EFFECTS)
# Periods a statement's first page shows, when the window covers them.
HEADLINE_PERIODS = ("1d", "MTD", "QTD", "YTD", "1y", "3y", "5y", "since inception")


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class HoldingLine:
    commodity: str
    units: Decimal
    price: Decimal
    price_currency: str
    fx_rate: Decimal
    value_base: Decimal
    cost: Decimal | None
    cost_currency: str | None
    cost_base: Decimal | None
    gain_base: Decimal | None
    gain_pct: float | None
    weight: float


@dataclass(frozen=True)
class PeriodLine:
    name: str
    start: dt.date | None
    end: dt.date | None
    twr: float | None
    mwr: float | None
    volatility: float | None
    reason: str | None


@dataclass(frozen=True)
class Series:
    dates: list[dt.date]
    value: list[float]
    cumulative_twr: list[float]
    drawdown: list[float]
    flow_in: list[float]
    flow_out: list[float]


@dataclass(frozen=True)
class Statement:
    portfolio_id: str
    as_of: dt.date
    base_currency: str
    value_base: Decimal
    holdings: list[HoldingLine]
    start: dt.date
    end: dt.date
    metrics: dict[str, Any]
    periods: list[PeriodLine]
    effects: list[tuple[str, str, float]]
    by_holding: list[tuple[str, dict[str, float]]]
    by_class: list[tuple[str, float]]  # income, then costs, by class
    series: Series | None

    @property
    def cost_base(self) -> Decimal | None:
        """The holdings' cost in base, when every holding has one."""
        costs = [h.cost_base for h in self.holdings if h.cost_base is not None]
        return None if len(costs) < len(self.holdings) else sum(costs, Decimal(0))

    @property
    def gain_base(self) -> Decimal | None:
        cost = self.cost_base
        return None if cost is None else self.value_base - cost

    @property
    def gain_pct(self) -> float | None:
        """The gain over the cost of the holdings that are not cash."""
        invested = [h for h in self.holdings if h.gain_pct is not None and h.cost_base]
        if self.gain_base is None or not invested:
            return None
        cost = sum((h.cost_base for h in invested if h.cost_base), Decimal(0))
        gain = sum((h.gain_base for h in invested if h.gain_base is not None), Decimal(0))
        return float(gain / cost)


def _holding(h: dict[str, Any]) -> HoldingLine:
    return HoldingLine(
        commodity=str(h["commodity"]),
        units=Decimal(str(h["units"])),
        price=Decimal(str(h["price"])),
        price_currency=str(h["price_currency"]),
        fx_rate=Decimal(str(h["fx_rate"])),
        value_base=Decimal(str(h["value_base"])),
        cost=_decimal(h.get("cost")),
        cost_currency=h.get("cost_currency"),
        cost_base=_decimal(h.get("cost_base")),
        gain_base=_decimal(h.get("unrealised_gain_base")),
        gain_pct=_float(h.get("unrealised_gain_pct")),
        weight=float(h["weight"]),
    )


def _series(chart: dict[str, Any]) -> Series:
    n = len(chart["dates"])
    return Series(
        dates=[dt.date.fromisoformat(str(d)) for d in chart["dates"]],
        value=[float(v) for v in chart["value"]],
        cumulative_twr=[float(v) for v in chart["cumulative_twr"]],
        drawdown=[float(v) for v in chart["drawdown"]],
        flow_in=[float(v) for v in chart.get("flow_in") or [0.0] * n],
        flow_out=[float(v) for v in chart.get("flow_out") or [0.0] * n],
    )


_CLASSES = ("dividends", "interest", "commissions", "fees", "withholding")


def _by_class(classes: dict[str, Any]) -> list[tuple[str, float]]:
    """Income classes, then cost classes, then any other the answer names."""
    rank = {name: i for i, name in enumerate(_CLASSES)}
    ordered = sorted(classes, key=lambda k: (rank.get(k, len(rank)), k))
    return [(k.capitalize(), float(classes[k])) for k in ordered]


def statement_of(doc: ExportDocument) -> Statement | None:
    """The statement of a portfolio overview's answer; None for any other answer."""
    result = doc.result
    valuation, metrics = result.get("valuation"), result.get("metrics")
    if not isinstance(valuation, dict) or not isinstance(metrics, dict):
        return None
    if "holdings" not in valuation or "twr" not in metrics:
        return None
    attribution = result.get("attribution") or {}
    periods = (result.get("periods") or {}).get("periods") or []
    by_name = {str(p["period"]): p for p in periods}
    by_holding = attribution.get("by_holding") or {}
    return Statement(
        portfolio_id=str(valuation["portfolio_id"]),
        as_of=dt.date.fromisoformat(str(valuation["as_of"])),
        base_currency=str(valuation["base_currency"]),
        value_base=Decimal(str(valuation["value_base"])),
        holdings=sorted(
            (_holding(h) for h in valuation["holdings"]), key=lambda h: (-h.weight, h.commodity)
        ),
        start=dt.date.fromisoformat(str(metrics["start"])),
        end=dt.date.fromisoformat(str(metrics["end"])),
        metrics=metrics,
        periods=[
            PeriodLine(
                name=name,
                start=None if p.get("start") is None else dt.date.fromisoformat(p["start"]),
                end=None if p.get("end") is None else dt.date.fromisoformat(p["end"]),
                twr=_float(p.get("twr")),
                mwr=_float(p.get("mwr")),
                volatility=_float(p.get("volatility")),
                reason=p.get("reason"),
            )
            for name in HEADLINE_PERIODS
            if (p := by_name.get(name)) is not None
        ],
        effects=[(k, label, float(attribution[k])) for k, label in EFFECTS if k in attribution],
        by_holding=sorted(
            ((str(k), {e: float(v) for e, v in row.items()}) for k, row in by_holding.items()),
            key=lambda item: -abs(item[1].get("total", 0.0)),
        ),
        by_class=_by_class(attribution.get("by_class") or {}),
        series=_series(result["chart"]) if doc.chart is not None else None,
    )
