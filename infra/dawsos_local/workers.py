"""Execution environments for the local gateway: worker processes per function.

As in Lambda, one environment serves one request at a time: each function has a pool of
processes, each process imports the handler once (its cold start) and then runs one event
after another. The gateway never calls a handler from two threads at once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from dawsos_local.handlers import Handler, LambdaContext, load_handler
from dawsos_local.template import FunctionSpec

_handler: Handler | None = None
_spec: FunctionSpec | None = None


class InvocationError(Exception):
    """The function did not return a response (crash, timeout, unhandled exception)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _init_worker(spec: FunctionSpec, env: dict[str, str]) -> None:
    # Ctrl-C reaches the whole process group; the gateway shuts workers down itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.update(env)
    # Metrics are disabled locally; Powertools would warn on every flush that none were added.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    global _handler, _spec
    _spec = spec
    _handler = load_handler(spec.module_file, spec.handler_name, f"dawsos_fn_{spec.logical_id}")


def _invoke(event: dict[str, Any]) -> Any:
    assert _handler is not None
    assert _spec is not None
    context = LambdaContext(function_name=_spec.logical_id, timeout_seconds=_spec.timeout_seconds)
    return _handler(event, context)


def _ready() -> int:
    return os.getpid()


class FunctionPool:
    """A fixed number of execution environments for one function."""

    def __init__(self, spec: FunctionSpec, *, workers: int, env: dict[str, str]) -> None:
        self.spec = spec
        self._workers = workers
        self._env = {**spec.environment, **env}
        self._lock = threading.Lock()
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self._workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(self.spec, self._env),
        )

    def warm(self) -> None:
        """Start every environment now, so the first requests do not pay the cold start."""
        futures = [self._executor.submit(_ready) for _ in range(self._workers)]
        for future in futures:
            future.result(timeout=120)

    def invoke(self, event: dict[str, Any]) -> Any:
        executor = self._executor
        future = executor.submit(_invoke, event)
        try:
            return future.result(timeout=self.spec.timeout_seconds + 5)
        except FutureTimeout as exc:
            raise InvocationError(504, f"{self.spec.logical_id} timed out") from exc
        except BrokenProcessPool as exc:
            with self._lock:
                if self._executor is executor:
                    executor.shutdown(wait=False, cancel_futures=True)
                    self._executor = self._new_executor()
            raise InvocationError(502, f"{self.spec.logical_id} crashed") from exc
        except Exception as exc:  # the handler raised: Lambda reports an invocation error
            raise InvocationError(
                502, f"{self.spec.logical_id} failed: {type(exc).__name__}"
            ) from exc

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
