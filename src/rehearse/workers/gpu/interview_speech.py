"""The speech steps of interviews: transcribe the answer, speak the question, record the turn."""

import logging
from dataclasses import replace
from typing import Any
from uuid import UUID

import psycopg

from rehearse.base.errors import JobError
from rehearse.contracts.interview_contract import StartState, TurnParams, TurnState
from rehearse.contracts.jobs import SpeakParams, TranscribeParams
from rehearse.engines.base import SpeechToText, TextToSpeech
from rehearse.engines.voices import voice_for
from rehearse.engines.whisper import TranscribeRequest
from rehearse.runtime.job_runner import Finalize
from rehearse.runtime.worker_context import StepRun
from rehearse.storage import delivery_store, interview_store
from rehearse.storage.artifact_store import get_artifact, put_artifact
from rehearse.storage.db import transaction
from rehearse.storage.interview_store import load_for_step
from rehearse.storage.rows import Job
from rehearse.workers.gpu.early_question import publish_audio
from rehearse.workers.gpu.live_segments import rest_of
from rehearse.workers.gpu.transcript_check import unclear_reason

log = logging.getLogger(__name__)
UNCLEAR_MESSAGE = (
    "We could not make out your answer. Please answer the question again, close to the "
    "microphone and in a quiet place."
)


def transcribe_answer(engine: SpeechToText, run: StepRun) -> dict[str, Any]:
    """Turn step 1: the answer's audio to text, in the interview's language."""
    params = TurnParams.model_validate(run.job.params)
    interview = load_for_step(run.job.interview_id)
    with transaction() as conn:
        audio = get_artifact(conn, params.answer_artifact_id)
    if audio is None:
        raise JobError("artifact_missing", "the answer's audio is gone")
    options = TranscribeParams(audio_artifact_id=audio.id, language=interview.language)
    checked = run.settings.transcript_check
    # Checked, the segments are held until the whole transcript passed: a candidate never sees
    # words the check refuses streamed as if heard.
    held: list[tuple[str, dict[str, Any]]] = []
    ctx = replace(run.ctx, emit=lambda type_, **f: held.append((type_, f))) if checked else run.ctx
    if params.heard is None:
        result = engine.run(TranscribeRequest(audio.data, options), ctx)
    else:
        result = rest_of(engine, audio.data, options, params.heard, ctx, run.settings)
    if not result["text"].strip():
        raise JobError("no_speech", "no speech was found in the answer")
    reason = checked and unclear_reason(result["text"], result["segments"])
    if reason:
        # Neither fed to the LLM nor recorded: the candidate answers the same question again.
        log.info("job %s: transcript not taken as speech (%s)", run.job.id, reason)
        run.timings["unclear_audio"] = reason
        raise JobError("unclear_audio", UNCLEAR_MESSAGE)
    for type_, fields in held:
        run.ctx.emit(type_, **fields)
    return {
        "transcript": result["text"],
        "language": result["language"],
        "duration": result["duration"],
        # For the delivery figures' pace across the answer (workers/cpu/delivery_step.py).
        "segments": [
            {k: segment[k] for k in ("start", "end", "text")} for segment in result["segments"]
        ],
    }


def _speak(engine: TextToSpeech, run: StepRun, question: str, language: str) -> dict[str, Any]:
    """The question spoken in the interview's voice (the engine's output, not yet stored)."""
    voice = voice_for(run.settings.tts_voice, language)
    spoken = engine.run(SpeakParams(text=question, voice=voice), run.ctx)
    run.timings["tts_engine"] = spoken["engine"]
    return spoken


def speak_opening(engine: TextToSpeech, run: StepRun) -> Finalize:
    """Start step 3: speak the opening question, then open the interview with it at once."""
    job = run.job
    interview = load_for_step(job.interview_id)
    question = StartState.model_validate(run.state).question
    spoken = _speak(engine, run, question, interview.language) if question else None

    def finalize(conn: psycopg.Connection) -> dict[str, Any]:
        audio_id = None
        if spoken is not None:
            audio_id = put_artifact(conn, job.owner_id, spoken["audio"], spoken["content_type"])
        interview_store.open_interview(conn, interview.id, question, audio_id)
        return {
            "interview_id": str(interview.id),
            "question": question,
            "audio_artifact_id": str(audio_id),
        }

    return finalize


def speak_question(engine: TextToSpeech, run: StepRun) -> Finalize:
    """Turn step 4: speak the next question (unless heard early), then record the turn at once."""
    interview = load_for_step(run.job.interview_id)
    turn = TurnState.model_validate(run.state)
    question, early = turn.next_question, turn.early_audio
    audio_id = None
    if early and early["text"] == question:
        # Spoken while the feedback generated, and the question stayed: confirm, don't redo.
        audio_id = UUID(early["artifact_id"])
        run.timings.update(tts_engine=early["engine"], early_audio=True)
    elif question:
        spoken = _speak(engine, run, question, interview.language)
        # The final question differs from one spoken early, or none was: announce it too.
        announced = publish_audio(run.ctx, run.job, spoken, question)
        audio_id = UUID(announced["artifact_id"])
        run.timings["early_audio"] = False
        if early is None:
            run.timings["first_audio_ms"] = announced["ms"]
    return lambda conn: _record_turn(conn, run.job, turn, audio_id)


def _record_turn(
    conn: psycopg.Connection, job: Job, state: TurnState, audio_id: UUID | None
) -> dict[str, Any]:
    params = TurnParams.model_validate(job.params)
    interview_store.get_interview(conn, params.interview_id, lock=True)
    # The job's row locked before reading: figures measured later add themselves to the result.
    delivery_store.lock_job(conn, job.id)
    delivery = delivery_store.for_job(conn, job.id)
    turn = {
        "id": params.turn_id,
        "interview_id": params.interview_id,
        "number": params.number,
        "job_id": job.id,
        "question": params.question,
        "answer_artifact_id": params.answer_artifact_id,
        "transcript": state.transcript,
        "language": state.language,
        "feedback": state.feedback,
        "next_question": state.next_question,
        "audio_artifact_id": audio_id,
        "retrieved": state.passages,
    }
    try:
        interview_store.insert_turn(conn, turn)
    except psycopg.errors.UniqueViolation as exc:
        raise JobError("turn_conflict", f"turn {params.number} was already recorded") from exc
    return {
        "turn_id": str(params.turn_id),
        "number": params.number,
        "transcript": state.transcript,
        "feedback": state.feedback,
        "next_question": state.next_question,
        "audio_artifact_id": str(audio_id) if audio_id else None,
        "retrieved": [
            {k: p.get(k) for k in ("document_id", "chunk_id", "score")} for p in state.passages
        ],
        "delivery": delivery,
    }
