"""The gpu steps of interview pipelines: transcribe, ask, assess, speak, report."""

from typing import Any
from uuid import UUID

import psycopg

from common import interview_store
from common.artifact_store import get_artifact, put_artifact
from common.db import transaction
from common.errors import JobError
from common.interview_contract import (
    FEEDBACK_SCHEMA,
    OPENING_SCHEMA,
    REPORT_SCHEMA,
    ReportParams,
    StartParams,
    TurnParams,
)
from common.job_runner import Finalize, Handler
from common.jobs import ChatMessage, ChatParams, SpeakParams, TranscribeParams
from common.run_context import RunContext
from common.settings import Settings
from gpu_worker import interview_prompts as prompts
from gpu_worker.engines.llama_schema import json_budget
from gpu_worker.engines.whisper import TranscribeRequest
from gpu_worker.models import LLM, SPEECH, WHISPER
from gpu_worker.residency import Residency

Job = dict[str, Any]
Timings = dict[str, Any]


def _interview(interview_id: UUID) -> dict[str, Any]:
    with transaction() as conn:
        interview = interview_store.get_interview(conn, interview_id)
        history = interview_store.turns(conn, interview_id) if interview else []
    if interview is None:
        raise JobError("interview_missing", f"interview {interview_id} no longer exists")
    return {**interview, "history": history}


def _base_values(interview: dict[str, Any]) -> dict[str, str]:
    words = prompts.DEFAULTS[interview["language"]]
    return {
        "persona": interview["persona"] or words["persona"],
        "role": interview["role"] or words["role"],
    }


def _ask(
    residency: Residency,
    ctx: RunContext,
    timings: Timings,
    schema: dict[str, Any],
    render: Any,
    history: list[dict[str, Any]],
    passages: list[str],
    text: str,
    cut: str,
) -> dict[str, Any]:
    """Fit the prompt into the context, run the LLM under the schema, return its JSON."""

    def run(engine: Any) -> dict[str, Any]:
        max_tokens = json_budget(schema)
        fitted = prompts.fit(
            render, engine.count_tokens, engine.n_ctx - max_tokens, history, passages, text, cut
        )
        params = ChatParams(
            messages=fitted.messages, max_tokens=max_tokens, temperature=0.7, json_schema=schema
        )
        return {**engine.run(params, ctx), "fit": fitted.info}

    result, usage = residency.call(LLM, run)
    timings.update(usage.timings())
    return result


def transcribe_answer(residency: Residency) -> Handler:
    """Turn step 1: the answer's audio to text, in the interview's language."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> dict[str, Any]:
        params = TurnParams.model_validate(job["params"])
        interview = _interview(params.interview_id)
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


def assess_answer(residency: Residency, state: dict[str, Any]) -> Handler:
    """Turn step 3: feedback on the answer and the next question, as schema-bound JSON."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> dict[str, Any]:
        params = TurnParams.model_validate(job["params"])
        interview = _interview(params.interview_id)
        language = interview["language"]
        template = prompts.load(interview["prompt_version"], language, "feedback")
        values = _base_values(interview)

        def render(kept, omitted, passages, answer) -> list[ChatMessage]:
            context = "\n---\n".join(passages) or prompts.DEFAULTS[language]["none"]
            return template.render(
                **values,
                context=context,
                question=params.question,
                answer=answer,
                history=prompts.history_lines(kept, language, omitted),
            )

        passages = [p["text"] for p in state.get("passages", [])]
        result = _ask(
            residency,
            ctx,
            timings,
            FEEDBACK_SCHEMA,
            render,
            interview["history"],
            passages,
            state["transcript"],
            prompts.DEFAULTS[language]["cut"],
        )
        feedback = dict(result["json"])
        next_question = feedback.pop("next_question")
        if params.number >= interview["max_questions"]:
            next_question = None  # the last answer: nothing more to ask
        return {
            **state,
            "feedback": feedback,
            "next_question": next_question,
            "llm_usage": result["usage"],
            "prompt_fit": result["fit"],
        }

    return handle


def opening_question(residency: Residency, state: dict[str, Any]) -> Handler:
    """Start step 2: the first question, from the resume and the posting."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> dict[str, Any]:
        interview = _interview(StartParams.model_validate(job["params"]).interview_id)
        language = interview["language"]
        template = prompts.load(interview["prompt_version"], language, "opening")
        values = _base_values(interview)
        posting = "\n".join(state.get("posting_passages", []))

        def render(kept, omitted, passages, resume) -> list[ChatMessage]:
            return template.render(**values, resume=resume, posting="\n".join(passages))

        result = _ask(
            residency,
            ctx,
            timings,
            OPENING_SCHEMA,
            render,
            [],
            posting.split("\n") if posting else [],
            "\n".join(state.get("resume_passages", [])) or interview["resume_text"],
            prompts.DEFAULTS[language]["cut"],
        )
        return {"question": result["json"]["question"]}

    return handle


def voice_for(settings: Settings, language: str) -> str:
    """The configured voice when it speaks this language, else a default voice of it."""
    if settings.tts_voice.lower().startswith(language):
        return settings.tts_voice
    return {"ko": "ko-KR-SunHiNeural", "en": "en-US-AriaNeural"}[language]


def speak_question(residency: Residency, settings: Settings, state: dict[str, Any]) -> Handler:
    """Last step of both pipelines: speak the question, then record everything at once."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> Finalize:
        interview = _interview(job["interview_id"])
        question = (
            state.get("next_question") if job["kind"] == "interview_turn" else state["question"]
        )
        spoken = None
        if question:
            params = SpeakParams(text=question, voice=voice_for(settings, interview["language"]))
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


def final_report(residency: Residency) -> Handler:
    """The report job: an overall assessment of every turn."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> Finalize:
        interview = _interview(ReportParams.model_validate(job["params"]).interview_id)
        language = interview["language"]
        template = prompts.load(interview["prompt_version"], language, "report")
        values = _base_values(interview)

        def render(kept, omitted, passages, text) -> list[ChatMessage]:
            return template.render(**values, history=prompts.history_lines(kept, language, omitted))

        result = _ask(
            residency,
            ctx,
            timings,
            REPORT_SCHEMA,
            render,
            interview["history"],
            [],
            "",
            prompts.DEFAULTS[language]["cut"],
        )
        report = {**result["json"], "turns": len(interview["history"])}

        def finalize(conn: psycopg.Connection) -> dict[str, Any]:
            interview_store.save_report(conn, interview["id"], report)
            return report

        return finalize

    return handle
