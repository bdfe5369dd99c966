"""`WS /v1/interviews/{id}/live`: conversation mode's socket (docs/conversation.md).

One socket per interview at a time: a newer one takes the interview over (a reload, a
reconnect after the network dropped) and the older one closes with 4409. Each api process
holds at most LIVE_SESSIONS live sockets; past that a socket closes with 1013 (try again).
"""

import asyncio
import contextlib
import logging
import secrets
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, WebSocket
from fastapi.concurrency import run_in_threadpool

from rehearse.api.credential_watch import refused
from rehearse.api.deps import SettingsDep, authenticate_async
from rehearse.api.errors import ApiError
from rehearse.api.live.session import LiveSession
from rehearse.api.routes.events import bearer_key
from rehearse.base import metrics
from rehearse.storage import interview_store as store
from rehearse.storage import live_audio
from rehearse.storage.db import transaction
from rehearse.storage.rows import Interview

router = APIRouter(prefix="/v1/interviews", tags=["interviews"])
log = logging.getLogger(__name__)

HOLD_S = 30
"""The holder mark outlives a dead process by at most this; renewed every HOLD_S / 3."""
_open: set[int] = set()
"""This process's live sockets (ids of their sessions)."""


def _interview(interview_id: UUID, owner: UUID) -> tuple[Interview, UUID | None]:
    with transaction() as conn:
        interview = store.get_interview(conn, interview_id, owner)
        if interview is None:
            raise ApiError(404, "not_found", f"no interview {interview_id}")
        if interview.status == "finished":
            raise ApiError(409, "interview_finished", "the interview is finished")
        job = store.active_job(conn, interview_id)
    return interview, (job["id"] if job else None)


async def _holds(redis: object, key: str, mark: str) -> bool:
    """Whether this socket still holds the interview (no newer socket took it over)."""
    with contextlib.suppress(Exception):
        return await redis.get(key) == mark.encode()  # type: ignore[attr-defined]
    return False


async def _hold(websocket: WebSocket, key: str, mark: str) -> None:
    """Renew this socket's hold on the interview; close it once a newer socket took over."""
    redis = websocket.app.state.redis
    while True:
        await asyncio.sleep(HOLD_S / 3)
        if await redis.get(key) != mark.encode():
            await websocket.close(code=4409, reason="the interview went on in another window")
            return
        await redis.expire(key, HOLD_S)


async def _watch(websocket: WebSocket, key: str | None, session: LiveSession) -> None:
    """Close the socket once its credential is withdrawn (a revoked invite), keeping nothing
    more of what it sends: the answer in progress is not handed on."""
    refusal = await refused(key)
    session.withdrawn = True
    log.info("live socket of %s closed: %s", session.interview_id, refusal.code)
    await websocket.close(code=4000 + refusal.status, reason=f"{refusal.code}: {refusal.message}")


@router.websocket("/{interview_id:uuid}/live")
async def live(
    websocket: WebSocket,
    interview_id: UUID,
    settings: SettingsDep,
    access_token: str | None = None,
    thinking_ms: Annotated[int | None, Query(ge=1000, le=60000)] = None,
) -> None:
    """Conversation mode: PCM frames in, the interview's events out (docs/conversation.md).

    Refusals close with 4401 (no or unknown key; later, `invite_revoked: ...` when the invite
    is revoked), 4404 (no such interview), 4409 (finished, or taken over by a newer socket);
    1013 when this process holds all the live sockets it may.
    """
    key = bearer_key(websocket.headers.get("authorization"), access_token)
    await websocket.accept()
    try:
        owner = await authenticate_async(key)
        interview, active_job = await run_in_threadpool(_interview, interview_id, owner)
    except ApiError as exc:
        await websocket.close(code=4000 + exc.status, reason=exc.message)
        return
    if len(_open) >= settings.live_sessions:
        await websocket.close(code=1013, reason="this server holds all the live sessions it may")
        return
    redis, mark = websocket.app.state.redis, secrets.token_hex(8)
    holder = live_audio.holder_key(interview_id)
    await redis.set(holder, mark, ex=HOLD_S)
    session = LiveSession(
        websocket,
        owner,
        interview,
        settings,
        redis,
        websocket.app.state.celery,
        thinking_ms or settings.turn_thinking_ms,
        holds=lambda: _holds(redis, holder, mark),
    )
    _open.add(id(session))
    metrics.LIVE_SESSIONS.inc()
    watchers = [
        asyncio.create_task(_hold(websocket, holder, mark)),
        asyncio.create_task(_watch(websocket, key, session)),
    ]
    try:
        await session.run(active_job)
    finally:
        _open.discard(id(session))
        metrics.LIVE_SESSIONS.dec()
        for watcher in watchers:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watcher
        with contextlib.suppress(Exception):
            if await redis.get(holder) == mark.encode():
                await redis.delete(holder)
