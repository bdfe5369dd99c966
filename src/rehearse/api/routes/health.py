"""Liveness and readiness."""

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from rehearse.base.settings import Settings, get_settings
from rehearse.contracts.job_kinds import POOLS
from rehearse.fleet.presence import names_by_queue, presences, queue_readiness
from rehearse.storage.admission import saturation
from rehearse.storage.db import transaction

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


def _queue_depths(settings: Settings) -> dict[str, dict[str, int]]:
    """Jobs waiting per queue against its admission limit (also proves PostgreSQL answers)."""
    with transaction() as conn:
        return {pool: saturation(conn, settings, pool) for pool in POOLS}


@router.get("/readyz", responses={503: {"description": "a dependency or a queue is not ready"}})
async def readyz(request: Request) -> JSONResponse:
    """Redis, PostgreSQL, and for every queue a worker whose models are loaded."""
    checks: dict[str, Any] = {}
    try:
        checks["redis"] = bool(await asyncio.wait_for(request.app.state.redis.ping(), 2))
    except Exception as exc:
        checks["redis"] = False
        checks["redis_error"] = str(exc)
    try:
        depths = await asyncio.wait_for(run_in_threadpool(_queue_depths, get_settings()), 3)
        checks["postgres"] = True
        checks["queued"] = depths
        # Reported, not a reason for 503: a saturated api still serves reads and streams.
        checks["saturated"] = [
            q for q, d in depths.items() if d["limit"] and d["queued"] >= d["limit"]
        ]
    except Exception as exc:
        checks["postgres"] = False
        checks["postgres_error"] = str(exc)
    workers: list[dict[str, Any]] = []
    if checks["redis"]:
        try:
            workers = await asyncio.wait_for(presences(request.app.state.redis), 3)
        except Exception as exc:
            checks["workers_error"] = str(exc)
    # `workers`: every live worker per pool (gpu, cpu), loaded or not; `queues` says per pool
    # which can serve, and which queues (gpu.whisper, gpu.llm, gpu.speech) the pool holds.
    checks["workers"] = names_by_queue(workers, POOLS)
    checks["queues"] = queue_readiness(workers, POOLS)
    checks["missing"] = [p for p in POOLS if not checks["queues"][p]["ready"]]
    ready = checks["redis"] and checks["postgres"] and not checks["missing"]
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)
