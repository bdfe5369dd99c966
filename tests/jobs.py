"""Jobs as tests hold them: a job busy for seconds, and waiting on a job row's status."""

import time

from tests import audio


def long_transcription(client) -> dict:
    """A transcription that keeps the synthetic Whisper busy for seconds (300 s of tone)."""
    long_answer = audio.tone_mp3(seconds=300.0)
    return client.post(
        "/v1/jobs/transcribe", files={"file": ("long.mp3", long_answer, "audio/mpeg")}
    ).json()


def wait_status(db, job_id: str, status: str, timeout: float = 30) -> None:
    """Until the job's row says `status` (polled every 5 ms), or TimeoutError."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = db.execute("SELECT status FROM jobs WHERE id = %s", (job_id,)).fetchone()
        if row["status"] == status:
            return
        time.sleep(0.005)
    raise TimeoutError(f"job {job_id} never became {status}")
