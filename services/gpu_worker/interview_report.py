"""The report job's one step: an overall assessment of every turn, saved with the interview.

A job kind is a row of the job-kind table plus its handler: this module and the
`interview_report` row in common/job_kinds.py are all the report kind adds. The LLM comes from
the runner (the row's model); the prompt fitting and output gates are shared (ask_json).
"""

from typing import Any

import psycopg

from common import interview_store
from common.interview_contract import REPORT_SCHEMA, ReportParams
from common.job_runner import Finalize
from common.jobs import ChatMessage
from common.worker_context import StepRun
from engines.base import Chat
from gpu_worker import interview_prompts as prompts
from gpu_worker.interview_llm import ask_json, load_interview, prompt_values


def final_report(engine: Chat, run: StepRun) -> Finalize:
    """The report of a finished interview, from its whole history, as schema-bound JSON."""
    interview = load_interview(ReportParams.model_validate(run.job["params"]).interview_id)
    language = interview["language"]
    template = prompts.load(interview["prompt_version"], language, "report")
    values = prompt_values(interview)

    def render(kept, omitted, passages, text) -> list[ChatMessage]:
        return template.render(**values, history=prompts.history_lines(kept, language, omitted))

    history = interview["history"]
    result = ask_json(engine, run, REPORT_SCHEMA, render, history, [], "", language)
    report = {**result["json"], "turns": len(history)}

    def finalize(conn: psycopg.Connection) -> dict[str, Any]:
        # Same transaction as the job's result: the interview and the job agree on the report.
        interview_store.save_report(conn, interview["id"], report)
        return report

    return finalize
