"""Languages on the synthetic stack: a multilingual Whisper takes Korean; speech picks voices."""

import pytest

from tests import audio
from tests.conftest import wait_job


def test_korean_against_the_multilingual_synthetic_whisper_is_accepted(client, gpu_worker):
    response = client.post(
        "/v1/jobs/transcribe",
        files={"file": ("a.mp3", audio.tone_mp3(seconds=1.0), "audio/mpeg")},
        data={"language": "ko"},
    )
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert all(s["end"] <= job["result"]["duration"] for s in job["result"]["segments"])


@pytest.mark.parametrize(
    ("text", "language"),
    [("Could you introduce yourself, please?", "en"), ("자기소개를 부탁드립니다.", "ko")],
)
def test_speak_without_a_voice_speaks_the_texts_language(client, gpu_worker, text, language):
    response = client.post("/v1/jobs/speak", json={"text": text, "format": "wav"})
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["language"] == language
    assert job["result"]["voice"].lower().startswith(language)
