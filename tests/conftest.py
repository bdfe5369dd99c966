"""Session fixtures: real Redis, PostgreSQL + pgvector, api and worker processes."""

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from tests import servers, stack


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("rehearse")


@pytest.fixture(scope="session")
def service_urls(tmp_root: Path) -> Iterator[tuple[str, str]]:
    """(redis_url, database_url) with migrations applied."""
    from rehearse.storage.migrate import migrate

    with servers.services(tmp_root / "servers") as (redis_url, database_url):
        migrate(database_url)
        yield redis_url, database_url


@pytest.fixture(scope="session")
def models_env(tmp_root: Path) -> dict[str, str]:
    from rehearse.cli.synthetic import write_models

    return write_models(tmp_root / "models")


@pytest.fixture(scope="session")
def stack_env(
    service_urls: tuple[str, str], models_env: dict[str, str], tmp_root: Path
) -> dict[str, str]:
    """The environment every service process of the test stack gets (and this process too)."""
    redis_url, database_url = service_urls
    env = {
        **os.environ,
        **models_env,
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url,
        "MAX_UPLOAD_MB": "2",
        # Short enough for a crash test to watch Celery redeliver, still above the time limit.
        "JOB_TIME_LIMIT_S": "60",
        "VISIBILITY_TIMEOUT_S": "90",
        "RESTORE_INTERVAL_S": "1",
        "RECONCILE_INTERVAL_S": "2",
        "RECONCILE_GRACE_S": "3",
        "RECONCILE_CONFIRM_S": "8",
        # Only artifacts a test backdates are that old; the timer then removes them at once.
        "ARTIFACT_RETENTION_DAYS": "30",
        "HOUSEKEEPING_INTERVAL_S": "1",
        "CPU_CONCURRENCY": "1",
        # Sizes measured by this run only: one in the user's cache would carry over runs.
        "MODEL_SIZES_FILE": str(tmp_root / "model-sizes.json"),
        "HF_HUB_OFFLINE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    from rehearse.base.settings import get_settings

    get_settings.cache_clear()
    return env


@pytest.fixture(scope="session")
def log_dir(tmp_root: Path) -> Path:
    path = tmp_root / "logs"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def api_base(stack_env: dict[str, str], log_dir: Path) -> Iterator[str]:
    proc, base = stack.api(stack_env, log_dir)
    yield base
    proc.stop()


@pytest.fixture(scope="session")
def gpu_worker_session(stack_env: dict[str, str], log_dir: Path) -> Iterator[stack.WorkerHandle]:
    handle = stack.WorkerHandle("gpu", stack_env, log_dir)
    yield handle
    handle.stop()


@pytest.fixture
def gpu_worker(gpu_worker_session: stack.WorkerHandle) -> Iterator[stack.WorkerHandle]:
    """The session's gpu worker, back on the session's settings (and alive) after each test."""
    yield gpu_worker_session
    gpu_worker_session.restore()


@pytest.fixture(scope="session")
def cpu_worker_session(stack_env: dict[str, str], log_dir: Path) -> Iterator[stack.WorkerHandle]:
    handle = stack.WorkerHandle("cpu", stack_env, log_dir)
    yield handle
    handle.stop()


@pytest.fixture
def cpu_worker(cpu_worker_session: stack.WorkerHandle) -> Iterator[stack.WorkerHandle]:
    """The session's cpu worker, back on the session's settings (and alive) after each test."""
    yield cpu_worker_session
    cpu_worker_session.restore()


@pytest.fixture(scope="module")
def no_workers(
    gpu_worker_session: stack.WorkerHandle, cpu_worker_session: stack.WorkerHandle
) -> Iterator[None]:
    """No worker for this module's tests (a job stays queued), both back after them."""
    for handle in (gpu_worker_session, cpu_worker_session):
        if handle.proc.alive():
            handle.kill()
    yield
    for handle in (gpu_worker_session, cpu_worker_session):
        handle.restore()


@pytest.fixture
def db(service_urls: tuple[str, str]) -> Iterator[psycopg.Connection]:
    """A connection of this test's own (a fault test may restart the server under it)."""
    with psycopg.connect(service_urls[1], row_factory=dict_row, autocommit=True) as conn:
        yield conn


def make_key(database_url: str, name: str) -> str:
    from rehearse.storage.api_keys import create_key

    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return create_key(conn, name)[1]


@pytest.fixture(scope="session")
def api_key(service_urls: tuple[str, str]) -> str:
    return make_key(service_urls[1], "tests")


@pytest.fixture(scope="session")
def client(api_base: str, api_key: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=api_base, headers={"Authorization": f"Bearer {api_key}"}, timeout=30
    ) as c:
        yield c


@pytest.fixture(scope="session")
def other_client(api_base: str, service_urls: tuple[str, str]) -> Iterator[httpx.Client]:
    key = make_key(service_urls[1], "someone-else")
    with httpx.Client(base_url=api_base, headers={"Authorization": f"Bearer {key}"}) as c:
        yield c


def wait_job(client: httpx.Client, job_id: str, timeout: float = 60) -> dict[str, Any]:
    """Poll a job until it finishes; returns its final JSON."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(f"/v1/jobs/{job_id}")
        if response.status_code == 503:  # a fault test's outage: ask again
            time.sleep(0.5)
            continue
        job = response.json()
        if job["status"] in ("succeeded", "failed", "canceled"):
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} still {job['status']} after {timeout} s")


@pytest.fixture
def embedded() -> dict[str, Any]:
    """The session's embedded Redis and PostgreSQL, for tests that kill and restart them."""
    if set(servers.EMBEDDED) != {"redis", "postgres"}:
        pytest.skip("fault test needs the embedded servers: REDIS_URL/DATABASE_URL or Docker given")
    return servers.EMBEDDED
