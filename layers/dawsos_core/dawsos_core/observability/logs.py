"""Powertools Logger for each function: JSON in Lambda (with the cold-start flag and the API
request id as correlation id), or one readable line a record for the local stack."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.types import PowertoolsLogRecord

_QUIET = {"level", "location", "message", "timestamp", "service", "cold_start",
          "function_name", "function_memory_size", "function_arn", "function_request_id",
          "sampling_rate", "xray_trace_id"}  # fmt: skip


class ConsoleFormatter(LambdaPowertoolsFormatter):
    """``HH:MM:SS LEVEL service message key=value ...`` for ``dawsos serve``."""

    def serialize(self, log: dict[str, Any] | PowertoolsLogRecord) -> str:
        when = dt.datetime.now().strftime("%H:%M:%S")
        extras = " ".join(f"{k}={v}" for k, v in log.items() if k not in _QUIET and v is not None)
        line = (
            f"{when} {log.get('level', ''):<7} {log.get('service', '')}: {log.get('message', '')}"
        )
        return f"{line} {extras}".rstrip()


_LOGGERS: dict[str, Logger] = {}


def service_logger(service: str, log_format: str) -> Logger:
    """One Logger a service per process: the handler's decorator and the telemetry share it."""
    if service not in _LOGGERS:
        formatter = ConsoleFormatter() if log_format == "console" else None
        _LOGGERS[service] = Logger(service=service, logger_formatter=formatter)
    return _LOGGERS[service]
