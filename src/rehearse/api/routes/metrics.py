"""`/metrics` in Prometheus text: the api's own counters, and queues and workers as of now;
`/metrics/targets`: every worker process's metrics, for Prometheus's HTTP service discovery."""

import asyncio
import logging
from typing import Any

import redis
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from rehearse.api.errors import ApiError
from rehearse.base import metrics
from rehearse.base.settings import get_settings
from rehearse.contracts.job_kinds import QUEUES, first_queue
from rehearse.contracts.priority import LEVELS, PriorityClass
from rehearse.fleet.presence import pool_of_worker, presences, queue_readiness
from rehearse.runtime.redis_broker import level_keys
from rehearse.storage.db import async_connection

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)
SCRAPE_TIMEOUT_S = 3


async def _queues() -> None:
    """Depth and oldest age per queue, and per queue and class, from PostgreSQL (partial index
    on queued jobs)."""
    tts_queue = get_settings().tts_queue
    async with async_connection() as conn:
        cursor = await conn.execute(
            "SELECT kind, priority_class, count(*) AS n,"
            " extract(epoch FROM now() - min(created_at)) AS age"
            " FROM jobs WHERE status = 'queued' GROUP BY kind, priority_class"
        )
        rows = await cursor.fetchall()
    every = [(queue, cls.value) for queue in QUEUES for cls in PriorityClass]
    depth, oldest = dict.fromkeys(every, 0), dict.fromkeys(every, 0.0)
    for row in rows:
        at = (first_queue(row["kind"], tts_queue), row["priority_class"])
        depth[at] = depth.get(at, 0) + row["n"]
        oldest[at] = max(oldest.get(at, 0.0), float(row["age"]))
    for queue in QUEUES:
        mine = [at for at in depth if at[0] == queue]
        metrics.QUEUE_DEPTH.labels(queue).set(sum(depth[at] for at in mine))
        metrics.QUEUE_OLDEST.labels(queue).set(max(oldest[at] for at in mine))
    for (queue, cls), count in depth.items():
        metrics.QUEUE_CLASS_DEPTH.labels(queue, cls).set(count)
        metrics.QUEUE_CLASS_OLDEST.labels(queue, cls).set(oldest[(queue, cls)])


async def _broker_and_workers(client) -> None:
    """Messages waiting per broker queue (over all its priority levels) and live workers per
    queue and state (Redis)."""
    async with client.pipeline(transaction=False) as pipe:
        for queue in QUEUES:
            for key in level_keys(queue):
                pipe.llen(key)
        lengths = iter(await pipe.execute())
    for queue in QUEUES:
        metrics.BROKER_MESSAGES.labels(queue).set(sum(next(lengths) for _ in LEVELS))
    workers = await presences(client)
    states = queue_readiness(workers, {queue: (queue,) for queue in QUEUES})
    metrics.WORKERS.clear()
    for queue, state in states.items():
        metrics.WORKERS.labels(queue, "ready").set(len(state["workers"]))
        metrics.WORKERS.labels(queue, "starting").set(len(state["starting"]))
        metrics.WORKERS.labels(queue, "failed").set(len(state["errors"]))


@router.get("/metrics", include_in_schema=False)
async def scrape(request: Request) -> Response:
    """Prometheus text; a dependency that does not answer leaves its gauges out, not the rest."""
    checks = (
        (
            _queues(),
            (
                metrics.QUEUE_DEPTH,
                metrics.QUEUE_OLDEST,
                metrics.QUEUE_CLASS_DEPTH,
                metrics.QUEUE_CLASS_OLDEST,
            ),
        ),
        (_broker_and_workers(request.app.state.redis), (metrics.BROKER_MESSAGES, metrics.WORKERS)),
    )
    results = await asyncio.gather(
        *(asyncio.wait_for(check, SCRAPE_TIMEOUT_S) for check, _ in checks), return_exceptions=True
    )
    for result, (_, gauges) in zip(results, checks, strict=True):
        if isinstance(result, Exception):
            log.warning("metrics scrape: %s", result)
            for gauge in gauges:
                gauge.clear()
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def discovery_groups(workers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One target group per live worker serving metrics, labelled with its name and pool."""
    return [
        {
            "targets": worker["metrics"],
            "labels": {"worker": worker["name"], "pool": pool_of_worker(worker)},
        }
        for worker in sorted(workers, key=lambda w: w["name"])
        if worker.get("metrics")  # METRICS_PORT 0, or a worker from before targets were announced
    ]


@router.get("/metrics/targets", include_in_schema=False)
async def targets(request: Request) -> JSONResponse:
    """Prometheus HTTP SD (JSON), from the workers' presence keys. On a Redis outage 503:
    Prometheus keeps the targets it has rather than dropping every worker."""
    try:
        workers = await asyncio.wait_for(presences(request.app.state.redis), SCRAPE_TIMEOUT_S)
    except (redis.RedisError, OSError, TimeoutError) as exc:
        log.warning("metrics targets: %s", exc)
        raise ApiError(503, "redis_unavailable", "Redis is unreachable: no worker list") from exc
    return JSONResponse(discovery_groups(workers))
