"""Priority classes on the real stack: a candidate's turn passes a flood of chat jobs, a batch
job still runs within its aging bound, one owner's flood holds another owner's jobs by about one
job, and with PRIORITIES=false jobs run in arrival order."""

import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from tests import stack
from tests.api.streams import sse_frames
from tests.conftest import wait_job
from tests.interviews.answers import answer
from tests.interviews.conftest import start

ONE_MODEL = {"GPU_MEMORY_BUDGET_MB": "150", "WHISPER_MEMORY_MB": "100", "LLM_MEMORY_MB": "100"}
"""A budget where whisper and the LLM cannot be resident together: every switch is a load."""
TOKENS = 300
"""Each chat job writes this many tokens (the synthetic model seldom stops early)."""
SWAP_BOUND_S = 2.0
AGING_S = 4.0
SWEEP_S = 2.0  # RECONCILE_INTERVAL_S of the test stack: aging runs on the reconciler's pass
SLACK_S = 1.0  # a job's pickup after the one before it, an event's way to this client


def chat(client: httpx.Client, seed: int, **extra: str) -> str:
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": TOKENS, "seed": seed}
    response = client.post("/v1/jobs/chat", json={**body, **extra})
    assert response.status_code == 202, response.text
    return response.json()["id"]


def flood(client: httpx.Client, n: int, first_seed: int = 0) -> list[str]:
    """`n` chat jobs submitted at once (the api groups them), in seed order."""
    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(lambda i: chat(client, first_seed + i), range(n)))


def rows(db, ids: list[str]) -> dict[str, dict]:
    found = db.execute(
        "SELECT id::text, priority_class, created_at, started_at, finished_at, timings"
        " FROM jobs WHERE id = ANY(%s::uuid[])",
        (ids,),
    ).fetchall()
    return {row["id"]: row for row in found}


def waited_s(row: dict) -> float:
    return (row["started_at"] - row["created_at"]).total_seconds()


def run_s(job: dict) -> float:
    return (job["timings"]["run_ms"] + job["timings"].get("load_ms", 0)) / 1000


def longest_run_s(jobs: dict[str, dict]) -> float:
    return max(run_s(job) for job in jobs.values())


def median_run_s(jobs: dict[str, dict]) -> float:
    return statistics.median(run_s(job) for job in jobs.values())


@contextmanager
def stage_times(client: httpx.Client, job_id: str) -> Iterator[dict[tuple[str, str], float]]:
    """When each `stage` event of the job reached this client: (stage, state) -> monotonic s."""
    seen: dict[tuple[str, str], float] = {}

    def follow() -> None:
        with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=120) as response:
            for frame in sse_frames(response):
                event = frame.data or {}
                if event.get("type") == "stage":
                    seen.setdefault((event["stage"], event["state"]), time.monotonic())
                if event.get("type") == "done":
                    return

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    yield seen
    reader.join(timeout=120)


@pytest.mark.timeout(600)
def test_a_turn_passes_a_flood_and_batch_runs_within_its_aging_bound(
    client, gpu_worker, cpu_worker, db
):
    aging = {"BATCH_AGING_S": str(AGING_S), "INTERACTIVE_AGING_S": "0"}
    # Whisper and the LLM do not fit together: the turn's stt step needs a swap.
    gpu_worker.restart(MAX_SWAP_WAIT_S=str(SWAP_BOUND_S), **ONE_MODEL, **aging)
    cpu_worker.restart(**aging)  # either worker's reconciler may run the sweep
    interview = start(client)
    assert interview["job"]["status"] == "succeeded", interview["job"]["error"]

    interactive = flood(client, 50)
    batch = chat(client, 1000, priority_class="batch")
    interactive += flood(client, 50, first_seed=50)
    accepted = answer(client, interview["id"])
    assert accepted.status_code == 202, accepted.text
    turn_id = accepted.json()["job_id"]
    with stage_times(client, turn_id) as stages:
        turn = wait_job(client, turn_id, timeout=120)
    for job_id in [*interactive, batch]:
        assert wait_job(client, job_id, timeout=300)["status"] == "succeeded"
    jobs = rows(db, [*interactive, batch, turn_id])

    assert turn["status"] == "succeeded", turn["error"]
    chats = {job_id: jobs[job_id] for job_id in interactive}
    longest = longest_run_s(chats)
    llm_wait = stages[("llm", "started")] - stages[("retrieve", "done")]
    after_turn = sum(c["finished_at"] > jobs[turn_id]["finished_at"] for c in chats.values())
    took = (jobs[turn_id]["finished_at"] - jobs[turn_id]["created_at"]).total_seconds()
    drained = max(c["finished_at"] for c in chats.values()) - jobs[turn_id]["created_at"]
    print(
        f"chat runs {median_run_s(chats):.2f} s (median), up to {longest:.2f} s; the turn took "
        f"{took:.2f} s, its llm step waited {llm_wait:.2f} s; {after_turn} of {len(chats)} chat "
        f"jobs finished after it, the last {drained.total_seconds():.1f} s after it was sent"
    )
    assert llm_wait <= longest + SWAP_BOUND_S + SLACK_S
    assert after_turn > len(chats) // 2

    batch_wait = waited_s(jobs[batch])
    passed = sum(c["started_at"] > jobs[batch]["started_at"] for c in chats.values())
    print(f"the batch job waited {batch_wait:.2f} s and went ahead of {passed} chat jobs")
    assert batch_wait <= AGING_S + SWEEP_S + longest + SLACK_S
    assert passed >= 10  # without aging it would have waited for every one of them


def test_one_owner_s_flood_holds_another_s_jobs_about_one_job(client, other_client, gpu_worker, db):
    flooded = flood(client, 30)
    # Under way: the flooding owner's first jobs (the top levels of its band) have run.
    deadline = time.monotonic() + 60
    while len([r for r in rows(db, flooded).values() if r["finished_at"]]) < 3:
        assert time.monotonic() < deadline, "the flood never started"
        time.sleep(0.05)

    mine = []
    for seed in range(4):  # one after another, as a client waiting on each answer would
        job_id = chat(other_client, 2000 + seed)
        assert wait_job(other_client, job_id, timeout=120)["status"] == "succeeded"
        mine.append(job_id)
    for job_id in flooded:
        wait_job(client, job_id, timeout=300)
    jobs = rows(db, [*flooded, *mine])

    longest = longest_run_s(jobs)
    waits = [waited_s(jobs[job_id]) for job_id in mine]
    behind = [sum(jobs[f]["finished_at"] > jobs[m]["finished_at"] for f in flooded) for m in mine]
    print(
        f"runs {median_run_s(jobs):.2f} s (median), up to {longest:.2f} s; the other owner's "
        f"waits {[round(w, 2) for w in waits]}; flood jobs left after each: {behind}"
    )
    assert max(waits) <= longest + SLACK_S
    assert behind[-1] > 0  # the last one did not wait for the flood to drain


@pytest.fixture
def fifo_api(stack_env, log_dir) -> Iterator[str]:
    """An api of its own with PRIORITIES=false, beside the session's."""
    proc, base = stack.api({**stack_env, "PRIORITIES": "false"}, log_dir)
    yield base
    proc.stop()


def test_with_priorities_off_jobs_run_in_arrival_order(fifo_api, api_key, gpu_worker, db):
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=fifo_api, headers=headers, timeout=30) as client:
        ids = [chat(client, seed) for seed in range(8)]  # one by one: distinct arrival times
        ids.append(chat(client, 99, priority_class="batch"))
        ids += [chat(client, seed) for seed in range(8, 12)]
        for job_id in ids:
            assert wait_job(client, job_id, timeout=120)["status"] == "succeeded"
    jobs = rows(db, ids)

    started = sorted(ids, key=lambda job_id: jobs[job_id]["started_at"])
    assert started == ids
    assert jobs[ids[8]]["priority_class"] == "batch"  # recorded, not acted on
