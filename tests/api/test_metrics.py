"""`/metrics`: the api's requests, refusals, queues and workers; each worker's jobs and models."""

import time
from collections.abc import Iterator
from datetime import datetime

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests import stack
from tests.common.test_reconciler import _long_transcription
from tests.conftest import make_key, wait_job
from tests.gpu_worker.test_durability import wait_status

CHAT = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 2}


def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of a Prometheus text page, by name and labels."""
    text = httpx.get(url, timeout=10).text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples[(name, frozenset(labels.items()))]


@pytest.fixture
def own_api(stack_env, log_dir) -> Iterator[str]:
    """An api of its own (counters from zero) where one key may have 2 jobs waiting."""
    proc, base = stack.api({**stack_env, "MAX_QUEUED_JOBS_PER_KEY": "2"}, log_dir)
    yield base
    proc.stop()


class WorkerMetrics(str):
    """The restarted worker's metrics URL, and when it was restarted (database time)."""

    started_at: datetime


@pytest.fixture
def worker_metrics(gpu_worker, db) -> WorkerMetrics:
    """The gpu worker restarted (counters from zero) with its metrics on a port."""
    port = stack.free_port()
    gpu_worker.restart(METRICS_PORT=str(port))
    started_at = db.execute("SELECT now() AS t").fetchone()["t"]
    url = WorkerMetrics(f"http://127.0.0.1:{port}/metrics")
    url.started_at = started_at
    return url


def test_metrics_count_jobs_models_queues_and_refusals(
    client, db, own_api, worker_metrics, service_urls
):
    busy = _long_transcription(client)  # the gpu worker is busy: the chats wait in the queue
    wait_status(db, busy["id"], "running")
    key = make_key(service_urls[1], "metrics")
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=own_api, headers=headers, timeout=30) as own:
        responses = [own.post("/v1/jobs/chat", json=CHAT) for _ in range(3)]
        assert [r.status_code for r in responses] == [202, 202, 429]
        # A queued job canceled ends in the api, which counts it (no worker ever sees it).
        assert own.delete(f"/v1/jobs/{responses[1].json()['id']}").json()["status"] == "canceled"
        chats = [responses[0], own.post("/v1/jobs/chat", json=CHAT)]  # room for one again
        assert chats[1].status_code == 202

        api = scrape(f"{own_api}/metrics")

        assert value(api, "rehearse_queue_depth", queue="gpu.llm") >= 2
        assert value(api, "rehearse_queue_oldest_age_seconds", queue="gpu.llm") > 0
        assert value(api, "rehearse_workers", queue="gpu.llm", state="ready") >= 1
        assert value(api, "rehearse_admission_refusals_total", queue="gpu", limit="key") == 1
        timed = "rehearse_http_request_duration_seconds_count"
        route = {"route": "/v1/jobs/chat", "method": "POST"}
        assert value(api, timed, **route, status="202") == 3
        assert value(api, timed, **route, status="429") == 1
        assert not [k for k in api if dict(k[1]).get("route", "").count("-") >= 4]  # no raw ids
        client.delete(f"/v1/jobs/{busy['id']}")
        assert value(api, "rehearse_jobs_total", kind="chat", status="canceled") == 1
        assert {wait_job(own, r.json()["id"])["status"] for r in chats} == {"succeeded"}

    worker = scrape(worker_metrics)

    # Exactly the jobs this worker process finished (earlier tests may leave some it ran too).
    ran = db.execute(
        "SELECT kind, status, count(*) AS n FROM jobs WHERE finished_at > %s"
        " AND worker LIKE 'gpu@%%' GROUP BY kind, status",
        (worker_metrics.started_at,),
    ).fetchall()
    for row in ran:
        counted = value(worker, "rehearse_jobs_total", kind=row["kind"], status=row["status"])
        assert counted == row["n"], row
    assert value(worker, "rehearse_jobs_total", kind="chat", status="succeeded") >= 2
    assert value(worker, "rehearse_jobs_total", kind="transcribe", status="canceled") >= 1
    chats = sum(r["n"] for r in ran if r["kind"] == "chat")
    assert value(worker, "rehearse_job_duration_seconds_count", kind="chat") == chats
    queued_s = value(worker, "rehearse_job_stage_seconds_sum", kind="chat", stage="queued")
    assert queued_s > 0  # they waited behind the transcription
    assert value(worker, "rehearse_job_stage_seconds_count", kind="chat", stage="run") == chats
    assert value(worker, "rehearse_model_loads_total", model="llm") >= 1
    assert value(worker, "rehearse_model_load_seconds_count", model="llm") >= 1
    assert value(worker, "rehearse_model_resident", model="llm") == 1
    used = value(worker, "rehearse_gpu_memory_used_bytes")
    assert 0 < used <= value(worker, "rehearse_gpu_memory_budget_bytes")


def loaded_processes(port: int, n: int, timeout: float = 90) -> list[dict]:
    """The metrics of prefork processes 0..n-1 once each reports BGE-M3 loaded."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            processes = [scrape(f"http://127.0.0.1:{port + i}/metrics") for i in range(n)]
        except httpx.ConnectError:  # a process still starting: its server is not up yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
            continue
        loaded = [value(p, "rehearse_model_resident", model="bge_m3") for p in processes]
        if loaded == [1] * n or time.monotonic() > deadline:
            return processes
        time.sleep(0.5)


def test_each_cpu_worker_process_serves_its_own_metrics(client, cpu_worker):
    port = stack.free_port()
    cpu_worker.restart(METRICS_PORT=str(port), CPU_CONCURRENCY="2")
    jobs = [client.post("/v1/jobs/embed", json={"texts": [f"text {i}"]}).json() for i in range(3)]
    assert {wait_job(client, job["id"])["status"] for job in jobs} == {"succeeded"}

    # Prefork process N serves on METRICS_PORT + N; their counts add up to the jobs run.
    processes = loaded_processes(port, 2)

    embeds = frozenset({"kind": "embed", "status": "succeeded"}.items())
    assert sum(p.get(("rehearse_jobs_total", embeds), 0) for p in processes) == 3
    assert all(value(p, "rehearse_model_resident", model="bge_m3") == 1 for p in processes)
    assert all(value(p, "rehearse_model_loads_total", model="bge_m3") == 1 for p in processes)
