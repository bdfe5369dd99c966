"""A job's events, replayed from the first, as Server-Sent Events or over a WebSocket."""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

import redis.asyncio as aioredis
from fastapi import APIRouter, Header, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from api.deps import authenticate
from api.errors import ApiError, responses
from common import events, redis_keys
from common.db import transaction
from common.job_store import get_job
from common.jobs import JobStatus

router = APIRouter(prefix="/v1/jobs", tags=["events"])


def bearer_key(authorization: str | None, access_token: str | None) -> str | None:
    """The key from `Authorization: Bearer` or `?access_token=` (browsers' EventSource and
    WebSocket cannot set headers)."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return access_token


def _load(job_id: UUID, owner: UUID) -> dict[str, Any] | None:
    with transaction() as conn:
        return get_job(conn, job_id, owner)


def _closing(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Events rebuilt from the record when the stream expired or lost its end."""
    status = {"seq": 0, "type": "status", "status": row["status"]}
    if row.get("error"):
        status["error"] = row["error"]
    return [status, {"seq": 0, "type": events.TERMINAL, "status": row["status"]}]


async def job_events(
    client: aioredis.Redis, job_id: UUID, owner: UUID, row: dict[str, Any]
) -> AsyncIterator[dict[str, Any] | None]:
    """Every event of the job in order, ending with `done`; None marks an idle interval.

    `row` is the job as read when the client connected.
    """
    stream = redis_keys.events_stream(job_id)
    if JobStatus(row["status"]).finished and not await client.exists(stream):
        for event in _closing(row):
            yield event
        return
    async for event in events.follow(client, job_id):
        if event is None:
            row = await run_in_threadpool(_load, job_id, owner)
            if row and JobStatus(row["status"]).finished:
                # Finished in the record but `done` never reached Redis: end from the record.
                for closing in _closing(row):
                    yield closing
                return
        yield event


async def _require_job(job_id: UUID, key: str | None) -> tuple[UUID, dict[str, Any]]:
    """The caller's owner id and the job's row; 401 or 404 otherwise."""
    owner = await run_in_threadpool(authenticate, key)
    row = await run_in_threadpool(_load, job_id, owner)
    if row is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    return owner, row


@router.get(
    "/{job_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **responses(401, 404)},
)
async def stream_events(
    job_id: UUID,
    request: Request,
    authorization: Annotated[str | None, Header()] = None,
    access_token: Annotated[str | None, Query()] = None,
) -> StreamingResponse:
    """Server-Sent Events of a job from its first event to `done` (the same path is a WebSocket)."""
    owner, row = await _require_job(job_id, bearer_key(authorization, access_token))
    client: aioredis.Redis = request.app.state.redis

    async def body() -> AsyncIterator[str]:
        async for event in job_events(client, job_id, owner, row):
            if event is None:
                yield ": keep-alive\n\n"
                continue
            data = json.dumps(event, ensure_ascii=False)
            yield f"id: {event['seq']}\nevent: {event['type']}\ndata: {data}\n\n"

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.websocket("/{job_id}/events")
async def websocket_events(
    websocket: WebSocket, job_id: UUID, access_token: str | None = None
) -> None:
    """A job's events as JSON text messages; the server closes after `done`.

    Refusals close with 4401 (no or unknown key) or 4404 (no such job for this key).
    """
    key = bearer_key(websocket.headers.get("authorization"), access_token)
    # Accept first: a browser sees a close code (4401, 4404) but never a refused handshake's status.
    await websocket.accept()
    try:
        owner, row = await _require_job(job_id, key)
    except ApiError as exc:
        await websocket.close(code=4000 + exc.status, reason=exc.message)
        return
    try:
        async for event in job_events(websocket.app.state.redis, job_id, owner, row):
            if event is not None:
                await websocket.send_json(event)
        await websocket.close(code=1000)
    except WebSocketDisconnect:
        pass
