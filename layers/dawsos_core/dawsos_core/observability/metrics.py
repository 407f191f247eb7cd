"""CloudWatch metrics in embedded metric format (EMF), namespace DawsOS.

``MetricsRecorder.add`` records a metric of a request, and ``flush`` (called once at the end of
each invocation) writes what was recorded: one EMF blob per dimension set, holding each metric
recorded with that set, its values as a list in the order recorded and its unit from UNITS.
Each blob's dimensions are ``service`` (the recorder's service) and then those passed to
``add``. A blob holds at most 99 values of a metric; further values of that dimension set go
into another blob. ``flush`` writes nothing when nothing was recorded; a disabled recorder
(POWERTOOLS_METRICS_DISABLED true) records nothing; a metric name not in UNITS is refused with
ValueError.

Powertools' CloudWatch EMF provider serialises the blobs, and ``sink`` receives each one as a
JSON line (by default stdout, one line per blob); Powertools does not print them itself.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
    AmazonCloudWatchEMFProvider,
)
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.constants import MAX_METRICS

NAMESPACE = "DawsOS"

API_LATENCY = "ApiLatency"
REQUESTS = "Requests"
PACK_BUILD_DURATION = "PackBuildDuration"
PACK_FRESH = "PackFresh"
PACK_AGE_DAYS = "PackAgeDays"
RECONCILIATION_BPS = "ReconciliationBps"
AGENT_INVOCATIONS = "AgentInvocations"
CIRCUIT_BREAKER_OPENS = "CircuitBreakerOpens"
EXPORTS_BLOCKED = "ExportsBlocked"
LEDGER_SYNC_FAILURES = "LedgerSyncFailures"

UNITS: dict[str, MetricUnit] = {
    API_LATENCY: MetricUnit.Milliseconds,
    REQUESTS: MetricUnit.Count,
    PACK_BUILD_DURATION: MetricUnit.Seconds,
    PACK_FRESH: MetricUnit.Count,
    PACK_AGE_DAYS: MetricUnit.Count,
    RECONCILIATION_BPS: MetricUnit.NoUnit,
    AGENT_INVOCATIONS: MetricUnit.Count,
    CIRCUIT_BREAKER_OPENS: MetricUnit.Count,
    EXPORTS_BLOCKED: MetricUnit.Count,
    LEDGER_SYNC_FAILURES: MetricUnit.Count,
}

# The provider prints its metric set itself once it holds MAX_METRICS metrics, or MAX_METRICS
# values of one metric; a blob is handed to the sink one short of that.
_BLOB_LIMIT = MAX_METRICS - 1

_Dimensions = tuple[tuple[str, str], ...]


def _stdout(line: str) -> None:
    sys.stdout.write(line + "\n")


@dataclass
class MetricsRecorder:
    """A request's metrics, written as EMF blobs by ``flush``."""

    service: str
    enabled: bool = True
    sink: Callable[[str], None] = _stdout
    _recorded: dict[_Dimensions, list[tuple[str, float]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _emf: AmazonCloudWatchEMFProvider = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._emf = AmazonCloudWatchEMFProvider(
            namespace=NAMESPACE,
            service=self.service,
            default_dimensions={"service": self.service},
        )

    def add(self, name: str, value: float, **dimensions: str) -> None:
        if not self.enabled:
            return
        if name not in UNITS:
            raise ValueError(f"unknown metric {name}")
        key = tuple(sorted(dimensions.items()))
        self._recorded.setdefault(key, []).append((name, float(value)))

    def flush(self) -> None:
        """One EMF blob per dimension set; nothing when nothing was recorded."""
        recorded, self._recorded = self._recorded, {}
        emf = self._emf
        for dimensions, points in recorded.items():
            emf.clear_metrics()  # back to the service dimension alone
            for dimension, label in dimensions:
                emf.add_dimension(name=dimension, value=label)
            for name, value in points:
                held = emf.metric_set.get(name)
                if len(emf.metric_set if held is None else held["Value"]) == _BLOB_LIMIT:
                    self._write(emf)
                    emf.metric_set.clear()
                emf.add_metric(name=name, unit=UNITS[name], value=value)
            self._write(emf)

    def _write(self, emf: AmazonCloudWatchEMFProvider) -> None:
        self.sink(json.dumps(emf.serialize_metric_set(), separators=(",", ":")))
