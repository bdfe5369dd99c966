"""The lifecycle every task shares: claim once, run, record the outcome once, publish events."""

import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg
import redis
from celery.exceptions import SoftTimeLimitExceeded

from common import events, redis_keys
from common.db import transaction
from common.errors import JobCanceled, JobError
from common.job_store import claim_job, finish_job
from common.jobs import JobStatus
from common.run_context import RunContext
from common.settings import Settings

log = logging.getLogger(__name__)

Finalize = Callable[[psycopg.Connection], dict[str, Any]]
"""Returned by a handler that must write rows with its result: runs in the finishing transaction."""

Handler = Callable[[dict[str, Any], RunContext, dict[str, Any]], "dict[str, Any] | Finalize"]
"""`handler(job_row, ctx, timings)`; may add `load_ms`, `model_loaded`, `evicted` to timings."""

_CANCEL_POLL_S = 0.05


class JobRunner:
    """Runs jobs for one worker process; `worker` is the Celery node name recorded on each job."""

    def __init__(self, settings: Settings, worker: str, client: redis.Redis | None = None) -> None:
        self.settings = settings
        self.worker = worker
        self.redis = client or redis.Redis.from_url(settings.redis_url)

    def emit(self, job_id: UUID | str, type_: str, **fields: Any) -> None:
        """Publish an event; a Redis outage loses live progress, never the job's record."""
        try:
            events.publish(self.redis, job_id, type_, self.settings.event_ttl_s, **fields)
        except redis.RedisError:
            log.warning("could not publish %s event of job %s", type_, job_id, exc_info=True)

    def canceled_probe(self, job_id: UUID, deadline: float) -> Callable[[], bool]:
        """A cheap `is_canceled()`: Redis is asked at most every 50 ms; the deadline always."""
        state = {"at": 0.0, "canceled": False}

        def is_canceled() -> bool:
            now = time.monotonic()
            if now > deadline:
                raise JobError("time_limit_exceeded", "the job ran past JOB_TIME_LIMIT_S")
            if not state["canceled"] and now - state["at"] >= _CANCEL_POLL_S:
                state["at"] = now
                with contextlib.suppress(redis.RedisError):
                    state["canceled"] = bool(self.redis.exists(redis_keys.cancel_flag(job_id)))
            return state["canceled"]

        return is_canceled

    def run(self, job_id: UUID, handler: Handler) -> JobStatus | None:
        """Run one delivery of a job; None when the job had already finished (nothing done)."""
        with transaction() as conn:
            job = claim_job(conn, job_id, self.worker)
        if job is None:
            log.info("job %s already finished; delivery ignored", job_id)
            return None
        if job["attempts"] > self.settings.max_attempts:
            error = JobError("worker_lost", f"the worker died {job['attempts'] - 1} times on it")
            return self._finish(job_id, JobStatus.failed, None, error.as_dict(), {})
        self.emit(job_id, "status", status=JobStatus.running.value, attempt=job["attempts"])

        started = time.monotonic()
        deadline = started + self.settings.job_time_limit_s
        ctx = RunContext(
            emit=lambda type_, **f: self.emit(job_id, type_, **f),
            is_canceled=self.canceled_probe(job_id, deadline),
        )
        timings: dict[str, Any] = {}
        result: Any = None
        error: dict[str, str] | None = None
        try:
            result = handler(job, ctx, timings)
            status = JobStatus.succeeded
        except JobCanceled:
            status, error = (
                JobStatus.canceled,
                {"code": "canceled", "message": "canceled by request"},
            )
        except JobError as exc:
            status, error = JobStatus.failed, exc.as_dict()
        except SoftTimeLimitExceeded:
            status = JobStatus.failed
            error = {"code": "time_limit_exceeded", "message": "the job ran past JOB_TIME_LIMIT_S"}
        except Exception as exc:
            log.exception("job %s failed", job_id)
            status = JobStatus.failed
            error = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
        total_ms = round((time.monotonic() - started) * 1000)
        timings.setdefault("load_ms", 0)
        timings["run_ms"] = max(total_ms - timings["load_ms"], 0)
        return self._finish(job_id, status, result, error, timings)

    def _finish(
        self,
        job_id: UUID,
        status: JobStatus,
        result: Any,
        error: dict[str, str] | None,
        timings: dict[str, Any],
    ) -> JobStatus | None:
        try:
            with transaction() as conn:
                if callable(result):
                    result = result(conn)
                committed = finish_job(
                    conn, job_id, status, result=result, error=error, timings=timings
                )
                if not committed:
                    conn.rollback()
        except JobError as exc:
            return self._finish(job_id, JobStatus.failed, None, exc.as_dict(), timings)
        if not committed:
            log.info("job %s was finished by another attempt; this outcome dropped", job_id)
            return None
        self.emit(job_id, "status", status=status.value, **({"error": error} if error else {}))
        self.emit(job_id, events.TERMINAL, status=status.value)
        return status
