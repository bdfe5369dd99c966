"""Honest languages: an English-only Whisper refuses Korean, at submit when the api can know."""

from collections.abc import Iterator
from uuid import uuid4

import pytest

from rehearse.base.errors import JobError
from rehearse.contracts.jobs import TranscribeParams
from rehearse.engines.whisper import TranscribeRequest, WhisperEngine
from rehearse.runtime.run_context import RunContext
from tests import stack
from tests.conftest import wait_job
from tests.jobs import submit_transcription
from tests.real_models.conftest import english_speech
from tests.real_models.samples import POSTING, RESUME

pytestmark = pytest.mark.real_models


@pytest.fixture(scope="module")
def tiny_en_gpu(real_gpu: stack.WorkerHandle, real_models: dict) -> Iterator[stack.WorkerHandle]:
    """The gpu worker on faster-whisper tiny.en (English only), then back on the profile."""
    real_gpu.restart(**{**real_models, "WHISPER_MODEL": "faster-whisper-tiny.en"})
    yield real_gpu
    real_gpu.restart(**real_models)


def test_korean_against_english_only_whisper_is_422_at_submit(client, tiny_en_gpu):
    response = client.post(
        "/v1/jobs/transcribe",
        files={"file": ("a.wav", english_speech("Hello there."), "audio/wav")},
        data={"language": "ko"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "unsupported_language"
    job = wait_job(
        client, submit_transcription(client, english_speech("Hello there."), "en")["id"], 120
    )
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["language"] == "en"


def test_a_korean_interview_is_refused_at_creation_by_english_only_whisper(client, tiny_en_gpu):
    body = {"resume": RESUME, "job_posting": POSTING, "language": "ko"}
    response = client.post("/v1/interviews", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "unsupported_language"


def test_the_engine_itself_refuses_when_the_api_could_not_know(real_models):
    engine = WhisperEngine(f"{real_models['MODELS_DIR']}/faster-whisper-tiny.en")
    engine.load()
    request = TranscribeRequest(
        english_speech("Hello."), TranscribeParams(audio_artifact_id=uuid4(), language="ko")
    )
    with pytest.raises(JobError) as info:
        engine.run(request, RunContext())
    assert info.value.code == "unsupported_language"
