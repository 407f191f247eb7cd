"""The providers a pack build uses, configured from settings; each HTTP provider's
requests paced under its ``*_RATE_LIMIT`` (``providers.paced``)."""

from __future__ import annotations

import datetime as dt

from dawsos_core.pricing.policies import Policy
from dawsos_core.pricing.providers import FxProvider, PriceSource
from dawsos_core.pricing.providers.boc import PUBLISHED as BOC_CURRENCIES
from dawsos_core.pricing.providers.boc import BocValetFx
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.pricing.providers.ledger_prices import LedgerPrices
from dawsos_core.pricing.providers.market_data import FmpPrices, PolygonPrices
from dawsos_core.pricing.providers.wm4pm import Wm4pmFx
from dawsos_core.providers.credentials import provider_key
from dawsos_core.providers.http import HttpClient
from dawsos_core.providers.paced import paced_client as _http
from dawsos_core.providers.rate_limit import Pacing
from dawsos_core.settings import Settings


def fmp_http(settings: Settings) -> HttpClient:
    """The client FMP's requests share in this process (prices and profiles alike), paced
    under FMP_RATE_LIMIT."""
    return _http(settings, "FMP", "FMP_RATE_LIMIT", settings.fmp_rate_limit)


def fx_currencies(policy: Policy) -> frozenset[str]:
    """The currencies a policy's FX source publishes (and so crosses to), with no network:
    the ECB's from the package that ships its history, the Bank of Canada's Valet series;
    the licensed WM/Reuters list is not known here (empty)."""
    if policy.fx_source == "ecb":
        return EcbFx().publishes()
    if policy.fx_source == "boc":
        return BOC_CURRENCIES
    return frozenset()


def fx_provider(policy: Policy, settings: Settings, *, pacing: Pacing | None = None) -> FxProvider:
    if policy.fx_source == "ecb":
        return EcbFx(
            settings.ecb_rates_url,
            timeout_seconds=settings.provider_timeout_seconds,
            today=settings.now().astimezone(dt.UTC).date(),
        )
    if policy.fx_source == "boc":
        http = _http(settings, "Bank of Canada", "BOC_RATE_LIMIT", settings.boc_rate_limit, pacing)
        return BocValetFx(http, settings.boc_valet_url)
    key = settings.wm4pm_api_key
    return Wm4pmFx(key.get_secret_value() if key else None)


def price_source(settings: Settings, *, pacing: Pacing | None = None) -> PriceSource:
    """The price provider factory of a build (the ledger's provider needs the commit)."""
    if settings.price_source == "fmp":
        key = provider_key(settings.fmp_api_key, settings.fmp_api_key_secret_arn)
        http = _http(settings, "FMP", "FMP_RATE_LIMIT", settings.fmp_rate_limit, pacing)
        fmp = FmpPrices(http, key, base_url=settings.fmp_url, api=settings.fmp_api)
        return lambda conn, commit: fmp
    if settings.price_source == "polygon":
        key = provider_key(settings.polygon_api_key, settings.polygon_api_key_secret_arn)
        limits = settings.polygon_rate_limit
        http = _http(settings, "Polygon", "POLYGON_RATE_LIMIT", limits, pacing)
        polygon = PolygonPrices(http, key, base_url=settings.polygon_url)
        return lambda conn, commit: polygon
    return LedgerPrices
