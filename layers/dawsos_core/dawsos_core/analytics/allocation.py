"""Weights of a portfolio's value in base by commodity, by any grouping of its commodities
(currency, account, a metadata key of the ledger's commodity directives) and over time,
with its concentration.

A weight is a value over the portfolio's total value in base (liabilities count negative);
a commodity a grouping does not cover is in the group ``unclassified``. Concentration is
over commodities: the largest weight, and the Herfindahl index (the sum of the squared
weights: 1 for a single holding, 1/n for n equal ones).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from dawsos_core.analytics.returns import Floats

if TYPE_CHECKING:
    from dawsos_core.db.repositories.valuations import HoldingDays

UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class Share:
    group: str
    value_base: float
    weight: float


@dataclass(frozen=True)
class Concentration:
    largest: str | None
    largest_weight: float | None
    herfindahl: float | None


def shares(values: Mapping[str, float], group_of: Mapping[str, str] | None = None) -> list[Share]:
    """The values summed by group (each key its own group when ``group_of`` is None), largest
    weight first; weights are None-free and 0 when the total is 0."""
    total = sum(values.values())
    summed: dict[str, float] = defaultdict(float)
    for key, value in values.items():
        summed[key if group_of is None else group_of.get(key, UNCLASSIFIED)] += value
    return sorted(
        (Share(g, v, v / total if total else 0.0) for g, v in summed.items()),
        key=lambda s: (-s.weight, s.group),
    )


def concentration(values: Mapping[str, float]) -> Concentration:
    total = sum(values.values())
    if not values or total == 0:
        return Concentration(None, None, None)
    largest = max(sorted(values), key=lambda k: values[k] / total)
    weights = np.array(list(values.values())) / total
    return Concentration(largest, values[largest] / total, float(np.sum(weights**2)))


def month_ends(dates: list[dt.date]) -> list[int]:
    """The index of each month's last date among ``dates`` (in order), the last included."""
    return [i for i, d in enumerate(dates) if i == len(dates) - 1 or dates[i + 1].month != d.month]


def month_end_values(dates: list[dt.date], holdings: HoldingDays) -> tuple[list[dt.date], Floats]:
    """Each month's last date among ``dates`` (a window's, from its first) and every
    holding's base value on it, (date x holding), 0 where not held."""
    row_of = {(d - dates[0]).days: i for i, d in enumerate(dates)}
    values = np.zeros((len(dates), len(holdings.commodities)))
    values[[row_of[int(d)] for d in holdings.day], holdings.holding] = holdings.value_base
    ends = month_ends(dates)
    return [dates[i] for i in ends], values[ends]


def weights_over_time(
    values: Floats, keys: list[str], group_of: Mapping[str, str] | None = None
) -> dict[str, list[float]]:
    """``values``: (day x key) base values; each group's weight on each day."""
    groups = keys if group_of is None else [group_of.get(k, UNCLASSIFIED) for k in keys]
    names = sorted(set(groups))
    summed = np.zeros((values.shape[0], len(names)))
    for j, group in enumerate(groups):
        summed[:, names.index(group)] += values[:, j]
    totals = summed.sum(axis=1, keepdims=True)
    weights = np.divide(summed, totals, out=np.zeros_like(summed), where=totals != 0)
    return {name: [float(w) for w in weights[:, i]] for i, name in enumerate(names)}
