"""Income and costs of a window per month and per holding, in base, with yields.

Income and costs are the postings the return decomposition classifies (dividends and
interest; commissions, fees and withholding), each in base at its day's rate, income
positive and costs negative. The trailing twelve months are the 365 days ending on the
as-of date; a holding's yield on cost is its trailing income (dividends and interest,
before withholding) over its cost basis in base at the as-of date, its trailing yield the
same over its value; null (with the reason) when the window holds less than those twelve
months or the basis is not positive.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from dawsos_core.analytics.attribution import COSTS, INCOME, IncomePosting

KINDS = (*INCOME, *COSTS)
UNATTRIBUTED = "(none)"  # the row of income no holding carries
TTM_DAYS = 365

INCOME_CONVENTION = (
    "income (dividends, interest) and costs (commissions, fees, withholding): the postings to "
    "internal accounts the decomposition classifies, in base at each day's rate, costs "
    "negative; trailing twelve months: the 365 days ending on the as-of date; yield on cost "
    "= trailing dividends and interest (before withholding) / cost basis in base at the "
    "as-of pack; trailing yield = the same / value in base; null when the window holds "
    "less than twelve months or the denominator is not positive"
)


@dataclass(frozen=True)
class Figures:
    amounts: dict[str, float]  # by kind, every one of KINDS

    @property
    def income(self) -> float:
        return _income(self.amounts)

    @property
    def costs(self) -> float:
        return sum(self.amounts[k] for k in COSTS)


@dataclass(frozen=True)
class HoldingIncome:
    holding: str
    figures: Figures
    trailing_income: float
    cost_basis_base: float | None
    value_base: float | None
    yield_on_cost: float | None
    trailing_yield: float | None


@dataclass(frozen=True)
class IncomeReport:
    by_month: dict[str, Figures]
    by_holding: list[HoldingIncome]
    total: Figures
    trailing_income: float
    yield_on_cost: float | None
    trailing_yield: float | None
    reason: str | None  # why the yields are null, when they are


def income_report(
    postings: list[IncomePosting],
    *,
    start: dt.date,
    as_of: dt.date,
    cost_basis: Mapping[str, float],
    values: Mapping[str, float],
) -> IncomeReport:
    """``start``: the window's first valuation; ``cost_basis`` and ``values``: each
    holding's in base at the as-of date."""
    since = as_of - dt.timedelta(days=TTM_DAYS)
    by_month: dict[str, dict[str, float]] = defaultdict(_zeros)
    by_holding: dict[str, dict[str, float]] = defaultdict(_zeros)
    trailing: dict[str, float] = defaultdict(float)
    total = _zeros()
    for p in postings:
        holding = p.holding or UNATTRIBUTED
        by_month[f"{p.date:%Y-%m}"][p.kind] += p.amount_base
        by_holding[holding][p.kind] += p.amount_base
        total[p.kind] += p.amount_base
        if p.date > since and p.kind in INCOME:
            trailing[holding] += p.amount_base
    whole_year = start <= since
    reason = (
        None
        if whole_year
        else f"the window opens on {start}, less than twelve months before {as_of}"
    )
    rows = [
        HoldingIncome(
            holding=h,
            figures=Figures(amounts),
            trailing_income=trailing[h],
            cost_basis_base=cost_basis.get(h),
            value_base=values.get(h),
            yield_on_cost=_ratio(trailing[h], cost_basis.get(h), whole_year),
            trailing_yield=_ratio(trailing[h], values.get(h), whole_year),
        )
        for h, amounts in sorted(by_holding.items(), key=lambda item: -_income(item[1]))
    ]
    all_trailing = sum(trailing.values())
    return IncomeReport(
        by_month={m: Figures(amounts) for m, amounts in sorted(by_month.items())},
        by_holding=rows,
        total=Figures(total),
        trailing_income=all_trailing,
        yield_on_cost=_ratio(all_trailing, sum(cost_basis.values()), whole_year),
        trailing_yield=_ratio(all_trailing, sum(values.values()), whole_year),
        reason=reason,
    )


def _zeros() -> dict[str, float]:
    return dict.fromkeys(KINDS, 0.0)


def _income(amounts: Mapping[str, float]) -> float:
    return sum(amounts[k] for k in INCOME)


def _ratio(amount: float, denominator: float | None, whole_year: bool) -> float | None:
    if not whole_year or denominator is None or denominator <= 0:
        return None
    return amount / denominator
