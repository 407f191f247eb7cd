"""FRED over HTTP (https://fred.stlouisfed.org/docs/api/fred/), JSON answers:

- ``GET {base}/series?series_id=&file_type=json&api_key=`` answers ``{"seriess": [{"id":
  "CPIAUCSL", "frequency_short": "M", ...}]}``: the series' native frequency (D, W, BW, M,
  Q, SA or A).
- ``GET {base}/series/observations?series_id=&observation_start=&observation_end=&
  file_type=json&api_key=`` answers ``{"observations": [{"date": "2024-06-28", "value":
  "4.36"}, ...]}``; "." marks a date without a value. An observation of a monthly or
  quarterly series is dated at the start of its period and published weeks after its end.
- A refusal is an HTTP status (400 mostly, 429 when rate-limited) with ``{"error_code": 400,
  "error_message": "Bad Request.  The series does not exist."}``; a bad key answers the same
  way, its message naming ``api_key``.

The pack builder stores each series over a window sized to its frequency, so that the
latest published observations fall inside it; a series that fails is reported with FRED's
own code and message and what to do, and the others go on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from dawsos_core.db.connection import Database
from dawsos_core.db.repositories.macro_news import store_observations
from dawsos_core.errors import ProviderCause, ProviderError
from dawsos_core.providers.http import HttpClient

SOURCE = "FRED"

# frequency_short -> (days in a period, usual days from a period's end to its publication,
# with room for revisions and holidays). A window of twice the period plus the lag holds the
# latest published observation: CPI for May is dated May 1 and published mid-June.
FREQUENCIES: dict[str, tuple[int, int]] = {
    "D": (1, 8),
    "W": (7, 7),
    "BW": (14, 7),
    "M": (31, 45),
    "Q": (92, 92),
    "SA": (183, 120),
    "A": (366, 365),
}
WIDEST = "A"


def window_days(frequency: str) -> int:
    """Calendar days back from the pack date to ask FRED for: twice the period plus the
    publication lag (10 days for a daily series, 107 for a monthly one, 276 for a quarterly
    one). A frequency FRED did not document gets the widest window."""
    period, lag = FREQUENCIES.get(frequency, FREQUENCIES[WIDEST])
    return 2 * period + lag


class FredError(ProviderError):
    """FRED refused a request about one series: the helper's fields (``http_status``, FRED's
    own ``error_code`` as ``provider_code`` and ``error_message`` as ``provider_message``),
    and in ``details`` the series and what to do (``action``). ``whole_provider`` is true
    when every other series would be refused the same way (the key, the rate limit)."""

    def __init__(
        self,
        series_id: str,
        answer: ProviderError,
        *,
        cause: ProviderCause,
        action: str,
        whole_provider: bool,
    ) -> None:
        if answer.http_status is None:
            what = answer.message
        else:
            code = f" error_code {answer.provider_code}" if answer.provider_code else ""
            said = answer.provider_message or "(no error_message)"
            what = f"HTTP {answer.http_status}{code}: {said}"
        super().__init__(
            f"FRED {series_id}: {what} -> {action}",
            **{
                **answer.answer_fields(),
                "provider": SOURCE,
                "cause": cause,
                "whole_provider": whole_provider,
            },
        )
        self.details = {"series": series_id, "action": action}


def refusal(series_id: str, answer: ProviderError) -> FredError:
    """The helper's error of a request about ``series_id``, with what to do: an unknown
    series is "check the series id", a refused key "check FRED_API_KEY" (asking again gives
    the same answer), a rate limit stops the feed, an outage "retry later"."""
    status = answer.http_status
    said = (answer.provider_message or "").lower()
    cause, whole = answer.cause, False
    if status is None and answer.cause is ProviderCause.RATE_LIMITED:  # our own pacing
        whole = True
        action = (
            "FRED_RATE_LIMIT allows no more requests now: the rest wait for the next pack;"
            " raise it if the key allows more (FRED's is 120 a minute)"
        )
    elif status is None:
        action = "FRED did not answer: retry later"
    elif answer.cause is ProviderCause.MALFORMED:
        action = "FRED's answer is not in its documented shape: retry later, or report it"
    elif status in (401, 403) or "api_key" in said:
        cause, whole = ProviderCause.NOT_AUTHORISED, True
        action = "check FRED_API_KEY (a registered 32-character key)"
    elif "series does not exist" in said:
        cause, action = ProviderCause.NOT_FOUND, "check the series id in MACRO_SERIES"
    elif status == 429:
        whole = True
        action = "FRED rate-limits a key to 120 requests a minute: wait, or store fewer series"
    elif status == 404:
        whole, action = True, "check FRED_URL: FRED has no such endpoint"
    elif status >= 500 or status == 423:
        action = "FRED failed on its side: retry later"
    else:
        action = "check the request FRED refused (its error_message says why)"
    return FredError(series_id, answer, cause=cause, action=action, whole_provider=whole)


class FredClient:
    def __init__(
        self,
        http: HttpClient,
        api_key: str | None,
        *,
        base_url: str = "https://api.stlouisfed.org/fred",
    ) -> None:
        if not api_key:
            raise ProviderError("FRED: no API key (set FRED_API_KEY or FRED_API_KEY_SECRET_ARN)")
        self._http, self._key, self._url = http, api_key, base_url.rstrip("/")

    def _get(self, path: str, series_id: str, params: dict[str, str]) -> Any:
        try:
            return self._http.get_json(
                SOURCE,
                f"{self._url}/{path}",
                {"series_id": series_id, **params, "file_type": "json", "api_key": self._key},
                key_name="FRED_API_KEY",
            )
        except ProviderError as exc:
            raise refusal(series_id, exc) from exc

    def frequency(self, series_id: str) -> str:
        """The series' ``frequency_short`` (D, W, BW, M, Q, SA, A), from ``fred/series``."""
        payload = self._get("series", series_id, {})
        try:
            (meta,) = [s for s in payload["seriess"] if s.get("id") == series_id]
            frequency = meta["frequency_short"]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _malformed(f"{series_id}: seriess[id={series_id}].frequency_short") from exc
        if not isinstance(frequency, str) or not frequency:
            raise _malformed(f"{series_id}: seriess[id={series_id}].frequency_short")
        return frequency.upper()

    def observations(
        self, series_id: str, start: dt.date, end: dt.date
    ) -> list[tuple[dt.date, Decimal]]:
        payload = self._get(
            "series/observations",
            series_id,
            {"observation_start": start.isoformat(), "observation_end": end.isoformat()},
        )
        if not isinstance(payload, dict) or not isinstance(payload.get("observations"), list):
            raise _malformed(f"{series_id}: no 'observations'")
        found: list[tuple[dt.date, Decimal]] = []
        for i, row in enumerate(payload["observations"]):
            where = f"{series_id}.observations[{i}]"
            try:
                day = dt.date.fromisoformat(row["date"])
            except (KeyError, TypeError, ValueError) as exc:
                raise _malformed(f"{where}.date") from exc
            raw = row.get("value")
            if raw == ".":
                continue
            try:
                value = Decimal(str(raw))
            except InvalidOperation as exc:
                raise _malformed(f"{where}.value") from exc
            found.append((day, value))
        return found


def _malformed(where: str) -> ProviderError:
    return ProviderError(
        f"FRED: malformed payload: {where}", provider=SOURCE, cause=ProviderCause.MALFORMED
    )


@dataclass
class MacroReport:
    """What one run stored: new observations per series, each failing series with its
    error, the series not asked once a failure stopped the feed, and a warning for each
    series FRED answered nothing for."""

    stored: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, ProviderError]] = field(default_factory=list)
    not_fetched: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def fetch_and_store(
    db: Database, client: FredClient, series_ids: list[str], on: dt.date
) -> MacroReport:
    """Each series over the window its frequency needs, ending at ``on``, stored in a
    transaction of its own. A failing series is reported and the next one goes on, unless
    the failure would repeat for every series (a bad key, a rate limit)."""
    report = MacroReport()
    for n, series_id in enumerate(series_ids):
        try:
            frequency = client.frequency(series_id)
            start = on - dt.timedelta(days=window_days(frequency))
            rows = client.observations(series_id, start, on)
        except ProviderError as exc:
            report.failures.append((series_id, exc))
            if exc.whole_provider:
                report.not_fetched = series_ids[n + 1 :]
                break
            continue
        with db.transaction() as conn:
            report.stored[series_id] = store_observations(conn, series_id, SOURCE, rows)
        if not rows:
            known = "" if frequency in FREQUENCIES else ", a frequency FRED did not document"
            report.warnings.append(
                f"FRED {series_id}: stored 0: no observation between {start} and {on}"
                f" (frequency {frequency}{known}); check that the series is still published"
            )
    return report
