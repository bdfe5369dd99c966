"""A full queue answers 429 `queue_full` with Retry-After: the SDK raises RateLimitError."""

from collections.abc import Iterator

import httpx
import openai
import pytest

from tests import stack
from tests.conftest import make_key

USER = [{"role": "user", "content": "hello"}]


@pytest.fixture
def strict_api(stack_env, log_dir) -> Iterator[str]:
    """An api of its own that lets one key queue two jobs."""
    proc, base = stack.api({**stack_env, "MAX_QUEUED_JOBS_PER_KEY": "2"}, log_dir)
    yield base
    proc.stop()


def test_a_full_queue_is_a_rate_limit_error_with_retry_after(strict_api, gpu_worker, service_urls):
    gpu_worker.kill()  # nothing drains the queue; the fixture restarts it
    key = make_key(service_urls[1], "openai-flood")
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=strict_api, headers=headers) as c:
        queued = [c.post("/v1/jobs/chat", json={"messages": USER}).json()["id"] for _ in range(2)]
        client = openai.OpenAI(base_url=f"{strict_api}/v1", api_key=key, max_retries=0)
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model="gpt-4o-mini", messages=USER)
        for job_id in queued:
            assert c.delete(f"/v1/jobs/{job_id}").json()["status"] == "canceled"
    assert caught.value.code == "queue_full"
    assert int(caught.value.response.headers["Retry-After"]) >= 1
