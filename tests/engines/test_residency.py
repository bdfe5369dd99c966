"""The residency manager in one process, with the real engines on synthetic models."""

import gc
import time

import psutil
import pytest

from rehearse.base.errors import JobError
from rehearse.engines.llama import LlamaEngine
from rehearse.engines.residency import ModelSpec, Residency, is_oom
from rehearse.engines.whisper import WhisperEngine


@pytest.fixture(scope="module")
def paths(models_env):
    from pathlib import Path

    root = Path(models_env["MODELS_DIR"])
    return {"whisper": root / "synthetic-whisper", "llm": root / "synthetic-llama.gguf"}


def make_specs(paths, pinned=(), sizes=None):
    sizes = sizes or {}
    whisper = lambda: WhisperEngine(paths["whisper"], beam_size=1, vad=False)  # noqa: E731
    llm = lambda: LlamaEngine(paths["llm"], n_ctx=512, n_gpu_layers=0)  # noqa: E731
    return [
        ModelSpec("whisper", whisper, sizes.get("whisper", 100), "whisper" in pinned),
        ModelSpec("whisper-b", whisper, sizes.get("whisper-b", 100), "whisper-b" in pinned),
        ModelSpec("llm", llm, sizes.get("llm", 100), "llm" in pinned),
    ]


def used(res: Residency, name: str):
    return res.call(name, lambda engine: None)[1]


def test_lru_evicts_the_least_recently_used(paths):
    res = Residency(make_specs(paths), budget_mb=200)
    used(res, "whisper")
    used(res, "llm")
    used(res, "whisper")  # now llm is the least recently used
    usage = used(res, "whisper-b")
    assert usage.model_loaded and usage.evicted == ["llm"]
    assert list(res.resident) == ["whisper", "whisper-b"]


def test_a_pinned_model_is_never_evicted(paths):
    res = Residency(make_specs(paths, pinned=("llm",)), budget_mb=200)
    used(res, "llm")
    used(res, "whisper")
    for name in ("whisper-b", "whisper", "whisper-b"):
        usage = used(res, name)
        assert "llm" not in usage.evicted
    assert "llm" in res.resident


def test_a_model_beyond_the_budget_fails_clearly_and_nothing_is_lost(paths):
    res = Residency(make_specs(paths, sizes={"llm": 900}), budget_mb=500)
    used(res, "whisper")
    with pytest.raises(JobError) as caught:
        used(res, "llm")
    assert caught.value.code == "model_exceeds_budget"
    assert list(res.resident) == ["whisper"]  # nothing evicted for a load that cannot happen


def test_no_room_beside_pinned_models_is_a_clear_error(paths):
    res = Residency(make_specs(paths, pinned=("whisper",)), budget_mb=150)
    used(res, "whisper")
    with pytest.raises(JobError) as caught:
        used(res, "llm")
    assert caught.value.code == "model_exceeds_budget"


def test_idle_models_expire_after_the_ttl(paths):
    res = Residency(make_specs(paths), budget_mb=1000, idle_ttl_s=0.2)
    used(res, "whisper")
    time.sleep(0.3)
    used(res, "llm")  # any use sweeps idle models first
    assert list(res.resident) == ["llm"]


def test_out_of_memory_during_load_evicts_everything_and_retries_once(paths):
    attempts = {"n": 0}

    class FlakyLoad(WhisperEngine):
        def load(self) -> None:
            attempts["n"] += 1
            if attempts["n"] == 1:
                raise RuntimeError("CUDA failed with error out of memory")
            super().load()

    specs = make_specs(paths)
    specs[0] = ModelSpec("whisper", lambda: FlakyLoad(paths["whisper"]), 100)
    res = Residency(specs, budget_mb=1000)
    used(res, "llm")
    usage = used(res, "whisper")
    assert attempts["n"] == 2
    assert usage.evicted == ["llm"] and usage.model_loaded


def test_out_of_memory_twice_fails_with_out_of_memory(paths):
    def engine():
        raise MemoryError("cannot allocate")

    res = Residency([ModelSpec("huge", engine, 10)], budget_mb=100)
    with pytest.raises(JobError) as caught:
        res.call("huge", lambda e: None)
    assert caught.value.code == "out_of_memory"


def test_oom_markers():
    assert is_oom(RuntimeError("CUDA failed with error out of memory"))
    assert is_oom(MemoryError())
    assert not is_oom(ValueError("bad input"))


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


@pytest.mark.parametrize("name", ["whisper", "llm"])
def test_eviction_gives_the_memory_back(paths, name):
    res = Residency(make_specs(paths), budget_mb=1000)
    used(res, name)  # warm-up: first loads keep one-off library state for good
    res.evict(name)
    before = rss_mb()
    used(res, name)
    loaded = rss_mb()
    res.evict(name)
    after = rss_mb()
    print(f"{name}: before {before:.1f} MiB, loaded {loaded:.1f} MiB, after {after:.1f} MiB")
    assert after - before < 3.0


def test_each_device_has_its_own_budget(paths):
    whisper, _, llm = make_specs(paths)
    whisper.device, llm.device = "cpu", "cuda"
    res = Residency([whisper, llm], budget_mb=150, cpu_budget_mb=150)
    used(res, "whisper")
    assert res.fits("llm")  # 100 on cuda beside 100 on cpu: two budgets of 150
    assert not used(res, "llm").evicted
    assert list(res.resident) == ["whisper", "llm"]


def test_a_measured_size_replaces_the_estimate_and_is_remembered(paths, tmp_path):
    from rehearse.engines.model_sizes import SizeBook, model_key

    book = SizeBook(tmp_path / "sizes.json")
    key = model_key("cpu", paths["llm"], "ctx=512")
    spec = ModelSpec("llm", make_specs(paths)[2].factory, 9999, device="cpu", key=key)
    res = Residency([spec], budget_mb=10_000, sizes=book)
    assert res.size_source("llm") == "estimated"
    used(res, "llm")
    assert res.size_source("llm") == "measured" and res.estimate_mb("llm") < 9999
    again = Residency([spec], budget_mb=10_000, sizes=SizeBook(tmp_path / "sizes.json"))
    assert again.size_source("llm") == "remembered"
    assert again.estimate_mb("llm") == book.get(key)
