"""An answer's delivery figures land before or after its turn is recorded, and agree either way."""

import threading
import time

import psycopg
import pytest
from psycopg.rows import dict_row

from rehearse.contracts.jobs import JobStatus
from rehearse.storage import delivery_store
from rehearse.storage.api_keys import owner_of
from rehearse.storage.job_store import create_job, finish_job
from tests.conftest import make_key

FIGURES = {"total_s": 4.2, "speaking_s": 3.1}
RESULT = {"transcript": "hello", "feedback": {}}


@pytest.fixture
def running_job(service_urls, stack_env, db) -> str:
    """A chat job row set running, as a turn job is while its llm step runs."""
    database_url = service_urls[1]
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        owner = owner_of(conn, make_key(database_url, "delivery-store"))
        job = create_job(conn, "chat", owner, {"messages": [], "max_tokens": 1})
    db.execute("UPDATE jobs SET status = 'running', started_at = now() WHERE id = %s", (job["id"],))
    return job["id"]


def _result(db, job_id: str) -> dict | None:
    return db.execute("SELECT result FROM jobs WHERE id = %s", (job_id,)).fetchone()["result"]


def _record(conn: psycopg.Connection, job_id: str) -> None:
    """What the turn's last step does: lock, read the figures, finish with them."""
    delivery_store.lock_job(conn, job_id)
    result = {**RESULT, "delivery": delivery_store.for_job(conn, job_id)}
    finish_job(conn, job_id, JobStatus.succeeded, result=result)


def test_figures_measured_first_go_into_the_result(service_urls, running_job, db):
    with psycopg.connect(service_urls[1]) as conn:
        assert delivery_store.save(conn, running_job, FIGURES) == "running"
    assert _result(db, running_job) is None  # running: the result is not written yet
    with psycopg.connect(service_urls[1]) as conn:
        _record(conn, running_job)
    assert _result(db, running_job) == {**RESULT, "delivery": FIGURES}


def test_figures_measured_after_are_added_to_the_finished_result(service_urls, running_job, db):
    with psycopg.connect(service_urls[1]) as conn:
        _record(conn, running_job)
    assert _result(db, running_job) == {**RESULT, "delivery": None}
    with psycopg.connect(service_urls[1]) as conn:
        assert delivery_store.save(conn, running_job, FIGURES) == "succeeded"
    assert _result(db, running_job) == {**RESULT, "delivery": FIGURES}


def test_figures_that_arrive_while_the_turn_is_recorded_wait_for_it(service_urls, running_job, db):
    """The recording holds the job's row: the figures' save waits, then sees it finished."""
    with psycopg.connect(service_urls[1]) as recording:
        delivery_store.lock_job(recording, running_job)
        saved = threading.Event()

        def save() -> None:
            with psycopg.connect(service_urls[1]) as conn:
                delivery_store.save(conn, running_job, FIGURES)
            saved.set()

        thread = threading.Thread(target=save)
        thread.start()
        time.sleep(0.5)
        assert not saved.is_set(), "the save waits on the row the recording holds"
        result = {**RESULT, "delivery": delivery_store.for_job(recording, running_job)}
        finish_job(recording, running_job, JobStatus.succeeded, result=result)
    thread.join(10)
    assert saved.is_set()
    assert _result(db, running_job)["delivery"] == FIGURES


@pytest.mark.parametrize("ending", ["failed", "canceled", "erased"])
def test_no_figures_are_kept_for_a_job_that_failed_or_was_erased(
    service_urls, running_job, db, ending
):
    if ending == "erased":
        db.execute(
            "UPDATE jobs SET status = 'succeeded', result = NULL, erased_at = now() WHERE id = %s",
            (running_job,),
        )
    else:
        db.execute("UPDATE jobs SET status = %s WHERE id = %s", (ending, running_job))
    with psycopg.connect(service_urls[1]) as conn:
        assert delivery_store.save(conn, running_job, FIGURES) is None
    assert (
        db.execute(
            "SELECT count(*) AS n FROM answer_delivery WHERE job_id = %s", (running_job,)
        ).fetchone()["n"]
        == 0
    )
