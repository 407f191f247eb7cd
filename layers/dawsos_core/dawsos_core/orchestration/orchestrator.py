"""Run a pattern's step graph: level by level, the steps of a level side by side when their
capabilities are thread-safe, one trace entry per step."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from dawsos_core.context import RequestCtx
from dawsos_core.observability.telemetry import span
from dawsos_core.orchestration.graph import levels
from dawsos_core.orchestration.patterns import PatternSpec, StepSpec, resolve
from dawsos_core.orchestration.runtime import AgentRuntime, CapabilityResult


class TraceEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    step: str
    capability: str
    agent: str
    level: int
    duration_ms: float
    status: str
    sources: list[str]


@dataclass
class RunResult:
    outputs: dict[str, Any]
    trace: list[TraceEntry]
    sources: set[str] = field(default_factory=set)


class PatternOrchestrator:
    def __init__(self, runtime: AgentRuntime, *, max_parallel: int = 4) -> None:
        self._runtime = runtime
        self._max_parallel = max_parallel
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        """One pool for the life of the orchestrator: starting threads per request costs
        more than the steps it parallelises. Threads start on the first parallel level."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._max_parallel, thread_name_prefix="step")
        return self._pool

    def _run_step(
        self, step: StepSpec, level: int, ctx: RequestCtx, scope: dict[str, Any]
    ) -> tuple[StepSpec, CapabilityResult | None, TraceEntry, BaseException | None]:
        capability = self._runtime.capability(step.capability)
        started = time.perf_counter()
        result: CapabilityResult | None = None
        error: BaseException | None = None
        try:
            with span(f"step {step.output}", step=step.output, capability=step.capability):
                result = self._runtime.call(step.capability, ctx, resolve(step.args, scope))
        except Exception as exc:  # re-raised by run() once the trace entry is recorded
            error = exc
        entry = TraceEntry(
            step=step.output,
            capability=step.capability,
            agent=capability.agent,
            level=level,
            duration_ms=(time.perf_counter() - started) * 1000,
            status="ok" if error is None else "error",
            sources=[] if result is None else sorted(result.sources),
        )
        return step, result, entry, error

    def run(self, pattern: PatternSpec, inputs: dict[str, Any], ctx: RequestCtx) -> RunResult:
        state: dict[str, Any] = {}
        scope = {"inputs": inputs, "state": state, "ctx": ctx.as_template_values()}
        run = RunResult(outputs={}, trace=[])
        for number, group in enumerate(levels(pattern)):
            parallel = len(group) > 1 and all(
                self._runtime.capability(s.capability).thread_safe for s in group
            )
            if parallel:
                # Each step runs in a copy of this context: its spans nest under the
                # request's, and the invocation under way is the same.
                pool = self._executor()
                futures = [
                    pool.submit(copy_context().run, self._run_step, s, number, ctx, scope)
                    for s in group
                ]
                finished = [f.result() for f in futures]
            else:
                finished = [self._run_step(s, number, ctx, scope) for s in group]
            for step, result, entry, error in finished:
                run.trace.append(entry)
                if error is not None:
                    raise error
                assert result is not None
                state[step.output] = result.data
                run.sources |= result.sources
        run.outputs = {name: state[name] for name in pattern.outputs}
        return run
