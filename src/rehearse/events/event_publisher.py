"""Workers' side of job events: a Redis outage costs live progress and one warning, never a job.

While Redis does not answer, events are dropped (PostgreSQL still gets the result) and Redis is
tried again at most every `retry_s`, so a job streaming hundreds of tokens neither waits on a
dead connection per token nor writes a log line per token: one warning when an outage begins,
one info line when publishing works again.
"""

import logging
import os
import threading
import time
from typing import Any
from uuid import UUID

import redis

from rehearse.events import events

log = logging.getLogger(__name__)


class EventPublisher:
    """Publishes job events for one worker process (thread-safe: the cpu batcher uses threads).

    `post` hands events to a sender thread and returns at once: a job's thread does not wait
    a Redis round trip per token or status, and events that pile up meanwhile go in one
    pipeline. They keep their order (one queue, one sender). `flush` waits until everything
    posted so far is sent (or dropped): a step calls it before its job's last events, and
    before handing the job on, so events stay in order across steps and workers.
    """

    def __init__(self, client: redis.Redis, ttl_s: int, retry_s: float = 1.0) -> None:
        self.client, self.ttl_s, self.retry_s = client, ttl_s, retry_s
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._next_try = 0.0
        self._dropped = 0
        self._queue: list[events.Event] = []
        self._posted = self._sent = 0
        self._changed = threading.Condition()
        self._sender: threading.Thread | None = None
        self._sender_pid = 0

    def publish(self, job_id: UUID | str, type_: str, attempt: int, **fields: Any) -> int | None:
        """Append one event now; its `seq`, or None when Redis is down and it was dropped."""
        seqs = self.publish_all(job_id, [(type_, fields)], attempt)
        return seqs[0] if seqs else None

    def publish_all(
        self, job_id: UUID | str, typed: list[tuple[str, dict[str, Any]]], attempt: int
    ) -> list[int]:
        """Append events of one job now, in one round trip, after everything posted before;
        their `seq`s ([] if dropped)."""
        self.flush()
        return self._send([(job_id, type_, attempt, fields) for type_, fields in typed])

    def post(self, job_id: UUID | str, type_: str, attempt: int, **fields: Any) -> None:
        """Queue one event for the sender thread (in order with all posted before it)."""
        with self._changed:
            self._queue.append((job_id, type_, attempt, fields))
            self._posted += 1
            self._ensure_sender()
            self._changed.notify_all()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every event posted so far is sent or dropped (bounded: the client's
        socket timeouts end a hung Redis call well before)."""
        with self._changed:
            target = self._posted
            self._changed.wait_for(lambda: self._sent >= target, timeout)

    def _ensure_sender(self) -> None:
        # Threads do not survive a fork: a pool child starts its own.
        if self._sender is None or self._sender_pid != os.getpid() or not self._sender.is_alive():
            self._sender_pid = os.getpid()
            self._sender = threading.Thread(target=self._drain, daemon=True, name="events")
            self._sender.start()

    def _drain(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._queue))
                batch, self._queue = self._queue, []
            try:
                self._send(batch)
            except Exception:  # a bug in one event must not stop the others' sender
                log.exception("could not publish %d job events", len(batch))
            finally:
                with self._changed:
                    self._sent += len(batch)
                    self._changed.notify_all()

    def _send(self, batch: list[events.Event]) -> list[int]:
        with self._lock:
            if self._down_since is not None and time.monotonic() < self._next_try:
                self._dropped += len(batch)
                return []
        try:
            seqs = events.publish_all(self.client, batch, self.ttl_s)
        except redis.RedisError as exc:
            self._failed(exc, len(batch))
            return []
        if self._down_since is not None:
            self._recovered()
        return seqs

    def _failed(self, exc: redis.RedisError, count: int) -> None:
        with self._lock:
            now = time.monotonic()
            self._dropped += count
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
