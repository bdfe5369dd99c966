"""What the OpenAI-compatible routes add over the job routes they adapt (no pass/fail).

    python bench/openai_overhead.py --base http://127.0.0.1:8000 --key KEY [--repeats 20]

Against a running stack (`rehearse dev --models synthetic` will do). Per capability, the median
wall time of one request through the official `openai` client, and of the anchor measured in
the same run: the same job through `POST /v1/jobs/...`, its SSE events to `done`, then
`GET /v1/jobs/{id}` — what the OpenAI route does inside. Requests alternate so that load
drifts hit both alike.
"""

import argparse
import statistics
import time
from collections.abc import Callable

import httpx
from openai import OpenAI

TEXTS = ["I rebuilt our Python API server.", "데이터베이스 인덱스를 다시 설계했습니다."]
MESSAGES = [{"role": "user", "content": "Introduce yourself."}]


def job_anchor(http: httpx.Client, route: str, body: dict) -> None:
    """Submit a job, follow its events to `done`, read its row."""
    job = http.post(f"/v1/jobs/{route}", json=body).raise_for_status().json()
    with http.stream("GET", f"/v1/jobs/{job['id']}/events") as events:
        for line in events.iter_lines():
            if line.startswith("event: done"):
                break
    http.get(f"/v1/jobs/{job['id']}").raise_for_status()


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    """Parse arguments, alternate the two paths per capability, print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    client = OpenAI(base_url=f"{args.base}/v1", api_key=args.key, max_retries=0)
    http = httpx.Client(
        base_url=args.base, headers={"Authorization": f"Bearer {args.key}"}, timeout=60
    )
    cases = {
        "embeddings (2 texts)": (
            lambda: client.embeddings.create(model="text-embedding-3-small", input=TEXTS),
            lambda: job_anchor(http, "embed", {"texts": TEXTS}),
        ),
        "chat (max_tokens 8)": (
            lambda: client.chat.completions.create(
                model="gpt-4o-mini", messages=MESSAGES, max_tokens=8, seed=1
            ),
            lambda: job_anchor(http, "chat", {"messages": MESSAGES, "max_tokens": 8, "seed": 1}),
        ),
    }
    print(f"{'capability':<22} {'openai ms':>10} {'job route ms':>13} {'ratio':>6}")
    for name, (openai_call, anchor_call) in cases.items():
        openai_call(), anchor_call()  # warm-up: model loads are not what is measured
        ours, anchor = [], []
        for _ in range(args.repeats):
            ours.append(timed(openai_call))
            anchor.append(timed(anchor_call))
        mine, base = statistics.median(ours), statistics.median(anchor)
        print(f"{name:<22} {mine:>10.1f} {base:>13.1f} {mine / base:>6.2f}")


if __name__ == "__main__":
    main()
