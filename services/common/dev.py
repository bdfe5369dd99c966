"""`rehearse dev`: the whole stack on one machine, no Docker; every child stopped on exit."""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, suppress
from pathlib import Path

from common.api_keys import create_key, owner_of
from common.migrate import migrate
from common.settings import get_settings

_STOP_GRACE_S = 10.0


def _start_servers(stack: ExitStack, data_dir: Path, env: dict[str, str]) -> None:
    """Embedded Redis and PostgreSQL unless REDIS_URL / DATABASE_URL point elsewhere."""
    if "REDIS_URL" in os.environ and "DATABASE_URL" in os.environ:
        return
    from common.embedded import EmbeddedPostgres, EmbeddedRedis, unavailable_reason

    reason = unavailable_reason()
    if reason:
        raise SystemExit(f"embedded servers unavailable ({reason}); set REDIS_URL and DATABASE_URL")
    if "REDIS_URL" not in os.environ:
        redis_server = EmbeddedRedis(data_dir / "redis", appendonly=True)
        env["REDIS_URL"] = redis_server.start()
        stack.callback(redis_server.stop)
    if "DATABASE_URL" not in os.environ:
        postgres = EmbeddedPostgres(data_dir / "postgres")
        env["DATABASE_URL"] = postgres.start()
        stack.callback(postgres.stop)


def _models_env(models: str | None, data_dir: Path, pull_profile: str | None) -> dict[str, str]:
    """Settings for the chosen models; pulls a profile first when the folder has none."""
    if models == "synthetic":
        from common.synthetic import write_models

        print("generating synthetic models (tiny, random weights)...", flush=True)
        return write_models(data_dir / "models")
    from common.models_pull import pull, read_profile_env

    if models == "tiny":
        models, pull_profile = str(data_dir / "models-tiny"), "tiny"
    folder = Path(models).resolve() if models else get_settings().models_dir
    found = read_profile_env(folder)
    if not found and pull_profile:
        print(f"{folder} has no models yet; pulling the `{pull_profile}` profile", flush=True)
        if pull(pull_profile, folder) != 0:
            raise SystemExit(2)
        found = read_profile_env(folder)
    return {"MODELS_DIR": str(folder), **found}


def _dev_key(database_url: str, data_dir: Path) -> str:
    """The dev key kept in the data folder, created on first run (only its hash is in the db)."""
    import psycopg
    from psycopg.rows import dict_row

    path = data_dir / "api_key"
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        if path.exists() and owner_of(conn, path.read_text().strip()):
            return path.read_text().strip()
        _, key = create_key(conn, "dev")
    path.write_text(key)
    path.chmod(0o600)
    return key


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Own session: stopping the group reaches the children Celery and uvicorn start.
    return subprocess.Popen(
        [sys.executable, "-m", "common.cli", *args], env=env, start_new_session=True
    )


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + _STOP_GRACE_S
    for proc in procs:
        with suppress(subprocess.TimeoutExpired):
            proc.wait(max(deadline - time.monotonic(), 0.1))
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # stragglers, and grandchildren of exited ones
        proc.wait()


def _wait_listening(port: int, procs: list[subprocess.Popen], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise SystemExit("a service exited during start-up")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the api did not answer on port {port} within {timeout:.0f} s")


def run_dev(port: int, models: str | None, data_dir: Path, pull_profile: str | None = None) -> int:
    """Start servers, migrate, start api + gpu worker + cpu worker; stop all on SIGINT/SIGTERM."""
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    stopping = {"signal": 0}

    def on_signal(signum: int, frame: object) -> None:
        stopping["signal"] = signum

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    procs: list[subprocess.Popen] = []
    with ExitStack() as stack:
        env = dict(os.environ)
        env.update(_models_env(models, data_dir, pull_profile))
        _start_servers(stack, data_dir, env)
        env["API_PORT"] = str(port)
        migrate(env["DATABASE_URL"])
        key = _dev_key(env["DATABASE_URL"], data_dir)
        stack.callback(_stop, procs)
        procs.append(_spawn(["api", "--host", "127.0.0.1", "--port", str(port)], env))
        procs.append(_spawn(["worker", "gpu"], env))
        procs.append(_spawn(["worker", "cpu"], env))
        _wait_listening(port, procs)
        print(f"API key: {key}", flush=True)
        print(f"Listening on http://127.0.0.1:{port}", flush=True)
        while not stopping["signal"]:
            if any(p.poll() is not None for p in procs):
                print("a service exited; stopping the stack", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.2)
        print("stopping...", flush=True)
    return 0
