"""Delivery's cost to the candidate: the next question's first audio with DELIVERY on and off.

    PYTHONPATH=src:. python bench/delivery_latency.py [--models tiny] [--turns 4] [--rounds 2]

Each round runs `rehearse dev` twice on the same models, DELIVERY=true then DELIVERY=false, and
answers `--turns` questions of one English interview on each with the same long answers
(three sample answers spoken by espeak-ng, ~40 s). Per turn it records, on the client's clock
from the answer sent: the next question's first audio, the `delivery` event, the llm step's
end, `done`; and the job's own `first_audio_ms`. Prints the medians per setting and the ratio
on/off (same run, same machine). Delivery runs beside the llm step on a cpu worker, so the
ratio should stay near 1.0; no pass/fail.
"""

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench.report_rate import drain
from bench.turn_latency import ANSWERS, POSTING, RESUME, dev_stack, wait_job
from rehearse.engines import audio_encode, espeak


def _answer_wav(n: int) -> bytes:
    """Three sample answers in a row, as one long answer (the n-th rotation)."""
    text = " ".join(ANSWERS[(n + i) % len(ANSWERS)] for i in range(3))
    pcm, rate = espeak.synthesize(text, "en")
    return audio_encode.encode(pcm, rate, "wav")


def _turn(client: httpx.Client, interview_id: str, wav: bytes) -> dict | None:
    sent = time.monotonic()
    files = {"file": ("a.wav", wav, "audio/wav")}
    job_id = client.post(f"/v1/interviews/{interview_id}/answers", files=files).json()["job_id"]
    seen: dict[str, float] = {}
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=900) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            event = json.loads(line[6:])
            kind = event["type"]
            if kind == "stage" and event["stage"] == "llm" and event["state"] == "done":
                kind = "llm_done"
            if kind in ("audio", "delivery", "llm_done", "done"):
                seen.setdefault(kind, round((time.monotonic() - sent) * 1000))
            if kind == "done":
                break
    job = wait_job(client, job_id)
    if job["status"] != "succeeded":
        print(f"  a turn failed ({job['error']['code']}): answered again", flush=True)
        return None
    return {**seen, "first_audio_ms": job["timings"].get("first_audio_ms")}


def _stack_turns(models: str, delivery: bool, turns: int) -> list[dict]:
    os.environ["DELIVERY"] = "true" if delivery else "false"
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as data_dir:
        proc, base, key = dev_stack(models, Path(data_dir))
        threading.Thread(target=drain, args=(proc.stdout, None), daemon=True).start()
        try:
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
                body = {"resume": RESUME, "job_posting": POSTING, "language": "en"}
                started = client.post("/v1/interviews", json={**body, "max_questions": 50})
                opening = wait_job(client, started.json()["job_id"])
                if opening["status"] != "succeeded":
                    raise SystemExit(f"interview start failed: {opening['error']}")
                for n in range(3 * turns):
                    if len(rows) == turns:
                        break
                    if row := _turn(client, started.json()["id"], _answer_wav(n)):
                        rows.append(row)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    return rows


def _median(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="tiny", help="tiny, synthetic or a models folder")
    parser.add_argument("--turns", type=int, default=4, help="answers per stack")
    parser.add_argument("--rounds", type=int, default=2, help="on/off pairs of stacks")
    args = parser.parse_args()
    rows: dict[bool, list[dict]] = {True: [], False: []}
    for round_ in range(args.rounds):
        for delivery in (True, False):
            print(f"round {round_ + 1}: DELIVERY={str(delivery).lower()}", flush=True)
            rows[delivery] += _stack_turns(args.models, delivery, args.turns)
    keys = ("first_audio_ms", "audio", "delivery", "llm_done", "done")
    print(f"\nmodels={args.models}, {args.rounds} rounds x {args.turns} answers of ~40 s")
    print(f"{'median ms (client clock)':<26}" + "".join(f"{k:>16}" for k in keys))
    for delivery in (True, False):
        cells = [_median(rows[delivery], k) for k in keys]
        name = f"DELIVERY={str(delivery).lower()} (n={len(rows[delivery])})"
        print(f"{name:<26}" + "".join(f"{c if c is not None else '-':>16}" for c in cells))
    for key in ("first_audio_ms", "audio", "done"):
        on, off = _median(rows[True], key), _median(rows[False], key)
        if on and off:
            print(f"on/off {key}: {on / off:.2f}")
    before = [r for r in rows[True] if "delivery" in r and r["delivery"] < r.get("llm_done", 0)]
    print(f"delivery event before the llm step's end: {len(before)} of {len(rows[True])}")


if __name__ == "__main__":
    main()
