"""Speak jobs end to end: with no network edge-tts fails for real and espeak-ng speaks."""

import io

import av
import pytest

from tests.conftest import wait_job


def decoded_duration(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        samples, rate = 0, None
        for frame in container.decode(audio=0):
            samples += frame.samples
            rate = frame.sample_rate
    return samples / rate


@pytest.mark.parametrize(("fmt", "content_type"), [("mp3", "audio/mpeg"), ("wav", "audio/wav")])
def test_speak_falls_back_offline_and_the_audio_decodes(client, gpu_worker, fmt, content_type):
    text = "안녕하세요. 지원하신 직무에 대해 말씀해 주시겠어요?"
    response = client.post("/v1/jobs/speak", json={"text": text, "format": fmt})
    assert response.status_code == 202, response.text
    done = wait_job(client, response.json()["id"])

    assert done["status"] == "succeeded", done["error"]
    result = done["result"]
    assert result["engine"] == "espeak-ng"  # no network here: edge-tts failed for real
    assert result["fallback_reason"]
    assert result["format"] == fmt
    audio = client.get(f"/v1/artifacts/{result['artifact_id']}")
    assert audio.status_code == 200
    assert audio.headers["content-type"] == content_type
    duration = decoded_duration(audio.content)
    assert duration > 0.5
    assert duration == pytest.approx(result["duration"], abs=0.1)


def test_empty_text_is_422(client):
    assert client.post("/v1/jobs/speak", json={"text": ""}).status_code == 422
