"""The LLM steps of interviews: the opening question, feedback on an answer, the final report.

Each prompt is a versioned template fitted into the context window, and each answer JSON bound
by a schema the grammar enforces.
"""

from typing import Any
from uuid import UUID

import psycopg

from common import interview_store
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
from common.jobs import ChatMessage, ChatParams
from common.run_context import RunContext
from gpu_worker import interview_prompts as prompts
from gpu_worker.engines.llama_schema import json_budget
from gpu_worker.models import LLM
from gpu_worker.residency import Residency

Job = dict[str, Any]
Timings = dict[str, Any]


def load_interview(interview_id: UUID) -> dict[str, Any]:
    with transaction() as conn:
        interview = interview_store.get_interview(conn, interview_id)
        history = interview_store.turns(conn, interview_id) if interview else []
    if interview is None:
        raise JobError("interview_missing", f"interview {interview_id} no longer exists")
    return {**interview, "history": history}


def prompt_values(interview: dict[str, Any]) -> dict[str, str]:
    words = prompts.DEFAULTS[interview["language"]]
    return {
        "persona": interview["persona"] or words["persona"],
        "role": interview["role"] or words["role"],
    }


def ask_json(
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


def assess_answer(residency: Residency, state: dict[str, Any]) -> Handler:
    """Turn step 3: feedback on the answer and the next question, as schema-bound JSON."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> dict[str, Any]:
        params = TurnParams.model_validate(job["params"])
        interview = load_interview(params.interview_id)
        language = interview["language"]
        template = prompts.load(interview["prompt_version"], language, "feedback")
        values = prompt_values(interview)

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
        result = ask_json(
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
        interview = load_interview(StartParams.model_validate(job["params"]).interview_id)
        language = interview["language"]
        template = prompts.load(interview["prompt_version"], language, "opening")
        values = prompt_values(interview)

        def render(kept, omitted, passages, resume) -> list[ChatMessage]:
            return template.render(**values, resume=resume, posting="\n".join(passages))

        result = ask_json(
            residency,
            ctx,
            timings,
            OPENING_SCHEMA,
            render,
            [],
            state.get("posting_passages", []),
            "\n".join(state.get("resume_passages", [])) or interview["resume_text"],
            prompts.DEFAULTS[language]["cut"],
        )
        return {"question": result["json"]["question"]}

    return handle


def final_report(residency: Residency) -> Handler:
    """The report job: an overall assessment of every turn."""

    def handle(job: Job, ctx: RunContext, timings: Timings) -> Finalize:
        interview = load_interview(ReportParams.model_validate(job["params"]).interview_id)
        language = interview["language"]
        template = prompts.load(interview["prompt_version"], language, "report")
        values = prompt_values(interview)

        def render(kept, omitted, passages, text) -> list[ChatMessage]:
            return template.render(**values, history=prompts.history_lines(kept, language, omitted))

        result = ask_json(
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
