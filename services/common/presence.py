"""Worker presence in Redis, kept by a thread so a worker busy on a long job still shows up.

A solo worker cannot answer Celery's `inspect` while it runs a job (its event loop is blocked),
which would make `/readyz` fail for minutes during every long transcription or generation.
"""

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

import redis

from common import redis_keys
from common.redis_client import sync_client

log = logging.getLogger(__name__)

INTERVAL_S = 10
TTL_S = 30


def _beat(client: redis.Redis, name: str, body: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            client.set(redis_keys.worker_presence(name), body, ex=TTL_S)
        except redis.RedisError:
            log.warning("could not record worker presence", exc_info=True)
        stop.wait(INTERVAL_S)


def start_presence(redis_url: str, name: str, queues: list[str]) -> Callable[[], None]:
    """Announce this worker every 10 s; returns the function that withdraws it at once."""
    client = sync_client(redis_url)
    stop = threading.Event()
    body = json.dumps({"name": name, "queues": queues})
    threading.Thread(target=_beat, args=(client, name, body, stop), daemon=True).start()

    def withdraw() -> None:
        stop.set()
        with contextlib.suppress(redis.RedisError):
            client.delete(redis_keys.worker_presence(name))

    return withdraw


async def workers_by_queue(client: Any) -> dict[str, list[str]]:
    """Live workers per queue, from their presence keys (async Redis client)."""
    by_queue: dict[str, list[str]] = {}
    async for key in client.scan_iter(match=redis_keys.worker_presence("*"), count=100):
        raw = await client.get(key)
        if raw:
            worker = json.loads(raw)
            for queue in worker["queues"]:
                by_queue.setdefault(queue, []).append(worker["name"])
    return by_queue
