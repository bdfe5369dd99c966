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

from common import redis_keys

log = logging.getLogger(__name__)

REFRESH_S = 5.0
TTL_S = 15


class Leases:
    """The jobs this process is executing, kept alive in Redis by a background thread."""

    def __init__(self, client: redis.Redis, worker: str) -> None:
        self.client, self.worker = client, worker
        self._held: dict[str, int] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._failing = False

    @contextmanager
    def hold(self, job_id: UUID | str) -> Iterator[None]:
        """Lease `job_id` for the duration of the block."""
        key = str(job_id)
        with self._lock:
            self._held[key] = self._held.get(key, 0) + 1
            self._start()
        self._write([key])
        try:
            yield
        finally:
            with self._lock:
                self._held[key] -= 1
                if not self._held[key]:
                    del self._held[key]
            with contextlib.suppress(redis.RedisError):  # else it expires within TTL_S
                self.client.delete(redis_keys.job_lease(key))

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._refresh, daemon=True, name="leases")
            self._thread.start()

    def _refresh(self) -> None:
        while True:
            time.sleep(REFRESH_S)
            with self._lock:
                held = list(self._held)
            if held:
                self._write(held)

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
