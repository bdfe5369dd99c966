"""A batch of submissions is admitted job by job, as if they had come one after another."""

import asyncio
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row

from rehearse.base.settings import get_settings
from rehearse.storage import admission
from rehearse.storage.admission import QueueFull
from rehearse.storage.api_keys import owner_of
from rehearse.storage.job_batch_store import create_jobs_async
from tests.conftest import make_key

PARAMS = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}


@pytest.fixture
def limits(stack_env, monkeypatch, db) -> Iterator[callable]:
    """Set the admission limits for this test; cancels the jobs it queued."""

    def set_limits(total: int, per_key: int) -> None:
        monkeypatch.setenv("MAX_QUEUED_JOBS", str(total))
        monkeypatch.setenv("MAX_QUEUED_JOBS_PER_KEY", str(per_key))
        get_settings.cache_clear()

    yield set_limits
    monkeypatch.undo()
    get_settings.cache_clear()
    db.execute(
        "UPDATE jobs SET status = 'canceled' WHERE status = 'queued' AND kind = 'chat'"
        " AND owner_id IN (SELECT id FROM api_keys WHERE name LIKE 'batch-%%')"
    )


def _owner(database_url: str, name: str):
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        return owner_of(conn, make_key(database_url, name))


def _submit(database_url: str, submissions: list, classes: list | None = None) -> list:
    async def run() -> list:
        conn = await psycopg.AsyncConnection.connect(
            database_url, row_factory=dict_row, autocommit=True
        )
        async with conn:
            return await create_jobs_async(conn, "chat", submissions, classes)

    return asyncio.run(run())


def _admitted(outcomes: list) -> list[bool]:
    return [not isinstance(outcome, QueueFull) for outcome in outcomes]


def test_each_key_is_admitted_up_to_its_limit_in_order(service_urls, limits, db):
    limits(0, 2)
    a, b = _owner(service_urls[1], "batch-a"), _owner(service_urls[1], "batch-b")

    outcomes = _submit(service_urls[1], [(a, PARAMS), (b, PARAMS), (a, PARAMS), (a, PARAMS)])

    assert _admitted(outcomes) == [True, True, True, False]
    assert outcomes[0]["status"] == "queued" and outcomes[0]["kind"] == "chat"
    assert "this key has 2 jobs waiting" in outcomes[3].message
    ids = [o["id"] for o in outcomes[:3]]
    assert (
        db.execute("SELECT count(*) AS n FROM jobs WHERE id = ANY(%s)", (ids,)).fetchone()["n"] == 3
    )


def test_the_pool_limit_counts_the_jobs_ahead_in_the_batch(service_urls, limits, db):
    kinds = admission.limits(get_settings(), "chat").kinds
    ahead = db.execute(
        "SELECT count(*) AS n FROM jobs WHERE status = 'queued' AND kind = ANY(%s)", (kinds,)
    ).fetchone()["n"]
    limits(ahead + 3, 0)
    owner = _owner(service_urls[1], "batch-pool")

    outcomes = _submit(service_urls[1], [(owner, PARAMS)] * 5)

    assert _admitted(outcomes) == [True, True, True, False, False]
    assert outcomes[4].retry_after_s >= 1


def test_each_job_s_level_counts_its_owner_s_jobs_waiting_in_its_class(service_urls, limits):
    limits(0, 0)
    a, b = _owner(service_urls[1], "batch-fair-a"), _owner(service_urls[1], "batch-fair-b")
    jobs = [(a, PARAMS)] * 5 + [(b, PARAMS), (a, PARAMS)]
    classes = ["interactive"] * 6 + ["batch"]

    first = _submit(service_urls[1], jobs, classes)
    later = _submit(service_urls[1], [(a, PARAMS), (b, PARAMS)])

    # a's flood sinks to the bottom of the band; b's first job and a's first batch job are on top.
    assert [o["priority"] for o in first] == [2, 3, 4, 5, 5, 2, 6]
    assert [o["priority_class"] for o in first][-2:] == ["interactive", "batch"]
    assert [o["priority"] for o in later] == [5, 3]  # counted against what already waits
