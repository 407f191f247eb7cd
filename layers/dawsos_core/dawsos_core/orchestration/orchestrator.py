"""Run a pattern's steps in dependency order, one trace entry per step.

Every step runs under the request's context and transaction; a step's answer is kept in the
pattern's state under its ``as`` name for later steps' templates, and the pattern's outputs
are picked from that state at the end.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from dawsos_core.context import RequestCtx
from dawsos_core.observability.telemetry import span
from dawsos_core.orchestration.graph import levels
from dawsos_core.orchestration.patterns import PatternSpec, StepSpec, resolve
from dawsos_core.orchestration.runtime import AgentRuntime, CapabilityResult

if TYPE_CHECKING:
    from dawsos_core.db.connection import Connection


class TraceEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    step: str
    capability: str
    agent: str
    level: int  # the step's depth in the graph: 0 depends on no other step
    duration_ms: float
    status: str
    sources: list[str]


@dataclass
class RunResult:
    outputs: dict[str, Any]
    trace: list[TraceEntry]
    sources: set[str] = field(default_factory=set)
    packs: set[str] = field(default_factory=set)


class PatternOrchestrator:
    def __init__(self, runtime: AgentRuntime) -> None:
        self._runtime = runtime

    def run(
        self, pattern: PatternSpec, inputs: dict[str, Any], ctx: RequestCtx, tx: Connection
    ) -> RunResult:
        state: dict[str, Any] = {}
        scope = {"inputs": inputs, "state": state, "ctx": ctx.as_template_values()}
        run = RunResult(outputs={}, trace=[])
        for level, steps in enumerate(levels(pattern)):
            for step in steps:
                result = self._run_step(step, level, ctx, tx, scope, run.trace)
                state[step.output] = result.data
                run.sources |= result.sources
                run.packs |= result.packs
        run.outputs = {name: state[name] for name in pattern.outputs}
        return run

    def _run_step(
        self,
        step: StepSpec,
        level: int,
        ctx: RequestCtx,
        tx: Connection,
        scope: dict[str, Any],
        trace: list[TraceEntry],
    ) -> CapabilityResult:
        """Call the step's capability; its trace entry is recorded whether it answers or
        raises."""
        agent = self._runtime.capability(step.capability).agent
        started = time.perf_counter()
        result: CapabilityResult | None = None
        try:
            with span(f"step {step.output}", step=step.output, capability=step.capability):
                result = self._runtime.call(step.capability, ctx, tx, resolve(step.args, scope))
            return result
        finally:
            trace.append(
                TraceEntry(
                    step=step.output,
                    capability=step.capability,
                    agent=agent,
                    level=level,
                    duration_ms=(time.perf_counter() - started) * 1000,
                    status="error" if result is None else "ok",
                    sources=[] if result is None else sorted(result.sources),
                )
            )
