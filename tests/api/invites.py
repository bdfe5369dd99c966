"""Invites as a browser holds them: minted by the operator's client, used as a Bearer token."""

import httpx

from tests.interviews.conftest import POSTING, RESUME

INTERVIEW = {"resume": RESUME, "job_posting": POSTING, "language": "ko", "max_questions": 2}
"""The body of an interview an invite creates: the sample documents, two questions."""


def mint(client: httpx.Client, **body) -> dict:
    """A new invite (one interview, an hour) from the operator's client; `body` overrides."""
    response = client.post("/v1/invites", json={"ttl_s": 3600, "max_interviews": 1, **body})
    assert response.status_code == 201, response.text
    return response.json()


def as_invite(api_base: str, token: str) -> httpx.Client:
    """A client that authenticates with the invite's token, as the browser does."""
    return httpx.Client(base_url=api_base, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
