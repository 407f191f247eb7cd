"""The rights registry: what each data source's licence allows, per environment.

The rules are data (``registry.json``, shipped in the layer); this module only reads them.
A source missing from the registry has no licence we know of, so it is treated as
forbidding export: data of unknown lineage never leaves in a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from dawsos_core.settings import Environment


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    view: bool
    export: bool
    watermark: bool = Field(
        description="The licence asks for a visible mark; every export carries one"
    )


class SourceRights(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    attribution: str = Field(min_length=1)
    rules: dict[Environment, Rule]

    def rule(self, environment: Environment) -> Rule:
        return self.rules[environment]


class RightsRegistry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    comment: str = ""
    sources: dict[str, SourceRights]

    def model_post_init(self, context: object) -> None:
        for name, rights in self.sources.items():
            missing = set(Environment) - set(rights.rules)
            if missing:
                raise ValueError(f"{name}: no rule for {', '.join(sorted(missing))}")

    def attributions(self, sources: set[str] | frozenset[str] | list[str]) -> list[Attribution]:
        """The attribution of each source, sorted by source name."""
        return [
            Attribution(
                source=s,
                text=self.sources[s].attribution if s in self.sources else f"Data: {s}",
            )
            for s in sorted(set(sources))
        ]

    def export_blocked(
        self, sources: set[str] | frozenset[str] | list[str], environment: Environment
    ) -> list[str]:
        """The sources that forbid export here (unknown sources included), sorted."""
        return sorted(
            s
            for s in set(sources)
            if s not in self.sources or not self.sources[s].rule(environment).export
        )

    def view_blocked(
        self, sources: set[str] | frozenset[str] | list[str], environment: Environment
    ) -> list[str]:
        return sorted(
            s
            for s in set(sources)
            if s in self.sources and not self.sources[s].rule(environment).view
        )


@dataclass(frozen=True)
class Attribution:
    source: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "text": self.text}


@lru_cache(maxsize=1)
def load_registry() -> RightsRegistry:
    text = resources.files("dawsos_core.rights").joinpath("registry.json").read_text()
    return RightsRegistry.model_validate(json.loads(text))
