"""Admission control: past the queue limits a submission gets 429 + Retry-After, and every
accepted job still finishes."""

from collections.abc import Iterator

import httpx
import pytest

from tests import stack
from tests.conftest import make_key, wait_job
from tests.jobs import long_transcription, wait_status

LIMIT = 3


@pytest.fixture
def strict_api(stack_env, log_dir) -> Iterator[str]:
    """An api of its own with low admission limits, beside the session's."""
    env = {**stack_env, "MAX_QUEUED_JOBS": str(LIMIT), "MAX_QUEUED_JOBS_PER_KEY": "2"}
    proc, base = stack.api(env, log_dir)
    yield base
    proc.stop()


def _flood(base: str, key: str, n: int) -> list[httpx.Response]:
    body = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 4}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as c:
        return [c.post("/v1/jobs/chat", json=body) for _ in range(n)]


def _accepted_finish(base: str, key: str, responses: list[httpx.Response]) -> int:
    """Wait for the key's accepted jobs; all must succeed. Returns how many there were."""
    accepted = [r.json()["id"] for r in responses if r.status_code == 202]
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as c:
        assert {wait_job(c, job_id)["status"] for job_id in accepted} <= {"succeeded"}
    return len(accepted)


def _assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "queue_full"
    assert int(response.headers["Retry-After"]) >= 1


def test_a_flood_past_the_queue_limit_gets_429(client, gpu_worker, db, strict_api, service_urls):
    busy = long_transcription(client)  # the gpu worker is busy: chat jobs wait in the queue
    wait_status(db, busy["id"], "running")
    keys = [make_key(service_urls[1], f"flood-{i}") for i in range(3)]

    flood = {key: _flood(strict_api, key, 2) for key in keys}

    statuses = [r.status_code for responses in flood.values() for r in responses]
    assert "gpu" in httpx.get(f"{strict_api}/readyz").json()["saturated"]
    assert 1 <= statuses.count(202) <= LIMIT and 429 in statuses
    for responses in flood.values():
        for response in responses:
            if response.status_code != 202:
                _assert_refused(response)
    assert sum(_accepted_finish(strict_api, k, r) for k, r in flood.items()) == statuses.count(202)


def test_one_key_cannot_fill_the_queue(client, gpu_worker, db, strict_api, service_urls):
    busy = long_transcription(client)
    wait_status(db, busy["id"], "running")
    key = make_key(service_urls[1], "greedy")

    responses = _flood(strict_api, key, 3)

    assert [r.status_code for r in responses] == [202, 202, 429]
    _assert_refused(responses[2])
    assert "this key" in responses[2].json()["error"]["message"]
    assert httpx.get(f"{strict_api}/readyz").json()["queued"]["gpu"]["limit"] == LIMIT
    assert _accepted_finish(strict_api, key, responses) == 2
