"""Nothing lost: jobs survive a Redis restarted empty and a worker that never comes back."""

import time

import pytest

from tests.conftest import wait_job
from tests.jobs import long_transcription, wait_status

# Reconciler settings of the test stack (tests/conftest.py): interval 2 s, confirm 8 s; leases
# expire 15 s after their worker dies. The bounds below leave room for a slow CI machine.
RECOVERY_BOUND_S = 60


def _chat(client, text: str) -> dict:
    body = {"messages": [{"role": "user", "content": text}], "max_tokens": 8}
    response = client.post("/v1/jobs/chat", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def test_redis_restarted_empty_loses_no_job(client, gpu_worker, cpu_worker, embedded, db):
    running = long_transcription(client)
    wait_status(db, running["id"], "running")
    queued = [_chat(client, f"question {i}") for i in range(8)]
    redis = embedded["redis"]

    redis.process.kill()  # total loss: no persistence, restarted on the same port, empty
    redis.process.wait()
    redis.process = None
    redis.start()
    lost_at = time.monotonic()

    finished = [wait_job(client, job["id"], timeout=RECOVERY_BOUND_S) for job in queued]
    recovered_s = time.monotonic() - lost_at
    assert [job["status"] for job in finished] == ["succeeded"] * len(queued)
    # Never claimed before the loss: one attempt each, finished once.
    assert {job["attempts"] for job in finished} == {1}
    assert wait_job(client, running["id"], timeout=RECOVERY_BOUND_S)["status"] == "succeeded"
    print(f"all {len(queued)} queued jobs finished {recovered_s:.1f} s after the loss")


def test_a_job_whose_worker_died_runs_on_another_node(client, gpu_worker, db):
    job = long_transcription(client)
    wait_status(db, job["id"], "running")
    gpu_worker.kill()
    died_at = time.monotonic()

    # Another node: it has nothing of its own to rescue; only the reconciler can help.
    gpu_worker.restart(WORKER_NAME="gpu@replacement")
    done = wait_job(client, job["id"], timeout=RECOVERY_BOUND_S + 30)
    rerun_s = time.monotonic() - died_at

    assert done["status"] == "succeeded", done["error"]
    assert done["attempts"] == 2
    row = db.execute("SELECT worker FROM jobs WHERE id = %s", (job["id"],)).fetchone()
    assert row["worker"] == "gpu@replacement"
    print(f"job finished on another node {rerun_s:.1f} s after its worker died")


@pytest.mark.timeout(240)
def test_postgres_outage_answers_fast_and_loses_nothing(client, gpu_worker, embedded):
    postgres = embedded["postgres"]
    accepted, answers = [], []

    def submit(i: int) -> None:
        started = time.monotonic()
        response = client.post(
            "/v1/jobs/chat",
            json={"messages": [{"role": "user", "content": f"q{i}"}], "max_tokens": 4},
        )
        answers.append((response.status_code, time.monotonic() - started))
        if response.status_code == 202:
            accepted.append(response.json()["id"])
        else:
            assert response.status_code == 503, response.text
            assert response.json()["error"]["code"] == "database_unavailable"
            assert response.headers["Retry-After"]

    for i in range(5):
        submit(i)
    postgres.halt()
    halted_at = time.monotonic()
    i = 5
    while time.monotonic() - halted_at < 12:
        submit(i)
        i += 1
    postgres.start()
    for j in range(i, i + 5):
        submit(j)
        time.sleep(0.2)

    assert max(seconds for _, seconds in answers) < 5
    assert any(status == 503 for status, _ in answers)
    finished = [wait_job(client, job_id, timeout=90) for job_id in accepted]
    assert {job["status"] for job in finished} == {"succeeded"}
    for job_id in accepted:
        events = client.get(f"/v1/jobs/{job_id}/events", timeout=30).text
        assert events.count("event: done") == 1, job_id
