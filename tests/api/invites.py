"""Invite helpers for tests: mint one with the operator key, act as its browser."""

import httpx

from tests.interviews.conftest import POSTING, RESUME

BODY = {"resume": RESUME, "job_posting": POSTING, "language": "ko", "max_questions": 2}
"""An interview's start, as the web client sends it."""


def mint(client: httpx.Client, **body) -> dict:
    response = client.post("/v1/invites", json={"ttl_s": 3600, "max_interviews": 1, **body})
    assert response.status_code == 201, response.text
    return response.json()


def as_invite(api_base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=api_base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
