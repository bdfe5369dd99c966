"""`rehearse demo`: one turn against a running stack with the bundled sample answer."""

import io
import subprocess
import sys

import av
import pytest

from tests.stack import free_port


def demo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rehearse.cli.cli", "demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("out", ["folder", "file"])
def test_demo_prints_the_turn_and_saves_the_spoken_question(
    api_base, api_key, gpu_worker, cpu_worker, stack_env, tmp_path, out
):
    target = tmp_path if out == "folder" else tmp_path / "new" / "question.mp3"
    result = demo(
        stack_env, "--url", api_base, "--key", api_key, "--out", str(target), "--timeout", "120"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    printed = result.stdout
    for marker in (
        "opening question:",
        "[stt] started",
        "[retrieve] done",
        "[llm] done",
        "[tts] done",
        "transcript:",
        "feedback:",
        "next question:",
    ):
        assert marker in printed, printed
    [saved] = list(tmp_path.glob("next-question-*")) if out == "folder" else [target]
    assert saved.is_file() and f"saved to {saved}" in printed
    with av.open(io.BytesIO(saved.read_bytes())) as container:
        assert sum(f.samples for f in container.decode(audio=0)) > 0


def test_demo_against_a_stopped_stack_names_the_url_and_the_fix(stack_env):
    url = f"http://127.0.0.1:{free_port()}"
    result = demo(stack_env, "--url", url, "--key", "rh_whatever")
    assert result.returncode != 0
    assert f"cannot reach the rehearse api at {url}" in result.stderr
    assert "make dev" in result.stderr and "--url" in result.stderr


def test_demo_with_a_bad_key_shows_the_apis_error(api_base, stack_env):
    result = demo(stack_env, "--url", api_base, "--key", "rh_not-a-key")
    assert result.returncode != 0
    assert "401 unauthorized: unknown or revoked API key" in result.stderr, result.stderr
