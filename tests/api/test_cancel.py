"""Cancel a queued job; a finished job cannot be canceled."""

from tests import audio
from tests.conftest import wait_job


def test_cancel_a_queued_job_and_a_finished_one(client, db):
    # No worker consumes while the job is inserted straight into the table... so instead:
    # submit, then cancel before the worker gets to it if it is still queued.
    job = client.post(
        "/v1/jobs/transcribe", files={"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    ).json()
    response = client.delete(f"/v1/jobs/{job['id']}")
    assert response.status_code in (202, 409)
    final = wait_job(client, job["id"])
    if response.status_code == 202 and response.json()["status"] == "canceled":
        assert final["status"] == "canceled"
        assert final["error"]["code"] == "canceled"
    again = client.delete(f"/v1/jobs/{job['id']}")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_finished"
