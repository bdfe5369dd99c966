"""BGE-M3 embedding throughput on the CPU: texts/s at batch 1 vs larger batches (no pass/fail).

    python bench/embed_throughput.py [--model DIR] [--batches 1,8,32] [--texts 32] [--repeats 5]

Without --model it generates the synthetic bge-m3 into a temporary folder. Two corpora, half
Korean: "query" (one sentence, like search/interview queries) and "chunk" (a few hundred
tokens, lengths varied, like document ingestion). On a busy machine try --threads 1: torch's
thread pool waits on descheduled threads and per-call latency swings wildly.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before anything imports huggingface_hub

from rehearse.engines.bge_m3 import BGEM3Engine  # torch loads only in load()

EN = "I led the backend team that rebuilt our Python API server and cut p95 latency by 40%. "
KO = "저는 데이터베이스 인덱스를 다시 설계해서 검색 성능 문제를 해결한 경험이 있습니다. "


def corpus(n: int, kind: str) -> list[str]:
    """n distinct texts alternating English and Korean: one sentence (query) or a chunk."""
    texts = []
    for i in range(n):
        base = EN if i % 2 == 0 else KO
        texts.append(f"[{i}] " + (base if kind == "query" else base * (4 + i % 5)))
    return texts


def folder_mb(path: Path) -> float:
    """Size of the model folder on disk in MiB."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def main() -> None:
    """Parse arguments, load the model once, print one line per batch size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="bge-m3 folder (default: synthetic)")
    parser.add_argument("--batches", default="1,8,32", help="comma-separated batch sizes")
    parser.add_argument("--texts", type=int, default=32, help="texts embedded per repeat")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--kinds", default="query,chunk", help="text lengths: query, chunk")
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's)")
    args = parser.parse_args()

    import torch

    with tempfile.TemporaryDirectory() as tmp:
        path = args.model
        if path is None:
            from rehearse.cli.synthetic import bge_m3

            started = time.perf_counter()
            path = bge_m3.write(Path(tmp))
            print(f"synthetic model written in {time.perf_counter() - started:.1f} s")
        engine = BGEM3Engine(path, num_threads=args.threads)
        engine.load()
        print(
            f"model {path} ({folder_mb(path):.1f} MiB), load {engine.load_ms:.0f} ms, "
            f"torch threads {torch.get_num_threads()}"
        )
        for kind in args.kinds.split(","):
            run(engine, corpus(args.texts, kind), kind, args.batches, args.repeats)


def run(engine: BGEM3Engine, texts: list[str], kind: str, batches: str, repeats: int) -> None:
    """Embed `texts` in groups of each batch size; print the median texts/s."""
    tokens = statistics.median(engine.count_tokens(t) for t in texts)
    print(f"{kind}: {len(texts)} texts, median {tokens:.0f} tokens")
    engine.encode(texts[:2])  # warm-up: the first call allocates
    base = None
    for batch in [int(b) for b in batches.split(",")]:
        engine.batch_size = batch
        rates = []
        for _ in range(repeats):
            started = time.perf_counter()
            for i in range(0, len(texts), batch):
                engine.encode(texts[i : i + batch])
            rates.append(len(texts) / (time.perf_counter() - started))
        rate = statistics.median(rates)
        base = base or rate
        print(f"  batch {batch:>3}: {rate:8.1f} texts/s (median of {repeats}), x{rate / base:.2f}")


if __name__ == "__main__":
    main()
