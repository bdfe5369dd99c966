"""Follow one job for a request held open on it, while its client is still there.

The OpenAI routes await or stream their job this way, and so does a job submission with
`Prefer: wait`: the job's Redis stream (`event_feed.job_events`, XREAD BLOCK), no PostgreSQL
connection and no thread held in between, and a look at the connection every WATCH_IDLE_S.
"""

import time
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from fastapi import Request

from rehearse.api.event_feed import JobSeen, job_events

WATCH_IDLE_S = 1.0
"""Seconds of silence between checks that the client is still there."""


class ClientGone(Exception):
    """The client closed the connection while its job ran."""


async def watch(
    request: Request, job_id: UUID, owner: UUID, row: JobSeen
) -> AsyncIterator[dict[str, Any]]:
    """The job's events up to `done` (excluded); raises ClientGone when the client leaves.

    `row` is the job as last read. Raises one of `event_feed.UNAVAILABLE` on an outage.
    """
    checked = time.monotonic()
    async for event in job_events(request.app.state.redis, job_id, owner, row, 0, WATCH_IDLE_S):
        # Look at the connection every WATCH_IDLE_S, busy or silent: a long generation
        # streams tokens without a pause and must still stop when its client is gone.
        if time.monotonic() - checked >= WATCH_IDLE_S:
            checked = time.monotonic()
            if await request.is_disconnected():
                raise ClientGone()
        if event is None:
            continue
        if event["type"] == "done":
            return
        yield event
