"""The speech steps of interviews: transcribe the answer, speak the question, record the turn."""

from typing import Any
from uuid import UUID

import psycopg

from common import interview_store
from common.artifact_store import get_artifact, put_artifact
from common.db import transaction
from common.errors import JobError
from common.interview_contract import TurnParams
from common.job_runner import Finalize, Handler
from common.jobs import SpeakParams, TranscribeParams
from common.run_context import RunContext
from common.settings import Settings
from engines.catalog import SPEECH, WHISPER
from engines.residency import Residency
from engines.voices import voice_for
from engines.whisper import TranscribeRequest
from gpu_worker.interview_llm import Job, Timings, load_interview


def transcribe_answer(residency: Residency) -> Handler:
    """Turn step 1: the answer's audio to text, in the interview's language."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> dict[str, Any]:
        params = TurnParams.model_validate(job["params"])
        interview = load_interview(params.interview_id)
        with transaction() as conn:
            audio = get_artifact(conn, params.answer_artifact_id)
        if audio is None:
            raise JobError("artifact_missing", "the answer's audio is gone")
        request = TranscribeRequest(
            audio.data,
            TranscribeParams(audio_artifact_id=audio.id, language=interview["language"]),
        )
        result, usage = residency.call(WHISPER, lambda engine: engine.run(request, ctx))
        timings.update(usage.timings())
        if not result["text"].strip():
            raise JobError("no_speech", "no speech was found in the answer")
        return {
            "transcript": result["text"],
            "language": result["language"],
            "duration": result["duration"],
        }

    return handle


def speak_question(residency: Residency, settings: Settings, state: dict[str, Any]) -> Handler:
    """Last step of both pipelines: speak the question, then record everything at once."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> Finalize:
        interview = load_interview(job["interview_id"])
        question = (
            state.get("next_question") if job["kind"] == "interview_turn" else state["question"]
        )
        spoken = None
        if question:
            params = SpeakParams(
                text=question, voice=voice_for(settings.tts_voice, interview["language"])
            )
            spoken, usage = residency.call(SPEECH, lambda engine: engine.run(params, ctx))
            timings.update(usage.timings())
            timings["tts_engine"] = spoken["engine"]

        def finalize(conn: psycopg.Connection) -> dict[str, Any]:
            audio_id = None
            if spoken is not None:
                audio_id = put_artifact(
                    conn, job["owner_id"], spoken["audio"], spoken["content_type"]
                )
            if job["kind"] == "interview_start":
                interview_store.open_interview(conn, interview["id"], question, audio_id)
                return {
                    "interview_id": str(interview["id"]),
                    "question": question,
                    "audio_artifact_id": str(audio_id),
                }
            return _record_turn(conn, job, state, audio_id)

        return finalize

    return handle


def _record_turn(
    conn: psycopg.Connection, job: Job, state: dict[str, Any], audio_id: UUID | None
) -> dict[str, Any]:
    params = TurnParams.model_validate(job["params"])
    interview_store.get_interview(conn, params.interview_id, lock=True)
    turn = {
        "id": params.turn_id,
        "interview_id": params.interview_id,
        "number": params.number,
        "job_id": job["id"],
        "question": params.question,
        "answer_artifact_id": params.answer_artifact_id,
        "transcript": state["transcript"],
        "language": state.get("language"),
        "feedback": state["feedback"],
        "next_question": state["next_question"],
        "audio_artifact_id": audio_id,
        "retrieved": state.get("passages", []),
    }
    try:
        interview_store.insert_turn(conn, turn)
    except psycopg.errors.UniqueViolation as exc:
        raise JobError("turn_conflict", f"turn {params.number} was already recorded") from exc
    return {
        "turn_id": str(params.turn_id),
        "number": params.number,
        "transcript": state["transcript"],
        "feedback": state["feedback"],
        "next_question": state["next_question"],
        "audio_artifact_id": str(audio_id) if audio_id else None,
        "retrieved": [
            {k: p.get(k) for k in ("document_id", "chunk_id", "score")}
            for p in state.get("passages", [])
        ],
    }
