"""The cpu worker's own tasks: embed jobs micro-batched, and search-query embedding.

Every other step's task is generated from the job-kind table (runtime.step_tasks); these two
need what the generic task cannot give: celery-batches, and a result the api waits on.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

from celery import Task, shared_task
from celery_batches import SimpleRequest

from rehearse.base.settings import get_settings
from rehearse.contracts.job_kinds import BGE_M3, EMBED_QUERY, TABLE, task_name
from rehearse.contracts.jobs import EmbedQueryParams, TaskPayload
from rehearse.runtime.celery_app import BASE_TASK_OPTIONS
from rehearse.runtime.step_tasks import bind
from rehearse.runtime.worker_context import current
from rehearse.workers.cpu import handlers
from rehearse.workers.cpu.batcher import EmbedBatches, EncodeGate

log = logging.getLogger(__name__)

_settings = get_settings()
_EMBED = TABLE["embed"].steps[0]


@shared_task(
    name=task_name("embed", _EMBED),
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

        context = current()
        runner = context.runner(requests[0].hostname)

        def run_one(job_id: UUID) -> str | None:
            # The job's engine is its place in the batch's one shared encode call.
            with gate.participant() as place:
                status = runner.run(job_id, bind(context, _EMBED, {}, engine=place))
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


# The api waits for this result: no job row, a result in the backend, nothing redelivered
# (the api gave up after SEARCH_TIMEOUT_S; the sender's `expires` drops late messages).
@shared_task(name=EMBED_QUERY, ignore_result=False, acks_late=False)
def embed_query(payload: dict[str, Any]) -> dict[str, Any]:
    """Dense and sparse embedding of one search query."""
    params = EmbedQueryParams.model_validate(payload)
    (embedding,), _ = current().engines.call(BGE_M3, lambda engine: engine.encode([params.text]))
    return embedding
