"""A broker outage at submit: the job is recorded, then failed, and the client gets 503."""

import time

CHAT = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 2}


def test_a_broker_outage_fails_the_recorded_job_and_answers_503(client, embedded, db):
    redis = embedded["redis"]
    redis.stop()
    try:
        started = time.monotonic()
        response = client.post("/v1/jobs/chat", json=CHAT)
        elapsed = time.monotonic() - started
    finally:
        redis.process = None
        redis.start()

    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "queue_unavailable"
    assert response.headers["Retry-After"]
    assert elapsed < 10
    job = db.execute(
        "SELECT status, error FROM jobs WHERE kind = 'chat' ORDER BY created_at DESC LIMIT 1"
    ).fetchone()
    assert job["status"] == "failed" and job["error"]["code"] == "queue_unavailable"
    assert client.post("/v1/jobs/chat", json=CHAT).status_code == 202  # back once Redis is
