"""Waiting on `/readyz` the way an operator's orchestrator does."""

import time
from collections.abc import Callable
from typing import Any

import httpx


def wait_readyz(
    api_base: str, until: Callable[[dict[str, Any]], bool], timeout: float = 180
) -> tuple[int, dict[str, Any]]:
    """Poll `/readyz` until `until(body)` holds; returns (status code, body) of that answer."""
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = httpx.get(f"{api_base}/readyz", timeout=10)
        body = response.json()
        if until(body):
            return response.status_code, body
        time.sleep(0.05)
    raise TimeoutError(f"/readyz never got there in {timeout} s; last: {body}")


def wait_ready(api_base: str, timeout: float = 180) -> dict[str, Any]:
    """Poll until every queue has a worker with its models loaded; returns the body."""
    status, body = wait_readyz(api_base, lambda body: body["ready"], timeout)
    assert status == 200, body
    return body


def queue_error(body: dict[str, Any], queue: str) -> str:
    """The reasons the failed workers of `queue` give, joined (empty when none failed)."""
    return " ".join(body["queues"][queue]["errors"].values())
