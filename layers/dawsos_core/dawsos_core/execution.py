"""POST /v1/execute as a service: pattern and inputs -> the caller's request transaction ->
portfolio -> freshness gate -> RequestCtx -> orchestrator -> stored execution.

The result is serialised canonically and hashed: the same pattern, inputs, pack and ledger
commit give a byte-identical result and an equal ``result_hash``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from dawsos_core.calendar import expected_pack_date
from dawsos_core.context import RequestCtx
from dawsos_core.db.connection import Connection, Database
from dawsos_core.db.repositories.executions import insert_execution
from dawsos_core.db.repositories.ledger import DEFAULT_LEDGER, latest_commit
from dawsos_core.db.repositories.packs import database_now, pack_by_id, pack_sources
from dawsos_core.db.repositories.portfolios import PortfolioRecord
from dawsos_core.db.repositories.tenancy import claim_request_slot
from dawsos_core.errors import BadRequest, NotFound, TooManyRequests, ViewBlocked
from dawsos_core.ledger.commits import pinned_commit
from dawsos_core.observability.telemetry import annotate
from dawsos_core.orchestration.orchestrator import PatternOrchestrator
from dawsos_core.orchestration.patterns import PatternSpec
from dawsos_core.portfolios import get_portfolio
from dawsos_core.pricing.content import pack_set_hash
from dawsos_core.pricing.gate import GatedPack, expected_pack, expected_pack_state, pinned_pack
from dawsos_core.pricing.policies import get_policy
from dawsos_core.rights.registry import load_registry
from dawsos_core.settings import Settings


@dataclass(frozen=True)
class ExecutionOutcome:
    execution_id: str
    result: dict[str, Any]
    result_text: str  # the canonical JSON of result, hashed and stored
    result_hash: str
    provenance: dict[str, Any]
    attributions: list[dict[str, str]]
    trace: list[dict[str, Any]]


def canonical_json(value: Any) -> str:
    """Keys sorted, no whitespace, UTF-8, dates as ISO text, floats in their shortest form
    that reads back to the same double. JSON has no spelling for NaN or infinity, so an
    answer holding one is refused."""
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    # orjson writes NaN and infinity as null: only a text with a null can hide one.
    if b"null" in text and not _all_finite(value):
        raise ValueError("the answer holds a non-finite number (NaN or infinity)")
    return text.decode()


def _all_finite(value: Any) -> bool:
    """No NaN or infinity anywhere in ``value``."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_all_finite(v) for v in value)
    return True


def resolve_pattern(
    library: dict[str, PatternSpec], pattern_id: str, inputs: dict[str, Any]
) -> tuple[PatternSpec, dict[str, Any]]:
    """The pattern and its typed inputs: 404 for an unknown pattern, 400 naming a bad input.
    Needs no database, so bad requests are refused before any connection."""
    pattern = library.get(pattern_id)
    if pattern is None:
        raise NotFound(f"no pattern {pattern_id}")
    return pattern, pattern.validate_inputs(inputs)


def execute_pattern(
    db: Database,
    settings: Settings,
    orchestrator: PatternOrchestrator,
    pattern: PatternSpec,
    values: dict[str, Any],
    *,
    require_fresh: bool,
    pack_id: str | None,
    user_sub: str,
    request_id: str,
    trace_id: str,
    ledger_commit: str | None = None,
    packs_as_of: dt.datetime | None = None,
) -> ExecutionOutcome:
    """Run ``pattern`` for ``user_sub`` in one transaction under the caller's role: the
    portfolio the inputs name, its ledger commit (the latest, or ``ledger_commit``), the
    gated pack, the instant whose packs value a window (now, or ``packs_as_of``), the
    steps, and the stored execution."""
    annotate(pattern_id=pattern.id)
    with db.request_transaction(user_sub) as tx:
        if claim_request_slot(tx, user_sub, settings.tenant_concurrency) is None:
            raise TooManyRequests(
                f"this caller already runs {settings.tenant_concurrency} requests at once; "
                "retry when one has answered"
            )
        portfolio_id = values.get("portfolio_id")
        portfolio = None if portfolio_id is None else get_portfolio(tx, str(portfolio_id), user_sub)
        commit = _commit(tx, portfolio, ledger_commit)
        gated = _gate(tx, settings, require_fresh=require_fresh, pack_id=pack_id)
        at = packs_as_of or database_now(tx)
        ctx = _request_ctx(
            tx, settings, portfolio, commit, gated, at, user_sub, request_id, trace_id
        )
        run = orchestrator.run(pattern, values, ctx, tx)
        registry = load_registry()
        hidden = registry.view_blocked(run.sources, settings.environment)
        if hidden:
            raise ViewBlocked(
                f"the answer uses {', '.join(hidden)}, which may not be shown in "
                f"{settings.environment.value}",
                sources=hidden,
            )
        result_text = canonical_json(run.outputs)
        result_hash = hashlib.sha256(result_text.encode()).hexdigest()
        packs = sorted({ctx.pricing_pack_id, *run.packs})
        provenance = {
            **ctx.provenance(),
            "pattern_id": pattern.id,
            "pattern_version": pattern.version,
            "sources": sorted(run.sources),
            "pack_set_hash": pack_set_hash(packs),
            "packs": len(packs),
            "valuation": get_policy(ctx.pricing_policy).manifest(),
        }
        execution_id = uuid.uuid4()
        insert_execution(
            tx,
            execution_id=execution_id,
            request_id=request_id,
            trace_id=trace_id,
            user_sub=user_sub,
            pattern_id=pattern.id,
            inputs=canonical_json(values),
            portfolio_id=None if portfolio is None else portfolio.id,
            pricing_pack_id=ctx.pricing_pack_id,
            ledger_commit_hash=ctx.ledger_commit_hash,
            provenance=canonical_json(provenance),
            result=result_text,
            result_hash=result_hash,
        )
    return ExecutionOutcome(
        execution_id=str(execution_id),
        result=run.outputs,
        result_text=result_text,
        result_hash=result_hash,
        provenance=provenance,
        attributions=[a.as_dict() for a in registry.attributions(run.sources)],
        trace=[t.model_dump() for t in run.trace],
    )


def _gate(
    tx: Connection, settings: Settings, *, require_fresh: bool, pack_id: str | None
) -> GatedPack:
    """The pinned pack, or the expected pack of the settings' policy."""
    expected = expected_pack_date(settings.now())
    retry = settings.retry_after_seconds
    if pack_id is not None:
        return pinned_pack(pack_by_id(tx, pack_id), pack_id, expected, retry_after_seconds=retry)
    state = expected_pack_state(tx, get_policy(settings.pricing_policy).name, expected)
    return expected_pack(state, require_fresh=require_fresh, retry_after_seconds=retry)


def _commit(tx: Connection, portfolio: PortfolioRecord | None, pinned: str | None) -> str | None:
    """The one commit the answer is valued at: the pinned one, or the latest of the
    portfolio's ledger (of the default ledger for a pattern about no portfolio)."""
    ledger_id = DEFAULT_LEDGER if portfolio is None else portfolio.ledger_id
    if portfolio is None and pinned is None:
        latest = latest_commit(tx, ledger_id)
        return None if latest is None else latest.commit_hash
    return pinned_commit(tx, pinned, ledger_id).commit_hash


def _request_ctx(
    tx: Connection,
    settings: Settings,
    portfolio: PortfolioRecord | None,
    commit: str | None,
    gated: GatedPack,
    packs_as_of: dt.datetime,
    user_sub: str,
    request_id: str,
    trace_id: str,
) -> RequestCtx:
    pack = gated.pack
    if pack.fresh_at is not None and packs_as_of < pack.fresh_at:
        raise BadRequest(
            f"packs_as_of: {packs_as_of.isoformat()} is before pricing pack {pack.id} became "
            f"live ({pack.fresh_at.isoformat()})"
        )
    annotate(pricing_pack_id=pack.id, ledger_commit_hash=commit, pack_age_days=gated.age_days)
    return RequestCtx(
        request_id=request_id,
        trace_id=trace_id,
        user_sub=user_sub,
        portfolio=portfolio,
        pricing_pack_id=pack.id,
        pack_hash=pack.hash,
        pricing_policy=pack.policy,
        pack_sources=frozenset(pack_sources(tx, pack.id)),
        as_of=pack.date,
        ledger_commit_hash=commit,
        packs_as_of=packs_as_of,
        base_currency=None if portfolio is None else portfolio.base_currency,
        environment=settings.environment.value,
        pack_is_fresh=gated.is_fresh,
        pack_age_days=gated.age_days,
    )
