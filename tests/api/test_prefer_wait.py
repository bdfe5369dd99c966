"""`Prefer: wait`: a job submission answered with the finished job, or 202 when the wait ends."""

import threading
import time
import uuid

import httpx
import pytest
import redis

from rehearse.cli.embedded import EmbeddedRedis
from tests import stack
from tests.conftest import make_key, wait_job


def chat_body(content: str = "안녕하세요", **fields) -> dict:
    return {"messages": [{"role": "user", "content": content}], "max_tokens": 1, **fields}


def post_chat(client: httpx.Client, body: dict, **headers: str) -> httpx.Response:
    return client.post("/v1/jobs/chat", json=body, headers=headers)


def test_a_short_chat_answers_200_with_the_finished_job(client, gpu_worker):
    response = post_chat(client, chat_body(), Prefer="wait=30")

    assert response.status_code == 200, response.text
    assert response.headers["Preference-Applied"] == "wait=30"
    job = response.json()
    assert job["status"] == "succeeded" and job["kind"] == "chat"
    assert job["result"]["text"] is not None and job["finished_at"]


def test_an_embedding_answers_200_with_its_vectors(client, cpu_worker):
    texts = ["I built an API.", "저는 백엔드 개발자입니다."]
    response = client.post("/v1/jobs/embed", json={"texts": texts}, headers={"Prefer": "wait=30"})

    assert response.status_code == 200, response.text
    embeddings = response.json()["result"]["embeddings"]
    assert len(embeddings) == 2 and all(len(e["dense"]) == 1024 for e in embeddings)


def test_the_preference_in_a_list_with_others_is_applied(client, gpu_worker):
    prefer = 'respond-async, wait="10";x=1, handling=lenient'
    response = post_chat(client, chat_body(), Prefer=prefer)

    assert response.status_code == 200, response.text
    assert response.headers["Preference-Applied"] == "wait=10"


def test_without_the_header_nothing_changes(client, gpu_worker):
    response = post_chat(client, chat_body())

    assert response.status_code == 202
    assert "Preference-Applied" not in response.headers
    assert response.json()["status"] == "queued"


# The first `wait` counts (RFC 7240): "wait=x, wait=5" is a malformed wait, not a 5 s one.
MALFORMED = ["wait=abc", "wait=-1", "wait=1.5", "wait", "wait=0", "respond-async", "wait=x, wait=5"]


@pytest.mark.parametrize("prefer", MALFORMED)
def test_a_malformed_or_absent_wait_is_ignored(client, gpu_worker, prefer):
    response = post_chat(client, chat_body(), Prefer=prefer)

    # Answered at once: a wait would have let the 1-token chat finish (200) or set the header.
    assert response.status_code == 202, response.text
    assert "Preference-Applied" not in response.headers
    assert response.json()["status"] == "queued"


def test_a_failed_job_answers_200_with_its_error(client, gpu_worker):
    body = chat_body("이력서 " * 6000, max_tokens=64)
    response = post_chat(client, body, Prefer="wait=30")

    assert response.status_code == 200, response.text
    job = response.json()
    assert job["status"] == "failed" and job["result"] is None
    assert job["error"]["code"] == "context_length_exceeded" and job["error"]["message"]


def test_a_wait_that_runs_out_answers_202_with_the_queued_job(
    client, gpu_worker: stack.WorkerHandle
):
    gpu_worker.stop()  # nothing consumes the chat queue: the job stays queued
    started = time.monotonic()
    response = post_chat(client, chat_body(), Prefer="wait=1")
    elapsed = time.monotonic() - started

    assert response.status_code == 202, response.text
    assert response.headers["Preference-Applied"] == "wait=1"
    assert response.json()["status"] == "queued"
    assert 1 <= elapsed < 3, elapsed
    assert client.delete(f"/v1/jobs/{response.json()['id']}").status_code == 202


def test_a_client_that_leaves_ends_the_wait_but_not_the_job(client, gpu_worker: stack.WorkerHandle):
    gpu_worker.stop()
    content = f"left {uuid.uuid4()}"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    with pytest.raises(httpx.ReadTimeout):
        client.post(
            "/v1/jobs/chat",
            json=chat_body(content),
            headers={**key, "Prefer": "wait=60"},
            timeout=1,
        )
    # The api notices within a second or two and answers the job as it is: the key's stored
    # answer (replayed to a retry) shows the wait ended long before its 60 s.
    deadline = time.monotonic() + 10
    while (retry := post_chat(client, chat_body(content), **key)).status_code == 409:
        assert time.monotonic() < deadline, "the wait went on after its client left"
        time.sleep(0.2)
    assert retry.status_code == 202 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["status"] == "queued"

    gpu_worker.restart()
    assert wait_job(client, retry.json()["id"])["status"] == "succeeded"


def test_a_redis_outage_during_the_wait_answers_202_with_the_recorded_job(
    stack_env, service_urls, tmp_path
):
    # An api on a Redis of its own, and no worker: the job stays queued while the test stops
    # that Redis under the wait.
    server = EmbeddedRedis(tmp_path / "redis")
    with stack.own_database(service_urls[1], "prefer") as database:
        env = {**stack_env, "DATABASE_URL": database, "REDIS_URL": server.start()}
        (tmp_path / "logs").mkdir()
        api, base = stack.api(env, tmp_path / "logs")
        headers = {"Authorization": f"Bearer {make_key(database, 'prefer')}", "Prefer": "wait=30"}
        answers: list[httpx.Response] = []
        try:
            with httpx.Client(base_url=base, headers=headers, timeout=40) as client:
                post = threading.Thread(
                    target=lambda: answers.append(post_chat(client, chat_body()))
                )
                post.start()
                watcher = redis.Redis.from_url(server.url)
                deadline = time.monotonic() + 10
                while not any(c["cmd"] == "xread" for c in watcher.client_list()):  # waiting
                    assert time.monotonic() < deadline, "the api never followed the job's events"
                    time.sleep(0.05)
                stopped = time.monotonic()
                watcher.close()
                server.stop()
                post.join(30)
                elapsed = time.monotonic() - stopped
        finally:
            api.stop()
            server.stop()

    assert answers and answers[0].status_code == 202, answers and answers[0].text
    assert answers[0].json()["status"] == "queued"
    assert answers[0].headers["Preference-Applied"] == "wait=30"
    assert elapsed < 10, elapsed


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer(client, gpu_worker, db):
    body = chat_body(f"once {uuid.uuid4()}")
    key = str(uuid.uuid4())
    first = post_chat(client, body, Prefer="wait=30", **{"Idempotency-Key": key})
    again = post_chat(client, body, Prefer="wait=30", **{"Idempotency-Key": key})
    plain = post_chat(client, body, **{"Idempotency-Key": key})  # Prefer is not the request

    assert first.status_code == again.status_code == plain.status_code == 200, again.text
    assert first.json()["status"] == "succeeded"
    assert again.json() == plain.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Preference-Applied"] == "wait=30"
    count = db.execute(
        "SELECT count(*) AS n FROM jobs WHERE params->'messages'->0->>'content' = %s",
        (body["messages"][0]["content"],),
    ).fetchone()["n"]
    assert count == 1


def test_the_openapi_schema_documents_the_header_and_the_200(api_base):
    schema = httpx.get(f"{api_base}/openapi.json", timeout=10).json()
    for route in ("transcribe", "chat", "speak", "embed"):
        operation = schema["paths"][f"/v1/jobs/{route}"]["post"]
        assert "Prefer" in [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        ok = operation["responses"]["200"]
        assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/JobPublic")
        assert "Preference-Applied" in ok["headers"]
        assert "202" in operation["responses"]
