"""Erasing an interview: its turns, documents, chunks, artifacts and its jobs' content.

The job rows stay as tombstones (kind, status, timings, error code) so counts and latency
figures keep adding up; their params, results and error messages are gone and the api answers
404 for them. Everything happens in one transaction, under the interview's row lock that every
new answer also takes, and only once none of its jobs is still running.
"""

from collections.abc import Iterator
from typing import Any

import psycopg

from rehearse.storage import delivery_store
from rehearse.storage.rows import Interview

TURN_ARTIFACT_COLUMNS = ("answer_artifact_id", "audio_artifact_id")


def _artifact_ids(value: Any) -> Iterator[str]:
    """Every `...artifact_id` value inside a job's params or result."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("artifact_id") and isinstance(item, str):
                yield item
            else:
                yield from _artifact_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _artifact_ids(item)


def interview_jobs(conn: psycopg.Connection, interview: Interview) -> list[dict[str, Any]]:
    """The interview's jobs (id, status, params, result): its start, every answer, its report."""
    return conn.execute(
        "SELECT id, status, params, result FROM jobs WHERE interview_id = %s"
        " OR id = ANY(%s::uuid[])",
        (interview.id, [interview.start_job_id, interview.report_job_id]),
    ).fetchall()


def _owned_artifacts(
    conn: psycopg.Connection, interview: Interview, jobs: list[dict[str, Any]]
) -> set[str]:
    own = (
        interview.opening_audio_artifact_id,
        interview.resume_artifact_id,
        interview.job_posting_artifact_id,
    )
    ids = {str(artifact_id) for artifact_id in own if artifact_id}
    for turn in conn.execute(
        "SELECT answer_artifact_id, audio_artifact_id FROM interview_turns WHERE interview_id = %s",
        (interview.id,),
    ):
        ids.update(str(turn[c]) for c in TURN_ARTIFACT_COLUMNS if turn[c])
    for document in conn.execute(
        "SELECT source_artifact_id FROM documents WHERE owner_id = %s AND collection = %s"
        " AND source_artifact_id IS NOT NULL",
        (interview.owner_id, interview.collection),
    ):
        ids.add(str(document["source_artifact_id"]))
    for job in jobs:
        ids.update(_artifact_ids(job["params"]))
        ids.update(_artifact_ids(job["result"]))
    return ids


def erase_interview(
    conn: psycopg.Connection, interview: Interview, jobs: list[dict[str, Any]]
) -> int:
    """Remove the (locked) interview's content; returns how many artifacts were deleted."""
    artifacts = _owned_artifacts(conn, interview, jobs)
    conn.execute(
        "UPDATE jobs SET params = '{}', result = NULL, interview_id = NULL, erased_at = now(),"
        " error = CASE WHEN error IS NULL THEN NULL"
        "   ELSE jsonb_build_object('code', error->'code', 'message', 'erased') END"
        " WHERE id = ANY(%s::uuid[])",
        ([job["id"] for job in jobs],),
    )
    conn.execute(  # chunks go with their documents (ON DELETE CASCADE)
        "DELETE FROM documents WHERE owner_id = %s AND collection = %s",
        (interview.owner_id, interview.collection),
    )
    if interview.invite_id:  # an erased interview still counts against its invite,
        # even when erasing it canceled its start: else create-and-delete would never run out
        conn.execute(
            "UPDATE invites SET erased_interviews = erased_interviews + 1 WHERE id = %s"
            " AND coalesce((SELECT status FROM jobs WHERE id = %s), '') <> 'failed'",
            (interview.invite_id, interview.start_job_id),
        )
    delivery_store.erase(conn, [job["id"] for job in jobs])
    conn.execute("DELETE FROM interviews WHERE id = %s", (interview.id,))  # turns cascade
    deleted = conn.execute(  # with what its jobs made but no turn kept (a failed turn's audio)
        "DELETE FROM artifacts WHERE (id = ANY(%s::uuid[]) OR job_id = ANY(%s::uuid[]))"
        " AND owner_id = %s",
        (list(artifacts), [job["id"] for job in jobs], interview.owner_id),
    )
    return deleted.rowcount
