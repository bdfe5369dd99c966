"""An answer becomes a turn job: the one path of push-to-talk uploads and live answers."""

from typing import Any
from uuid import UUID, uuid4

from celery import Celery

from rehearse.api.enqueue import send_job
from rehearse.api.errors import ApiError
from rehearse.contracts.interview_contract import AnswerAccepted, TurnParams
from rehearse.contracts.live_contract import Heard
from rehearse.storage import interview_store as store
from rehearse.storage.artifact_store import put_artifact
from rehearse.storage.db import transaction
from rehearse.storage.job_store import create_job
from rehearse.storage.rows import Interview, Turn


def locked(conn: Any, interview_id: UUID, owner: UUID) -> Interview:
    """The interview, locked for update until the transaction ends, or 404."""
    interview = store.get_interview(conn, interview_id, owner, lock=True)
    if interview is None:
        raise ApiError(404, "not_found", f"no interview {interview_id}")
    return interview


def answerable(conn: Any, interview: Interview) -> list[Turn]:
    """The interview's turns, or the 409 that says why it takes no answer now."""
    interview_id = interview.id
    if interview.status == "finished":
        raise ApiError(409, "interview_finished", "the interview is finished")
    if interview.status != "active":
        raise ApiError(409, "interview_not_ready", "the opening question is not ready yet")
    if store.active_job(conn, interview_id):
        raise ApiError(409, "turn_in_progress", "the previous answer is still being processed")
    return store.turns(conn, interview_id)


def submit_turn(
    celery: Celery,
    owner: UUID,
    interview_id: UUID,
    data: bytes,
    content_type: str,
    heard: Heard | None = None,
) -> AnswerAccepted:
    """Store the answer's audio and queue its turn job, under the interview's row lock: two
    answers to one question never make two turns."""
    with transaction() as conn:
        interview = locked(conn, interview_id, owner)
        history = answerable(conn, interview)
        if len(history) >= interview.max_questions:
            raise ApiError(
                409,
                "max_questions_reached",
                f"all {interview.max_questions} questions are answered",
            )
        artifact_id = put_artifact(conn, owner, data, content_type)
        params = TurnParams(
            interview_id=interview_id,
            turn_id=uuid4(),
            number=len(history) + 1,
            question=store.current_question(interview, history),
            answer_artifact_id=artifact_id,
            heard=heard,
        )
        job = create_job(
            conn, "interview_turn", owner, params.model_dump(mode="json"), interview_id
        )
    send_job(celery, "interview_turn", job["id"], job["priority"])  # live: every step first
    return AnswerAccepted(turn_id=params.turn_id, job_id=job["id"], number=params.number)
