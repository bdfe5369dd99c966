"""Listing interviews and jobs: newest first, cursor pages with no duplicates or gaps."""

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import make_key
from tests.interviews.conftest import POSTING, RESUME


@pytest.fixture
def fresh_client(api_base: str, service_urls: tuple[str, str]) -> Iterator[httpx.Client]:
    """A client with a key of its own, so its listings hold only what this test made."""
    key = make_key(service_urls[1], "history")
    with httpx.Client(base_url=api_base, headers={"Authorization": f"Bearer {key}"}) as c:
        yield c


def pages(client: httpx.Client, path: str, **params) -> Iterator[dict]:
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        yield page
        if not page["has_more"]:
            assert page["next_cursor"] is None
            return
        cursor = page["next_cursor"]


def start_and_cancel(client: httpx.Client) -> str:
    """An interview whose start is canceled at once: a listing entry that costs no worker."""
    started = client.post("/v1/interviews", json={"resume": RESUME, "job_posting": POSTING})
    assert started.status_code == 202, started.text
    client.delete(f"/v1/jobs/{started.json()['job_id']}")
    return started.json()["id"]


def test_paging_through_25_interviews_finds_each_once_newest_first(
    fresh_client, other_client, gpu_worker, cpu_worker
):
    made = [start_and_cancel(fresh_client) for _ in range(25)]
    walk = pages(fresh_client, "/v1/interviews", limit=7)
    seen = [item["id"] for item in next(walk)["data"]]
    later = [start_and_cancel(fresh_client) for _ in range(2)]  # newer: before the cursor
    for page in walk:
        seen += [item["id"] for item in page["data"]]
    assert seen == list(reversed(made))
    everything = [
        i["id"] for p in pages(fresh_client, "/v1/interviews", limit=100) for i in p["data"]
    ]
    assert everything == list(reversed(made + later))
    listed = fresh_client.get("/v1/interviews", params={"limit": 1}).json()["data"][0]
    assert listed["turn_count"] == 0 and listed["status"] in ("failed", "starting")
    assert not set(everything) & {
        i["id"] for p in pages(other_client, "/v1/interviews", limit=100) for i in p["data"]
    }


def test_job_listing_pages_filters_and_hides_results(fresh_client, client):
    made = []
    for n in range(12):
        kind = "chat" if n % 3 else "speak"
        body = (
            {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 1}
            if kind == "chat"
            else {"text": "hello"}
        )
        job = fresh_client.post(f"/v1/jobs/{kind}", json=body).json()
        fresh_client.delete(f"/v1/jobs/{job['id']}")
        made.append((job["id"], kind))
    seen = [j for p in pages(fresh_client, "/v1/jobs", limit=5) for j in p["data"]]
    assert [j["id"] for j in seen] == [i for i, _ in reversed(made)]
    assert all("result" not in j for j in seen)
    chats = [j["id"] for p in pages(fresh_client, "/v1/jobs", kind="chat") for j in p["data"]]
    assert chats == [i for i, k in reversed(made) if k == "chat"]
    statuses = {j["status"] for j in seen}
    for status in statuses:
        only = [j for p in pages(fresh_client, "/v1/jobs", status=status) for j in p["data"]]
        assert only and {j["status"] for j in only} == {status}
    assert not {i for i, _ in made} & {
        j["id"] for p in pages(client, "/v1/jobs", limit=100) for j in p["data"]
    }


def test_a_cursor_not_issued_by_the_api_is_422(fresh_client):
    response = fresh_client.get("/v1/jobs", params={"cursor": "bm90LWEtY3Vyc29y"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_cursor"
    assert fresh_client.get("/v1/interviews", params={"limit": 0}).status_code == 422
