"""Capacity: how many candidates one stack serves before the wait for the next question grows.

    PYTHONPATH=src:. python bench/capacity.py [--models tiny] [--candidates 1,2,3,4]
        [--priorities on,off] [--gpu-workers 1] [--card-pace 6gb] [--turns 3] [--background 2]
        [--target-s 8]

asyncio over the public API (not locust: one process, the same httpx client the tests use, and
the figures a candidate sees, from the event stream, need no second tool). For each setting
(priorities on or off, the number of gpu workers) it runs `rehearse dev` once and, for each N,
N candidates at once, each through `--turns` answers of an English interview at human pace:
  think 2–6 s (uniform), speak the answer (espeak-ng reading the sample answers two at a time,
  9–10 s, sent when spoken, as push-to-talk does), wait for the next question's first audio,
  listen 3 s, think again (once the turn is recorded: the api takes one answer at a time);
while `--background` OpenAI-route clients keep the LLM busy with chat completions (48 tokens,
one after another each). Prints, per N: p50/p95/p99 of the candidate's wait (answer sent →
the next question's first `audio` event, client clock), each class's queue wait (the job's
`queued_ms`), the gpu worker's busy share and its model loads (swaps), and the largest N whose
p95 stays under `--target-s`. Figures, no pass/fail; docs/capacity.md keeps a run's table.
"""

import argparse
import asyncio
import json
import os
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.report_rate import drain
from bench.turn_latency import ANSWERS, POSTING, RESUME, dev_stack
from rehearse.engines import audio_encode, espeak

LISTEN_S = 3.0
THINK_S = (2.0, 6.0)
GPU_STAGES = ("stt", "llm", "tts")


@dataclass
class Run:
    """What one N's candidates and background clients saw."""

    waits: dict[str, float] = field(default_factory=dict)
    """Each answered turn's wait, by its job id (bench/capacity_model.py pairs it with the job)."""
    jobs: list[str] = field(default_factory=list)
    failed: int = 0
    failed_background: int = 0
    errors: list[str] = field(default_factory=list)
    """The error codes of the turns that failed."""


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def spoken_answers() -> list[tuple[bytes, float]]:
    """The candidates' answers: each sample answer with the next, spoken by espeak-ng, as WAV
    bytes and their seconds (the model, bench/capacity_model.py, speaks for as long)."""
    answers = []
    for i, text in enumerate(ANSWERS):
        pcm, rate = espeak.synthesize(f"{text} {ANSWERS[(i + 1) % len(ANSWERS)]}", "en")
        answers.append((audio_encode.encode(pcm, rate, "wav"), len(pcm) / rate))
    return answers


async def _wait_job(client: httpx.AsyncClient, job_id: str) -> dict:
    while True:
        job = (await client.get(f"/v1/jobs/{job_id}")).json()
        if job["status"] in ("succeeded", "failed", "canceled"):
            return job
        await asyncio.sleep(0.3)


async def _first_audio(client: httpx.AsyncClient, job_id: str) -> bool:
    """Follow the job's events until its first `audio` (True) or its end without one."""
    async with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=900) as response:
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                kind = json.loads(line[6:])["type"]
                if kind in ("audio", "done"):
                    return kind == "audio"
    return False


async def candidate(
    operator: httpx.AsyncClient,
    answers: list[tuple[bytes, float]],
    turns: int,
    rng: random.Random,
    run: Run,
) -> None:
    """One candidate on an invite of their own (an owner of their own, as in a class); jobs
    are read with the operator's key: an invite reaches their events, not their rows."""
    invite = await operator.post("/v1/invites", json={"ttl_s": 3600, "max_interviews": 1})
    headers = {"Authorization": f"Bearer {invite.json()['token']}"}
    async with httpx.AsyncClient(base_url=operator.base_url, headers=headers, timeout=120) as c:
        body = {"resume": RESUME, "job_posting": POSTING, "language": "en", "max_questions": 50}
        started = (await c.post("/v1/interviews", json=body)).json()
        if (await _wait_job(operator, started["job_id"]))["status"] != "succeeded":
            run.failed += 1
            return
        for _ in range(turns):
            wav, seconds = answers[rng.randrange(len(answers))]
            await asyncio.sleep(rng.uniform(*THINK_S) + seconds)  # thinks, then speaks it
            sent = time.monotonic()
            files = {"file": ("a.wav", wav, "audio/wav")}
            accepted = await c.post(f"/v1/interviews/{started['id']}/answers", files=files)
            if accepted.status_code != 202:
                run.failed += 1
                return
            job_id = accepted.json()["job_id"]
            heard = await _first_audio(c, job_id)
            heard_at = time.monotonic()  # the question's first audio is here
            job = await _wait_job(operator, job_id)  # the turn is recorded: the next may come
            run.jobs.append(job_id)
            if not heard or job["status"] != "succeeded":
                run.failed += 1  # the candidate answers the same question again
                run.errors.append((job.get("error") or {}).get("code") or job["status"])
                continue
            run.waits[job_id] = heard_at - sent
            await asyncio.sleep(max(LISTEN_S - (time.monotonic() - heard_at), 0.0))


async def background(client: httpx.AsyncClient, stop: asyncio.Event, run: Run) -> None:
    """One OpenAI-route client: chat completions one after another until stopped."""
    body = {
        "model": "gpt-4o-mini",
        "max_tokens": 48,
        "messages": [{"role": "user", "content": "Name three ways to cache a web page."}],
    }
    while not stop.is_set():
        reply = await client.post("/v1/chat/completions", json=body, timeout=900)
        if reply.status_code == 200:
            run.jobs.append(reply.json()["id"].removeprefix("chatcmpl-"))
        else:  # 429 queue_full: the admission limit holds it back
            run.failed_background += 1
            await asyncio.sleep(1.0)


async def one_n(
    base: str, key: str, n: int, args: argparse.Namespace, answers: list[tuple[bytes, float]]
) -> tuple[Run, float, list[dict]]:
    run, stop = Run(), asyncio.Event()
    limits = httpx.Limits(max_connections=4 * n + 2 * args.background + 8)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120, limits=limits) as c:
        began = time.monotonic()
        noise = [asyncio.create_task(background(c, stop, run)) for _ in range(args.background)]
        rngs = [random.Random(1000 * n + i) for i in range(n)]
        await asyncio.gather(*(candidate(c, answers, args.turns, rng, run) for rng in rngs))
        stop.set()
        await asyncio.gather(*noise)
        wall = time.monotonic() - began
        run.jobs = [j for j in run.jobs if j]
        jobs = [(await c.get(f"/v1/jobs/{j}")).json() for j in run.jobs]
    return run, wall, jobs


def step_s(timings: dict, stage: str = "") -> float:
    """Seconds a worker spent on one step of a job (its model's load and its run); the whole
    of a single-step job when `stage` is empty."""
    prefix = f"{stage}_" if stage else ""
    return (timings.get(f"{prefix}load_ms", 0) + timings.get(f"{prefix}run_ms", 0)) / 1000


def _busy_s(job: dict) -> float:
    """The gpu worker's time on a job: its gpu steps (a chat job: its one step)."""
    t = job.get("timings") or {}
    stages = ("",) if job["kind"] == "chat" else GPU_STAGES
    return sum(step_s(t, stage) for stage in stages)


def _loads(job: dict) -> int:
    t = job.get("timings") or {}
    return sum(1 for k, v in t.items() if k.endswith("model_loaded") and v is True)


def report(label: str, n: int, run: Run, wall: float, jobs: list[dict], workers: int) -> dict:
    by_class: dict[str, list[float]] = {}
    for job in jobs:
        cls = job.get("priority_class") or (
            "live" if job["kind"].startswith("interview") else "interactive"
        )
        queued = (job.get("timings") or {}).get("queued_ms")
        if queued is not None:
            by_class.setdefault(cls, []).append(queued / 1000)
    busy = sum(_busy_s(j) for j in jobs) / (wall * workers)
    waits = list(run.waits.values())
    row = {
        "timings": [
            {"kind": j["kind"], **(j.get("timings") or {})}
            | ({"wait_s": run.waits[j["id"]]} if j["id"] in run.waits else {})
            for j in jobs
        ],
        "waits": waits,
        "wall_s": wall,
        "setting": label,
        "n": n,
        "answers": len(waits),
        "failed": run.failed,
        "errors": run.errors,
        "p50": percentile(waits, 50),
        "p95": percentile(waits, 95),
        "p99": percentile(waits, 99),
        "busy": busy,
        "loads": sum(_loads(j) for j in jobs),
        "queue": {c: (statistics.median(v), percentile(v, 95)) for c, v in by_class.items()},
    }
    queue = ", ".join(f"{c} {m:.1f}/{p:.1f}" for c, (m, p) in sorted(row["queue"].items()))
    cells = [f"{row[k]:.1f}" if row[k] is not None else "-" for k in ("p50", "p95", "p99")]
    print(
        f"{label:<22} N={n:<3} answers={len(waits):<3} failed={run.failed:<2} "
        f"wait p50/p95/p99 {'/'.join(cells)} s  busy {busy:.0%}  loads {row['loads']}  "
        f"queue median/p95 s: {queue}"
        + (f"  failed: {', '.join(run.errors)}" if run.errors else ""),
        flush=True,
    )
    return row


def sweep(
    label: str, env: dict[str, str], args: argparse.Namespace, answers: list[tuple[bytes, float]]
) -> list[dict]:
    os.environ.update(env)
    rows = []
    with tempfile.TemporaryDirectory(prefix="rehearse-capacity-") as data_dir:
        proc, base, key = dev_stack(args.models, Path(data_dir), gpu_workers=args.gpu_workers)
        threading.Thread(target=drain, args=(proc.stdout, None), daemon=True).start()
        try:
            for n in args.candidates:
                run, wall, jobs = asyncio.run(one_n(base, key, n, args, answers))
                rows.append(report(label, n, run, wall, jobs, args.gpu_workers))
                if rows[-1]["p95"] is None or rows[-1]["p95"] > args.target_s:
                    break  # past the target: larger N only waits longer
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="tiny", help="tiny, synthetic or a models folder")
    parser.add_argument(
        "--candidates", default="1,2,3,4,6,8", type=lambda s: [int(x) for x in s.split(",")]
    )
    parser.add_argument("--priorities", default="on,off", help="on, off or on,off")
    parser.add_argument("--gpu-workers", type=int, default=1)
    parser.add_argument(
        "--card-pace",
        default="",
        help="hold each gpu step to a card's pace (CARD_PACE, e.g. 6gb): with the synthetic "
        "models, gpu workers on this host then stand for cards of their own",
    )
    parser.add_argument("--turns", type=int, default=3, help="answers per candidate")
    parser.add_argument("--background", type=int, default=2, help="OpenAI-route chat clients")
    parser.add_argument("--target-s", type=float, default=8.0, help="the p95 wait to stay under")
    parser.add_argument("--save", type=Path, help="write every N's figures and job timings here")
    args = parser.parse_args()
    answers = spoken_answers()
    print(
        f"models={args.models} gpu workers={args.gpu_workers} card pace={args.card_pace or 'off'} "
        f"turns={args.turns} "
        f"background={args.background} answers {min(s for _, s in answers):.0f}–"
        f"{max(s for _, s in answers):.0f} s, target p95 {args.target_s} s",
        flush=True,
    )
    results = {}
    for setting in args.priorities.split(","):
        label = f"priorities {setting}, {args.gpu_workers} gpu"
        env = {"PRIORITIES": "true" if setting == "on" else "false", "CARD_PACE": args.card_pace}
        results[label] = sweep(label, env, args, answers)
    if args.save:
        args.save.write_text(
            json.dumps(
                {
                    "args": vars(args) | {"save": str(args.save)},
                    "answers_s": [seconds for _, seconds in answers],
                    "results": results,
                },
                default=str,
                indent=1,
            )
        )
    for label, rows in results.items():
        within = [r["n"] for r in rows if r["p95"] is not None and r["p95"] <= args.target_s]
        print(f"{label}: largest N with p95 <= {args.target_s} s: {max(within, default=0)}")


if __name__ == "__main__":
    main()
