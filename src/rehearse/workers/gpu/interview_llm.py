"""The LLM steps of interviews: the opening question and feedback on an answer (and ask_json).

Each prompt is a versioned template fitted into the context window, and each answer JSON bound
by a schema the grammar enforces.
"""

from collections.abc import Sequence
from typing import Any

from rehearse.contracts.interview_contract import (
    FEEDBACK_SCHEMA,
    OPENING_SCHEMA,
    StartState,
    TurnParams,
    TurnState,
)
from rehearse.contracts.jobs import ChatMessage, ChatParams
from rehearse.engines.base import Chat
from rehearse.engines.llama_schema import json_budget
from rehearse.runtime.run_context import RunContext
from rehearse.runtime.worker_context import StepRun
from rehearse.storage.interview_store import load_for_step
from rehearse.storage.rows import Interview, PastTurn
from rehearse.workers.gpu import early_question, gated_llm, star_check
from rehearse.workers.gpu import interview_prompts as prompts


def prompt_values(interview: Interview) -> dict[str, str]:
    words = prompts.DEFAULTS[interview.language]
    return {
        "persona": interview.persona or words["persona"],
        "role": interview.role or words["role"],
    }


def ask_json(
    engine: Chat,
    run: StepRun,
    schema: dict[str, Any],
    render: Any,
    history: Sequence[PastTurn],
    passages: list[str],
    text: str,
    language: str,
    skip: tuple[str, ...] = (),
    speak_early: bool = False,
    temperature: float = 0.7,
    quotable: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Fit the prompt into the context, run the LLM under the schema and the output gates."""
    settings = run.settings
    max_tokens = json_budget(schema)
    cut = prompts.DEFAULTS[language]["cut"]
    fitted = prompts.fit(
        render, engine.count_tokens, engine.n_ctx - max_tokens, history, passages, text, cut
    )
    params = ChatParams(
        messages=fitted.messages,
        max_tokens=max_tokens,
        temperature=temperature,
        json_schema=schema,
    )
    check = None
    prompt = "\n".join(m.content for m in fitted.messages)
    if settings.output_gates:
        check = gated_llm.gate_check(schema, language, prompt, skip, quotable)
    attempts = settings.output_gate_attempts

    def generate(ctx: RunContext) -> dict[str, Any]:
        return gated_llm.generate(engine, params, ctx, run.timings, check, attempts)

    if speak_early:
        result, spoken = early_question.speaking(run, schema, language, prompt, generate)
    else:
        result, spoken = generate(run.ctx), None
    run.timings["prompt_tokens"] = result["usage"]["prompt_tokens"]
    if spoken is not None:
        run.timings["first_audio_ms"] = spoken["ms"]
    return {**result, "fit": fitted.info, "early_audio": spoken}


def assess_answer(engine: Chat, run: StepRun) -> dict[str, Any]:
    """Turn step 3: feedback on the answer and the next question, as schema-bound JSON."""
    state = TurnState.model_validate(run.state)
    params = TurnParams.model_validate(run.job.params)
    interview = load_for_step(run.job.interview_id)
    language = interview.language
    template = prompts.load(interview.prompt_version, language, "feedback")
    values = prompt_values(interview)

    def render(kept, omitted, passages, answer) -> list[ChatMessage]:
        context = "\n---\n".join(passages) or prompts.DEFAULTS[language]["none"]
        if template.conversational:  # stable first: system, the chat so far; this turn last
            system, user = template.render(**values, context=context, answer=answer)
            chat = prompts.conversation(kept, language, omitted, params.question)
            return [system, *chat, user]
        return template.render(
            **values,
            context=context,
            question=params.question,
            answer=answer,
            history=prompts.history_lines(kept, language, omitted),
        )

    passages = [p["text"] for p in state.passages]
    last = params.number >= interview.max_questions
    result = ask_json(
        engine,
        run,
        FEEDBACK_SCHEMA,
        render,
        interview.history,
        passages,
        state.transcript,
        language,
        # The last answer: nothing more to ask, so its question is neither gated nor kept.
        skip=("next_question",) if last else (),
        speak_early=not last,
    )
    # Whether or not the output gates are on: a technical question has no STAR check, and a
    # quote is the candidate's words or nothing.
    feedback, dropped = star_check.settled(result["json"], state.transcript, language)
    run.timings["star_quotes_dropped"] = dropped
    next_question = feedback.pop("next_question")
    if result["early_audio"]:
        # The candidate has heard this one, and it passed the same gates: a regeneration (for
        # failing feedback) keeps its feedback, never a second question.
        next_question = result["early_audio"]["text"]
    if last:
        next_question = None
    return {
        **run.state,
        "feedback": feedback,
        "next_question": next_question,
        "llm_usage": result["usage"],
        "prompt_fit": result["fit"],
        "early_audio": result["early_audio"],
    }


def opening_question(engine: Chat, run: StepRun) -> dict[str, Any]:
    """Start step 2: the first question, from the resume and the posting."""
    state = StartState.model_validate(run.state)
    interview = load_for_step(run.job.interview_id)
    language = interview.language
    template = prompts.load(interview.prompt_version, language, "opening")
    values = prompt_values(interview)

    def render(kept, omitted, passages, resume) -> list[ChatMessage]:
        return template.render(**values, resume=resume, posting="\n".join(passages))

    result = ask_json(
        engine,
        run,
        OPENING_SCHEMA,
        render,
        [],
        state.posting_passages,
        "\n".join(state.resume_passages) or interview.resume_text,
        language,
    )
    return {"question": result["json"]["question"]}
