"""Celery tasks of the cpu queue: embed jobs (micro-batched), document ingest, query embedding."""

import logging
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any
from uuid import UUID

from celery import Task
from celery_batches import SimpleRequest

from common import task_names
from common.celery_app import BASE_TASK_OPTIONS, TASK_OPTIONS, celery_app
from common.job_runner import JobRunner
from common.jobs import EmbedQueryParams, TaskPayload
from common.recovery import connect_recovery
from common.settings import get_settings
from common.task_names import CPU_QUEUE
from cpu_worker import handlers, startup  # noqa: F401  startup: each process loads at start
from cpu_worker.batcher import EmbedBatches, EncodeGate
from cpu_worker.models import loaded_engine

log = logging.getLogger(__name__)

_settings = get_settings()


@cache
def runner(worker: str) -> JobRunner:
    """One JobRunner per worker node name, per process."""
    return JobRunner(get_settings(), worker)


@celery_app.task(
    name=task_names.EMBED,
    base=EmbedBatches,
    flush_every=_settings.embed_batch_size,
    flush_interval=_settings.embed_batch_wait_ms / 1000,
    **BASE_TASK_OPTIONS,
)
def embed(self: Task, requests: list[SimpleRequest]) -> None:
    """Embed jobs: every job the worker received within EMBED_BATCH_WAIT_MS, one encode call."""
    marked: set[str] = set()
    try:
        jobs: list[tuple[SimpleRequest, UUID]] = []
        for req in requests:
            try:
                jobs.append((req, TaskPayload.model_validate(req.kwargs.get("payload")).job_id))
            except ValueError as exc:  # not one of our messages: nothing to run or record
                _mark(self, req, marked, exc)
        gate = EncodeGate(handlers.encode_batch, len(jobs))

        def run_one(job_id: UUID) -> str | None:
            with gate.participant() as place:
                status = runner(requests[0].hostname).run(job_id, handlers.embed(place.encode))
            return status and status.value

        # Threads, so each job keeps its own claim-run-finish lifecycle while the gate holds
        # their texts for one shared encode call.
        with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:
            futures = [(req, job_id, pool.submit(run_one, job_id)) for req, job_id in jobs]
            for req, job_id, future in futures:
                try:
                    _mark(self, req, marked, {"job_id": str(job_id), "status": future.result()})
                except Exception as exc:
                    log.exception("embed job %s failed outside its lifecycle", job_id)
                    _mark(self, req, marked, exc)
        log.info("embed batch: %d jobs, one encode call", len(jobs))
    finally:
        # celery-batches leaves unmarked requests PENDING forever: never leave one behind.
        for req in requests:
            if req.id not in marked:
                _mark(self, req, marked, RuntimeError("the embed batch was interrupted"))


def _mark(task: Task, req: SimpleRequest, marked: set[str], outcome: Any) -> None:
    """Record one request's outcome in the result backend, once."""
    marked.add(req.id)
    if isinstance(outcome, BaseException):
        task.backend.mark_as_failure(req.id, outcome, request=req, call_errbacks=False)
    else:
        task.backend.mark_as_done(req.id, outcome, request=req)


@celery_app.task(name=task_names.INGEST, **TASK_OPTIONS)
def ingest(self: Task, payload: dict[str, Any]) -> None:
    """Chunk, embed and store a document."""
    job_id = TaskPayload.model_validate(payload).job_id
    runner(self.request.hostname).run(job_id, handlers.ingest(get_settings()))


# The api waits for this result: no job row, a result in the backend, nothing redelivered
# (the api gave up after SEARCH_TIMEOUT_S; the sender's `expires` drops late messages).
@celery_app.task(name=task_names.EMBED_QUERY, ignore_result=False, acks_late=False)
def embed_query(payload: dict[str, Any]) -> dict[str, Any]:
    """Dense and sparse embedding of one search query."""
    params = EmbedQueryParams.model_validate(payload)
    (embedding,) = loaded_engine({}).encode([params.text])
    return embedding


connect_recovery(celery_app)

if get_settings().tts_queue == CPU_QUEUE:
    import gpu_worker.tasks  # noqa: F401  TTS needs no GPU: operators may run it here
