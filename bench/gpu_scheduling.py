"""Model-aware GPU scheduling against FIFO: loads, wall time and waits (no pass/fail).

    python bench/gpu_scheduling.py [--jobs 8] [--max-swap-wait 30]

Starts Redis, PostgreSQL (embedded, or REDIS_URL/DATABASE_URL), the api and one gpu worker on
the synthetic models, with a memory budget that holds one model at a time. Submits N transcribe
and N chat jobs interleaved (T C T C ...) and measures, in the same run, MAX_SWAP_WAIT_S=0 (in
turn: FIFO across models) against the model-aware policy, and a budget that holds both as the
anchor. Then swaps per interview turn from the memory arithmetic of the 6gb and tiny profiles
(docs/gpu-memory.md), run through the residency manager with stand-in engines.
"""

import argparse
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from rehearse.cli.synthetic import write_models
from rehearse.engines.residency import ModelSpec, Residency
from tests import audio, servers, stack
from tests.conftest import make_key, wait_job

ONE_MODEL = {"GPU_MEMORY_BUDGET_MB": "150", "WHISPER_MEMORY_MB": "100", "LLM_MEMORY_MB": "100"}
BOTH = {**ONE_MODEL, "GPU_MEMORY_BUDGET_MB": "300"}

PROFILES = {
    # name: (whisper MiB, llm MiB, budget MiB)
    "6gb, old defaults (f16 KV, batch 512)": (600, 5200, 5600),
    "6gb profile (q8_0 KV, flash attn, batch 256)": (500, 4816, 5600),
    "tiny profile (measured on CPU)": (300, 260, 5600),
}


def _stamp(job: dict, field: str) -> float:
    return datetime.fromisoformat(job[field]).timestamp()


def run_workload(client: httpx.Client, n: int) -> dict[str, float]:
    body = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 4}
    ids = []
    for _ in range(n):
        files = {"file": ("a.wav", audio.tone_wav(), "audio/wav")}
        ids.append(client.post("/v1/jobs/transcribe", files=files).json()["id"])
        ids.append(client.post("/v1/jobs/chat", json=body).json()["id"])
    jobs = [wait_job(client, job_id, timeout=600) for job_id in ids]
    assert all(j["status"] == "succeeded" for j in jobs), [j["error"] for j in jobs]
    waits = [_stamp(j, "started_at") - _stamp(j, "created_at") for j in jobs]
    wall = max(_stamp(j, "finished_at") for j in jobs) - min(_stamp(j, "created_at") for j in jobs)
    return {
        "loads": sum(j["timings"]["model_loaded"] for j in jobs),
        "wall": wall,
        "max_wait": max(waits),
        "median_wait": statistics.median(waits),
    }


class _Stand:
    def load(self) -> None: ...

    def unload(self) -> None: ...


def swaps_per_turn(whisper_mb: float, llm_mb: float, budget_mb: float, turns: int = 10) -> float:
    """Loads after the first turn, per turn: stt (whisper), llm, tts (no GPU memory)."""
    res = Residency(
        [
            ModelSpec("whisper", _Stand, whisper_mb),
            ModelSpec("llm", _Stand, llm_mb),
            ModelSpec("speech", _Stand, 0, pinned=True, device="cpu"),
        ],
        budget_mb=budget_mb,
    )
    loads = 0
    for turn in range(turns + 1):
        for model in ("whisper", "llm", "speech"):
            _, usage = res.call(model, lambda engine: None)
            loads += usage.model_loaded and turn > 0
    return loads / turns


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8, help="transcribe jobs (and as many chats)")
    parser.add_argument("--max-swap-wait", default="30", help="MAX_SWAP_WAIT_S of the policy")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rehearse-sched-"))
    logs = tmp / "logs"
    logs.mkdir()
    with servers.services(tmp / "servers") as (redis_url, database_url):
        from rehearse.storage.migrate import migrate

        migrate(database_url)
        env = {**os.environ, **write_models(tmp / "models", ("whisper", "llama"))}
        env |= {"REDIS_URL": redis_url, "DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
        env["MODEL_SIZES_FILE"] = str(tmp / "sizes.json")
        api, base = stack.api(env, logs)
        headers = {"Authorization": f"Bearer {make_key(database_url, 'bench')}"}
        results = {}
        runs = {
            "FIFO (MAX_SWAP_WAIT_S=0)": {**ONE_MODEL, "MAX_SWAP_WAIT_S": "0"},
            f"by model (MAX_SWAP_WAIT_S={args.max_swap_wait})": {
                **ONE_MODEL,
                "MAX_SWAP_WAIT_S": args.max_swap_wait,
            },
            "anchor: both fit": BOTH,
        }
        try:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                for name, overrides in runs.items():
                    worker = stack.worker("gpu", {**env, **overrides}, logs)
                    try:
                        run_workload(client, 1)  # warm-up: first loads keep one-off state
                        started = time.monotonic()
                        results[name] = run_workload(client, args.jobs)
                        results[name]["elapsed"] = time.monotonic() - started
                    finally:
                        worker.stop()
        finally:
            api.stop()
    anchor = results["anchor: both fit"]["wall"]
    print(f"{args.jobs} transcribe + {args.jobs} chat, interleaved; one model fits at a time")
    print(f"{'policy':34} {'loads':>6} {'wall s':>7} {'x anchor':>9} {'max wait':>9} {'median':>7}")
    for name, r in results.items():
        print(
            f"{name:34} {r['loads']:6d} {r['wall']:7.2f} {r['wall'] / anchor:9.2f} "
            f"{r['max_wait']:9.2f} {r['median_wait']:7.2f}"
        )
    print("\nswaps per interview turn (stt, llm, tts), from the memory arithmetic:")
    for name, (whisper_mb, llm_mb, budget_mb) in PROFILES.items():
        total = whisper_mb + llm_mb
        swaps = swaps_per_turn(whisper_mb, llm_mb, budget_mb)
        print(f"  {name:46} {total:5d} of {budget_mb} MiB: {swaps:.1f} loads per turn")


if __name__ == "__main__":
    main()
