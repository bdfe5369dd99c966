"""Job leases: while a worker executes a job, a short-lived Redis key says so.

The reconciler re-sends an unfinished job that neither the broker holds nor a worker leases.
A lease is refreshed by one thread per process, so a worker busy for minutes inside one model
call keeps its leases; a worker that dies lets them expire within `TTL_S`. After a total Redis
loss the next refresh writes them again.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

import redis

from rehearse.base import redis_keys

log = logging.getLogger(__name__)

REFRESH_S = 5.0
TTL_S = 15


class Leases:
    """The jobs this process is executing, kept alive in Redis by a background thread."""

    def __init__(self, client: redis.Redis, worker: str) -> None:
        self.client, self.worker = client, worker
        self._held: dict[str, int] = {}
        self._new: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    @contextmanager
    def hold(self, job_id: UUID | str) -> Iterator[None]:
        """Lease `job_id` for the duration of the block.

        The lease thread writes it at once, off the job's path: the job's message stays in the
        broker's unacked set until the job ends, so the reconciler finds it held meanwhile.
        """
        key = str(job_id)
        with self._lock:
            self._held[key] = self._held.get(key, 0) + 1
            self._new.add(key)
            self._start()
        self._wake.set()
        try:
            yield
        finally:
            with self._lock:
                self._held[key] -= 1
                if not self._held[key]:
                    del self._held[key]
                    self._new.discard(key)
            with contextlib.suppress(redis.RedisError):  # else it expires within TTL_S
                self.client.delete(redis_keys.job_lease(key))

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._refresh, daemon=True, name="leases")
            self._thread.start()

    def _refresh(self) -> None:
        renew_at = time.monotonic() + REFRESH_S
        while True:
            self._wake.wait(max(renew_at - time.monotonic(), 0))
            self._wake.clear()
            with self._lock:
                if time.monotonic() >= renew_at:  # every REFRESH_S: all of them
                    keys, renew_at = list(self._held), time.monotonic() + REFRESH_S
                else:  # woken by hold(): the new ones
                    keys = list(self._new)
                self._new.clear()
            if keys:
                self._write(keys)
                self._drop_released(keys)

    def _drop_released(self, keys: list[str]) -> None:
        """Delete leases written just after their block ended (hold() deleted them before)."""
        with self._lock:
            released = [redis_keys.job_lease(k) for k in keys if k not in self._held]
        if released:
            with contextlib.suppress(redis.RedisError):
                self.client.delete(*released)

    def _write(self, job_ids: list[str]) -> None:
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for job_id in job_ids:
                    pipe.set(redis_keys.job_lease(job_id), self.worker, ex=TTL_S)
                pipe.execute()
        except redis.RedisError as exc:
            if not self._failing:  # one line per outage, not one per refresh
                log.warning("could not renew job leases: %s", exc)
            self._failing = True
            return
        if self._failing:
            log.info("job leases renewed again")
        self._failing = False


def leased(client: redis.Redis, job_ids: list[str]) -> set[str]:
    """Those of `job_ids` that a live worker is executing."""
    if not job_ids:
        return set()
    values = client.mget([redis_keys.job_lease(j) for j in job_ids])
    return {j for j, v in zip(job_ids, values, strict=True) if v is not None}
