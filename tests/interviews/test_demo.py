"""`rehearse demo`: one turn against a running stack with the bundled sample answer."""

import io
import subprocess
import sys

import av


def test_demo_prints_the_turn_and_saves_the_spoken_question(
    api_base, api_key, gpu_worker, cpu_worker, stack_env, tmp_path
):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "common.cli",
            "demo",
            "--url",
            api_base,
            "--key",
            api_key,
            "--out",
            str(tmp_path),
            "--timeout",
            "120",
        ],
        env=stack_env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
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
        assert marker in out, out
    saved = list(tmp_path.glob("next-question-*"))
    assert len(saved) == 1 and str(saved[0]) in out
    with av.open(io.BytesIO(saved[0].read_bytes())) as container:
        assert sum(f.samples for f in container.decode(audio=0)) > 0
