"""Worker presence in Redis, kept by a thread so a worker busy on a long job still shows up.

A solo worker cannot answer Celery's `inspect` while it runs a job (its event loop is blocked),
which would make `/readyz` fail for minutes during every long transcription or generation.
The key exists from the worker's start until it stops (or TTL_S after it died); its body says
whether the worker is ready: consuming, with every pool process's models loaded.
"""

import contextlib
import json
import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any

import redis
from celery import Celery
from celery.signals import worker_init, worker_ready, worker_shutting_down

from rehearse.base import redis_keys
from rehearse.base.redis_client import CONNECT_TIMEOUT_S, sync_client
from rehearse.base.settings import get_settings
from rehearse.contracts.capabilities import CAPABILITIES
from rehearse.contracts.job_kinds import POOLS
from rehearse.fleet.metrics_targets import worker_targets
from rehearse.runtime import worker_boot

log = logging.getLogger(__name__)

INTERVAL_S = 5
TTL_S = 15
"""A worker gone without withdrawing (killed) drops out of `/readyz` within this."""
STARTING_POLL_S = 0.5
"""While processes load, the beat looks this often, so readiness shows as soon as it holds."""


class Presence:
    """One worker's presence key, written by a thread until `withdraw()`."""

    def __init__(self, name: str, queues: list[str], processes: int, boot_id: str) -> None:
        self.settings = get_settings()
        self.client = sync_client(self.settings.redis_url)
        self.name, self.queues, self.processes, self.boot_id = name, queues, processes, boot_id
        self.consuming = False
        # Every report seen: Redis may lose them (restarted empty), the beat writes them back.
        self._loaded: set[str] = set()
        self._errors: dict[str, str] = {}
        self._stopped = False
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="presence", daemon=True)
        self._last_state = "starting"
        self._unreachable = False

    def start(self) -> "Presence":
        self._thread.start()
        return self

    def body(self) -> dict[str, Any]:
        """This worker's state now, from its processes' reports."""
        loaded, errors = worker_boot.progress(self.client, self.boot_id)
        lost_loaded = self._loaded - loaded
        lost_errors = {pid: why for pid, why in self._errors.items() if pid not in errors}
        if lost_loaded or lost_errors:
            worker_boot.restore(self.client, self.boot_id, lost_loaded, lost_errors)
        else:
            worker_boot.renew(self.client, self.boot_id)
        self._loaded |= loaded
        self._errors.update(errors)
        error = "; ".join(sorted(set(self._errors.values()))) or None
        ready = self.consuming and error is None and len(self._loaded) >= self.processes
        state = "ready" if ready else "failed" if error else "starting"
        return {
            "name": self.name,
            "queues": self.queues,
            "ready": ready,
            "state": state,
            "processes": self.processes,
            "loaded": len(self._loaded),
            "error": error,
            "capabilities": dict(CAPABILITIES),
            # Where Prometheus scrapes each pool process (asked each beat: an address can change).
            "metrics": worker_targets(self.settings, self.processes),
        }

    def _beat(self) -> None:
        while not self._stopped:
            state = self._last_state
            try:
                body = self.body()
                self.client.set(redis_keys.worker_presence(self.name), json.dumps(body), ex=TTL_S)
                state = body["state"]
            except redis.RedisError as exc:
                if not self._unreachable:  # one line per outage, not one per beat
                    log.warning("could not record worker presence: %s", exc)
                self._unreachable = True
            else:
                if self._unreachable:
                    log.info("worker presence recorded again")
                self._unreachable = False
            if state != self._last_state:
                # The failing process logged its reason; this says what it means for the worker.
                level = logging.INFO if state == "ready" else logging.ERROR
                log.log(level, "worker %s: %s (%d processes)", self.name, state, self.processes)
                self._last_state = state
            self._wake.wait(STARTING_POLL_S if state == "starting" else INTERVAL_S)
            self._wake.clear()

    def mark_consuming(self) -> None:
        """Celery's consumer runs: ready as soon as every process has loaded."""
        self.consuming = True
        self._wake.set()

    def withdraw(self) -> None:
        """Stop the beat, then delete the key (no beat in flight can write it back)."""
        self._stopped = True
        self._wake.set()
        self._thread.join(CONNECT_TIMEOUT_S * 2)
        with contextlib.suppress(redis.RedisError):
            self.client.delete(redis_keys.worker_presence(self.name))
            worker_boot.forget(self.client, self.boot_id)


def connect_presence(app: Celery) -> None:
    """Announce this worker from its start to its shutdown (connected once per process)."""
    current: list[Presence] = []

    def on_init(sender: Any, **_: Any) -> None:
        queues = sorted(sender.app.amqp.queues.consume_from)
        boot_id = worker_boot.begin(queues)  # before the pool forks: children inherit it
        current.append(Presence(sender.hostname, queues, sender.concurrency, boot_id).start())

    def on_ready(**_: Any) -> None:
        for presence in current:
            presence.mark_consuming()

    def on_shutting_down(**_: Any) -> None:
        while current:
            current.pop().withdraw()

    worker_init.connect(on_init, weak=False, dispatch_uid="rehearse-presence-start")
    worker_ready.connect(on_ready, weak=False, dispatch_uid="rehearse-presence-ready")
    worker_shutting_down.connect(
        on_shutting_down, weak=False, dispatch_uid="rehearse-presence-withdraw"
    )


async def presences(client: Any) -> list[dict[str, Any]]:
    """Every live worker's presence body (async Redis client)."""
    keys = [key async for key in client.scan_iter(match=redis_keys.worker_presence("*"), count=100)]
    raws = await client.mget(keys) if keys else []
    return [json.loads(raw) for raw in raws if raw]


def _serves(worker: dict[str, Any], queues: Iterable[str]) -> bool:
    return any(queue in worker["queues"] for queue in queues)


def pool_of_worker(worker: dict[str, Any], pools: Mapping[str, Iterable[str]] = POOLS) -> str:
    """The pool (`gpu`, `cpu`) whose queues the worker consumes."""
    return next((pool for pool, queues in pools.items() if _serves(worker, queues)), "")


def names_by_queue(
    workers: list[dict[str, Any]], pools: Mapping[str, Iterable[str]] = POOLS
) -> dict[str, list[str]]:
    """Worker names per pool (`gpu`, `cpu`) whose queues they consume."""
    by_pool: dict[str, list[str]] = {}
    for pool, queues in pools.items():
        for worker in workers:
            if _serves(worker, queues):
                by_pool.setdefault(pool, []).append(worker["name"])
    return by_pool


async def workers_by_queue(client: Any) -> dict[str, list[str]]:
    """Live workers per pool, ready or not, from their presence keys (async Redis client)."""
    return names_by_queue(await presences(client))


def queue_readiness(
    workers: list[dict[str, Any]], pools: Mapping[str, Iterable[str]] = POOLS
) -> dict[str, Any]:
    """Per pool: ready workers, those still loading, why the failed ones are not, its queues."""
    states: dict[str, Any] = {}
    for pool, queues in pools.items():
        present = [w for w in workers if _serves(w, queues)]
        ready = sorted(w["name"] for w in present if w.get("ready"))
        errors = {w["name"]: w["error"] for w in present if w.get("error")}
        starting = sorted(w["name"] for w in present if not w.get("ready") and not w.get("error"))
        states[pool] = {"ready": bool(ready), "workers": ready, "starting": starting}
        states[pool]["errors"] = errors
        states[pool]["queues"] = list(queues)
    return states
