"""Workers publishing job events: in order from a sender thread, and through a Redis outage
with one warning and one recovery line."""

import logging
import threading
import time

import pytest

from rehearse.base import redis_keys
from rehearse.base.redis_client import sync_client
from rehearse.cli.embedded import EmbeddedRedis
from rehearse.events import events
from rehearse.events.event_publisher import EventPublisher

JOB = "00000000-0000-0000-0000-0000000000e1"


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own (appendonly, so a restart keeps the stream), stoppable."""
    server = EmbeddedRedis(tmp_path / "redis", appendonly=True)
    server.start()
    yield server
    server.stop()


def test_an_outage_logs_one_warning_and_one_recovery_line(own_redis, caplog):
    publisher = EventPublisher(sync_client(own_redis.url), ttl_s=60, retry_s=0.5)
    caplog.set_level(logging.INFO, logger="rehearse.events.event_publisher")
    # The stream's first append writes the job's `queued` status first, as seq 1.
    assert [publisher.publish(JOB, "token", 1, text="a") for _ in range(3)] == [2, 3, 4]

    own_redis.stop()
    started = time.monotonic()
    dropped = [publisher.publish(JOB, "token", 1, text="b") for _ in range(500)]
    elapsed = time.monotonic() - started
    assert dropped == [None] * 500
    assert elapsed < 2.0, f"500 events during an outage took {elapsed:.2f} s"

    own_redis.start()  # same port, same data
    time.sleep(0.6)  # past retry_s
    assert publisher.publish(JOB, "token", 1, text="c") == 5

    records = [r for r in caplog.records if r.name == "rehearse.events.event_publisher"]
    assert [r.levelname for r in records] == ["WARNING", "INFO"], [r.message for r in records]
    assert all(r.exc_info is None for r in records)
    assert "500 events dropped" in records[1].getMessage()


def test_posted_events_keep_their_order_and_flush_waits_for_them(own_redis):
    """Events posted from two threads arrive in each thread's order, and a `publish_all`
    (a job's closing events) lands after everything posted before it."""
    client = sync_client(own_redis.url)
    publisher = EventPublisher(client, ttl_s=60)

    def post(tag: str) -> None:
        for i in range(300):
            publisher.post(JOB, "token", 1, text=f"{tag}{i}")

    threads = [threading.Thread(target=post, args=(tag,)) for tag in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert publisher.publish_all(JOB, [("status", {"status": "succeeded"})], 1) == [602]

    stream = client.xrange(redis_keys.events_stream(JOB))
    seen = [events.decode(fields) for _, fields in stream]
    assert [e["seq"] for e in seen] == list(range(1, 603))
    assert seen[0] == events.QUEUED
    for tag in "ab":
        texts = [e["text"] for e in seen if e.get("text", "").startswith(tag)]
        assert texts == [f"{tag}{i}" for i in range(300)]
    assert seen[-1]["type"] == "status"
