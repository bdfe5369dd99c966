"""`rehearse dev`: the whole stack on one machine, no Docker; every child stopped on exit."""

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, suppress
from pathlib import Path

from rehearse.base.log_config import redact
from rehearse.base.settings import Settings, get_settings
from rehearse.cli.invite_cli import mint_url
from rehearse.storage.api_keys import create_key, owner_of
from rehearse.storage.migrate import migrate

_STOP_GRACE_S = 10.0
_SERVER_URLS = ("DATABASE_URL", "REDIS_URL")


def read_env_file(path: Path) -> dict[str, str]:
    """The NAME=value lines of an env file written by write_env_file (empty if none)."""
    if not path.is_file():
        return {}
    lines = [line for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return dict(shlex.split(line)[0].split("=", 1) for line in lines)


def write_env_file(path: Path, values: dict[str, str]) -> None:
    """A file a shell loads with `set -a; . FILE; set +a`; only its owner may read it."""
    header = "# rehearse dev: valid while it runs; rewritten at each start.\n"
    path.write_text(header + "".join(f"{k}={shlex.quote(v)}\n" for k, v in values.items()))
    path.chmod(0o600)


def _own_urls_dropped(env: dict[str, str], data_dir: Path) -> None:
    """Forget server URLs that an earlier run of this data folder wrote: they are dead now."""
    earlier = read_env_file(data_dir / "env")
    for name in _SERVER_URLS:
        if name in env and env[name] == earlier.get(name):
            del env[name]


def _start_servers(stack: ExitStack, data_dir: Path, env: dict[str, str]) -> None:
    """Embedded Redis and PostgreSQL unless REDIS_URL / DATABASE_URL point elsewhere."""
    if "REDIS_URL" in env and "DATABASE_URL" in env:
        return
    from rehearse.cli.embedded import EmbeddedPostgres, EmbeddedRedis, unavailable_reason

    reason = unavailable_reason()
    if reason:
        raise SystemExit(f"embedded servers unavailable ({reason}); set REDIS_URL and DATABASE_URL")
    if "REDIS_URL" not in env:
        redis_server = EmbeddedRedis(data_dir / "redis", appendonly=True)
        env["REDIS_URL"] = redis_server.start()
        stack.callback(redis_server.stop)
    if "DATABASE_URL" not in env:
        postgres = EmbeddedPostgres(data_dir / "postgres")
        env["DATABASE_URL"] = postgres.start()
        stack.callback(postgres.stop)


def _models_env(models: str | None, data_dir: Path, pull_profile: str | None) -> dict[str, str]:
    """Settings for the chosen models; pulls a profile first when the folder has none."""
    if models == "synthetic":
        from rehearse.cli.synthetic import write_models

        print("generating synthetic models (tiny, random weights)...", flush=True)
        # Its Whisper says "synthetic speech" per 30 s window: an answer past 90 s reads as a
        # phrase looping, which the transcript check refuses (`unclear_audio`). Off here, so a
        # long answer works in the browser; the test stack keeps it on (its answers are short).
        return {**write_models(data_dir / "models"), "TRANSCRIPT_CHECK": "false"}
    from rehearse.cli.models_pull import pull, read_profile_env

    if models == "tiny":
        models, pull_profile = str(data_dir / "models-tiny"), "tiny"
    folder = Path(models).resolve() if models else get_settings().models_dir
    found = read_profile_env(folder)
    if not found and pull_profile:
        print(f"{folder} has no models yet; pulling the `{pull_profile}` profile", flush=True)
        if pull(pull_profile, folder, how_to_use=False) != 0:
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
    # Own session: stopping the group reaches the children Celery and uvicorn start. --quiet:
    # no banners or start-up chatter; the ready block below says what runs and where.
    return subprocess.Popen(
        [sys.executable, "-m", "rehearse.cli.cli", *args, "--quiet"],
        env=env,
        start_new_session=True,
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


def _answered(url: str, procs: list[subprocess.Popen], timeout: float, each_s: float) -> bool:
    """Whether `url` answers 2xx within `timeout` (each try bounded by `each_s`); a service that
    exits meanwhile ends the start-up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise SystemExit("a service exited during start-up")
        try:
            urllib.request.urlopen(url, timeout=each_s).read()
            return True
        except OSError:  # refused, or an error status (HTTPError is an OSError): not yet
            time.sleep(0.2)
    return False


def _wait_listening(port: int, procs: list[subprocess.Popen], timeout: float = 60) -> None:
    if not _answered(f"http://127.0.0.1:{port}/healthz", procs, timeout, each_s=1):
        raise SystemExit(f"the api did not answer on port {port} within {timeout:.0f} s")


def _wait_ready(port: int, procs: list[subprocess.Popen], timeout: float) -> None:
    """Until /readyz says every pool has a worker with its models loaded (or the time is up)."""
    url = f"http://127.0.0.1:{port}/readyz"
    if not _answered(url, procs, timeout, each_s=5):  # 503 until the workers have loaded
        print(f"workers still loading after {timeout:.0f} s (see {url}); jobs wait for them")


def _what_runs(env: dict[str, str], gpu_workers: int = 1) -> str:
    """One line: the processes and the models each serves, from the settings they start with."""
    settings = Settings(**{k.lower(): v for k, v in env.items() if k.isupper()})
    workers = "a gpu worker" if gpu_workers == 1 else f"{gpu_workers} gpu workers"
    return (
        f"Ready: the api, {workers} ({settings.whisper_model}, {settings.llm_model}, speech) "
        f"and a cpu worker ({settings.embed_model}), models in {settings.models_dir}"
    )


def _announce_env(data_dir: Path, env: dict[str, str], key: str, port: int) -> None:
    """Say where the servers are, and how another shell reaches them (`rehearse keys create`)."""
    path = data_dir / "env"
    values = {name: env[name] for name in _SERVER_URLS}
    values |= {"REHEARSE_API_URL": f"http://127.0.0.1:{port}", "REHEARSE_API_KEY": key}
    write_env_file(path, values)
    for name in _SERVER_URLS:
        print(f"{name}={redact(env[name])}")
    shown = os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
    print(
        f"In another shell, these (and the key) are one line away:\n"
        f"  set -a; . {shown}; set +a\n  rehearse keys create NAME",
        flush=True,
    )


def run_dev(
    port: int,
    models: str | None,
    data_dir: Path,
    pull_profile: str | None = None,
    gpu_workers: int = 1,
) -> int:
    """Start servers, migrate, start api + gpu worker(s) + cpu worker; stop all on a signal.

    `gpu_workers` > 1 runs that many solo gpu workers, each with its own models, as one per
    card would (docs/operations.md); on one card they share its memory, so it is for trying
    scale-out on CPU or a card with room for several copies."""
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
        _own_urls_dropped(env, data_dir)
        _start_servers(stack, data_dir, env)
        env["API_PORT"] = str(port)
        migrate(env["DATABASE_URL"])
        key = _dev_key(env["DATABASE_URL"], data_dir)
        stack.callback(_stop, procs)
        procs.append(_spawn(["api", "--host", "127.0.0.1", "--port", str(port)], env))
        for index in range(gpu_workers):
            # Each a node of its own: two workers with one name would take each other's jobs
            # back as their own after a restart (WORKER_NAME).
            name = f"gpu{index + 1}@{socket.gethostname()}"
            named = {"WORKER_NAME": name} if gpu_workers > 1 else {}
            procs.append(_spawn(["worker", "gpu"], {**env, **named}))
        procs.append(_spawn(["worker", "cpu"], env))
        _wait_listening(port, procs)
        _wait_ready(port, procs, timeout=180)
        print(_what_runs(env, gpu_workers), flush=True)
        print(f"API key: {key}", flush=True)
        print(f"Listening on http://127.0.0.1:{port}", flush=True)
        invite = mint_url(env["DATABASE_URL"], key, f"http://127.0.0.1:{port}")
        print(f"Web client (an invite for 1 day; more: rehearse invite): {invite}", flush=True)
        _announce_env(data_dir, env, key, port)
        print("Ctrl-C stops everything.", flush=True)
        while not stopping["signal"]:
            if any(p.poll() is not None for p in procs):
                print("a service exited; stopping the stack", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.2)
        print("stopping...", flush=True)
    return 0
