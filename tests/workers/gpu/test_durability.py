"""A gpu worker killed mid-job: the job is run again and its result committed once."""

from tests import audio
from tests.conftest import wait_job
from tests.jobs import wait_status


def test_sigkill_during_a_job_reruns_it_once(client, gpu_worker, db):
    long_answer = audio.tone_mp3(seconds=300.0)  # ten 30 s windows: seconds of work
    job = client.post(
        "/v1/jobs/transcribe",
        files={"file": ("long.mp3", long_answer, "audio/mpeg")},
        data={"language": "ko"},
    ).json()
    wait_status(db, job["id"], "running")
    gpu_worker.kill()

    row = db.execute("SELECT status, attempts FROM jobs WHERE id = %s", (job["id"],)).fetchone()
    assert (row["status"], row["attempts"]) == ("running", 1)

    gpu_worker.restart()  # same node name: it finds the job it died in
    done = wait_job(client, job["id"], timeout=120)

    assert done["status"] == "succeeded", done["error"]
    assert done["attempts"] == 2
    assert done["result"]["segments"]
    assert len(done["result"]["segments"]) == 10


def test_a_finished_jobs_redelivery_changes_nothing(client, gpu_worker, db):
    """A redelivered message of a finished job (as after a visibility timeout) is a no-op."""
    from rehearse.contracts.job_kinds import TRANSCRIBE
    from rehearse.runtime.celery_app import create_celery

    job = client.post(
        "/v1/jobs/transcribe", files={"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    ).json()
    first = wait_job(client, job["id"])
    create_celery().send_task(TRANSCRIBE, kwargs={"payload": {"job_id": job["id"]}})
    # A later job on the same solo worker finishing proves the redelivery was consumed.
    later = client.post(
        "/v1/jobs/transcribe", files={"file": ("b.wav", audio.tone_wav(), "audio/wav")}
    ).json()
    wait_job(client, later["id"])
    again = client.get(f"/v1/jobs/{job['id']}").json()
    assert again == first
