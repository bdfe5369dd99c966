"""The turn's next question spoken while its feedback still generates: the first audio, early.

The feedback schema puts `next_question` first. A scanner watches the LLM step's `token`
events; once the question's string closes and passes the output gates that need only the
string, a thread speaks it, stores the audio and publishes `{"type": "audio", "artifact_id",
"text", "role": "next_question"}`. The generation runs inside residency's call for the speech
model, so the speech engine is used only within its scope (speech needs no GPU: holding it
evicts nothing), and the thread never touches the residency manager (not thread-safe). At most
one question per turn is spoken early and the turn keeps it (interview_llm); the tts step
reuses its audio, and speaks (and announces) the question itself when none was early.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from rehearse.contracts.job_kinds import TABLE
from rehearse.contracts.jobs import SpeakParams
from rehearse.engines.base import TextToSpeech
from rehearse.engines.voices import voice_for
from rehearse.runtime import worker_context
from rehearse.runtime.run_context import RunContext
from rehearse.runtime.worker_context import StepRun
from rehearse.storage.artifact_store import put_artifact
from rehearse.storage.db import transaction
from rehearse.storage.job_store import elapsed_ms
from rehearse.storage.rows import Job
from rehearse.workers.gpu import gated_llm
from rehearse.workers.gpu.json_field_scanner import JsonFieldScanner

log = logging.getLogger(__name__)

FIELD = ROLE = "next_question"
T = TypeVar("T")

Gate = Callable[[str], str | None]
"""The question as it would be spoken (cleaned), or None when it must not be spoken."""


def publish_audio(ctx: RunContext, job: Job, spoken: dict[str, Any], text: str) -> dict[str, Any]:
    """Store spoken audio as the job's artifact (committed), then announce it as an event."""
    with transaction() as conn:
        artifact_id = put_artifact(
            conn, job.owner_id, spoken["audio"], spoken["content_type"], job_id=job.id
        )
        ms = elapsed_ms(conn, job.id)
    ctx.emit("audio", artifact_id=str(artifact_id), text=text, role=ROLE)
    return {"artifact_id": str(artifact_id), "text": text, "engine": spoken["engine"], "ms": ms}


class EarlyQuestion:
    """Wraps the LLM step's RunContext; `finish()` says what was spoken early, if anything."""

    def __init__(self, engine: TextToSpeech, job: Job, voice: str | None, gate: Gate) -> None:
        self.engine, self.job, self.voice, self.gate = engine, job, voice, gate
        self.scanner = JsonFieldScanner(FIELD)
        self.spoken: dict[str, Any] | None = None
        self._thread: threading.Thread | None = None
        self._ctx = RunContext()

    def watch(self, ctx: RunContext) -> RunContext:
        """`ctx` with its events passed on, and its tokens read for the question."""
        self._ctx = ctx

        def emit(type_: str, **fields: Any) -> None:
            ctx.emit(type_, **fields)
            if type_ == "token":
                self._feed(fields.get("text", ""))
            elif type_ == "stage" and fields.get("state") == "regenerating":
                self.scanner = JsonFieldScanner(FIELD)  # a new generation, a new question

        return RunContext(emit=emit, is_canceled=ctx.is_canceled, extra=ctx.extra)

    def _feed(self, piece: str) -> None:
        if self._thread is not None or self.scanner.value is not None:
            return
        question = self.scanner.feed(piece)
        if question is None:
            return
        text = self.gate(question)
        if text is None:
            return  # a later generation's question may still be spoken early
        self._thread = threading.Thread(
            target=self._speak, args=(text,), name="early-question", daemon=True
        )
        self._thread.start()

    def _speak(self, text: str) -> None:
        try:
            quiet = RunContext(is_canceled=self._ctx.is_canceled)  # no progress mid-llm stage
            spoken = self.engine.run(SpeakParams(text=text, voice=self.voice), quiet)
            self.spoken = publish_audio(self._ctx, self.job, spoken, text)
        except Exception as exc:  # the tts step speaks the question instead
            log.warning("early question audio failed (%s); the tts step speaks it", type(exc))

    def finish(self) -> dict[str, Any] | None:
        """Wait for the speaking thread; `{"artifact_id", "text", "engine", "ms"}` or None."""
        if self._thread is not None:
            self._thread.join()
        return self.spoken


def speaking(
    run: StepRun,
    schema: dict[str, Any],
    language: str,
    prompt: str,
    generate: Callable[[RunContext], T],
) -> tuple[T, dict[str, Any] | None]:
    """`generate(ctx)`, with the question spoken as soon as it closes when the setting is on
    and this worker speaks; its result and what was spoken early (`finish()`), if anything."""
    settings = run.settings
    if not settings.early_question_audio:
        return generate(run.ctx), None

    def gate(question: str) -> str | None:
        if not settings.output_gates:  # the question is kept as generated: speak it so
            return question if question.strip() else None
        cleaned, why = gated_llm.gate_text(schema, FIELD, question, language, prompt)
        return None if why else cleaned

    voice = voice_for(settings.tts_voice, language)

    def with_speech(engine: TextToSpeech) -> tuple[T | BaseException, dict[str, Any] | None]:
        early = EarlyQuestion(engine, run.job, voice, gate)
        try:
            outcome: T | BaseException = generate(early.watch(run.ctx))
        except BaseException as exc:
            # Handed out, not raised through the speech model's call: there an out-of-memory
            # error would evict the LLM and run this again; the LLM's own call retries it.
            outcome = exc
        return outcome, early.finish()  # never leave the speaking thread behind

    # The model the turn's tts step speaks with, as the table names it.
    model = TABLE["interview_turn"].steps[-1].model
    try:
        (outcome, spoken), _ = worker_context.current().engines.call(model, with_speech)
    except Exception as exc:  # no speech engine in this worker: the tts step speaks
        log.info("no early question audio: %s", type(exc).__name__)
        return generate(run.ctx), None
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome, spoken
