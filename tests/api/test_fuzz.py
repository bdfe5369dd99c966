"""A bounded schemathesis run over /openapi.json, with a Bearer key, finds no 5xx.

It runs against a real api process on a database and a Redis database of its own: the jobs
it queues reach no worker, and no other test sees them. Excluded: `/v1/search`, which waits
for a cpu worker's query embedding and so answers 503 by design without one, and `/readyz`,
which answers 503 while no worker is present.
"""

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests import stack
from tests.conftest import make_key

SEED = 20261129
EXAMPLES = 10  # per operation in the fuzzing phase; coverage adds its own boundary cases
EXCLUDED = ("/v1/search", "/readyz")


@pytest.fixture(scope="module")
def fuzz_api(service_urls, stack_env, log_dir: Path) -> Iterator[tuple[str, str]]:
    """(base URL, key) of an api on a fresh database and Redis database 15."""
    redis_url, database_url = service_urls
    broker = redis_url.rsplit("/", 1)[0] + "/15"
    with stack.own_database(database_url, "fuzz") as database:
        env = {**stack_env, "DATABASE_URL": database, "REDIS_URL": broker, "SEARCH_TIMEOUT_S": "1"}
        # Its jobs reach no worker: a `Prefer: wait` (the schema's example) holds to the cap.
        env["MAX_PREFER_WAIT_S"] = "1"
        proc, base = stack.api(env, log_dir)
        yield base, make_key(database, "fuzz")
        proc.stop()
        redis.Redis.from_url(broker).flushdb()


def test_schemathesis_finds_no_server_error(fuzz_api, tmp_path: Path) -> None:
    base, key = fuzz_api
    st = Path(sys.executable).with_name("st")
    excluded = [arg for path in EXCLUDED for arg in ("--exclude-path", path)]
    command = [
        str(st),
        "run",
        f"{base}/openapi.json",
        "--header",
        f"Authorization: Bearer {key}",
        "--checks",
        "not_a_server_error,unsupported_method",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--request-timeout",
        "10",
        # Coverage and fuzzing (~1,000 cases); the stateful phase would double the time.
        "--phases",
        "coverage,fuzzing",
        "--max-time",
        "80",  # a hard bound on a loaded machine; the seed fixes which cases come first
        "--no-color",
        "--report-dir",
        str(tmp_path),
        *excluded,
    ]
    # From tmp_path: schemathesis keeps a cache folder in its working directory.
    run = subprocess.run(command, capture_output=True, text=True, timeout=170, cwd=tmp_path)
    print(run.stdout[-3000:])
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-4000:]
