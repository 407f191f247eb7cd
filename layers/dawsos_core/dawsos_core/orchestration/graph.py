"""The step graph of a pattern: checks, and its steps in levels of dependency."""

from __future__ import annotations

from dawsos_core.context import TEMPLATE_FIELDS
from dawsos_core.orchestration.patterns import PatternSpec, StepSpec

CTX_FIELDS = set(TEMPLATE_FIELDS)


def check_graph(pattern: PatternSpec, capabilities: set[str]) -> list[str]:
    """Every problem: unknown capability or reference, duplicate output, cycle."""
    problems: list[str] = []
    outputs = [s.output for s in pattern.steps]
    for name in {o for o in outputs if outputs.count(o) > 1}:
        problems.append(f"{pattern.id}: output {name} is produced by more than one step")
    for step in pattern.steps:
        if step.capability not in capabilities:
            problems.append(f"{pattern.id}.{step.output}: unknown capability {step.capability}")
        for root, path in step.references():
            head = path.split(".")[0]
            known = {"inputs": set(pattern.inputs), "state": set(outputs), "ctx": CTX_FIELDS}
            if head not in known[root]:
                problems.append(f"{pattern.id}.{step.output}: unknown reference {root}.{path}")
        if step.output in step.depends_on():
            problems.append(f"{pattern.id}.{step.output}: refers to its own output")
    for name in pattern.outputs:
        if name not in outputs:
            problems.append(f"{pattern.id}: output {name} is produced by no step")
    if not problems:
        try:
            levels(pattern)
        except ValueError as exc:
            problems.append(str(exc))
    return problems


def levels(pattern: PatternSpec) -> list[list[StepSpec]]:
    """Steps grouped so that each group depends only on earlier groups (Kahn's algorithm),
    in the order the pattern lists them within a group."""
    pending = {s.output: s for s in pattern.steps}
    done: set[str] = set()
    ordered: list[list[StepSpec]] = []
    while pending:
        ready = [s for s in pending.values() if s.depends_on() <= done]
        if not ready:
            raise ValueError(f"{pattern.id}: steps {sorted(pending)} form a cycle")
        ordered.append(ready)
        for step in ready:
            done.add(step.output)
            del pending[step.output]
    return ordered
