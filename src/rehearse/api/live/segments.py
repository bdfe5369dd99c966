"""A live answer transcribed while it is spoken: each stretch closed by a pause goes to the
gpu worker's Whisper queue at once, so when the turn ends only the tail is left to transcribe.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from celery import Celery

from rehearse.contracts import job_kinds
from rehearse.contracts.live_contract import (
    BYTES_PER_SECOND,
    PROMPT_CHARS,
    Heard,
    SegmentParams,
    shifted,
)

log = logging.getLogger(__name__)

MIN_BYTES = BYTES_PER_SECOND // 2
"""A stretch under half a second waits to join the next one: too short to be worth a trip."""


@dataclass
class Part:
    start: int
    end: int
    task: "asyncio.Task[None] | None" = None
    result: dict[str, Any] | None = None
    back: bool = False
    """The stretch came back (transcribed, or given up on: `result` None)."""


class Segments:
    """The stretches of one answer sent so far, and what came back, in order."""

    def __init__(
        self,
        celery: Celery,
        audio_key: str,
        language: str | None,
        timeout_s: float,
        on_heard: Callable[[str, int], Awaitable[None]],
    ) -> None:
        self.celery, self.audio_key, self.language = celery, audio_key, language
        self.timeout_s, self.on_heard = timeout_s, on_heard
        self.parts: list[Part] = []
        self.cut = 0

    def close(self, upto: int) -> None:
        """Send `[cut, upto)` of the answer for transcription (unless too short yet)."""
        if upto - self.cut < MIN_BYTES:
            return
        params = SegmentParams(
            audio_key=self.audio_key,
            start=self.cut,
            end=upto,
            language=self.language,
            prompt=self.text()[-PROMPT_CHARS:] or None,
        )
        part = Part(self.cut, upto)
        part.task = asyncio.create_task(self._transcribe(part, params))
        self.parts.append(part)
        self.cut = upto

    async def _transcribe(self, part: Part, params: SegmentParams) -> None:
        payload = params.model_dump(mode="json")
        try:
            # `expires`: a worker that gets to it after the answer was handed on drops it.
            pending = self.celery.send_task(
                job_kinds.LIVE_TRANSCRIBE, kwargs={"payload": payload}, expires=self.timeout_s
            )
            result = await asyncio.to_thread(pending.get, timeout=self.timeout_s)
        except Exception as exc:  # late, lost or failed: the turn's stt step covers it
            log.info("live stretch not transcribed: %s", type(exc).__name__)
            part.back = True
            return
        part.result, part.back = result, True
        done = self._done()
        if done and done[-1][0] is part:
            await self.on_heard(self.text(), part.end)

    def _done(self) -> list[tuple[Part, dict[str, Any]]]:
        """The stretches transcribed, from the answer's start, up to the first gap."""
        heard = []
        for part in self.parts:
            if part.result is None:
                break
            heard.append((part, part.result))
        return heard

    def text(self) -> str:
        """The words heard so far, in order."""
        return " ".join(r["text"].strip() for _, r in self._done() if r["text"].strip())

    async def heard(self, wait_s: float) -> Heard | None:
        """What the turn job may take as transcribed, after waiting up to `wait_s` for the
        stretches still out; None when nothing from the start was heard."""
        waiting = [part.task for part in self.parts if part.task and not part.back]
        if waiting:
            await asyncio.wait(waiting, timeout=wait_s)
        done = self._done()
        if not done:
            return None
        segments = [
            shifted(segment, part.start / BYTES_PER_SECOND)
            for part, result in done
            for segment in result["segments"]
        ]
        return Heard(until_s=done[-1][0].end / BYTES_PER_SECOND, segments=segments)

    def cancel(self) -> None:
        for part in self.parts:
            if part.task is not None:
                part.task.cancel()
