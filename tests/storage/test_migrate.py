"""Migrations: ordered, recorded, idempotent, safe when services start together."""

import subprocess
import sys
import uuid

import psycopg
import pytest

from rehearse.storage.migrate import migrations_dir


@pytest.fixture
def fresh_database(service_urls):
    """An empty database on the test server, dropped afterwards."""
    admin_url = service_urls[1]
    name = f"migrate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_two_concurrent_migrations_both_succeed_and_apply_each_file_once(fresh_database, stack_env):
    env = {**stack_env, "DATABASE_URL": fresh_database}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "rehearse.cli.cli", "migrate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs

    files = sorted(p.name for p in migrations_dir().glob("[0-9]*.sql"))
    with psycopg.connect(fresh_database) as conn:
        rows = conn.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
        tables = {
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
    assert [r[0] for r in rows] == files
    assert {"jobs", "artifacts", "api_keys"} <= tables
    # One run applied everything, the other found nothing to do.
    applied = sorted(o.strip().splitlines()[-1] for o in outputs)
    assert applied[0].startswith("applied 0 migration")


def test_migrate_again_is_a_no_op(fresh_database, stack_env):
    env = {**stack_env, "DATABASE_URL": fresh_database}
    run = lambda: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "rehearse.cli.cli", "migrate"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert run().returncode == 0
    second = run()
    assert second.returncode == 0
    assert "applied 0 migration" in second.stdout
