"""Model swaps under the residency manager: load and evict times, memory before/after.

    python bench/residency_swap.py [--models DIR] [--rounds 5]

Without --models it generates the synthetic models into a temp folder. With a folder of real
models (`rehearse models pull`), it reads that folder's profile.env for the file names. Prints
medians; no pass/fail. On CUDA, the memory column is NVML's reading of the GPU.
"""

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path

import psutil

from rehearse.base.settings import Settings
from rehearse.cli.models_pull import read_profile_env
from rehearse.engines.catalog import LLM, WHISPER, specs
from rehearse.engines.memory_meter import nvml_meter, resolve_device
from rehearse.engines.residency import Residency


def memory_mb(meter) -> float:
    gc.collect()
    if meter:
        return meter.used_mb()
    return psutil.Process().memory_info().rss / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="models folder (default: synthetic, generated)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    if args.models:
        env = {"models_dir": Path(args.models)} | {
            k.lower(): v for k, v in read_profile_env(Path(args.models)).items()
        }
    else:
        from rehearse.cli.synthetic import write_models

        folder = Path(tempfile.mkdtemp(prefix="rehearse-bench-"))
        env = {k.lower(): v for k, v in write_models(folder, ("whisper", "llama")).items()}
    settings = Settings(**env, whisper_memory_mb=100, llm_memory_mb=100)
    device = resolve_device(settings.device)
    meter = nvml_meter(device)
    # A budget for one model: every use swaps.
    residency = Residency(specs(settings, device), budget_mb=150, meter=meter)
    loads: dict[str, list[float]] = {WHISPER: [], LLM: []}
    evicts: dict[str, list[float]] = {WHISPER: [], LLM: []}
    for name in (WHISPER, LLM):  # warm-up: first loads keep one-off library state for good
        residency.call(name, lambda engine: None)
        residency.evict(name)
    baseline = memory_mb(meter)
    peaks: dict[str, list[float]] = {WHISPER: [], LLM: []}
    for _ in range(args.rounds):
        for name in (WHISPER, LLM):
            _, usage = residency.call(name, lambda engine: None)
            loads[name].append(usage.load_ms)
            peaks[name].append(memory_mb(meter) - baseline)
            started = time.perf_counter()
            residency.evict(name)
            evicts[name].append((time.perf_counter() - started) * 1000)
    after = memory_mb(meter) - baseline
    print(f"device {device}; memory measured as {'GPU (NVML)' if meter else 'process RSS'}")
    print(f"{'model':8} {'load ms':>9} {'evict ms':>9} {'loaded +MiB':>12}")
    for name in (WHISPER, LLM):
        print(
            f"{name:8} {statistics.median(loads[name]):9.1f} "
            f"{statistics.median(evicts[name]):9.1f} {statistics.median(peaks[name]):12.1f}"
        )
    print(f"after {args.rounds} rounds with everything evicted: {after:+.1f} MiB vs baseline")


if __name__ == "__main__":
    main()
