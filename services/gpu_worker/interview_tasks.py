"""Celery tasks of the interview pipelines that run on the gpu queue (and TTS's queue).

Each step of a chain receives the previous step's state first; a step finding its job ended
(failed, canceled) does nothing, so the rest of the chain falls through.
"""

from typing import Any

from celery import Task

from common import task_names
from common.celery_app import TASK_OPTIONS, celery_app
from common.jobs import TaskPayload
from common.settings import get_settings
from gpu_worker import interview_llm, interview_speech
from gpu_worker.tasks import residency, runner


def _job_id(payload: dict[str, Any]) -> Any:
    return TaskPayload.model_validate(payload).job_id


@celery_app.task(name=task_names.INTERVIEW_STT, **TASK_OPTIONS)
def interview_stt(self: Task, payload: dict[str, Any]) -> dict[str, Any] | None:
    """Turn step 1: speech to text."""
    handler = interview_speech.transcribe_answer(residency())
    return runner(self.request.hostname).run_step(
        _job_id(payload), "stt", handler, first=True, last=False
    )


@celery_app.task(name=task_names.INTERVIEW_FEEDBACK, **TASK_OPTIONS)
def interview_feedback(
    self: Task, state: dict[str, Any] | None, payload: dict[str, Any]
) -> dict[str, Any] | None:
    """Turn step 3: feedback and the next question."""
    if state is None:
        return None
    handler = interview_llm.assess_answer(residency(), state)
    return runner(self.request.hostname).run_step(
        _job_id(payload), "llm", handler, first=False, last=False, state=state
    )


@celery_app.task(name=task_names.INTERVIEW_OPEN, **TASK_OPTIONS)
def interview_open(
    self: Task, state: dict[str, Any] | None, payload: dict[str, Any]
) -> dict[str, Any] | None:
    """Start step 2: the opening question."""
    if state is None:
        return None
    handler = interview_llm.opening_question(residency(), state)
    return runner(self.request.hostname).run_step(
        _job_id(payload), "llm", handler, first=False, last=False, state=state
    )


@celery_app.task(name=task_names.INTERVIEW_SPEAK, **TASK_OPTIONS)
def interview_speak(self: Task, state: dict[str, Any] | None, payload: dict[str, Any]) -> None:
    """Last step: speak the question and record the turn (or open the interview)."""
    if state is None:
        return None
    handler = interview_speech.speak_question(residency(), get_settings(), state)
    runner(self.request.hostname).run_step(
        _job_id(payload), "tts", handler, first=False, last=True, state=state
    )
    return None


@celery_app.task(name=task_names.INTERVIEW_REPORT, **TASK_OPTIONS)
def interview_report(self: Task, payload: dict[str, Any]) -> None:
    """The final report of a finished interview."""
    runner(self.request.hostname).run(_job_id(payload), interview_llm.final_report(residency()))
