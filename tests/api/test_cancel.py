"""Cancel: a queued job ends `canceled` at once and never runs; a finished job cannot be."""

from tests import audio
from tests.conftest import wait_job


def submit(client, data: bytes, name: str = "a.mp3") -> dict:
    response = client.post("/v1/jobs/transcribe", files={"file": (name, data, "audio/mpeg")})
    assert response.status_code == 202
    return response.json()


def test_cancel_a_queued_job(client, gpu_worker, db):
    busy = submit(client, audio.tone_mp3(seconds=300.0))  # the solo worker is busy for seconds
    queued = submit(client, audio.tone_mp3())

    response = client.delete(f"/v1/jobs/{queued['id']}")

    assert response.status_code == 202
    assert response.json()["status"] == "canceled"
    final = wait_job(client, queued["id"])
    assert final["status"] == "canceled" and final["error"]["code"] == "canceled"
    assert wait_job(client, busy["id"])["status"] == "succeeded"
    # The worker received the canceled job's message after the busy one and did not run it.
    row = db.execute("SELECT attempts, started_at FROM jobs WHERE id = %s", (queued["id"],))
    assert row.fetchone() == {"attempts": 0, "started_at": None}


def test_cancel_a_finished_job_is_409(client, gpu_worker):
    job = submit(client, audio.tone_mp3())
    wait_job(client, job["id"])
    response = client.delete(f"/v1/jobs/{job['id']}")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_finished"
