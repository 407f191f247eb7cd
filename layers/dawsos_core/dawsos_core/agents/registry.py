"""Every agent of the execute path, registered on one runtime."""

from __future__ import annotations

from dawsos_core.agents.data_harvester import DataHarvester
from dawsos_core.agents.financial_analyst import FinancialAnalyst
from dawsos_core.agents.macro_hound import MacroHound
from dawsos_core.orchestration.runtime import AgentRuntime


def build_runtime() -> AgentRuntime:
    runtime = AgentRuntime()
    for agent in (FinancialAnalyst(), MacroHound(), DataHarvester()):
        runtime.register(agent)
    return runtime
