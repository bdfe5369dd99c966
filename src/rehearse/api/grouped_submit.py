"""The JSON job routes' submissions, grouped: one INSERT and one send per batch of requests.

Requests that arrive while a batch is being recorded (or sent) wait and go together in the
next one: under load one statement admits and commits many jobs, and one thread hop sends their
messages in one publish batch (a job's `queued` event needs no write: `events.QUEUED`). Each job
is still admitted on its own, and is committed before its message is sent.
"""

from functools import partial
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.datastructures import State

from rehearse.api.enqueue import Send, send_jobs
from rehearse.api.grouping import Grouped, Outcome
from rehearse.contracts.jobs import PRIORITY_FIELD, JobPublic
from rehearse.contracts.priority import class_of_kind
from rehearse.storage.db import async_connection
from rehearse.storage.job_batch_store import create_jobs_async
from rehearse.storage.job_store import to_public

MAX_BATCH = 256
"""Jobs per statement and per send at most: bounds one batch's time under a burst."""


class Submissions:
    """An api process's grouped submissions: a batch of inserts per kind, one of sends."""

    def __init__(self, state: State) -> None:
        self._state = state
        self._inserts: dict[str, Grouped] = {}
        self._sends: Grouped = Grouped(self._send, MAX_BATCH)

    async def submit(
        self, kind: str, owner_id: UUID, params: dict[str, Any], priority_class: str
    ) -> dict[str, Any]:
        """Record a job and send it; its row. Raises QueueFull or the 503 of an outage."""
        inserts = self._inserts.get(kind)
        if inserts is None:
            inserts = self._inserts[kind] = Grouped(partial(self._insert, kind), MAX_BATCH)
        row = await inserts.call((owner_id, params, priority_class))
        await self._sends.call((kind, row["id"], row["priority"]))
        return row

    async def _insert(self, kind: str, items: list[tuple[UUID, dict, str]]) -> list[Outcome]:
        jobs = [(owner, params) for owner, params, _ in items]
        async with async_connection() as conn:
            return await create_jobs_async(conn, kind, jobs, [cls for _, _, cls in items])

    async def _send(self, jobs: list[Send]) -> list[Outcome]:
        # The app's Celery client, not a dependency: each one costs a hot route time.
        state = self._state
        refusals = await run_in_threadpool(send_jobs, state.celery, jobs)
        return [refusal or True for refusal in refusals]


async def submit_async(
    request: Request,
    kind: str,
    owner_id: UUID,
    params: BaseModel,
    priority_class: str | None = None,
) -> JobPublic:
    """A JSON job route's whole work on the event loop: record, send, answer the job. The job
    waits in `priority_class` (None: its kind's); a request's own choice of class is not one
    of its params."""
    state = request.app.state
    submissions = getattr(state, "submissions", None)
    if submissions is None:
        submissions = state.submissions = Submissions(state)
    stored = params.model_dump(mode="json", exclude={PRIORITY_FIELD})
    cls = priority_class or class_of_kind(kind)
    return to_public(await submissions.submit(kind, owner_id, stored, cls))
