"""The residency manager seen through job timings on a real gpu worker."""

import json

from tests import audio
from tests.conftest import wait_job

SMALL = {"WHISPER_MEMORY_MB": "100", "LLM_MEMORY_MB": "100"}


def transcribe(client) -> dict:
    job = client.post(
        "/v1/jobs/transcribe", files={"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    ).json()
    return wait_job(client, job["id"])


def chat(client) -> dict:
    body = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 4}
    return wait_job(client, client.post("/v1/jobs/chat", json=body).json()["id"])


def loads(jobs: list[dict]) -> list[tuple[bool, list[str]]]:
    for job in jobs:
        assert job["status"] == "succeeded", job["error"]
    return [(j["timings"]["model_loaded"], j["timings"]["evicted"]) for j in jobs]


def test_a_budget_for_one_model_swaps_on_every_job(client, gpu_worker):
    gpu_worker.restart(GPU_MEMORY_BUDGET_MB="150", **SMALL)
    jobs = [transcribe(client), chat(client), transcribe(client), chat(client)]
    assert loads(jobs) == [
        (True, []),
        (True, ["whisper"]),
        (True, ["llm"]),
        (True, ["whisper"]),
    ]
    for job in jobs:
        assert job["timings"]["load_ms"] >= 0 and job["timings"]["run_ms"] >= 0


def test_a_budget_for_both_loads_each_once(client, gpu_worker):
    gpu_worker.restart(GPU_MEMORY_BUDGET_MB="300", **SMALL)
    jobs = [transcribe(client), chat(client), transcribe(client), chat(client)]
    assert loads(jobs) == [(True, []), (True, []), (False, []), (False, [])]
    assert jobs[2]["timings"]["load_ms"] == 0


def test_a_model_larger_than_the_budget_fails_and_the_worker_continues(client, gpu_worker):
    gpu_worker.restart(GPU_MEMORY_BUDGET_MB="500", WHISPER_MEMORY_MB="100", LLM_MEMORY_MB="900")
    failed = chat(client)
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "model_exceeds_budget"
    assert transcribe(client)["status"] == "succeeded"


def test_with_the_default_settings_measured_sizes_keep_both_resident(client, gpu_worker, tmp_path):
    sizes = tmp_path / "sizes.json"
    gpu_worker.restart(MODEL_SIZES_FILE=str(sizes))
    jobs = [transcribe(client), chat(client), transcribe(client), chat(client)]
    assert loads(jobs) == [(True, []), (True, []), (False, []), (False, [])]
    remembered = json.loads(sizes.read_text())
    assert {key.split("|")[0] for key in remembered} == {"cpu"}
    assert any("synthetic-whisper" in key for key in remembered)
    assert any("synthetic-llama.gguf" in key for key in remembered)
