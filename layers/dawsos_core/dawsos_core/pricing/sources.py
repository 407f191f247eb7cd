"""The FX provider each policy names, configured from settings."""

from __future__ import annotations

from dawsos_core.pricing.http import HttpClient
from dawsos_core.pricing.policies import Policy
from dawsos_core.pricing.providers import FxProvider
from dawsos_core.pricing.providers.boc import BocValetFx
from dawsos_core.pricing.providers.ecb import EcbFx
from dawsos_core.pricing.providers.wm4pm import Wm4pmFx
from dawsos_core.settings import Settings


def fx_provider(policy: Policy, settings: Settings) -> FxProvider:
    if policy.fx_source == "ecb":
        return EcbFx()
    if policy.fx_source == "boc":
        http = HttpClient(
            timeout_seconds=settings.provider_timeout_seconds, retries=settings.provider_retries
        )
        return BocValetFx(http, settings.boc_valet_url)
    key = settings.wm4pm_api_key
    return Wm4pmFx(key.get_secret_value() if key else None)
