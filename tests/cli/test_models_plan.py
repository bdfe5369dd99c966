"""`rehearse models plan` on the synthetic models: sizes, their source, the budget, the verdict."""

import json
import os
import subprocess
import sys
from pathlib import Path

from rehearse.base.settings import Settings
from rehearse.engines.catalog import specs
from tests.stack import ROOT


def plan(models_env: dict[str, str], sizes: Path, **settings: str) -> str:
    env = {**models_env, "MODEL_SIZES_FILE": str(sizes), "DEVICE": "cpu", **settings}
    done = subprocess.run(
        [sys.executable, "-m", "rehearse.cli.cli", "models", "plan"],
        env={**_base_env(), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _base_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.endswith("_MEMORY_MB")}


def test_unmeasured_models_are_estimated_from_their_files(models_env, tmp_path):
    out = plan(models_env, tmp_path / "sizes.json")
    assert "budget cpu: 5600 MiB" in out
    assert out.count("estimated from its files") == 2
    assert "whisper + llm fit together on cpu" in out


def test_a_measured_size_is_used_and_can_make_them_swap(models_env, tmp_path):
    sizes = tmp_path / "sizes.json"
    first = plan(models_env, sizes)
    whisper_mb = float(next(ln for ln in first.splitlines() if ln.startswith("whisper")).split()[2])
    settings = Settings(**{k.lower(): v for k, v in models_env.items()})
    llm_key = next(s.key for s in specs(settings, "cpu") if s.name == "llm")
    sizes.write_text(json.dumps({llm_key: 5000.0}))

    fits = plan(models_env, sizes)
    swaps = plan(models_env, sizes, GPU_MEMORY_BUDGET_MB="5000")

    assert "measured at an earlier load" in fits and "fit together on cpu" in fits
    assert f"do not fit together on cpu ({whisper_mb + 5000:.0f} > 5000 MiB)" in swaps


def test_a_fixed_figure_is_taken_as_is(models_env, tmp_path):
    out = plan(models_env, tmp_path / "sizes.json", LLM_MEMORY_MB="900", CPU_MEMORY_BUDGET_MB="800")
    assert "budget cpu: 800 MiB" in out
    assert "fixed by setting" in out
    assert "do not fit together on cpu" in out


def test_the_plan_says_which_jobs_go_first(models_env, tmp_path):
    by_class = plan(models_env, tmp_path / "sizes.json", BATCH_AGING_S="90")
    in_order = plan(models_env, tmp_path / "sizes.json", PRIORITIES="false")

    assert "live (interview steps) first, then interactive, then batch" in by_class
    assert "batch after 90 s" in by_class
    assert "arrival order on each queue (PRIORITIES=false)" in in_order
