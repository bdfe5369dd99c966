"""Revoking an invite: its token is refused within AUTH_CACHE_S and its open streams close.

The module runs with no worker: an interview's start job stays queued, so its event stream
stays open until something closes it.
"""

import threading
import time
import uuid

import httpx
import pytest

from rehearse.base.settings import Settings
from tests.api.invites import INTERVIEW, as_invite, assert_error, mint
from tests.api.streams import WsResult, sse_frames, ws_events, ws_url

AUTH_CACHE_S = Settings.model_fields["auth_cache_s"].default
CLOSED_WITHIN_S = AUTH_CACHE_S + 1.5
"""The cache window, plus a lookup and the close reaching the client on a busy box."""


@pytest.fixture
def queued(client, api_base, no_workers) -> dict:
    """An invite and the interview it created, whose start job waits in the queue."""
    invite = mint(client)
    with as_invite(api_base, invite["token"]) as browser:
        response = browser.post("/v1/interviews", json=INTERVIEW)
    assert response.status_code == 202, response.text
    return {**response.json(), "invite": invite}


def _revoke(client: httpx.Client, invite_id: str) -> None:
    assert client.delete(f"/v1/invites/{invite_id}").status_code == 204


def _refused_within(browser: httpx.Client, path: str, seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while (response := browser.get(path)).status_code != 401:
        assert time.monotonic() < deadline, f"a revoked invite still served after {seconds} s"
        time.sleep(0.1)
    return response


def test_a_revoked_invite_is_refused_and_its_interview_stays(client, api_base, queued):
    path = f"/v1/interviews/{queued['id']}"
    before = client.get(path).json()
    with as_invite(api_base, queued["invite"]["token"]) as browser:
        assert browser.get(path).status_code == 200
        _revoke(client, queued["invite"]["id"])
        refused = _refused_within(browser, path, AUTH_CACHE_S)
        assert refused.json()["error"]["code"] == "invite_revoked"
        assert_error(browser.get("/v1/invites/current"), 401, "invite_revoked")
        assert_error(browser.post("/v1/interviews", json=INTERVIEW), 401, "invite_revoked")
    assert client.get(path).json() == before  # the operator key still reaches it, unchanged
    assert client.get(f"/v1/jobs/{queued['job_id']}").status_code == 200


def test_revoking_again_is_204_and_keeps_the_first_time(client):
    invite = mint(client)
    _revoke(client, invite["id"])
    first = _listed(client, invite["id"])["revoked_at"]
    _revoke(client, invite["id"])
    assert _listed(client, invite["id"])["revoked_at"] == first


def test_another_keys_invite_and_an_unknown_one_are_404(client, other_client, api_base):
    invite = mint(client)
    assert_error(other_client.delete(f"/v1/invites/{invite['id']}"), 404, "not_found")
    assert_error(client.delete(f"/v1/invites/{uuid.uuid4()}"), 404, "not_found")
    with as_invite(api_base, invite["token"]) as browser:
        assert browser.get("/v1/invites/current").status_code == 200  # still works
        assert_error(browser.delete(f"/v1/invites/{invite['id']}"), 403, "forbidden_scope")


def _listed(client: httpx.Client, invite_id: str) -> dict:
    """The invite as `GET /v1/invites` shows it, paging until found."""
    params: dict = {"limit": 100}
    while True:
        listing = client.get("/v1/invites", params=params).json()
        for item in listing["data"]:
            if item["id"] == invite_id:
                return item
        assert listing["has_more"], f"invite {invite_id} not listed"
        params["cursor"] = listing["next_cursor"]


def test_the_listing_shows_revoked_at_and_only_the_callers_invites(client, other_client):
    invite = mint(client, language="en")
    listed = _listed(client, invite["id"])
    assert listed["revoked_at"] is None and listed["language"] == "en"
    assert "token" not in listed
    _revoke(client, invite["id"])
    assert _listed(client, invite["id"])["revoked_at"] is not None
    others = other_client.get("/v1/invites", params={"limit": 100}).json()["data"]
    assert invite["id"] not in {item["id"] for item in others}


def test_an_open_sse_stream_ends_with_an_invite_revoked_error(client, api_base, queued):
    url = f"/v1/jobs/{queued['job_id']}/events"
    # No keep-alive comes within the window (STREAM_KEEPALIVE_S is 10 s): a read timeout there
    # is a stream left open.
    timeout = httpx.Timeout(10, read=CLOSED_WITHIN_S)
    browser = as_invite(api_base, queued["invite"]["token"])
    with browser, browser.stream("GET", url, timeout=timeout) as response:
        assert response.status_code == 200
        frames = sse_frames(response)
        assert next(frames).data["status"] == "queued"
        _revoke(client, queued["invite"]["id"])
        try:
            rest = list(frames)  # until the server ends the response
        except httpx.ReadTimeout:
            pytest.fail(f"the stream stayed open {CLOSED_WITHIN_S} s after revocation")
    assert [frame.event for frame in rest] == ["error"]
    assert rest[0].id is None and rest[0].data["code"] == "invite_revoked"


def test_an_open_websocket_closes_with_4401(client, api_base, queued):
    url = ws_url(client, queued["job_id"], access_token=queued["invite"]["token"])
    result = WsResult()
    reader = threading.Thread(target=ws_events, args=(url,), kwargs={"result": result})
    reader.start()
    deadline = time.monotonic() + 10
    while not result.events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert result.events and result.events[0]["status"] == "queued"
    _revoke(client, queued["invite"]["id"])
    reader.join(CLOSED_WITHIN_S)
    assert not reader.is_alive(), f"the socket stayed open {CLOSED_WITHIN_S} s after revocation"
    assert result.code == 4401 and result.reason.startswith("invite_revoked:"), result


def test_the_operator_keys_stream_of_that_job_stays_open(client, queued):
    _revoke(client, queued["invite"]["id"])
    url = f"/v1/jobs/{queued['job_id']}/events"
    # Keep-alives come every STREAM_KEEPALIVE_S (10 s): silence past the window is an open stream.
    with client.stream("GET", url, timeout=httpx.Timeout(10, read=CLOSED_WITHIN_S)) as response:
        frames = sse_frames(response)
        assert next(frames).data["status"] == "queued"
        with pytest.raises(httpx.ReadTimeout):
            next(frames)  # neither an error nor the end within the window
