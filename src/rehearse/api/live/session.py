"""One live socket: the candidate's audio in, the interview's turns out, one answer at a time.

A session listens (frames are kept in Redis and judged by the listener), ends the answer when
the listener says so or the candidate says "done", hands it to a turn job with what was already
transcribed, relays that job's events, and listens again once the next question is out.
"""

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import redis.asyncio as aioredis
from celery import Celery
from fastapi import WebSocket
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from rehearse.api.errors import ApiError
from rehearse.api.event_feed import UNAVAILABLE
from rehearse.api.live.relay import announce, relay
from rehearse.api.live.segments import Segments
from rehearse.api.turn_submit import submit_turn
from rehearse.base import metrics
from rehearse.base.settings import Settings
from rehearse.contracts.live_contract import BYTES_PER_SECOND, MAX_FRAME_BYTES, LiveControl
from rehearse.storage import live_audio
from rehearse.storage.rows import Interview
from rehearse.voice.endpoint import TurnRules
from rehearse.voice.events import VoiceEvent
from rehearse.voice.listener import TurnListener
from rehearse.voice.pcm_check import MIN_BYTES, sample_format

log = logging.getLogger(__name__)


class LiveSession:
    def __init__(
        self,
        websocket: WebSocket,
        owner: UUID,
        interview: Interview,
        settings: Settings,
        redis: aioredis.Redis,
        celery: Celery,
        thinking_ms: int,
        holds: Callable[[], Awaitable[bool]],
    ) -> None:
        self.ws, self.owner, self.settings = websocket, owner, settings
        self.interview_id, self.language = interview.id, interview.language
        self.redis, self.celery, self.thinking_ms = redis, celery, thinking_ms
        self.holds = holds
        rules = TurnRules.from_settings(
            settings, thinking_ms=thinking_ms, max_ms=settings.max_audio_seconds * 1000
        )
        self.listener = TurnListener(rules)
        self.key = live_audio.audio_key(self.interview_id)
        self.state = "processing"  # until the opening or a running turn is out
        self.paused = self.playing = self.closed = False
        self.withdrawn = False
        self.format_known = self.format_said = False
        self.probe = bytearray()  # the first frames, until they read as 16-bit or float32
        """The credential was revoked: nothing more is handed on."""
        self.relay: asyncio.Task[None] | None = None
        self._new_answer(0)

    def _new_answer(self, kept: int) -> None:
        """A new turn for the listener and no stretches sent; `kept` bytes of this answer
        already held (a reconnect goes on with them)."""
        if hasattr(self, "listener"):
            self.listener.next_turn()
        self.answer_ms = self.listener.audio_ms - kept // 32  # where this answer began
        self.segments = Segments(
            self.celery, self.key, self.language, self.settings.live_segment_timeout_s, self._heard
        )
        self.segments.cut = kept
        self.bytes = kept
        self.kept = kept > 0  # a resumed answer already holds speech
        self.began: float | None = None
        self.paced = 0
        self.ending = False

    async def send(self, type_: str, **fields: Any) -> None:
        if self.closed:
            return
        try:
            await self.ws.send_json({"type": type_, **fields})
        except Exception:  # the client left: the receive loop sees it
            self.closed = True

    async def error(self, code: str, message: str) -> None:
        await self.send("error", code=code, message=message)

    async def _heard(self, text: str, until: int) -> None:
        """A stretch came back: show the words so far, and let them judge the end."""
        await self.send("transcript", text=text, final=False)
        if self.state == "listening" and not self.ending:
            for event in self.listener.transcript(text, self.answer_ms + until // 32):
                await self._voice(event)

    # -- the socket ------------------------------------------------------------------------

    async def run(self, active_job: UUID | None) -> None:
        """Serve the socket until the client leaves."""
        kept = await self.redis.strlen(self.key)  # an answer a lost socket left unfinished
        if active_job is not None:
            self.relay = asyncio.create_task(self._follow(active_job))
        else:
            await self._listen(kept)
        try:
            while True:
                message = await self.ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    await self._audio(message["bytes"])
                elif message.get("text") is not None:
                    await self._control(message["text"])
        except UNAVAILABLE as exc:
            # The answer's audio lives in Redis: without it nothing can be kept. Say so; the
            # candidate reconnects or answers by push-to-talk.
            log.warning("live session of %s ended: %s", self.interview_id, type(exc).__name__)
            self.state = "broken"
            await self.error("live_unavailable", "the server lost its store; reconnect or record")
            with contextlib.suppress(Exception):
                await self.ws.close(code=1013, reason="try again")
        finally:
            self.closed = True
            if self.relay is not None:
                self.relay.cancel()
            # The answer so far is kept: it becomes the turn (a reconnect relays it), unless
            # a newer socket took the interview over and goes on with it.
            spoke = self.listener.turn.spoke or self.kept
            answering = self.state == "listening" and spoke and not self.ending
            if answering and not self.withdrawn and await self.holds():
                await asyncio.shield(self._end("disconnected"))
            self.segments.cancel()

    async def _listen(self, kept: int = 0) -> None:
        self._new_answer(kept)
        self.state = "listening"
        await self.send("ready")

    async def _control(self, text: str) -> None:
        try:
            control = LiveControl.model_validate(json.loads(text))
        except (ValueError, ValidationError):
            await self.error(
                "invalid_message",
                'a text frame must be JSON: {"type": "done" | "playback" | "pause" | "resume"}',
            )
            return
        if control.type == "done":
            if self.state == "listening" and self.listener.done() is not None:
                await self._end("done")
        elif control.type == "playback":
            self.playing = control.state == "started"
        elif control.type == "pause":
            self.paused = True
        elif control.type == "resume":
            self.paused = False
            self.began = None  # the pace check starts over

    async def _audio(self, pcm: bytes) -> None:
        if len(pcm) > MAX_FRAME_BYTES:
            await self.error("invalid_frame", "an audio frame holds at most 1 s (32000 bytes)")
            return
        if self.state != "listening" or self.paused or self.ending:
            return  # audio while the interviewer thinks or while paused is not an answer
        if not await self._format_ok(pcm):
            return
        now = time.monotonic()
        if self.began is None:
            self.began, self.paced = now, 0
        # Audio ahead of the clock by more than a burst is a client replaying, not speaking.
        if (self.paced + len(pcm)) / BYTES_PER_SECOND - (
            now - self.began
        ) > self.settings.live_burst_s:
            await self.error("too_fast", "audio must come in real time (16 kHz, 16-bit mono)")
            return
        self.paced += len(pcm)
        self.bytes = await live_audio.append(self.redis, self.key, pcm)
        for event in self.listener.feed(pcm):
            await self._voice(event)
            if self.ending:
                return
        if self.bytes >= self.settings.max_audio_seconds * BYTES_PER_SECOND:
            await self._end("max_duration")

    async def _format_ok(self, pcm: bytes) -> bool:
        """False (and an error, once) while the frames read as float32 samples, not 16-bit."""
        if self.format_known:
            return True
        self.probe += pcm
        if len(self.probe) < 2 * MIN_BYTES:
            return True
        found = sample_format(bytes(self.probe))
        self.probe.clear()
        if found != "float32":
            self.format_known = found == "s16le"  # silence tells nothing: look again later
            return True
        if not self.format_said:
            self.format_said = True
            await self.error(
                "wrong_format", "audio frames must be 16-bit PCM (s16le, mono, 16 kHz), not float32"
            )
        return False

    async def _voice(self, event: VoiceEvent) -> None:
        if event.type == "turn_ended":
            await self._end(event.reason or "silence")
            return
        await self.send(event.type, at_ms=event.at_ms)
        if event.type == "speech_started" and self.playing:
            self.playing = False
            await self.send("barge_in")
        elif event.type == "speech_stopped":
            self.segments.close(self.bytes)

    # -- the turn --------------------------------------------------------------------------

    async def _end(self, reason: str) -> None:
        """Hand the answer to a turn job, once; then follow it."""
        if self.ending:
            return
        self.ending = True
        heard = await self.segments.heard(self.settings.live_segment_wait_s)
        if self.relay is not None:  # the previous turn's feedback may still be generating
            with contextlib.suppress(asyncio.CancelledError, *UNAVAILABLE):
                await self.relay
        pcm = await live_audio.take(self.redis, self.key)
        if not (self.listener.turn.spoke or self.kept) or not pcm:
            await self.error("no_speech", "no speech was heard in the answer")
            await self._listen()
            return
        try:
            accepted = await run_in_threadpool(
                submit_turn,
                self.celery,
                self.owner,
                self.interview_id,
                live_audio.as_wav(pcm),
                "audio/wav",
                heard,
            )
        except ApiError as exc:
            await self.error(exc.code, exc.message)
            if exc.code not in ("interview_finished", "max_questions_reached"):
                await self._listen()
            return
        metrics.LIVE_TURNS.labels(reason).inc()
        await self.send("turn_ended", reason=reason, job_id=str(accepted.job_id))
        self.state = "processing"
        if not self.closed:
            self.relay = asyncio.create_task(self._follow(accepted.job_id))

    async def _follow(self, job_id: UUID) -> None:
        """Relay the job; listen again once its question is out, or once it ended."""
        try:
            row, said = await relay(self.redis, self.owner, job_id, self.send, self._question_out)
        except UNAVAILABLE as exc:
            log.warning("events of job %s unavailable: %s", job_id, type(exc).__name__)
            await self.error("events_unavailable", "the turn's progress is unreachable; reconnect")
            return
        if row is not None and await announce(row, self.send, said):
            self.state = "finished"
        elif self.state == "processing":
            await self._listen()

    async def _question_out(self) -> None:
        if self.state == "processing":
            await self._listen()
