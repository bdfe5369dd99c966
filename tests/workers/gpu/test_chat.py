"""Chat jobs end to end: streamed tokens, JSON schema, context limit, cancel."""

import json
import time

import jsonschema

from tests.api.streams import read_sse
from tests.conftest import wait_job

FEEDBACK_SCHEMA = {
    "type": "object",
    "properties": {
        "score": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
        "strengths": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 2},
        "next_question": {"type": "string", "maxLength": 60},
    },
    "required": ["score", "strengths", "next_question"],
    "additionalProperties": False,
}


def chat(client, **body) -> dict:
    body.setdefault("messages", [{"role": "user", "content": "자기소개를 해 주세요."}])
    response = client.post("/v1/jobs/chat", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def test_tokens_stream_before_done_and_add_up_to_the_text(client, gpu_worker):
    job = chat(client, max_tokens=48, temperature=0.8, seed=7)
    with client.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=60) as response:
        events = read_sse(response)
    types = [e["type"] for e in events]
    assert types[-1] == "done" and events[-1]["status"] == "succeeded"
    tokens = [e["text"] for e in events if e["type"] == "token"]
    assert tokens, types
    assert max(i for i, t in enumerate(types) if t == "token") < types.index("done")

    result = wait_job(client, job["id"])["result"]
    assert "".join(tokens) == result["text"]
    assert result["finish_reason"] in ("stop", "length")
    assert result["usage"]["prompt_tokens"] > 0
    assert 0 < result["usage"]["completion_tokens"] <= 48 + 1


def test_json_schema_output_validates(client, gpu_worker):
    job = chat(client, json_schema=FEEDBACK_SCHEMA, max_tokens=300, temperature=0.8, seed=3)
    done = wait_job(client, job["id"])
    assert done["status"] == "succeeded", done["error"]
    jsonschema.validate(done["result"]["json"], FEEDBACK_SCHEMA)
    assert json.loads(done["result"]["text"]) == done["result"]["json"]


def test_unbounded_schema_fails_with_a_clear_code(client, gpu_worker):
    job = chat(client, json_schema={"type": "object", "properties": {"a": {"type": "string"}}})
    done = wait_job(client, job["id"])
    assert done["status"] == "failed"
    assert done["error"]["code"] == "invalid_schema"


def test_over_long_prompt_fails_context_length_exceeded(client, gpu_worker):
    huge = "이력서 " * 6000
    job = chat(client, messages=[{"role": "user", "content": huge}], max_tokens=64)
    done = wait_job(client, job["id"])
    assert done["status"] == "failed"
    assert done["error"]["code"] == "context_length_exceeded"
    assert wait_job(client, chat(client, max_tokens=8)["id"])["status"] == "succeeded"


def test_cancel_stops_a_long_generation_within_a_second(client, gpu_worker, db):
    job = chat(client, max_tokens=2000, temperature=0.8, seed=1)
    deadline = time.monotonic() + 30
    while client.get(f"/v1/jobs/{job['id']}").json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.3)  # well into generation

    asked = time.monotonic()
    assert client.delete(f"/v1/jobs/{job['id']}").status_code == 202
    while (status := client.get(f"/v1/jobs/{job['id']}").json()["status"]) == "running":
        time.sleep(0.01)
    latency = time.monotonic() - asked

    assert status == "canceled"
    assert latency < 1.0, f"cancel took {latency:.3f} s"
    assert wait_job(client, chat(client, max_tokens=8)["id"])["status"] == "succeeded"


def test_invalid_request_is_422_and_stores_nothing(client, db):
    before = db.execute("SELECT count(*) AS n FROM jobs").fetchone()["n"]
    response = client.post("/v1/jobs/chat", json={"messages": [{"role": "robot", "content": "x"}]})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert db.execute("SELECT count(*) AS n FROM jobs").fetchone()["n"] == before
