"""The gpu worker loads its pinned models at start, before `/readyz` calls the gpu queue ready."""

from tests import audio
from tests.conftest import wait_job
from tests.readiness import queue_error, wait_ready, wait_readyz

SMALL = {"WHISPER_MEMORY_MB": "100", "LLM_MEMORY_MB": "100"}


def test_pinned_models_are_loaded_before_the_gpu_queue_is_ready(
    api_base, client, gpu_worker, cpu_worker
):
    gpu_worker.restart(PINNED_MODELS="whisper,llm", **SMALL)
    wait_ready(api_base)

    upload = {"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    heard = wait_job(client, client.post("/v1/jobs/transcribe", files=upload).json()["id"])
    chat = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 4}
    said = wait_job(client, client.post("/v1/jobs/chat", json=chat).json()["id"])

    for job in (heard, said):
        assert job["status"] == "succeeded", job["error"]
        assert job["timings"]["model_loaded"] is False and job["timings"]["load_ms"] == 0


def test_unpinned_models_still_load_on_demand(api_base, client, gpu_worker, cpu_worker):
    gpu_worker.restart(PINNED_MODELS="", **SMALL)
    wait_ready(api_base)

    upload = {"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    heard = wait_job(client, client.post("/v1/jobs/transcribe", files=upload).json()["id"])

    assert heard["status"] == "succeeded" and heard["timings"]["model_loaded"] is True


def test_a_pinned_model_that_cannot_load_leaves_the_gpu_queue_missing(api_base, gpu_worker):
    gpu_worker.restart(PINNED_MODELS="whisper", WHISPER_MODEL="no-such-whisper")

    status, body = wait_readyz(api_base, lambda body: body["queues"]["gpu"]["errors"], 60)

    assert status == 503 and "gpu" in body["missing"]
    assert body["queues"]["gpu"]["workers"] == []
    assert "no CTranslate2 Whisper model" in queue_error(body, "gpu")
    assert "no-such-whisper" in queue_error(body, "gpu")


def test_a_pinned_name_that_is_no_model_is_reported(api_base, gpu_worker):
    gpu_worker.restart(PINNED_MODELS="whisperr")

    status, body = wait_readyz(api_base, lambda body: body["queues"]["gpu"]["errors"], 60)

    assert status == 503 and "no model named whisperr" in queue_error(body, "gpu")
