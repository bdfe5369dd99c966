"""Idempotency-Key: a retried submission gets the first answer; a reused key with another
request gets 409."""

import json
import uuid

from tests import audio

CHAT = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 1}


def owned_jobs(db, job_id: str) -> int:
    """How many jobs the owner of `job_id` has with the same params (duplicates show here)."""
    return db.execute(
        "SELECT count(*) AS n FROM jobs WHERE (owner_id, kind, params) ="
        " (SELECT owner_id, kind, params FROM jobs WHERE id = %s)",
        (job_id,),
    ).fetchone()["n"]


def test_the_same_key_and_body_twice_make_one_job(client, db):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    body = {**CHAT, "messages": [{"role": "user", "content": f"once {uuid.uuid4()}"}]}
    first = client.post("/v1/jobs/chat", json=body, headers=key)
    # The same JSON, keys in another order and other spacing: the same request.
    again = client.post(
        "/v1/jobs/chat",
        content=json.dumps(dict(reversed(body.items())), indent=2),
        headers={**key, "Content-Type": "application/json"},
    )
    assert first.status_code == again.status_code == 202, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert owned_jobs(db, first.json()["id"]) == 1


def test_the_same_key_with_another_body_is_409(client):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert client.post("/v1/jobs/chat", json=CHAT, headers=key).status_code == 202
    other = {**CHAT, "max_tokens": 2}
    conflict = client.post("/v1/jobs/chat", json=other, headers=key)
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency_conflict"
    elsewhere = client.post("/v1/jobs/speak", json={"text": "hi"}, headers=key)
    assert elsewhere.status_code == 409


def test_a_retried_upload_with_a_new_multipart_boundary_is_the_same_request(client, db):
    key = {"Idempotency-Key": f"upload-{uuid.uuid4()}"}
    data = audio.tone_wav(seconds=1.0)
    first = client.post("/v1/jobs/transcribe", files={"file": ("a.wav", data)}, headers=key)
    again = client.post("/v1/jobs/transcribe", files={"file": ("a.wav", data)}, headers=key)
    assert first.status_code == again.status_code == 202, again.text
    assert first.request.headers["content-type"] != again.request.headers["content-type"]
    assert again.json()["id"] == first.json()["id"]
    assert owned_jobs(db, first.json()["id"]) == 1


def test_keys_belong_to_their_caller(client, other_client):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    mine = client.post("/v1/jobs/chat", json=CHAT, headers=key)
    theirs = other_client.post("/v1/jobs/chat", json=CHAT, headers=key)
    assert mine.status_code == theirs.status_code == 202
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_refused_request_is_replayed_and_a_bad_key_is_400(client):
    key = {"Idempotency-Key": str(uuid.uuid4())}
    bad = {"messages": [], "max_tokens": 1}
    first = client.post("/v1/jobs/chat", json=bad, headers=key)
    again = client.post("/v1/jobs/chat", json=bad, headers=key)
    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()
    refused = client.post("/v1/jobs/chat", json=CHAT, headers={"Idempotency-Key": "x" * 256})
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_idempotency_key"
