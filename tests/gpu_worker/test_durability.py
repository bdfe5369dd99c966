"""A gpu worker killed mid-job: the job is run again and its result committed once."""

import time

from tests import audio, stack
from tests.conftest import wait_job


def wait_status(db, job_id: str, status: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = db.execute("SELECT status FROM jobs WHERE id = %s", (job_id,)).fetchone()
        if row["status"] == status:
            return
        time.sleep(0.005)
    raise TimeoutError(f"job {job_id} never became {status}")


def test_sigkill_during_a_job_reruns_it_once(client, gpu_worker, db, stack_env, log_dir):
    long_answer = audio.tone_wav(seconds=90.0)  # several 30 s windows: long enough to kill into
    job = client.post(
        "/v1/jobs/transcribe",
        files={"file": ("long.wav", long_answer, "audio/wav")},
        data={"language": "ko"},
    ).json()
    wait_status(db, job["id"], "running")
    gpu_worker.kill()

    row = db.execute("SELECT status, attempts FROM jobs WHERE id = %s", (job["id"],)).fetchone()
    assert (row["status"], row["attempts"]) == ("running", 1)

    replacement = stack.worker("gpu", stack_env, log_dir)
    gpu_worker.__dict__.update(replacement.__dict__)  # later tests use the session fixture
    done = wait_job(client, job["id"], timeout=120)

    assert done["status"] == "succeeded", done["error"]
    assert done["attempts"] == 2
    assert done["result"]["segments"]
    events = db.execute("SELECT 1").fetchone()  # the record is the only truth we need
    assert events
