"""A turn's (or the opening's) job, told to a live socket: its steps and the next question's
audio as they come, then how it ended."""

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import redis.asyncio as aioredis

from rehearse.api.event_feed import job_events, load_job
from rehearse.storage.rows import Job

Send = Callable[..., Awaitable[None]]

RELAYED = ("stage", "audio", "delivery")
"""The job's events a live client gets as they come (besides its end)."""


async def relay(
    redis: aioredis.Redis,
    owner: UUID,
    job_id: UUID,
    send: Send,
    question_out: Callable[[], Awaitable[None]],
) -> tuple[Job | None, bool]:
    """Relay the job's events to its end; `question_out()` once its question's audio is out.
    The finished row (None when the job is not the owner's) and whether the final transcript
    was sent: as soon as the stt step is done, from its segments, not after the feedback.
    Raises event_feed.UNAVAILABLE."""
    row = await load_job(job_id, owner)
    if row is None:
        return None, False
    heard: list[str] = []
    said = False
    async for event in job_events(redis, job_id, owner, row, 0):
        if event is None:
            continue
        if event["type"] == "segment":
            heard.append(event["text"])
        elif event["type"] == "reset":
            heard.clear()  # a new attempt transcribes again
        elif _stt_done(event) and not said:
            said = True
            await send("transcript", text="".join(heard).strip(), final=True)
        if event["type"] in RELAYED:
            await send(event["type"], **_fields(event))
            if event["type"] == "audio":
                await question_out()  # the next answer may start while it plays
    return await load_job(job_id, owner), said


def _stt_done(event: dict[str, Any]) -> bool:
    return event["type"] == "stage" and event["stage"] == "stt" and event["state"] == "done"


async def announce(row: Job, send: Send, said: bool = False) -> bool:
    """Tell how the job ended: the final transcript (unless `said`), `finished` after the last
    question, or the error. True when the interview has no question left."""
    if row.status != "succeeded":
        error = row.error or {}
        await send(
            "error",
            code=error.get("code", "turn_failed"),
            message=error.get("message", "the answer could not be processed"),
        )
        return False
    result = row.result or {}
    if result.get("transcript") is not None and not said:
        await send("transcript", text=result["transcript"], final=True)
    if row.kind == "interview_turn" and result.get("next_question") is None:
        await send("finished")
        return True
    return False


def _fields(event: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in event.items() if k not in ("type", "seq", "attempt")}
