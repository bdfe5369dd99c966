"""`Prefer: wait=<seconds>` (RFC 7240) on the job submissions: the finished job in one exchange.

A client that only wants a short job's answer sends the preference; the api holds the
response until the job's `done` or the wait (capped by `MAX_PREFER_WAIT_S`) runs out. Finished
→ 200 with the job, else 202 with the job as it is now; both with `Preference-Applied`.
Without the header nothing changes. While it waits the request holds only its XREAD on the
job's Redis stream (`job_watch.watch`); the row is read once, at the end. A Redis outage ends
the wait early (the row still answers), and a client that leaves ends it too, but not the
job: this is the asynchronous job API, the job is the client's to poll or cancel.
"""

from typing import Any
from uuid import UUID

import anyio
import psycopg
from fastapi import Request, Response

from rehearse.api.event_feed import UNAVAILABLE, load_job
from rehearse.api.job_watch import ClientGone, watch
from rehearse.base.settings import get_settings
from rehearse.contracts.jobs import JobPublic, JobStatus
from rehearse.storage.job_store import to_public
from rehearse.storage.rows import Job

OPENAPI: dict[str, Any] = {
    "parameters": [
        {
            "name": "Prefer",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "examples": ["wait=30"]},
            "description": "`wait=<seconds>` (RFC 7240): hold the response until the job "
            "finishes, at most that long (capped by the server's `MAX_PREFER_WAIT_S`). "
            "Other preferences and malformed values are ignored.",
        }
    ]
}
"""The routes' `openapi_extra`: the `Prefer` header, read from the request only when sent."""

_APPLIED = {
    "Preference-Applied": {
        "description": "`wait=<seconds>`: the wait the server applied.",
        "schema": {"type": "string"},
    }
}

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "model": JobPublic,
        "description": "With `Prefer: wait`: the job finished within the wait (`succeeded`, "
        "`failed` or `canceled`, with its `result` or `error`).",
        "headers": _APPLIED,
    },
    202: {
        "description": "The job, accepted (queued or, after a `Prefer: wait`, still running).",
        "headers": _APPLIED,
    },
}
"""The routes' 200 (a finished job, after a wait) and the 202's header, for OpenAPI."""


def requested_wait(values: list[str], cap_s: int) -> int | None:
    """The whole seconds to wait that `Prefer` header values ask for, at most `cap_s`; None
    when they ask none: no `wait`, its first instance malformed or 0 (RFC 7240: only the
    first counts, a malformed one is ignored), or a cap of 0."""
    for value in values:
        for preference in value.split(","):
            name, _, word = preference.split(";", 1)[0].partition("=")
            if name.strip().lower() != "wait":
                continue
            seconds = word.strip().strip('"')
            if not (seconds.isascii() and seconds.isdigit()):
                return None
            return min(int(seconds), cap_s) or None
    return None


async def finished_row(request: Request, job: JobPublic, owner: UUID, wait_s: float) -> Job | None:
    """The job's row after its `done` or `wait_s`; None when nobody reads the answer (the
    client left) or the record does not answer."""
    with anyio.move_on_after(wait_s):
        try:
            async for _ in watch(request, job.id, owner, job):
                pass
        except ClientGone:
            return None
        except UNAVAILABLE:
            pass  # no events to follow: the record still tells where the job is
    try:
        return await load_job(job.id, owner)
    except psycopg.OperationalError:
        return None


async def answer(request: Request, response: Response, owner: UUID, job: JobPublic) -> JobPublic:
    """A job route's answer for the job it just recorded: `job` at once (202) without the
    preference, else the job after the wait (200 when it finished)."""
    if "prefer" not in request.headers:  # the common case: one look, nothing else
        return job
    wait_s = requested_wait(request.headers.getlist("prefer"), get_settings().max_prefer_wait_s)
    if wait_s is None:
        return job
    response.headers["Preference-Applied"] = f"wait={wait_s}"
    row = await finished_row(request, job, owner, wait_s)
    if row is None:
        return job
    if JobStatus(row.status).finished:
        response.status_code = 200
    return to_public(row)
