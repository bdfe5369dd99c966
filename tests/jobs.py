"""Jobs as tests hold them: submitted (a transcription, a chat, one busy for seconds), the events
a transcription streams, and waiting on a job row's status."""

import time

from tests import audio


def submit_transcription(client, wav: bytes | None = None, language: str | None = "ko") -> dict:
    """A transcription job of `wav` (a short tone when None) in `language` (detected: None)."""
    data = {"language": language} if language else {}
    wav = wav if wav is not None else audio.tone_wav()
    response = client.post(
        "/v1/jobs/transcribe", files={"file": ("a.wav", wav, "audio/wav")}, data=data
    )
    assert response.status_code == 202, response.text
    return response.json()


def submit_chat(client) -> dict:
    """A short chat job (40 tokens at most), seeded."""
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 40, "seed": 2}
    response = client.post("/v1/jobs/chat", json=body)
    assert response.status_code == 202, response.text
    return response.json()


def assert_transcription_events(events: list[dict]) -> None:
    """A transcription's whole stream: queued, running, segments, succeeded, done, numbered."""
    types = [e["type"] for e in events]
    assert types[0] == "status" and events[0]["status"] == "queued"
    assert types[-1] == "done" and events[-1]["status"] == "succeeded"
    running = types.index("status", 1)
    assert events[running]["status"] == "running"
    segments = [i for i, t in enumerate(types) if t == "segment"]
    assert segments, types
    assert running < min(segments)
    final_status = max(i for i, t in enumerate(types) if t == "status")
    assert events[final_status]["status"] == "succeeded"
    assert max(segments) < final_status < len(types) - 1
    seqs = [e["seq"] for e in events]
    assert seqs == list(range(1, len(events) + 1))
    assert events[0]["attempt"] == 0 and {e["attempt"] for e in events[1:]} == {1}
    for e in events:
        if e["type"] == "segment":
            assert {"start", "end", "text"} <= e.keys()


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
