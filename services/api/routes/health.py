"""Liveness and readiness."""

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from common.db import transaction
from common.presence import workers_by_queue
from common.task_names import QUEUES

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


def _postgres() -> bool:
    with transaction() as conn:
        conn.execute("SELECT 1")
    return True


@router.get("/readyz", responses={503: {"description": "a dependency is not reachable"}})
async def readyz(request: Request) -> JSONResponse:
    """Redis, PostgreSQL and a live worker for every queue (workers announce themselves)."""
    checks: dict[str, Any] = {}
    try:
        checks["redis"] = bool(await asyncio.wait_for(request.app.state.redis.ping(), 2))
    except Exception as exc:
        checks["redis"] = False
        checks["redis_error"] = str(exc)
    try:
        checks["postgres"] = await asyncio.wait_for(run_in_threadpool(_postgres), 3)
    except Exception as exc:
        checks["postgres"] = False
        checks["postgres_error"] = str(exc)
    workers: dict[str, list[str]] = {}
    if checks["redis"]:
        try:
            workers = await workers_by_queue(request.app.state.redis)
        except Exception as exc:
            checks["workers_error"] = str(exc)
    checks["workers"] = workers
    ready = checks["redis"] and checks["postgres"] and all(workers.get(q) for q in QUEUES)
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)
