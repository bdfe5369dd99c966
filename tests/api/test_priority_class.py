"""A job's priority class: chosen by what waits on it, asked for by a request, shown in its JSON."""

import httpx

from tests import audio
from tests.interviews.conftest import POSTING, RESUME

CHAT = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}


def cancel(client: httpx.Client, *ids: str) -> None:
    for job_id in ids:  # still queued or running: this test needs no result
        client.delete(f"/v1/jobs/{job_id}")


def test_a_single_job_is_interactive_unless_its_request_asks_for_batch(client, db):
    default = client.post("/v1/jobs/chat", json=CHAT).json()
    batch = client.post("/v1/jobs/chat", json={**CHAT, "priority_class": "batch"}).json()
    files = {"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    transcribe = client.post(
        "/v1/jobs/transcribe", files=files, data={"priority_class": "batch"}
    ).json()
    cancel(client, default["id"], batch["id"], transcribe["id"])

    assert default["priority_class"] == "interactive"
    assert batch["priority_class"] == transcribe["priority_class"] == "batch"
    assert client.get(f"/v1/jobs/{batch['id']}").json()["priority_class"] == "batch"
    listed = {job["id"]: job for job in client.get("/v1/jobs?limit=5").json()["data"]}
    assert listed[default["id"]]["priority_class"] == "interactive"
    # The choice travels beside the job's params, not in them.
    row = db.execute("SELECT params FROM jobs WHERE id = %s", (batch["id"],)).fetchone()
    assert row["params"]["max_tokens"] == 4 and "priority_class" not in row["params"]


def test_no_client_may_ask_for_live_or_an_unknown_class(client):
    for asked in ("live", "urgent"):
        response = client.post("/v1/jobs/chat", json={**CHAT, "priority_class": asked})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "invalid_request"


def test_an_interview_s_jobs_are_live(client):
    body = {"resume": RESUME, "job_posting": POSTING, "language": "ko"}
    started = client.post("/v1/interviews", json=body).json()
    job = client.get(f"/v1/jobs/{started['job_id']}").json()
    cancel(client, started["job_id"])

    assert job["priority_class"] == "live"


def test_the_openapi_schema_shows_the_class_and_the_choice(api_base):
    schema = httpx.get(f"{api_base}/openapi.json", timeout=10).json()
    components = schema["components"]["schemas"]

    assert "priority_class" in components["JobPublic"]["required"]
    chat_body = schema["paths"]["/v1/jobs/chat"]["post"]["requestBody"]["content"]
    ref = chat_body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    asked = components[ref]["properties"]["priority_class"]
    assert asked["enum"] == ["interactive", "batch"] and asked["default"] == "interactive"
