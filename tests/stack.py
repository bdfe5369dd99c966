"""Real service processes for tests: the api under uvicorn and Celery workers."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
from psycopg.conninfo import make_conninfo

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServiceProcess:
    """One `rehearse ...` subprocess with its log in a file, stopped with its whole group."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path) -> None:
        self.args, self.env, self.log_path = args, env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "ServiceProcess":
        self.log = open(self.log_path, "ab")  # noqa: SIM115  closed in stop()
        self._offset = self.log_path.stat().st_size
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rehearse.cli.cli", *self.args],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
        )
        return self

    def output(self) -> str:
        return self.log_path.read_bytes()[self._offset :].decode(errors="replace")

    def wait_for_output(self, marker: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.output():
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.args} exited:\n{self.output()[-4000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"{self.args}: no {marker!r} in {timeout} s:\n{self.output()[-4000:]}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group, as a crash would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.log.close()

    def stop(self, timeout: float = 15) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.log.close()


def rehearse(env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """One `rehearse ...` command run to its end, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "rehearse.cli.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def worker(kind: str, env: dict[str, str], log_dir: Path) -> ServiceProcess:
    """A started Celery worker of `kind`, ready to consume."""
    proc = ServiceProcess(["worker", kind], env, log_dir / f"worker-{kind}.log").start()
    proc.wait_for_output(" ready.")
    return proc


def api(env: dict[str, str], log_dir: Path) -> tuple[ServiceProcess, str]:
    """A started api; returns it with its base URL."""
    port = free_port()
    proc = ServiceProcess(
        ["api", "--host", "127.0.0.1", "--port", str(port)], env, log_dir / "api.log"
    ).start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if not proc.alive():
            raise RuntimeError(proc.output())
        time.sleep(0.1)
    raise TimeoutError(proc.output())


class WorkerHandle:
    """The session's worker of one kind, which a test may kill or restart with other settings."""

    def __init__(self, kind: str, env: dict[str, str], log_dir: Path) -> None:
        self.kind, self.env, self.log_dir = kind, env, log_dir
        self.proc = worker(kind, env, log_dir)
        self.overrides: dict[str, str] = {}

    def kill(self) -> None:
        self.proc.kill()

    def restart(self, **overrides: str) -> None:
        """Stop (if alive) and start again with these settings on top of the session's."""
        if self.proc.alive():
            self.proc.stop()
        self.overrides = overrides
        self.proc = worker(self.kind, {**self.env, **overrides}, self.log_dir)

    def restore(self) -> None:
        """Back on the session's settings, and alive, for the next test."""
        if self.overrides or not self.proc.alive():
            self.restart()

    def output(self) -> str:
        return self.proc.output()

    def stop(self) -> None:
        self.proc.stop()


@contextlib.contextmanager
def own_database(database_url: str, prefix: str) -> Iterator[str]:
    """A fresh, migrated database on the session's server, dropped afterwards.

    A second stack beside the session's needs one: workers reconcile every unfinished job in
    their database against their own Redis, so two stacks sharing a database would re-send
    each other's jobs.
    """
    from rehearse.storage.migrate import migrate

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    database = make_conninfo(database_url, dbname=name)
    migrate(database)
    try:
        yield database
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
