"""Interview LLM output behind the gates: clean each text, regenerate what fails, count tries.

A failing generation is sampled again with a new seed, a bounded number of times; then the
step fails `low_quality_output` so that nothing unreadable is ever spoken or shown.
"""

import logging
from collections.abc import Callable, Collection
from typing import Any

from rehearse.base.errors import JobError
from rehearse.contracts.jobs import ChatParams
from rehearse.runtime.run_context import RunContext
from rehearse.workers.gpu.output_gates import (
    ITEM,
    QUESTION,
    REPORT_ITEM,
    SUMMARY,
    Limits,
    bound,
    problem,
    uncut,
    unlooped,
)

log = logging.getLogger(__name__)

Check = Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]]]

# The fields of the interview schemas a candidate reads or hears.
TEXTS: dict[str, Limits] = {"question": QUESTION, "next_question": QUESTION, "summary": SUMMARY}
LISTS: dict[str, Limits] = {
    "strengths": ITEM,
    "improvements": ITEM,
    "top_improvements": REPORT_ITEM,
}


def _clean_text(text: str, spec: dict[str, Any], limits: Limits) -> str:
    max_length = spec.get("maxLength", len(text) + 1)
    text = unlooped(uncut(text, max_length, limits.drop_unfinished))
    return bound(text, limits.max_words)


def gate_text(
    schema: dict[str, Any], key: str, text: str, language: str, prompt: str
) -> tuple[str, str | None]:
    """One text field cleaned as the full check cleans it, and what is wrong with it, if any."""
    limits = TEXTS[key]
    cleaned = _clean_text(text, schema["properties"][key], limits)
    return cleaned, problem(cleaned, language, limits, prompt)


def gate_check(
    schema: dict[str, Any],
    language: str,
    prompt: str,
    skip: Collection[str] = (),
    quotable: Collection[str] = (),
) -> Check:
    """A check for one schema's output: bounded texts, failing list items dropped, problems.

    `quotable`: texts of the prompt the output may repeat (they passed the gates themselves),
    not counted as echoes.
    """
    props = schema["properties"]
    for text in quotable:
        prompt = prompt.replace(text, "\n")

    def check(value: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        out, problems = dict(value), []
        for key in TEXTS:
            if key in value and key not in skip:
                out[key], why = gate_text(schema, key, value[key], language, prompt)
                if why:
                    problems.append(f"{key}: {why}")
        for key, limits in LISTS.items():
            if key not in value:
                continue
            kept: list[str] = []
            for item in value[key]:
                text = _clean_text(item, props[key]["items"], limits)
                # One good item is feedback; a bad or repeated one is dropped, not spoken.
                if not problem(text, language, limits, prompt) and text.lower() not in (
                    k.lower() for k in kept
                ):
                    kept.append(text)
            if not kept:
                problems.append(f"{key}: no item passes the gates")
            out[key] = kept
        return out, problems

    return check


def _counted(result: dict[str, Any], timings: dict[str, Any]) -> dict[str, Any]:
    """Add a generation's `prefill_tokens` (prompt tokens it evaluated) to the step's total."""
    prefill = result["usage"].get("prefill_tokens")
    if prefill is not None:
        timings["prefill_tokens"] = timings.get("prefill_tokens", 0) + prefill
    return result


def generate(
    engine: Any,
    params: ChatParams,
    ctx: RunContext,
    timings: dict[str, Any],
    check: Check | None,
    attempts: int,
) -> dict[str, Any]:
    """Run `params` until `check` passes (new seed each time); `regenerations` in timings."""
    if check is None:  # gates off: one generation, taken as it is
        return _counted(engine.run(params, ctx), timings)
    problems: list[str] = []
    for attempt in range(attempts):
        timings["regenerations"] = attempt
        if attempt:
            # Tokens streamed so far belong to a rejected answer: clients drop them.
            ctx.emit("stage", stage="llm", state="regenerating", generation=attempt + 1)
        try:
            result = _counted(engine.run(params.model_copy(update={"seed": attempt}), ctx), timings)
        except JobError as exc:
            if exc.code != "invalid_output":
                raise
            problems = [exc.message]
            continue
        cleaned, problems = check(result["json"])
        if not problems:
            return {**result, "json": cleaned}
        log.info("generation %d failed the output gates: %s", attempt + 1, "; ".join(problems))
    raise JobError(
        "low_quality_output",
        f"no generation passed the output gates in {attempts} attempts: {'; '.join(problems)}",
    )
