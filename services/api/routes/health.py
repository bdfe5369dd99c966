"""Liveness and readiness."""

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from common.db import transaction
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


def _workers(request: Request) -> dict[str, list[str]]:
    replies = request.app.state.celery.control.inspect(timeout=1.0).active_queues() or {}
    by_queue: dict[str, list[str]] = {q: [] for q in QUEUES}
    for worker, queues in replies.items():
        for queue in queues:
            by_queue.setdefault(queue["name"], []).append(worker)
    return by_queue


@router.get("/readyz", responses={503: {"description": "a dependency is not reachable"}})
async def readyz(request: Request) -> JSONResponse:
    """Redis, PostgreSQL and a worker for every queue are reachable."""
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
            workers = await run_in_threadpool(_workers, request)
        except Exception as exc:
            checks["workers_error"] = str(exc)
    checks["workers"] = workers
    ready = checks["redis"] and checks["postgres"] and all(workers.get(q) for q in QUEUES)
    return JSONResponse({"ready": ready, **checks}, status_code=200 if ready else 503)
