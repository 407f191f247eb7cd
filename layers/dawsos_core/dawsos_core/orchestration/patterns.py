"""Patterns: JSON step graphs, validated by pydantic when loaded.

A step names a capability, its arguments and the state name (``as``) its result is kept
under. Arguments may hold templates: ``{{inputs.x}}``, ``{{state.y.z}}`` and ``{{ctx.z}}``.
A string that is exactly one template resolves to the value with its type kept; a template
inside a longer string is interpolated as text. Dependencies between steps come from the
``state`` references.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    create_model,
)

from dawsos_core.errors import BadRequest

LIBRARY_DIR = Path(__file__).with_name("patterns")
TEMPLATE = re.compile(r"\{\{\s*(inputs|state|ctx)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)\s*\}\}")
MAX_TEXT_LENGTH = 256  # a string input's length unless its pattern says less


def _iso_date(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("a date as YYYY-MM-DD")
    return dt.date.fromisoformat(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Strict: no number or boolean is read from a string, and no date from a number.
_TYPES: dict[str, Any] = {
    "string": StrictStr,
    "integer": StrictInt,
    "number": StrictFloat,
    "boolean": StrictBool,
    "date": Annotated[dt.date, PlainValidator(_iso_date, json_schema_input_type=str)],
}


class InputSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["string", "integer", "number", "boolean", "date"]
    required: bool = False
    default: Any = None
    description: str = ""
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None  # a string input's regular expression


class StepSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    capability: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)+$")
    args: dict[str, Any] = Field(default_factory=dict)
    output: str = Field(alias="as", pattern=r"^[a-z][a-z0-9_]*$")

    def references(self) -> list[tuple[str, str]]:
        """(root, path) of every template in the arguments."""
        found: list[tuple[str, str]] = []

        def walk(value: Any) -> None:
            if isinstance(value, str):
                found.extend(TEMPLATE.findall(value))
            elif isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)

        walk(self.args)
        return found

    def depends_on(self) -> set[str]:
        return {path.split(".")[0] for root, path in self.references() if root == "state"}


class PatternSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    version: int = Field(ge=1)
    description: str
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    steps: list[StepSpec] = Field(min_length=1)
    outputs: list[str] = Field(min_length=1)

    @cached_property
    def _inputs_model(self) -> type[BaseModel]:
        fields: dict[str, Any] = {}
        for name, spec in self.inputs.items():
            kind = _TYPES[spec.type]
            default = ... if spec.required else spec.default
            field = Field(
                default,
                ge=spec.minimum,
                le=spec.maximum,
                pattern=spec.pattern,
                max_length=MAX_TEXT_LENGTH if spec.type == "string" else None,
            )
            fields[name] = (kind, field) if spec.required else (kind | None, field)
        model: type[BaseModel] = create_model(
            f"{self.id}_inputs", __config__=ConfigDict(extra="forbid"), **fields
        )
        return model

    def validate_inputs(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Typed inputs with defaults; a missing or ill-typed one is a 400 naming it."""
        try:
            model = self._inputs_model.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"inputs.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise BadRequest(problems) from exc
        return model.model_dump()


def resolve(value: Any, scope: dict[str, Any]) -> Any:
    """Replace templates in ``value`` from ``scope`` (keys inputs, state, ctx)."""
    if isinstance(value, dict):
        return {k: resolve(v, scope) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, scope) for v in value]
    if not isinstance(value, str):
        return value
    whole = TEMPLATE.fullmatch(value.strip())
    if whole:
        return _lookup(scope, whole.group(1), whole.group(2))
    return TEMPLATE.sub(lambda m: str(_lookup(scope, m.group(1), m.group(2))), value)


def _lookup(scope: dict[str, Any], root: str, path: str) -> Any:
    current: Any = scope[root]
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        else:
            raise KeyError(f"{root}.{path}")
    if isinstance(current, dt.date):
        return current.isoformat()
    return current


def load_library(directory: Path = LIBRARY_DIR) -> dict[str, PatternSpec]:
    library: dict[str, PatternSpec] = {}
    for path in sorted(directory.glob("*.json")):
        pattern = PatternSpec.model_validate(json.loads(path.read_text()))
        if pattern.id != path.stem:
            raise ValueError(f"{path.name}: pattern id {pattern.id} differs from its file name")
        library[pattern.id] = pattern
    return library
