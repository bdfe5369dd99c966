"""Retention: artifacts past ARTIFACT_RETENTION_DAYS go, by the workers' own timer."""

import time

from rehearse.base.settings import get_settings
from rehearse.fleet import housekeeping
from tests.conftest import wait_job
from tests.interviews.answers import answer


def backdate(db, table: str, ids: list[str], days: float) -> None:
    db.execute(
        f"UPDATE {table} SET created_at = now() - %s * interval '1 day' WHERE id = ANY(%s::uuid[])",
        (days, ids),
    )


def wait_gone(client, path: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while client.get(path).status_code != 404:
        assert time.monotonic() < deadline, f"{path} still served after {timeout} s"
        time.sleep(0.2)


def test_expired_recordings_are_deleted_and_the_interview_still_reads(client, interview, db):
    turn = wait_job(client, answer(client, interview["id"]).json()["job_id"])
    assert turn["status"] == "succeeded", turn["error"]
    kept = client.get(f"/v1/interviews/{interview['id']}").json()
    recording = kept["turns"][0]["answer_artifact_id"]
    spoken = kept["turns"][0]["audio_artifact_id"]
    backdate(db, "artifacts", [recording], days=31)

    wait_gone(client, f"/v1/artifacts/{recording}")  # no sleeping 30 days: the row is older

    after = client.get(f"/v1/interviews/{interview['id']}")
    assert after.status_code == 200
    assert after.json()["turns"][0]["answer_artifact_id"] is None
    assert after.json()["turns"][0]["transcript"] == kept["turns"][0]["transcript"]
    assert client.get(f"/v1/artifacts/{spoken}").status_code == 200  # younger: kept


def test_a_pass_deletes_only_what_is_older_than_the_window(client, gpu_worker, db):
    job = wait_job(client, client.post("/v1/jobs/speak", json={"text": "hello"}).json()["id"])
    artifact = job["result"]["artifact_id"]
    settings = get_settings()
    assert settings.artifact_retention_days == 30
    backdate(db, "artifacts", [artifact], days=29.9)
    housekeeping.run_once(settings)
    assert client.get(f"/v1/artifacts/{artifact}").status_code == 200
    backdate(db, "artifacts", [artifact], days=30.1)
    housekeeping.run_once(settings)
    assert client.get(f"/v1/artifacts/{artifact}").status_code == 404
