"""cpu workers load BGE-M3 in every pool process before `/readyz` calls the cpu queue ready."""

import json
import time

import redis

from rehearse.base import redis_keys
from tests.conftest import wait_job
from tests.readiness import queue_error, wait_ready, wait_readyz


def _embed_wall_time(client, text: str) -> tuple[float, dict]:
    """Seconds from submitting an embed job to seeing it succeeded, and the job."""
    started = time.perf_counter()
    job = client.post("/v1/jobs/embed", json={"texts": [text]}).json()
    while True:
        job = client.get(f"/v1/jobs/{job['id']}").json()
        if job["status"] not in ("queued", "running"):
            return time.perf_counter() - started, job
        time.sleep(0.005)


def test_the_first_embed_job_after_ready_is_as_fast_as_the_next(
    api_base, client, cpu_worker, gpu_worker
):
    # The api has sent jobs before (its broker connection is open), as in any running stack:
    # what is measured is the worker's start, not the api's.
    _embed_wall_time(client, "warm-up")
    cpu_worker.restart()  # a fresh worker: its pool processes have loaded nothing yet
    body = wait_ready(api_base)
    assert body["queues"]["cpu"]["workers"] and not body["missing"]

    first, first_job = _embed_wall_time(client, "첫 번째 질문에 대한 답변입니다.")
    second, second_job = _embed_wall_time(client, "두 번째 질문에 대한 답변입니다.")

    assert first_job["status"] == second_job["status"] == "succeeded", (first_job, second_job)
    assert not first_job["timings"].get("model_loaded"), first_job["timings"]
    timings = (first_job["timings"], second_job["timings"])
    assert first <= 3 * second, f"first job {first:.3f} s, second {second:.3f} s: {timings}"


def test_a_cpu_worker_whose_model_cannot_load_leaves_the_cpu_queue_missing(
    api_base, client, cpu_worker
):
    cpu_worker.restart(EMBED_MODEL="no-such-model")

    status, body = wait_readyz(api_base, lambda body: body["queues"]["cpu"]["errors"], 120)

    assert status == 503 and not body["ready"]
    assert body["missing"] == ["cpu"]
    assert body["queues"]["cpu"]["workers"] == []
    assert "no BGE-M3 model folder" in queue_error(body, "cpu")
    assert "no-such-model" in queue_error(body, "cpu")
    # Its jobs fail at once with that reason rather than trying the load again.
    job = client.post("/v1/jobs/embed", json={"texts": ["안녕하세요"]}).json()
    failed = wait_job(client, job["id"])
    assert failed["status"] == "failed"
    assert failed["error"]["code"] == "embed_model_unavailable"
    assert "no-such-model" in failed["error"]["message"]
    assert cpu_worker.output().count("this process cannot embed") == 1


def test_a_model_folder_without_its_heads_is_refused(api_base, cpu_worker, models_env, tmp_path):
    import shutil
    from pathlib import Path

    source = Path(models_env["MODELS_DIR"]) / models_env["EMBED_MODEL"]
    headless = tmp_path / "bge-m3-headless"
    shutil.copytree(source, headless, ignore=shutil.ignore_patterns("sparse_linear.pt"))
    cpu_worker.restart(MODELS_DIR=str(tmp_path), EMBED_MODEL=headless.name)

    status, body = wait_readyz(api_base, lambda body: body["queues"]["cpu"]["errors"], 120)

    assert status == 503 and body["missing"] == ["cpu"]
    assert "sparse_linear.pt" in queue_error(body, "cpu")


def test_a_worker_is_ready_only_once_every_pool_process_has_loaded(
    api_base, cpu_worker, service_urls
):
    cpu_worker.restart(CPU_CONCURRENCY="2")

    _, body = wait_readyz(api_base, lambda body: body["queues"]["cpu"]["ready"])

    (name,) = body["queues"]["cpu"]["workers"]
    with redis.Redis.from_url(service_urls[0]) as client:
        presence = json.loads(client.get(redis_keys.worker_presence(name)))
    assert presence["processes"] == presence["loaded"] == 2, presence
    assert cpu_worker.output().count("embedding model synthetic-bge-m3 ready in") == 2
