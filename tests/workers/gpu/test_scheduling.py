"""Model-aware scheduling: the gpu worker batches jobs by model, and no job waits unbounded."""

from datetime import datetime

from tests import audio
from tests.conftest import wait_job

ONE_MODEL = {"GPU_MEMORY_BUDGET_MB": "150", "WHISPER_MEMORY_MB": "100", "LLM_MEMORY_MB": "100"}
"""A budget where whisper and the LLM cannot be resident together: every switch is a load."""


def submit_transcribe(client) -> str:
    files = {"file": ("a.wav", audio.tone_wav(), "audio/wav")}
    return client.post("/v1/jobs/transcribe", files=files).json()["id"]


def submit_chat(client) -> str:
    body = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 4}
    return client.post("/v1/jobs/chat", json=body).json()["id"]


def waited_s(job: dict) -> float:
    started, created = (datetime.fromisoformat(job[k]) for k in ("started_at", "created_at"))
    return (started - created).total_seconds()


def test_interleaved_jobs_are_batched_by_model(client, gpu_worker):
    gpu_worker.restart(MAX_SWAP_WAIT_S="30", **ONE_MODEL)
    ids = [submit(client) for _ in range(8) for submit in (submit_transcribe, submit_chat)]

    jobs = [wait_job(client, job_id, timeout=120) for job_id in ids]

    assert all(job["status"] == "succeeded" for job in jobs), [j["error"] for j in jobs]
    loads = sum(job["timings"]["model_loaded"] for job in jobs)
    assert loads <= 5, [(j["kind"], j["timings"]["model_loaded"]) for j in jobs]
    longest_run = max(job["timings"]["run_ms"] + job["timings"]["load_ms"] for job in jobs)
    assert max(waited_s(job) for job in jobs) <= 30 + longest_run / 1000


def test_with_the_policy_off_jobs_are_taken_in_turn(client, gpu_worker):
    gpu_worker.restart(MAX_SWAP_WAIT_S="0", **ONE_MODEL)
    ids = [submit(client) for _ in range(3) for submit in (submit_transcribe, submit_chat)]

    jobs = [wait_job(client, job_id, timeout=120) for job_id in ids]

    assert sum(job["timings"]["model_loaded"] for job in jobs) >= 5


def test_a_job_for_another_model_waits_no_longer_than_the_bound(client, gpu_worker):
    bound = 1.0
    gpu_worker.restart(MAX_SWAP_WAIT_S=str(bound), **ONE_MODEL)
    batch = [submit_transcribe(client) for _ in range(40)]
    wait_job(client, batch[0], timeout=60)  # whisper is loaded and the batch is under way
    chat = wait_job(client, submit_chat(client), timeout=120)
    transcribed = [wait_job(client, job_id, timeout=120) for job_id in batch]

    assert chat["status"] == "succeeded"
    longest_run = max(job["timings"]["run_ms"] for job in transcribed) / 1000
    slack = 1.0  # the idle tick and one BRPOP timeout
    assert waited_s(chat) <= bound + longest_run + slack
    assert any(waited_s(job) > waited_s(chat) for job in transcribed)  # it went ahead of some
