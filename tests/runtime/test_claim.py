"""Claiming jobs: a delivery runs a job once, and never one another live worker is running."""

import psycopg
import pytest
from psycopg.rows import dict_row

from rehearse.storage.api_keys import create_key
from rehearse.storage.job_store import claim_job, create_job, requeue_orphans, unfinished_jobs
from tests import audio
from tests.conftest import wait_job

STALE_S = 90


@pytest.fixture
def conn(service_urls):
    with psycopg.connect(service_urls[1], row_factory=dict_row, autocommit=True) as c:
        yield c


@pytest.fixture
def job(conn):
    owner, _ = create_key(conn, "claims")
    return create_job(conn, "chat", owner, {"messages": []})


def test_a_queued_job_is_claimed_once_per_delivery(conn, job):
    first = claim_job(conn, job["id"], "gpu@a", STALE_S)
    assert first.status == "running" and first.attempts == 1


def test_a_job_running_elsewhere_is_not_claimed_by_a_duplicate(conn, job):
    claim_job(conn, job["id"], "gpu@a", STALE_S)
    assert claim_job(conn, job["id"], "gpu@b", STALE_S) is None
    again = claim_job(conn, job["id"], "gpu@a", STALE_S)  # the same worker, restarted
    assert again.attempts == 2


def test_a_job_running_past_the_visibility_timeout_is_claimed(conn, job):
    claim_job(conn, job["id"], "gpu@a", STALE_S)
    conn.execute(
        "UPDATE jobs SET started_at = now() - interval '1 hour' WHERE id = %s", (job["id"],)
    )
    assert claim_job(conn, job["id"], "gpu@b", STALE_S).worker == "gpu@b"


def test_a_finished_job_is_never_claimed(conn, job):
    claim_job(conn, job["id"], "gpu@a", STALE_S)
    conn.execute("UPDATE jobs SET status = 'succeeded' WHERE id = %s", (job["id"],))
    assert claim_job(conn, job["id"], "gpu@a", STALE_S) is None


def test_orphans_go_back_to_queued(conn, job):
    claim_job(conn, job["id"], "gpu@dead", STALE_S)
    requeued = requeue_orphans(conn, "gpu@dead")
    assert [r["id"] for r in requeued] == [job["id"]]
    status = conn.execute("SELECT status FROM jobs WHERE id = %s", (job["id"],)).fetchone()
    assert status["status"] == "queued"


def test_only_jobs_past_the_grace_period_are_reconciled(conn, job):
    assert job["id"] not in {r["id"] for r in unfinished_jobs(conn, STALE_S)}
    conn.execute(
        "UPDATE jobs SET created_at = now() - interval '1 hour' WHERE id = %s", (job["id"],)
    )
    assert job["id"] in {r["id"] for r in unfinished_jobs(conn, STALE_S)}
    conn.execute("DELETE FROM jobs WHERE id = %s", (job["id"],))


def test_a_queued_job_whose_message_was_lost_runs(client, gpu_worker, db):
    """As after a Redis crash that lost the last second of writes: queued, but no message.

    No worker restarts: the reconciler finds the job held nowhere and sends it again.
    """
    owner = db.execute("SELECT id FROM api_keys WHERE name = 'tests' LIMIT 1").fetchone()["id"]
    artifact = db.execute(
        "INSERT INTO artifacts (owner_id, content_type, size, sha256, data)"
        " VALUES (%s, 'audio/wav', 1, '', %s) RETURNING id",
        (owner, audio.tone_wav()),
    ).fetchone()["id"]
    job = db.execute(
        "INSERT INTO jobs (kind, owner_id, params, created_at) VALUES ('transcribe', %s,"
        " jsonb_build_object('audio_artifact_id', %s::text), now() - interval '1 hour')"
        " RETURNING id",
        (owner, artifact),
    ).fetchone()["id"]

    assert wait_job(client, str(job))["status"] == "succeeded"


def test_a_bug_while_recording_the_result_fails_the_job(conn, job, stack_env):
    """A finalize that raises (not a JobError) ends the job `failed`, never `running` forever."""
    from rehearse.base.settings import get_settings
    from rehearse.runtime.job_runner import JobRunner

    def handler(job_row, ctx, timings):
        def finalize(c):
            raise AttributeError("a bug")

        return finalize

    status = JobRunner(get_settings(), "gpu@test").run(job["id"], handler)

    row = conn.execute("SELECT status, error FROM jobs WHERE id = %s", (job["id"],)).fetchone()
    assert status.value == row["status"] == "failed"
    assert row["error"]["code"] == "internal_error"
