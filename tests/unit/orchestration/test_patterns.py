"""Patterns: templates keep their types, graphs are checked, the library is sound, and
steps run in dependency order under the request's context and transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, cast

import pytest

from dawsos_core.agents.registry import build_runtime
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection
from dawsos_core.errors import BadRequest, ProviderError
from dawsos_core.orchestration.graph import check_graph, levels
from dawsos_core.orchestration.orchestrator import PatternOrchestrator
from dawsos_core.orchestration.patterns import PatternSpec, load_library, resolve
from dawsos_core.orchestration.runtime import (
    AgentRuntime,
    Capability,
    CapabilityResult,
    CapabilityUnavailable,
)

CTX = RequestCtx(
    request_id="r",
    trace_id="t",
    user_sub="alice",
    portfolio=None,
    pricing_pack_id="PP",
    pack_hash="h",
    pricing_policy="ECB_CAD",
    pack_sources=frozenset({"ECB"}),
    as_of=dt.date(2024, 6, 28),
    ledger_commit_hash="c" * 40,
    packs_as_of=dt.datetime(2024, 6, 28, 18, tzinfo=dt.UTC),
    base_currency="CAD",
    environment="development",
    pack_is_fresh=True,
    pack_age_days=0,
)
TX = cast(Connection, object())  # the fakes below never touch the database


def pattern(
    steps: list[dict[str, Any]], outputs: list[str], inputs: dict[str, Any] | None = None
) -> PatternSpec:
    return PatternSpec.model_validate(
        {
            "id": "p",
            "version": 1,
            "description": "test",
            "inputs": inputs or {},
            "steps": steps,
            "outputs": outputs,
        }
    )


def test_templates_keep_their_types() -> None:
    scope = {
        "inputs": {"n": 252, "flag": True},
        "state": {"a": {"b": [1, 2]}},
        "ctx": CTX.as_template_values(),
    }

    assert resolve("{{inputs.n}}", scope) == 252
    assert resolve({"x": "{{ state.a.b }}"}, scope) == {"x": [1, 2]}
    assert resolve("{{inputs.flag}}", scope) is True
    assert (
        resolve("as of {{ctx.as_of}} for {{ctx.user_sub}}", scope) == "as of 2024-06-28 for alice"
    )


def test_every_library_pattern_has_a_sound_graph() -> None:
    runtime = build_runtime()
    library = load_library()

    assert {
        "portfolio_overview",
        "performance_history",
        "return_attribution",
        "period_returns",
        "holding_deep_dive",
    } <= set(library)
    for p in library.values():
        assert check_graph(p, runtime.names()) == [], p.id


def test_no_library_pattern_outputs_a_window() -> None:
    """A window is for later steps (numpy arrays, not JSON): never part of an answer."""
    for p in load_library().values():
        windows = {s.output for s in p.steps if s.capability == "valuations.window"}
        assert not windows & set(p.outputs), p.id


@pytest.mark.parametrize(
    ("steps", "outputs", "problem"),
    [
        ([{"capability": "x.y", "as": "a"}], ["a"], "unknown capability x.y"),
        (
            [{"capability": "t.one", "args": {"v": "{{state.nope}}"}, "as": "a"}],
            ["a"],
            "unknown reference state.nope",
        ),
        (
            [{"capability": "t.one", "args": {"v": "{{inputs.nope}}"}, "as": "a"}],
            ["a"],
            "unknown reference inputs.nope",
        ),
        (
            [{"capability": "t.one", "as": "a"}, {"capability": "t.one", "as": "a"}],
            ["a"],
            "more than one step",
        ),
        (
            [
                {"capability": "t.one", "args": {"v": "{{state.b}}"}, "as": "a"},
                {"capability": "t.one", "args": {"v": "{{state.a}}"}, "as": "b"},
            ],
            ["a"],
            "cycle",
        ),
    ],
)
def test_graph_problems_are_found(
    steps: list[dict[str, Any]], outputs: list[str], problem: str
) -> None:
    problems = check_graph(pattern(steps, outputs), {"t.one"})

    assert any(problem in p for p in problems), problems


def test_inputs_are_typed_with_defaults_and_named_when_wrong() -> None:
    p = pattern(
        [{"capability": "t.one", "as": "a"}],
        ["a"],
        {
            "id": {"type": "string", "required": True},
            "days": {"type": "integer", "default": 252, "minimum": 5},
        },
    )

    assert p.validate_inputs({"id": "x"}) == {"id": "x", "days": 252}
    with pytest.raises(BadRequest, match=r"inputs\.id"):
        p.validate_inputs({})
    with pytest.raises(BadRequest, match=r"inputs\.days"):
        p.validate_inputs({"id": "x", "days": "many"})
    with pytest.raises(BadRequest, match=r"inputs\.colour"):
        p.validate_inputs({"id": "x", "colour": "red"})


class Fake:
    name = "fake"

    def __init__(self) -> None:
        self.seen: list[tuple[RequestCtx, Connection]] = []

    def value(self, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
        self.seen.append((ctx, tx))
        return CapabilityResult({"v": args["v"]}, frozenset({"Internal"}))

    def add(self, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
        return CapabilityResult(args["a"]["v"] + args["b"]["v"], frozenset({"ECB"}))

    def broken(self, ctx: RequestCtx, tx: Connection, args: Mapping[str, Any]) -> CapabilityResult:
        raise ProviderError("provider down")

    def capabilities(self) -> list[Capability]:
        return [
            Capability("t.value", self.name, self.value),
            Capability("t.add", self.name, self.add),
            Capability("t.broken", self.name, self.broken),
        ]


def test_steps_run_in_dependency_order_and_are_traced() -> None:
    runtime = AgentRuntime()
    fake = Fake()
    runtime.register(fake)
    p = pattern(
        [
            {"capability": "t.add", "args": {"a": "{{state.a}}", "b": "{{state.b}}"}, "as": "sum"},
            {"capability": "t.value", "args": {"v": 2}, "as": "a"},
            {"capability": "t.value", "args": {"v": 3}, "as": "b"},
        ],
        ["sum"],
    )

    run = PatternOrchestrator(runtime).run(p, {}, CTX, TX)

    assert run.outputs == {"sum": 5}
    assert [len(level) for level in levels(p)] == [2, 1]
    assert [(t.step, t.level, t.status) for t in run.trace] == [
        ("a", 0, "ok"),
        ("b", 0, "ok"),
        ("sum", 1, "ok"),
    ]
    assert run.sources == {"Internal", "ECB"}
    assert fake.seen == [(CTX, TX), (CTX, TX)]  # the request's context and transaction


def test_a_failing_step_is_traced_before_it_raises() -> None:
    runtime = AgentRuntime()
    runtime.register(Fake())
    p = pattern(
        [
            {"capability": "t.value", "args": {"v": 1}, "as": "a"},
            {"capability": "t.broken", "args": {"a": "{{state.a}}"}, "as": "b"},
        ],
        ["b"],
    )
    trace: list[Any] = []
    orchestrator = PatternOrchestrator(runtime)

    with pytest.raises(ProviderError, match="provider down"):
        orchestrator._run_step(p.steps[1], 1, CTX, TX, {"state": {"a": 1}}, trace)

    assert [(t.step, t.status, t.sources) for t in trace] == [("b", "error", [])]


def test_open_breaker_answers_503_at_once_naming_the_capability() -> None:
    runtime = AgentRuntime(failure_threshold=2, cooldown_seconds=60)
    runtime.register(Fake())
    p = pattern([{"capability": "t.broken", "as": "a"}], ["a"])
    orchestrator = PatternOrchestrator(runtime)
    for _ in range(2):
        with pytest.raises(ProviderError):
            orchestrator.run(p, {}, CTX, TX)

    with pytest.raises(CapabilityUnavailable, match=r"t\.broken") as raised:
        orchestrator.run(p, {}, CTX, TX)
    assert raised.value.status == 503
