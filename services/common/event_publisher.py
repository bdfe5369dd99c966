"""Workers' side of job events: a Redis outage costs live progress and one warning, never a job.

While Redis does not answer, events are dropped (PostgreSQL still gets the result) and Redis is
tried again at most every `retry_s`, so a job streaming hundreds of tokens neither waits on a
dead connection per token nor writes a log line per token: one warning when an outage begins,
one info line when publishing works again.
"""

import logging
import threading
import time
from typing import Any
from uuid import UUID

import redis

from common import events

log = logging.getLogger(__name__)


class EventPublisher:
    """Publishes job events for one worker process (thread-safe: the cpu batcher uses threads)."""

    def __init__(self, client: redis.Redis, ttl_s: int, retry_s: float = 1.0) -> None:
        self.client, self.ttl_s, self.retry_s = client, ttl_s, retry_s
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0
        self._dropped = 0

    def publish(self, job_id: UUID | str, type_: str, attempt: int, **fields: Any) -> int | None:
        """Append one event; its `seq`, or None when Redis is down and it was dropped."""
        seqs = self.publish_all(job_id, [(type_, fields)], attempt)
        return seqs[0] if seqs else None

    def publish_all(
        self, job_id: UUID | str, typed: list[tuple[str, dict[str, Any]]], attempt: int
    ) -> list[int]:
        """Append events of one job in one round trip, in order; their `seq`s ([] if dropped)."""
        with self._lock:
            if self._down_since is not None and time.monotonic() < self._next_try:
                self._dropped += len(typed)
                return []
        try:
            batch = [(job_id, type_, attempt, fields) for type_, fields in typed]
            seqs = events.publish_all(self.client, batch, self.ttl_s)
        except redis.RedisError as exc:
            self._failed(exc)
            return []
        if self._down_since is not None:
            self._recovered()
        return seqs

    def _failed(self, exc: redis.RedisError) -> None:
        with self._lock:
            now = time.monotonic()
            self._dropped += 1
            self._next_try = now + self.retry_s
            if self._down_since is not None:
                return
            self._down_since = now
        # One line, no traceback: the cause is the outage, not this code.
        log.warning(
            "cannot publish job events (%s: %s); dropping them until Redis answers",
            type(exc).__name__,
            exc,
        )

    def _recovered(self) -> None:
        with self._lock:
            if self._down_since is None:
                return
            down_s, dropped = time.monotonic() - self._down_since, self._dropped
            self._down_since, self._dropped = None, 0
        log.info("publishing job events again after %.1f s; %d events dropped", down_s, dropped)
