"""Crossing an FX source's fixings to a base currency (DESIGN section 5).

A fixing is the source's own figure against its pivot: ``per_pivot`` units of the currency
per one pivot (ECB: 1.0321 USD per EUR), or ``in_pivot`` pivot units per one unit of the
currency (Bank of Canada: 1.3600 CAD per USD). The pivot's own fixing is 1. The rate of a
currency X in a base B, B units per one X, is fixing(B) / fixing(X) for ``per_pivot``
and fixing(X) / fixing(B) for ``in_pivot``, in Decimal arithmetic.
"""

from __future__ import annotations

from decimal import Decimal

from dawsos_core.errors import MissingObservations
from dawsos_core.pricing.policies import Quotation

ONE = Decimal(1)


def cross_rates(
    fixings: dict[str, Decimal], pivot: str, quoted: Quotation, base: str
) -> dict[str, Decimal]:
    """Base units per one unit of every currency fixed, the pivot and the base included."""
    own = {**fixings, pivot: ONE}
    if base not in own:
        raise MissingObservations([f"no {base} fixing to cross to the base currency {base}"])
    b = own[base]
    return {c: (b / r if quoted == "per_pivot" else r / b) for c, r in own.items()}
