"""`rehearse dev`: the whole stack from one command, and nothing left when it stops."""

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from rehearse.cli.embedded import unavailable_reason
from tests import audio
from tests.conftest import wait_job
from tests.readiness import wait_ready
from tests.stack import free_port


def newcomer_key(env_file, env: dict[str, str]) -> str:
    """`rehearse keys create` in a shell that loaded dev's env file, as the README says."""
    script = (
        f"set -a; . {env_file}; set +a; {sys.executable} -m rehearse.cli.cli keys create newcomer"
    )
    result = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()[-1]


def test_keys_create_without_a_database_says_where_it_looked_at_once(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgresql://me:hunter2@127.0.0.1:9/x"}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "rehearse.cli.cli", "keys", "create", "someone"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert time.monotonic() - started < 15
    assert "cannot reach PostgreSQL at postgresql://me:***@127.0.0.1:9/x" in result.stderr
    assert "hunter2" not in result.stderr and ".rehearse/env" in result.stderr


@pytest.mark.skipif(bool(unavailable_reason()), reason=f"embedded servers: {unavailable_reason()}")
def test_dev_serves_a_transcription_and_stops_every_child(tmp_path, models_env):
    data_dir = tmp_path / "dev"
    data_dir.mkdir()
    # Reuse the session's generated Whisper instead of generating it a second time.
    (data_dir / "models").symlink_to(models_env["MODELS_DIR"])
    # An env file of an earlier run, loaded in this shell: its dead URLs are dev's own, not ours.
    stale = {
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:9/x",
        "REDIS_URL": "redis://127.0.0.1:9/0",
    }
    (data_dir / "env").write_text("".join(f"{k}={v}\n" for k, v in stale.items()))
    env = {**os.environ, **stale}
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rehearse.cli.cli",
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
        start_up = "".join(lines)
        # What runs and where, once everything is ready; no banners, root or pull notices.
        assert re.search(r"^Ready: the api, a gpu worker \(synthetic-whisper, ", start_up, re.M)
        assert start_up.index("Ready:") < start_up.index("API key:"), start_up
        for noise in ("SecurityWarning", "[queues]", "Press CTRL+C", "done: use", "GET /readyz"):
            assert noise not in start_up, start_up
        while "rehearse keys create" not in lines[-1] and time.monotonic() < deadline:
            lines.append(proc.stdout.readline())
        printed = "".join(lines)
        assert re.search(r"^DATABASE_URL=postgresql://\S+@127\.0\.0\.1:\d+/", printed, re.M)
        assert re.search(r"^REDIS_URL=redis://127\.0\.0\.1:\d+/", printed, re.M)
        assert f"set -a; . {data_dir / 'env'}; set +a" in printed, printed
        assert "rehearse keys create" in printed
        assert (data_dir / "env").stat().st_mode & 0o777 == 0o600
        newcomer = newcomer_key(data_dir / "env", env)
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
            ready = client.get("/readyz")
            assert ready.status_code == 200, ready.text
            # The printed invite opens the web client, served with no extra step.
            invite = re.search(r"^Web client .*: (\S+)#invite=(\S+)$", printed, re.M)
            assert invite, printed
            assert 'data-testid="setup-form"' in httpx.get(invite.group(1)).text
            scoped = {"Authorization": f"Bearer {invite.group(2)}"}
            assert client.get("/v1/invites/current", headers=scoped).status_code == 200
            # The key made from another shell with the env file works against the same stack.
            mine = client.get(
                f"/v1/jobs/{job['id']}", headers={"Authorization": f"Bearer {newcomer}"}
            )
            assert mine.status_code == 404  # a valid key that does not own the job
            bad = client.get(f"/v1/jobs/{job['id']}", headers={"Authorization": "Bearer rh_x"})
            assert bad.status_code == 401
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


@pytest.mark.parametrize(
    ("models", "expected"),
    [
        ("tiny", "rehearse dev --port 8000 --models tiny"),
        ("synthetic", "rehearse dev --port 8000 --models synthetic"),
        ("/srv/models", "rehearse dev --port 8000 --models /srv/models --pull small"),
    ],
)
def test_make_dev_names_the_profile_it_pulls(models, expected):
    root = Path(__file__).resolve().parents[2]
    shown = subprocess.run(
        ["make", "-n", "-C", str(root), "dev", f"MODELS={models}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (command,) = [line for line in shown.splitlines() if "rehearse dev" in line]
    assert command.endswith(expected), command
