"""Transcription end to end: upload, gpu worker, poll."""

import pytest

from tests import audio
from tests.conftest import wait_job
from tests.messages import assert_plain

UPLOADS = {
    "wav": ("answer.wav", audio.tone_wav, "audio/wav"),
    "webm": ("answer.webm", audio.tone_webm_opus, "audio/webm"),
    "mp3": ("answer.mp3", audio.tone_mp3, "audio/mpeg"),
}


def submit(client, name: str, data: bytes, content_type: str, **form) -> dict:
    response = client.post(
        "/v1/jobs/transcribe", files={"file": (name, data, content_type)}, data=form
    )
    assert response.status_code == 202, response.text
    return response.json()


@pytest.mark.parametrize("fmt", sorted(UPLOADS))
def test_upload_is_transcribed(client, gpu_worker, fmt):
    name, make, content_type = UPLOADS[fmt]
    job = submit(client, name, make(), content_type, language="ko")
    assert job["status"] == "queued" and job["kind"] == "transcribe"

    done = wait_job(client, job["id"])

    assert done["status"] == "succeeded", done["error"]
    result = done["result"]
    assert isinstance(result["text"], str)
    assert result["language"] == "ko"
    assert result["duration"] == pytest.approx(2.0, abs=0.15)
    assert result["segments"], "expected at least one segment"
    for seg in result["segments"]:
        assert 0 <= seg["start"] <= seg["end"]
        assert isinstance(seg["text"], str)
        # Whisper's own signals, beside the contract's fields (the transcript check reads them).
        assert 0 <= seg["no_speech_prob"] <= 1 and seg["avg_logprob"] <= 0
        assert seg["compression_ratio"] > 0
    assert done["started_at"] and done["finished_at"]
    assert done["attempts"] == 1
    for key in ("queued_ms", "load_ms", "run_ms", "model_loaded", "evicted"):
        assert key in done["timings"]


def test_language_is_detected_when_absent(client, gpu_worker):
    job = submit(client, "a.wav", audio.tone_wav(), "audio/wav")
    done = wait_job(client, job["id"])
    assert done["status"] == "succeeded"
    assert isinstance(done["result"]["language"], str) and done["result"]["language"]


def test_corrupt_audio_fails_and_next_job_succeeds(client, gpu_worker):
    bad = submit(client, "broken.flac", audio.corrupt_audio(), "audio/flac")
    failed = wait_job(client, bad["id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "invalid_audio"
    assert_plain(failed["error"]["message"], "damaged", "webm", "mp3", "wav")
    assert failed["result"] is None

    good = submit(client, "ok.wav", audio.tone_wav(), "audio/wav")
    assert wait_job(client, good["id"])["status"] == "succeeded"


def test_artifact_of_the_upload_is_readable(client, gpu_worker, db):
    data = audio.tone_wav()
    job = submit(client, "a.wav", data, "audio/wav")
    row = db.execute("SELECT params FROM jobs WHERE id = %s", (job["id"],)).fetchone()
    artifact_id = row["params"]["audio_artifact_id"]
    response = client.get(f"/v1/artifacts/{artifact_id}")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "audio/wav"
    wait_job(client, job["id"])
