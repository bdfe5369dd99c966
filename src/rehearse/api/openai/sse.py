"""Server-Sent Events of an OpenAI stream that runs one job: errors in-band, cancel on leave."""

import json
import logging
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import StreamingResponse

from rehearse.api.errors import ApiError
from rehearse.api.job_watch import ClientGone
from rehearse.api.openai.errors import OpenAIError, body
from rehearse.api.openai.job_wait import cancel_now
from rehearse.base.settings import Settings

log = logging.getLogger(__name__)


def sse_data(data: dict[str, Any], event: str | None = None) -> str:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


def stream_job(
    request: Request, settings: Settings, job_id: UUID, owner: UUID, lines: AsyncIterator[str]
) -> StreamingResponse:
    """Stream `lines`; a job failure becomes an `error` event; a client leaving cancels the job.

    The job is cancelled through the path of `DELETE /v1/jobs/{id}` whatever stops the
    stream early: a disconnect (the response task is cancelled) or a closed generator.
    """

    async def guarded() -> AsyncIterator[str]:
        finished = False
        try:
            async for line in lines:
                yield line
            finished = True
        except (ApiError, OpenAIError) as exc:
            finished = True
            param = getattr(exc, "param", None)
            yield sse_data(body(exc.status, exc.code, exc.message, param), "error")
        except ClientGone:
            pass
        finally:
            if not finished:
                log.info("client left the stream of job %s; cancelling it", job_id)
                # Synchronous: no await is possible in a cancelled task or a closing generator.
                cancel_now(request, settings, job_id, owner)

    return StreamingResponse(
        guarded(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "X-Job-Id": str(job_id)},
    )
