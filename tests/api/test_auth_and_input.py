"""Bad requests get a clear 4xx and change nothing."""

import httpx

from tests import audio


def counts(db) -> tuple[int, int]:
    jobs = db.execute("SELECT count(*) AS n FROM jobs").fetchone()["n"]
    artifacts = db.execute("SELECT count(*) AS n FROM artifacts").fetchone()["n"]
    return jobs, artifacts


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code


def test_no_key_is_401(api_base):
    response = httpx.get(f"{api_base}/v1/jobs/00000000-0000-0000-0000-000000000000")
    assert_error(response, 401, "unauthorized")


def test_unknown_key_is_401(api_base):
    response = httpx.post(
        f"{api_base}/v1/jobs/transcribe",
        headers={"Authorization": "Bearer rh_not-a-key"},
        files={"file": ("a.wav", audio.tone_wav(), "audio/wav")},
    )
    assert_error(response, 401, "unauthorized")


def test_a_key_counts_only_as_a_bearer_credential(api_base, api_key):
    """`Bearer` in any case, spaces before the key ignored; another scheme or none is no key."""
    chat = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}
    for authorization in (f"bearer {api_key}", f"BEARER  {api_key}"):
        response = httpx.post(
            f"{api_base}/v1/jobs/chat", headers={"Authorization": authorization}, json=chat
        )
        assert response.status_code == 202, (authorization, response.text)
    for authorization in (f"Basic {api_key}", "Bearer", api_key, f"Token {api_key}"):
        response = httpx.post(
            f"{api_base}/v1/jobs/chat", headers={"Authorization": authorization}, json=chat
        )
        assert_error(response, 401, "unauthorized")
        assert response.json()["error"]["message"].startswith("missing API key"), authorization
        assert response.headers["www-authenticate"] == "Bearer"


def test_another_keys_job_is_404(client, other_client, db):
    job = client.post(
        "/v1/jobs/transcribe", files={"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    ).json()
    assert_error(other_client.get(f"/v1/jobs/{job['id']}"), 404, "not_found")
    assert_error(other_client.delete(f"/v1/jobs/{job['id']}"), 404, "not_found")
    assert_error(other_client.get(f"/v1/jobs/{job['id']}/events"), 404, "not_found")
    artifact_id = db.execute(
        "SELECT params->>'audio_artifact_id' AS a FROM jobs WHERE id = %s", (job["id"],)
    ).fetchone()["a"]
    assert_error(other_client.get(f"/v1/artifacts/{artifact_id}"), 404, "not_found")


def test_text_sent_as_audio_is_415_and_stores_nothing(client, db):
    before = counts(db)
    response = client.post(
        "/v1/jobs/transcribe", files={"file": ("answer.wav", audio.not_audio(), "audio/wav")}
    )
    assert_error(response, 415, "unsupported_media_type")
    assert counts(db) == before


def test_upload_over_the_limit_is_413_and_stores_nothing(client, db):
    before = counts(db)
    too_big = b"\0" * (3 * 1024 * 1024)  # MAX_UPLOAD_MB is 2 in the test stack
    response = client.post("/v1/jobs/transcribe", files={"file": ("big.wav", too_big, "audio/wav")})
    assert_error(response, 413, "payload_too_large")
    assert counts(db) == before


def test_missing_file_is_422(client):
    assert_error(client.post("/v1/jobs/transcribe", data={"language": "ko"}), 422)


def test_openapi_documents_every_route_and_error(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/v1/jobs/transcribe",
        "/v1/jobs/{job_id}",
        "/v1/jobs/{job_id}/events",
        "/v1/artifacts/{artifact_id}",
        "/healthz",
        "/readyz",
    ):
        assert path in paths
    assert "415" in paths["/v1/jobs/transcribe"]["post"]["responses"]
    assert "413" in paths["/v1/jobs/transcribe"]["post"]["responses"]
    assert client.get("/docs").status_code == 200
