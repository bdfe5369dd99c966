"""`rehearse models pull` and `make dev`'s first-run pull, as seen without network (as in CI)."""

import os
import subprocess
import sys
import time

import pytest

from rehearse.base.settings import Settings
from rehearse.cli.models_pull import PROFILES, hub_unreachable, read_profile_env

OFFLINE = hub_unreachable()


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rehearse.cli.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_profiles_name_exact_repos_files_and_known_settings():
    fields = {name.upper() for name in Settings.model_fields}
    for profile in PROFILES.values():
        assert profile.downloads
        for item in profile.downloads:
            assert "/" in item.repo and item.target
        assert set(profile.env) <= fields
        assert {"WHISPER_MODEL", "LLM_MODEL", "EMBED_MODEL"} <= set(profile.env)
    assert PROFILES["6gb"].env["LLM_MODEL"] == "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf"
    assert PROFILES["6gb"].env["WHISPER_MODEL"] == "faster-whisper-small"


@pytest.mark.skipif(not OFFLINE, reason="this machine reaches the hub: the offline path is moot")
def test_pull_without_network_fails_fast_and_points_at_synthetic(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    started = time.monotonic()
    result = run("models", "pull", "--profile", "small", "--dir", str(tmp_path), env=env)
    assert result.returncode == 2
    assert time.monotonic() - started < 30
    assert "make dev MODELS=synthetic" in result.stderr
    assert "Qwen/Qwen2.5-1.5B-Instruct-GGUF" in result.stdout  # says what it would download
    assert str(tmp_path) in result.stdout
    assert read_profile_env(tmp_path) == {}


@pytest.mark.skipif(not OFFLINE, reason="this machine reaches the hub: the offline path is moot")
def test_dev_with_an_empty_models_folder_fails_before_starting_anything(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "REDIS_URL")}
    result = run(
        "dev",
        "--models",
        str(tmp_path / "models"),
        "--pull",
        "small",
        "--data-dir",
        str(tmp_path / "dev"),
        env=env,
    )
    assert result.returncode == 2
    assert "make dev MODELS=synthetic" in result.stderr
    assert not (tmp_path / "dev" / "redis").exists()
