"""Interview reports on real small models: how many come on the first finish, and from where.

    python bench/report_rate.py [--models tiny|DIR] [--interviews 10] [--questions 3]

Runs `rehearse dev` on the models (default: the tiny profile, real SmolLM2-135M and
faster-whisper from PyPI wheels, output gates on), then `--interviews` English interviews of
`--questions` questions each from the sample resume and posting. Each answer is espeak-ng
speech of a line of sample_answers_en.txt (a different line each question and interview).
Each interview is finished once. Prints, per interview and in all: whether the first finish
gave a report, its `source` (`model`: the LLM's report passed the gates; `turns`: assembled
from the turns' feedback), the report job's regenerations and its time (created to finished).
No pass/fail.
"""

import argparse
import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx

from bench.turn_latency import ANSWERS, POSTING, RESUME, dev_stack, wait_job
from rehearse.engines import audio_encode, espeak

TRIES = 3  # an opening question or a turn a small model fails the gates on is tried again


def job_ms(job: dict) -> int:
    span = datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["created_at"])
    return round(span.total_seconds() * 1000)


def start(client: httpx.Client, questions: int) -> str | None:
    body = {"resume": RESUME, "job_posting": POSTING, "language": "en"}
    for _ in range(TRIES):
        started = client.post("/v1/interviews", json={**body, "max_questions": questions}).json()
        if wait_job(client, started["job_id"])["status"] == "succeeded":
            return started["id"]
    return None


def answer(client: httpx.Client, interview_id: str, text: str) -> bool:
    pcm, rate = espeak.synthesize(text, "en")
    files = {"file": ("a.wav", audio_encode.encode(pcm, rate, "wav"), "audio/wav")}
    for _ in range(TRIES):
        sent = client.post(f"/v1/interviews/{interview_id}/answers", files=files)
        if wait_job(client, sent.json()["job_id"])["status"] == "succeeded":
            return True
    return False


def interview(client: httpx.Client, n: int, questions: int) -> dict:
    """One interview to its finish; the report job's outcome."""
    interview_id = start(client, questions)
    if interview_id is None:
        return {"n": n, "status": "start failed"}
    answered = sum(
        answer(client, interview_id, ANSWERS[(n + k) % len(ANSWERS)]) for k in range(questions)
    )
    sent_at = time.monotonic()
    finished = client.post(f"/v1/interviews/{interview_id}/finish")
    job = wait_job(client, finished.json()["job_id"])
    result = job["result"] or {}
    return {
        "n": n,
        "answered": answered,
        "http": finished.status_code,
        "status": job["status"],
        "source": result.get("source"),
        "score": result.get("overall_score"),
        "regenerations": job["timings"].get("regenerations"),
        "job_ms": job_ms(job),
        "client_ms": round((time.monotonic() - sent_at) * 1000),
        "error": (job["error"] or {}).get("code"),
        "summary": result.get("summary"),
    }


def drain(stream, log: Path | None) -> None:
    """Keep reading the stack's output (or its pipe fills and the stack blocks on a write)."""
    with open(log or "/dev/null", "w") as out:
        for line in stream:
            out.write(line)
            out.flush()


def run(models: str, interviews: int, questions: int, log: Path | None, show: bool) -> None:
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as data_dir:
        proc, base, key = dev_stack(models, Path(data_dir))
        threading.Thread(target=drain, args=(proc.stdout, log), daemon=True).start()
        try:
            headers = {"Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                rows = []
                for n in range(interviews):
                    rows.append(interview(client, n, questions))
                    row = {k: v for k, v in rows[-1].items() if show or k != "summary"}
                    print(row, flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report(models, rows, time.monotonic() - began)


def report(models: str, rows: list[dict], wall_s: float) -> None:
    done = [r for r in rows if r["status"] == "succeeded"]
    print(f"\nmodels: {models}; {len(rows)} interviews, wall time {wall_s:.0f} s")
    print(f"report on the first finish: {len(done)}/{len(rows)}")
    for source in ("model", "turns"):
        print(f"  source {source}: {sum(r['source'] == source for r in done)}")
    regenerations = [r["regenerations"] for r in done if r["regenerations"] is not None]
    if regenerations:
        counts = {k: regenerations.count(k) for k in sorted(set(regenerations))}
        print(f"regenerations per report job: {counts}")
    if done:
        ms = [r["job_ms"] for r in done]
        print(
            f"time per report (created to finished): median {statistics.median(ms):.0f} ms, "
            f"max {max(ms)} ms"
        )
    for r in rows:
        if r["status"] != "succeeded":
            print(f"  interview {r['n']}: {r['status']} {r.get('error') or ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="tiny", help="`tiny` (default) or a models folder")
    parser.add_argument("--interviews", type=int, default=10)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--log", type=Path, help="write the stack's output (gate reasons) here")
    parser.add_argument("--show", action="store_true", help="print each report's summary")
    args = parser.parse_args()
    run(args.models, args.interviews, args.questions, args.log, args.show)


if __name__ == "__main__":
    main()
