"""The broker's priority lists as the fleet reads them: lengths, the most urgent level, aging."""

import time
import uuid

import pytest
import redis

from rehearse.base.settings import Settings
from rehearse.fleet.aging import age_once
from rehearse.fleet.broker_holdings import held_job_ids, job_id_of
from rehearse.runtime.celery_app import create_celery
from rehearse.runtime.redis_broker import level_keys
from rehearse.workers.gpu.scheduling import broker_state


@pytest.fixture
def broker(service_urls):
    """(send(priority) -> job id, the queue, a Redis client) on a queue no worker consumes."""
    queue = f"test.aging.{uuid.uuid4().hex[:8]}"
    app = create_celery(Settings(redis_url=service_urls[0]))
    client = redis.Redis.from_url(service_urls[0])

    def send(priority: int | None) -> str:
        job_id = str(uuid.uuid4())
        options = {"priority": priority} if priority is not None else {}
        kwargs = {"payload": {"job_id": job_id}}
        app.send_task("rehearse.test.noop", kwargs=kwargs, queue=queue, **options)
        return job_id

    yield send, queue, client
    client.delete(*level_keys(queue))


def next_taken(client: redis.Redis, queue: str) -> str:
    """The job a consumer takes next: kombu's BRPOP over the levels, the most urgent first."""
    _, raw = client.brpop(level_keys(queue), timeout=1)
    return job_id_of(raw)


def test_every_level_counts_and_the_most_urgent_is_taken_first(broker):
    send, queue, client = broker
    batch, interactive, live = send(7), send(3), send(None)  # no priority given: live

    state = broker_state(client, (queue,))[queue]
    waiting, _ = held_job_ids(client, [queue])

    assert (state.length, state.level) == (3, 1) and state.oldest_wait_s < 5
    assert waiting == {batch, interactive, live}
    assert [next_taken(client, queue) for _ in range(3)] == [live, interactive, batch]


def test_a_job_past_its_bound_goes_next_one_per_queue_per_pass(broker):
    send, queue, client = broker
    settings = Settings(interactive_aging_s=0.2, batch_aging_s=0.2)
    old_batch, old_interactive = send(8), send(4)
    time.sleep(0.4)
    live, young = send(1), send(2)

    first = age_once(client, settings, (queue,))
    second = age_once(client, settings, (queue,))

    assert first == [(queue, 8)]  # the one furthest past its bound first, alone
    assert second == [(queue, 4)]
    # Both ahead of the live job, in the order they aged.
    order = [next_taken(client, queue) for _ in range(4)]
    assert order == [old_batch, old_interactive, live, young]


def test_nothing_ages_before_its_bound_or_with_a_bound_of_zero(broker):
    send, queue, client = broker
    send(7), send(3)
    time.sleep(0.3)

    assert age_once(client, Settings(interactive_aging_s=60, batch_aging_s=0), (queue,)) == []
    assert broker_state(client, (queue,))[queue].level == 3
