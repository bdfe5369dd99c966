"""Interview turn latency: when the next question is first heard against when the turn is done.

    python bench/turn_latency.py [--models synthetic DIR ...] [--turns 3]

For each models choice (`synthetic`, or a folder from `rehearse models pull --profile tiny`) it
runs `rehearse dev` on it, starts one English interview and answers `--turns` times. Per turn:
`first_audio_ms` (the job's timing: from the answer accepted to the question's audio stored
and announced), `turn_ms` (accepted to finished, from the job's record), the client's own
clock for both (the `audio` event's arrival, `done`'s), and the LLM's prompt tokens against the
prompt tokens it evaluated (`prefill`). Prints figures; no pass/fail.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from rehearse.engines import audio_encode, espeak

ASSETS = Path(__file__).resolve().parents[1] / "src" / "rehearse" / "cli" / "assets"
RESUME = (ASSETS / "sample_resume_en.txt").read_text(encoding="utf-8").strip()
POSTING = (ASSETS / "sample_posting_en.txt").read_text(encoding="utf-8").strip()
ANSWERS = (ASSETS / "sample_answers_en.txt").read_text(encoding="utf-8").splitlines()


def dev_stack(
    models: str, data_dir: Path, gpu_workers: int = 1
) -> tuple[subprocess.Popen, str, str]:
    """`rehearse dev` on `models` (with `gpu_workers`); (process, base url, API key) once it
    listens."""
    env = {**os.environ, "TTS_EDGE_ENABLED": "false"}  # offline speech: no network in figures
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    cmd = [sys.executable, "-m", "rehearse.cli.cli", "dev", "--port", port, "--models", models]
    cmd += ["--gpu-workers", str(gpu_workers)]
    proc = subprocess.Popen(
        [*cmd, "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    key = base = None
    for line in proc.stdout:  # type: ignore[union-attr]
        if line.startswith("API key: "):
            key = line.split(": ", 1)[1].strip()
        if line.startswith("Listening on "):
            base = line.split(" on ", 1)[1].strip()
            break
    if not (key and base):
        proc.kill()
        raise SystemExit(f"rehearse dev --models {models} did not start")
    return proc, base, key


def wait_job(client: httpx.Client, job_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "canceled"):
            return job
        time.sleep(0.2)
    raise SystemExit(f"job {job_id} did not finish")


def one_turn(client: httpx.Client, interview_id: str, wav: bytes) -> dict:
    """Answer once; the job's timings and the client's clock for the first audio and done."""
    sent_at = time.monotonic()
    files = {"file": ("a.wav", wav, "audio/wav")}
    job_id = client.post(f"/v1/interviews/{interview_id}/answers", files=files).json()["job_id"]
    heard = None
    with client.stream("GET", f"/v1/jobs/{job_id}/events", timeout=600) as response:
        for line in response.iter_lines():
            if not line.startswith("data: "):
                continue
            event = json.loads(line[6:])
            if event["type"] == "audio" and heard is None:
                heard = time.monotonic() - sent_at
            if event["type"] == "done":
                break
    done = time.monotonic() - sent_at
    job = wait_job(client, job_id)
    if job["status"] != "succeeded":  # a small model's question failed the gates: try again
        print(f"  a turn failed ({job['error']['code']}): answered again", flush=True)
        return {}
    span = datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["created_at"])
    timings = job["timings"]
    return {
        "first_audio_ms": timings.get("first_audio_ms"),
        "turn_ms": round(span.total_seconds() * 1000),
        "client_audio_ms": round(heard * 1000) if heard is not None else None,
        "client_done_ms": round(done * 1000),
        "prompt": timings.get("llm_prompt_tokens"),
        "prefill": timings.get("llm_prefill_tokens"),
        "early": timings.get("tts_early_audio"),
    }


def run(models: str, turns: int) -> None:
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as data_dir:
        proc, base, key = dev_stack(models, Path(data_dir))
        try:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                body = {
                    "resume": RESUME,
                    "job_posting": POSTING,
                    "language": "en",
                    "max_questions": turns + 1,
                }
                started = client.post("/v1/interviews", json=body).json()
                opening = wait_job(client, started["job_id"])
                if opening["status"] != "succeeded":
                    raise SystemExit(f"interview start failed: {opening['error']}")
                rows: list[dict] = []
                for n in range(3 * turns):  # failed turns are not recorded, so not counted
                    if len(rows) == turns:
                        break
                    pcm, rate = espeak.synthesize(ANSWERS[n % len(ANSWERS)], "en")
                    wav = audio_encode.encode(pcm, rate, "wav")
                    if row := one_turn(client, started["id"], wav):
                        rows.append(row)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report(models, rows)


def report(models: str, rows: list[dict]) -> None:
    print(f"\nmodels: {models}")
    print(
        f"{'turn':>4} {'first_audio_ms':>14} {'turn_ms':>8} {'ratio':>6} "
        f"{'client audio/done ms':>21} {'prompt':>7} {'prefill':>8} {'early':>6}"
    )
    for n, r in enumerate(rows, 1):
        ratio = r["first_audio_ms"] / r["turn_ms"] if r["first_audio_ms"] else float("nan")
        print(
            f"{n:>4} {r['first_audio_ms'] or '-':>14} {r['turn_ms']:>8} {ratio:>6.2f} "
            f"{r['client_audio_ms'] or '-':>10} / {r['client_done_ms']:<8} "
            f"{r['prompt']:>7} {r['prefill']:>8} {r['early']!s:>6}"
        )
    heard = [r["first_audio_ms"] for r in rows if r["first_audio_ms"]]
    total = [r["turn_ms"] for r in rows]
    if heard:
        print(
            f"median first_audio_ms / turn_ms: {statistics.median(heard):.0f} / "
            f"{statistics.median(total):.0f} = "
            f"{statistics.median(heard) / statistics.median(total):.2f}"
        )
    if len(rows) >= 3:
        first, third = rows[0], rows[2]
        print(
            f"prefill tokens turn 1 vs turn 3: {first['prefill']} vs {third['prefill']} "
            f"(prompts {first['prompt']} vs {third['prompt']}; turn 3 evaluates "
            f"{third['prefill'] / third['prompt']:.0%} of its prompt)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_tiny = Path.home() / ".cache" / "rehearse" / "real-models"
    parser.add_argument(
        "--models",
        nargs="+",
        default=["synthetic", str(default_tiny)],
        help="`synthetic` and/or model folders (default: synthetic and the tiny profile)",
    )
    parser.add_argument("--turns", type=int, default=3)
    args = parser.parse_args()
    for models in args.models:
        run(models, args.turns)


if __name__ == "__main__":
    main()
