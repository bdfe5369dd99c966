"""The lifecycle every task shares: claim once, run, record the outcome once, publish events."""

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
import redis
from celery.exceptions import SoftTimeLimitExceeded

from rehearse.base import metrics, redis_keys
from rehearse.base.errors import JobCanceled, JobError
from rehearse.base.redis_client import sync_client
from rehearse.base.settings import Settings
from rehearse.contracts.jobs import JobStatus
from rehearse.events import events
from rehearse.events.event_publisher import EventPublisher
from rehearse.runtime.leases import Leases
from rehearse.runtime.run_context import RunContext
from rehearse.storage.db import statement, transaction
from rehearse.storage.job_store import add_timings, claim_job, continue_job, finish_job
from rehearse.storage.rows import Job

log = logging.getLogger(__name__)

Finalize = Callable[[psycopg.Connection], dict[str, Any]]
"""Returned by a handler that must write rows with its result: runs in the finishing transaction."""

Handler = Callable[[Job, RunContext, dict[str, Any]], "dict[str, Any] | Finalize"]
"""`handler(job_row, ctx, timings)`; may add `load_ms`, `model_loaded`, `evicted` to timings."""

_CANCEL_POLL_S = 0.05
# A bug's text (a traceback's last line) is for the worker's log, where it goes in full.
UNEXPECTED = JobError("internal_error", "the job stopped on an unexpected error on our side")

JOB_TIMINGS = frozenset({"first_audio_ms"})
"""Figures of the whole job a step measures: kept as they are, not prefixed with the stage."""

ATTEMPT_KEY = "_attempt"
"""Carried in the state a pipeline step hands on: a later step runs only for that attempt."""


@dataclass
class Outcome:
    """How one run of a handler ended."""

    status: JobStatus
    result: Any
    error: dict[str, str] | None
    timings: dict[str, Any]


class JobRunner:
    """Runs jobs for one worker process; `worker` is the Celery node name recorded on each job."""

    def __init__(self, settings: Settings, worker: str, client: redis.Redis | None = None) -> None:
        self.settings = settings
        self.worker = worker
        self.redis = client or sync_client(settings.redis_url)
        self.leases = Leases(self.redis, worker)
        self.publisher = EventPublisher(self.redis, settings.event_ttl_s)
        # The attempt each job in hand runs as (threads of the cpu batcher run several at once).
        self._attempts: dict[str, int] = {}

    def emit(self, job_id: UUID | str, type_: str, **fields: Any) -> None:
        """Publish an event of the job's current attempt (the publisher's thread sends it, in
        order, without holding up the job); Redis down loses it, never the job."""
        attempt = self._attempts.get(str(job_id), 0)
        self.publisher.post(job_id, type_, attempt, **fields)

    def _attempt_of(self, job: Job | None) -> Job | None:
        """Remember which attempt this delivery runs, for its events."""
        if job is not None:
            self._attempts[str(job.id)] = job.attempts
        return job

    def canceled_probe(self, job_id: UUID, deadline: float) -> Callable[[], bool]:
        """A cheap `is_canceled()`: Redis is asked at most every 50 ms; the deadline always.

        The first look is 50 ms in: the claim just found the job not canceled (a cancel while
        queued ends it in PostgreSQL), so a short job runs without a Redis round trip for it.
        """
        state = {"at": time.monotonic(), "canceled": False}

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

    def begin(self, job_id: UUID) -> Job | None:
        """Claim a job for this delivery; None when it already finished (nothing to do)."""
        with statement() as conn:
            job = claim_job(conn, job_id, self.worker, self.settings.visibility_timeout_s)
        if job is None:
            log.info("job %s already finished; delivery ignored", job_id)
            return None
        self._attempt_of(job)
        if job.attempts >= 2:
            # Clients drop what earlier attempts streamed (tokens, segments) before the rerun's.
            self.emit(job_id, events.RESET)
        if job.attempts > self.settings.max_attempts:
            error = JobError("worker_lost", f"the worker died {job.attempts - 1} times on it")
            self._finish(job_id, Outcome(JobStatus.failed, None, error.as_dict(), {}))
            return None
        self.emit(job_id, "status", status=JobStatus.running.value)
        return job

    def resume(self, job_id: UUID, attempt: int | None, stage: str) -> Job | None:
        """A running job handed on by an earlier step of this attempt, for step `stage` (its
        start is recorded: `<stage>_started_ms` since the job's creation); None once it has
        finished or a later attempt (sent again by the reconciler) has taken it over."""
        with statement() as conn:
            return self._attempt_of(continue_job(conn, job_id, self.worker, attempt, stage))

    def execute(self, job: Job, handler: Handler) -> "Outcome":
        """Run a handler, mapping every way it can end to a status and an error body."""
        started = time.monotonic()
        deadline = started + self.settings.job_time_limit_s
        ctx = RunContext(
            emit=lambda type_, **f: self.emit(job.id, type_, **f),
            is_canceled=self.canceled_probe(job.id, deadline),
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
        except psycopg.OperationalError:
            raise  # PostgreSQL is unreachable: the task is sent again (see TASK_OPTIONS)
        except SoftTimeLimitExceeded:
            status = JobStatus.failed
            error = {"code": "time_limit_exceeded", "message": "the job ran past JOB_TIME_LIMIT_S"}
        except Exception:
            log.exception("job %s failed", job.id)
            status = JobStatus.failed
            error = UNEXPECTED.as_dict()
        total_ms = round((time.monotonic() - started) * 1000)
        timings.setdefault("load_ms", 0)
        timings["run_ms"] = max(total_ms - timings["load_ms"], 0)
        return Outcome(status, result, error, timings)

    def run(self, job_id: UUID, handler: Handler) -> JobStatus | None:
        """Run one delivery of a single-step job; None when it had already finished."""
        try:
            job = self.begin(job_id)
            if job is None:
                return None
            with self.leases.hold(job_id):
                return self._finish(job_id, self.execute(job, handler))
        finally:
            self._attempts.pop(str(job_id), None)

    def run_step(
        self,
        job_id: UUID,
        stage: str,
        handler: Handler,
        *,
        first: bool,
        last: bool,
        state: dict[str, Any] | None = None,
    ) -> Any:
        """One stage of a pipeline job: `stage` events around it, timings prefixed by stage.

        `state` is what the previous stage returned. Returns the handler's result for the next
        stage, or None when the job ended here (last stage, failure, cancel) or had already
        ended (later stages then do nothing).
        """
        attempt = (state or {}).get(ATTEMPT_KEY)
        job = self.begin(job_id) if first else self.resume(job_id, attempt, stage)
        if job is None:
            self._attempts.pop(str(job_id), None)
            return None
        with self.leases.hold(job_id):
            return self._step(job, stage, handler, last=last)

    def _step(self, job: Job, stage: str, handler: Handler, *, last: bool) -> Any:
        job_id = job.id
        self.emit(job_id, "stage", stage=stage, state="started")
        outcome = self.execute(job, handler)
        outcome.timings = {
            k if k in JOB_TIMINGS else f"{stage}_{k}": v for k, v in outcome.timings.items()
        }
        if outcome.error:
            outcome.error = {**outcome.error, "stage": stage}
        if outcome.status is JobStatus.succeeded and not last:
            with statement() as conn:
                add_timings(conn, job_id, outcome.timings)
            self.emit(job_id, "stage", stage=stage, state="done")
            self.publisher.flush()  # before the next step (maybe elsewhere) publishes its own
            self._attempts.pop(str(job_id), None)  # the next step (maybe elsewhere) resumes it
            if isinstance(outcome.result, dict):
                return {**outcome.result, ATTEMPT_KEY: job.attempts}
            return outcome.result
        state = "done" if outcome.status is JobStatus.succeeded else outcome.status.value
        self.emit(job_id, "stage", stage=stage, state=state)
        self._finish(job_id, outcome)
        self._attempts.pop(str(job_id), None)
        return None

    def _finish(self, job_id: UUID, outcome: "Outcome") -> JobStatus | None:
        status, result, error, timings = (
            outcome.status,
            outcome.result,
            outcome.error,
            outcome.timings,
        )
        # A result with rows to write needs a transaction; a plain one is a single statement.
        connection = transaction if callable(result) else statement
        try:
            with connection() as conn:
                if callable(result):
                    result = result(conn)
                committed = finish_job(
                    conn, job_id, status, result=result, error=error, timings=timings
                )
                if not committed:
                    conn.rollback()
        except JobError as exc:
            return self._finish(job_id, Outcome(JobStatus.failed, None, exc.as_dict(), timings))
        except psycopg.OperationalError:
            raise  # the database is unreachable: nothing can be recorded; recovery reruns it
        except Exception:
            if not callable(outcome.result):
                raise
            # A bug while writing the result's rows must not leave the job running forever.
            log.exception("job %s failed while recording its result", job_id)
            error = UNEXPECTED.as_dict()
            return self._finish(job_id, Outcome(JobStatus.failed, None, error, timings))
        if not committed:
            log.info("job %s was finished by another attempt; this outcome dropped", job_id)
            return None
        metrics.job_finished(committed)
        final = {"status": status.value, **({"error": error} if error else {})}
        # Both in one round trip: the client's `done` comes right behind the status.
        attempt = self._attempts.get(str(job_id), 0)
        ending = [("status", final), (events.TERMINAL, {"status": status.value})]
        self.publisher.publish_all(job_id, ending, attempt)
        return status
