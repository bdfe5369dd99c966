"""A job's events as Server-Sent Events or over a WebSocket, from the first or after a `seq`.

Keep-alives every STREAM_KEEPALIVE_S of silence: an SSE comment line, a WebSocket ping frame
(uvicorn's `ws_ping_interval`). When Redis stops answering, SSE ends with `event: error` and
no `done`, and a WebSocket closes with 1013: reconnect with the last `seq` seen. When the
credential is withdrawn (a revoked invite or key, an expired invite) within AUTH_CACHE_S SSE
ends with `event: error` of the refusal's code and a WebSocket closes with 4401.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Header, Query, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse

from rehearse.api.credential_watch import until_refused
from rehearse.api.deps import SettingsDep, authenticate_async
from rehearse.api.errors import ApiError, responses
from rehearse.api.event_feed import UNAVAILABLE, job_events, load_job, unavailable_body
from rehearse.contracts.event_contract import JobEvent
from rehearse.storage.rows import Job

router = APIRouter(prefix="/v1/jobs", tags=["events"])
log = logging.getLogger(__name__)

RETRY_MS = 3000
"""How long an EventSource waits before reconnecting after an `error` event."""

AfterQuery = Annotated[int, Query(ge=0, description="Only events with a larger `seq`.")]


def bearer_key(authorization: str | None, access_token: str | None) -> str | None:
    """The key from `Authorization: Bearer` or `?access_token=` (browsers' EventSource and
    WebSocket cannot set headers)."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return access_token


async def _require_job(job_id: UUID, key: str | None) -> tuple[UUID, Job]:
    """The caller's owner id and the job's row; 401 or 404 otherwise."""
    owner = await authenticate_async(key)
    row = await load_job(job_id, owner)
    if row is None:
        raise ApiError(404, "not_found", f"no job {job_id}")
    return owner, row


def _last_seen(after: int, last_event_id: str | None) -> int:
    """The `seq` to resume after: the larger of `?after=` and `Last-Event-ID`."""
    if last_event_id is None or not last_event_id.strip():
        return after
    if not last_event_id.strip().isdigit():
        raise ApiError(422, "invalid_request", "Last-Event-ID must be a seq (an integer)")
    return max(after, int(last_event_id))


def _sse(event: dict[str, Any]) -> str:
    data = json.dumps(event, ensure_ascii=False)
    return f"id: {event['seq']}\nevent: {event['type']}\ndata: {data}\n\n"


def _sse_error(code: str, message: str, retry: str = "") -> str:
    """The `error` a stream ends with; no `id:` line: Last-Event-ID stays the last event's."""
    data = json.dumps({"type": "error", "code": code, "message": message})
    return f"{retry}event: error\ndata: {data}\n\n"


@router.get(
    "/{job_id:uuid}/events",
    response_class=StreamingResponse,
    responses={
        # Each SSE `data:` (and each WebSocket message) is one JobEvent, as JSON.
        200: {"model": JobEvent, "content": {"text/event-stream": {}}},
        **responses(401, 404, 422),
    },
)
async def stream_events(
    job_id: UUID,
    request: Request,
    settings: SettingsDep,
    after: AfterQuery = 0,
    authorization: Annotated[str | None, Header()] = None,
    last_event_id: Annotated[str | None, Header()] = None,
    access_token: Annotated[str | None, Query()] = None,
) -> StreamingResponse:
    """Server-Sent Events of a job to `done`: all, or after `Last-Event-ID` / `?after=`."""
    key = bearer_key(authorization, access_token)
    owner, row = await _require_job(job_id, key)
    after = _last_seen(after, last_event_id)
    feed = until_refused(
        job_events(request.app.state.redis, job_id, owner, row, after, settings.stream_keepalive_s),
        key,
    )

    async def body() -> AsyncIterator[str]:
        try:
            async with contextlib.aclosing(feed):  # a client that leaves stops its watch too
                async for event in feed:
                    yield ": keep-alive\n\n" if event is None else _sse(event)
        except UNAVAILABLE as exc:
            log.warning("events of job %s unavailable: %s", job_id, type(exc).__name__)
            yield _sse_error(**unavailable_body(exc), retry=f"retry: {RETRY_MS}\n")
        except ApiError as exc:  # the credential was withdrawn: no reconnect will be let in
            log.info("events of job %s closed: %s", job_id, exc.code)
            yield _sse_error(exc.code, exc.message)

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _send_all(websocket: WebSocket, feed: AsyncIterator[dict[str, Any] | None]) -> None:
    async for event in feed:
        if event is not None:  # idle: uvicorn's ping frames keep the connection alive
            await websocket.send_json(event)


async def _client_gone(websocket: WebSocket) -> None:
    while (await websocket.receive())["type"] != "websocket.disconnect":
        pass  # clients have nothing to say; a message is ignored


@router.websocket("/{job_id:uuid}/events")
async def websocket_events(
    websocket: WebSocket,
    job_id: UUID,
    settings: SettingsDep,
    after: AfterQuery = 0,
    access_token: str | None = None,
) -> None:
    """A job's events as JSON text messages (after `?after=` when given); closes after `done`.

    Refusals close with 4401 (no or unknown key) or 4404 (no such job for this key), and with
    4401 `invite_revoked: ...` (the reason's code) when the credential is withdrawn later; a
    Redis outage closes with 1013 (try again later).
    """
    key = bearer_key(websocket.headers.get("authorization"), access_token)
    # Accept first: a browser sees a close code (4401, 4404) but never a refused handshake's status.
    await websocket.accept()
    try:
        owner, row = await _require_job(job_id, key)
    except ApiError as exc:
        await websocket.close(code=4000 + exc.status, reason=exc.message)
        return
    feed = until_refused(
        job_events(
            websocket.app.state.redis, job_id, owner, row, after, settings.stream_keepalive_s
        ),
        key,
    )
    # Watch for the client leaving while the feed waits on a silent job, to stop at once.
    sending = asyncio.create_task(_send_all(websocket, feed))
    gone = asyncio.create_task(_client_gone(websocket))
    _, pending = await asyncio.wait({sending, gone}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect):
            await task
    if sending in pending or isinstance(sending.exception(), WebSocketDisconnect):
        return  # the client left
    if isinstance(failure := sending.exception(), UNAVAILABLE):
        log.warning("events of job %s unavailable: %s", job_id, type(failure).__name__)
        body = unavailable_body(failure)
        await websocket.close(code=1013, reason=f"{body['code']}: {body['message']}")
    elif isinstance(failure, ApiError):  # the credential was withdrawn
        log.info("events of job %s closed: %s", job_id, failure.code)
        reason = f"{failure.code}: {failure.message}"
        await websocket.close(code=4000 + failure.status, reason=reason)
    elif failure is not None:
        raise failure
    else:
        await websocket.close(code=1000)
