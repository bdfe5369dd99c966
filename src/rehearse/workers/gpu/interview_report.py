"""The report job's one step: an overall assessment of every turn, saved with the interview.

A job kind is a row of the job-kind table plus its handler: this module and the
`interview_report` row in contracts/job_kinds.py are all the report kind adds. The LLM comes from
the runner (the row's model); the prompt fitting and output gates are shared (ask_json). The
report always comes: when no generation passes the gates, it is assembled from the turns' own
feedback (rehearse.workers.gpu.turn_report), and an interview with no answer needs no LLM at all.
"""

import logging
from typing import Any

import psycopg

from rehearse.base.errors import JobError
from rehearse.contracts.interview_contract import REPORT_SCHEMA
from rehearse.contracts.jobs import ChatMessage
from rehearse.engines.base import Chat
from rehearse.runtime.job_runner import Finalize
from rehearse.runtime.worker_context import StepRun
from rehearse.storage import interview_store
from rehearse.storage.rows import StepInterview
from rehearse.workers.gpu import interview_prompts as prompts
from rehearse.workers.gpu import turn_report
from rehearse.workers.gpu.interview_llm import ask_json, prompt_values

log = logging.getLogger(__name__)

# Lower than the turns' 0.7: a report restates what was said, and a small model sampled hot
# drifts into the candidate's voice or loops.
TEMPERATURE = 0.5
# Output no generation could make usable: the turns' feedback stands in for it.
_UNUSABLE = ("low_quality_output", "invalid_output")


def final_report(engine: Chat, run: StepRun) -> Finalize:
    """The report of a finished interview, from its whole history, as schema-bound JSON."""
    interview = interview_store.load_for_step(run.job.interview_id)
    report = {**_assess(engine, run, interview), "turns": len(interview.history)}

    def finalize(conn: psycopg.Connection) -> dict[str, Any]:
        # Same transaction as the job's result: the interview and the job agree on the report.
        interview_store.save_report(conn, interview.id, report)
        return report

    return finalize


def _assess(engine: Chat, run: StepRun, interview: StepInterview) -> dict[str, Any]:
    language = interview.language
    history = turn_report.in_feedback_voice(interview.history, language)
    if not history:
        return turn_report.no_answers(language)
    template = prompts.load(interview.prompt_version, language, "report")
    values = prompt_values(interview)

    def render(kept, omitted, passages, text) -> list[ChatMessage]:
        return template.render(**values, history=prompts.report_record(kept, language, omitted))

    # The turns' feedback passed the gates: a report may repeat it, as a copy of the prompt may not.
    feedback = tuple(
        item
        for turn in history
        for key in ("strengths", "improvements")
        for item in turn.feedback[key]
    )
    try:
        result = ask_json(
            engine,
            run,
            REPORT_SCHEMA,
            render,
            history,
            [],
            "",
            language,
            temperature=TEMPERATURE,
            quotable=feedback,
        )
    except JobError as exc:
        if exc.code not in _UNUSABLE:
            raise
        log.info("report from the turns' feedback: %s", exc.code)
        return turn_report.from_turns(history, language)
    return {**result["json"], "source": "model"}
