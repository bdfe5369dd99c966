"""`rehearse dev`: the whole stack from one command, and nothing left when it stops."""

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from common.embedded import unavailable_reason
from tests import audio
from tests.conftest import wait_job
from tests.readiness import wait_ready
from tests.stack import free_port


@pytest.mark.skipif(bool(unavailable_reason()), reason=f"embedded servers: {unavailable_reason()}")
def test_dev_serves_a_transcription_and_stops_every_child(tmp_path, models_env):
    data_dir = tmp_path / "dev"
    data_dir.mkdir()
    # Reuse the session's generated Whisper instead of generating it a second time.
    (data_dir / "models").symlink_to(models_env["MODELS_DIR"])
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "common.cli",
            "dev",
            "--port",
            str(port),
            "--models",
            "synthetic",
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        key = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, "".join(lines)
            lines.append(line)
            if match := re.match(r"API key: (\S+)", line):
                key = match.group(1)
            if line.startswith(f"Listening on http://127.0.0.1:{port}"):
                break
        assert key, "".join(lines)
        descendants = psutil.Process(proc.pid).children(recursive=True)
        assert len(descendants) >= 4  # redis, api, two workers (PostgreSQL daemonizes)

        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        ) as client:
            job = client.post(
                "/v1/jobs/transcribe", files={"file": ("a.wav", audio.tone_wav(), "audio/wav")}
            ).json()
            assert wait_job(client, job["id"], timeout=90)["status"] == "succeeded"
            # Ready once the cpu worker's processes have loaded BGE-M3 as well.
            wait_ready(f"http://127.0.0.1:{port}", timeout=120)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    assert proc.returncode == 0
    time.sleep(0.5)
    alive = [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [], [p.cmdline() for p in alive]
    # Servers that daemonize (PostgreSQL) are not descendants: find them by their data folder.
    leftovers = []
    for p in psutil.process_iter(["cmdline"]):
        if any(str(data_dir) in part for part in p.info["cmdline"] or []):
            leftovers.append(p.info["cmdline"])
    assert leftovers == []
