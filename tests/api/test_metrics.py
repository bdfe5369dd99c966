"""`/metrics`: the api's requests, refusals, queues and workers; each worker's jobs and models."""

import time
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests import stack
from tests.conftest import make_key, wait_job
from tests.jobs import long_transcription, wait_status

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
    busy = long_transcription(client)  # the gpu worker is busy: the chats wait in the queue
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


def loaded_processes(urls: list[str], timeout: float = 90) -> list[dict]:
    """The metrics at each prefork process's URL once each reports BGE-M3 loaded."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            processes = [scrape(url) for url in urls]
        except httpx.ConnectError:  # a process still starting: its server is not up yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
            continue
        loaded = [value(p, "rehearse_model_resident", model="bge_m3") for p in processes]
        if loaded == [1] * len(urls) or time.monotonic() > deadline:
            return processes
        time.sleep(0.5)


def test_each_cpu_worker_process_serves_its_own_metrics(client, cpu_worker):
    port = stack.free_port()
    cpu_worker.restart(METRICS_PORT=str(port), CPU_CONCURRENCY="2")
    jobs = [client.post("/v1/jobs/embed", json={"texts": [f"text {i}"]}).json() for i in range(3)]
    assert {wait_job(client, job["id"])["status"] for job in jobs} == {"succeeded"}

    # Prefork process N serves on METRICS_PORT + N; their counts add up to the jobs run.
    processes = loaded_processes([f"http://127.0.0.1:{port + i}/metrics" for i in range(2)])

    embeds = frozenset({"kind": "embed", "status": "succeeded"}.items())
    assert sum(p.get(("rehearse_jobs_total", embeds), 0) for p in processes) == 3
    assert all(value(p, "rehearse_model_resident", model="bge_m3") == 1 for p in processes)
    assert all(value(p, "rehearse_model_loads_total", model="bge_m3") == 1 for p in processes)


def discovered(api_base: str, until: Callable[[list[dict]], bool], timeout: float = 30) -> list:
    """`/metrics/targets` (Prometheus HTTP SD) once `until` holds for its groups."""
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(f"{api_base}/metrics/targets", timeout=10)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        groups = response.json()
        if until(groups) or time.monotonic() > deadline:
            return groups
        time.sleep(0.2)


def test_prometheus_discovers_each_worker_process_through_the_api(
    client, api_base, cpu_worker, gpu_worker
):
    port = stack.free_port()
    cpu_worker.restart(METRICS_PORT=str(port), CPU_CONCURRENCY="3")
    workers = client.get("/readyz").json()["workers"]
    [cpu_name], [gpu_name] = workers["cpu"], workers["gpu"]

    # One group per worker serving metrics: the cpu worker's 3 processes, with its labels; the
    # gpu worker runs with METRICS_PORT 0 (the session's), so it lists none.
    groups = discovered(api_base, lambda gs: any(g["labels"]["worker"] == cpu_name for g in gs))
    [group] = groups
    assert group["labels"] == {"worker": cpu_name, "pool": "cpu"}
    hosts = {target.rpartition(":")[0] for target in group["targets"]}
    ports = [int(target.rpartition(":")[2]) for target in group["targets"]]
    assert len(hosts) == 1 and ports == [port, port + 1, port + 2]
    assert gpu_name not in {g["labels"]["worker"] for g in groups}
    assert "/metrics/targets" not in client.get("/openapi.json").json()["paths"]

    # Each target is one pool process: their counts add up to the jobs the worker ran.
    jobs = [client.post("/v1/jobs/embed", json={"texts": [f"text {i}"]}).json() for i in range(4)]
    assert {wait_job(client, job["id"])["status"] for job in jobs} == {"succeeded"}
    processes = loaded_processes([f"http://{target}/metrics" for target in group["targets"]])
    embeds = frozenset({"kind": "embed", "status": "succeeded"}.items())
    assert sum(p.get(("rehearse_jobs_total", embeds), 0) for p in processes) == 4
    assert all(value(p, "rehearse_model_resident", model="bge_m3") == 1 for p in processes)

    # A stopped worker withdraws its presence: its targets drop out.
    cpu_worker.stop()
    assert discovered(api_base, lambda gs: not gs) == []


def test_metrics_targets_answer_503_while_redis_is_down(stack_env, log_dir):
    # An api of its own on a Redis port nobody listens on: restarting the session's Redis
    # would lose the workers' boot reports, and with them their readiness, for later tests.
    proc, base = stack.api(
        {**stack_env, "REDIS_URL": f"redis://127.0.0.1:{stack.free_port()}/0"}, log_dir
    )
    try:
        response = httpx.get(f"{base}/metrics/targets", timeout=30)
    finally:
        proc.stop()

    # Prometheus keeps the targets it has on an error, rather than an empty list dropping them.
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "redis_unavailable"


def test_queues_are_measured_per_priority_class(client, db, api_base, worker_metrics):
    busy = long_transcription(client)  # the gpu worker is busy: the chats wait in the queue
    wait_status(db, busy["id"], "running")
    batch = client.post("/v1/jobs/chat", json={**CHAT, "priority_class": "batch"}).json()
    interactive = client.post("/v1/jobs/chat", json=CHAT).json()

    api = scrape(f"{api_base}/metrics")
    client.delete(f"/v1/jobs/{busy['id']}")
    done = {job["id"]: wait_job(client, job["id"]) for job in (batch, interactive)}
    worker = scrape(worker_metrics)

    for cls in ("batch", "interactive"):
        of_class = {"queue": "gpu.llm", "class": cls}
        assert value(api, "rehearse_queue_class_depth", **of_class) >= 1
        assert value(api, "rehearse_queue_class_oldest_age_seconds", **of_class) > 0
        assert value(worker, "rehearse_queue_wait_seconds_count", **{"class": cls}) >= 1
    # Both wait on levels of their own: the broker's count covers every level of the queue.
    assert value(api, "rehearse_broker_messages", queue="gpu.llm") >= 2
    started = {job_id: job["started_at"] for job_id, job in done.items()}
    assert started[interactive["id"]] < started[batch["id"]]  # sent later, taken first
