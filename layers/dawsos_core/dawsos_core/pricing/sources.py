"""The providers a pack build uses, configured from settings."""

from __future__ import annotations

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
from dawsos_core.settings import Settings


def _http(settings: Settings) -> HttpClient:
    return HttpClient(
        timeout_seconds=settings.provider_timeout_seconds, retries=settings.provider_retries
    )


def fx_currencies(policy: Policy) -> frozenset[str]:
    """The currencies a policy's FX source publishes (and so crosses to), with no network:
    the ECB's from the package that ships its history, the Bank of Canada's Valet series;
    the licensed WM/Reuters list is not known here (empty)."""
    if policy.fx_source == "ecb":
        return EcbFx().publishes()
    if policy.fx_source == "boc":
        return BOC_CURRENCIES
    return frozenset()


def fx_provider(policy: Policy, settings: Settings) -> FxProvider:
    if policy.fx_source == "ecb":
        return EcbFx()
    if policy.fx_source == "boc":
        return BocValetFx(_http(settings), settings.boc_valet_url)
    key = settings.wm4pm_api_key
    return Wm4pmFx(key.get_secret_value() if key else None)


def price_source(settings: Settings) -> PriceSource:
    """The price provider factory of a build (the ledger's provider needs the commit)."""
    if settings.price_source == "fmp":
        key = provider_key(settings.fmp_api_key, settings.fmp_api_key_secret_arn)
        fmp = FmpPrices(_http(settings), key, base_url=settings.fmp_url)
        return lambda conn, commit: fmp
    if settings.price_source == "polygon":
        key = provider_key(settings.polygon_api_key, settings.polygon_api_key_secret_arn)
        polygon = PolygonPrices(_http(settings), key, base_url=settings.polygon_url)
        return lambda conn, commit: polygon
    return LedgerPrices
