"""Invites: a browser credential that reaches only the interviews it creates."""

import httpx
import pytest

from tests.api.invites import INTERVIEW, as_invite, assert_error, mint
from tests.api.streams import ws_events, ws_url
from tests.conftest import wait_job
from tests.interviews.conftest import POSTING
from tests.stack import rehearse

ZERO = "00000000-0000-0000-0000-000000000000"


@pytest.fixture(scope="module")
def started(client, api_base, gpu_worker_session, cpu_worker_session) -> dict:
    """An interview created with an invite token, its opening question ready."""
    invite = mint(client, max_interviews=1, language="ko")
    with as_invite(api_base, invite["token"]) as browser:
        response = browser.post("/v1/interviews", json=INTERVIEW)
    assert response.status_code == 202, response.text
    interview = response.json()
    job = wait_job(client, interview["job_id"], timeout=120)
    assert job["status"] == "succeeded", job["error"]
    return {**interview, "invite": invite, "audio": job["result"]["audio_artifact_id"]}


def test_minting_answers_a_token_and_a_client_url(client, api_base):
    invite = mint(client, language="en")
    assert invite["token"].startswith("rhi_")
    assert invite["url"] == f"{api_base}/#invite={invite['token']}"
    with as_invite(api_base, invite["token"]) as browser:
        current = browser.get("/v1/invites/current").json()
    assert current["language"] == "en" and current["interviews_left"] == 1


def test_only_an_operator_key_mints(client, api_base):
    with as_invite(api_base, mint(client)["token"]) as browser:
        assert_error(browser.post("/v1/invites", json={"ttl_s": 60}), 403, "forbidden_scope")
    assert httpx.post(f"{api_base}/v1/invites", json={"ttl_s": 60}).status_code == 401


def test_the_invite_acts_on_its_interview(api_base, started):
    with as_invite(api_base, started["invite"]["token"]) as browser:
        assert browser.get(f"/v1/interviews/{started['id']}").json()["status"] == "active"
        events = browser.get(f"/v1/jobs/{started['job_id']}/events")
        assert events.status_code == 200 and "event: done" in events.text
        ranged = browser.get(f"/v1/artifacts/{started['audio']}", headers={"Range": "bytes=0-99"})
        assert ranged.status_code == 206 and len(ranged.content) == 100
    query = {"access_token": started["invite"]["token"]}
    audio = httpx.get(f"{api_base}/v1/artifacts/{started['audio']}", params=query)
    assert audio.status_code == 200


def test_the_operator_key_still_reaches_it(client, started):
    assert client.get(f"/v1/interviews/{started['id']}").status_code == 200
    assert client.get(f"/v1/jobs/{started['job_id']}").status_code == 200
    assert client.get(f"/v1/artifacts/{started['audio']}").status_code == 200


def test_another_invites_interview_is_404(client, api_base, started):
    with as_invite(api_base, mint(client)["token"]) as other:
        for response in (
            other.get(f"/v1/interviews/{started['id']}"),
            other.post(f"/v1/interviews/{started['id']}/finish"),
            other.post(f"/v1/interviews/{started['id']}/answers", files={"file": ("a.wav", b"x")}),
            other.get(f"/v1/jobs/{started['job_id']}/events"),
            other.get(f"/v1/artifacts/{started['audio']}"),
        ):
            assert_error(response, 404, "not_found")


def test_the_invite_erases_its_own_interview_and_gets_no_new_one_for_it(client, api_base):
    invite = mint(client, max_interviews=1)
    with as_invite(api_base, invite["token"]) as browser:
        created = browser.post("/v1/interviews", json=INTERVIEW)
        assert created.status_code == 202, created.text
        with as_invite(api_base, mint(client)["token"]) as other:
            assert_error(other.delete(f"/v1/interviews/{created.json()['id']}"), 404, "not_found")
        assert browser.delete(f"/v1/interviews/{created.json()['id']}").status_code == 204
        assert browser.get(f"/v1/interviews/{created.json()['id']}").status_code == 404
        assert_error(browser.post("/v1/interviews", json=INTERVIEW), 403, "invite_used_up")


def test_the_websocket_keeps_the_scope_too(client, started):
    url = ws_url(client, started["job_id"])
    mine = ws_events(url + f"?access_token={started['invite']['token']}")
    assert mine.code == 1000 and mine.events[-1]["type"] == "done"
    other = ws_events(url + f"?access_token={mint(client)['token']}")
    assert other.code == 4404 and other.events == []


def test_an_invite_used_up_creates_no_more(api_base, started):
    with as_invite(api_base, started["invite"]["token"]) as browser:
        assert_error(browser.post("/v1/interviews", json=INTERVIEW), 403, "invite_used_up")


def test_a_failed_start_does_not_use_the_invite_up(client, api_base, cpu_worker_session):
    invite = mint(client, max_interviews=1)
    unreadable = {"resume": ("resume.pdf", b"%PDF-1.7\nnot really a pdf", "application/pdf")}
    with as_invite(api_base, invite["token"]) as browser:
        failed = browser.post("/v1/interviews", files=unreadable, data={"job_posting": POSTING})
        assert failed.status_code == 202, failed.text
        assert wait_job(client, failed.json()["job_id"])["status"] == "failed"
        assert browser.get("/v1/invites/current").json()["interviews_left"] == 1
        assert browser.post("/v1/interviews", json=INTERVIEW).status_code == 202
        assert browser.get("/v1/invites/current").json()["interviews_left"] == 0


def test_an_expired_invite_is_401(client, api_base, db):
    invite = mint(client)
    db.execute(
        "UPDATE invites SET expires_at = now() - interval '1 s' WHERE id = %s", (invite["id"],)
    )
    with as_invite(api_base, invite["token"]) as browser:
        assert_error(browser.get("/v1/invites/current"), 401, "token_expired")
        assert_error(browser.post("/v1/interviews", json=INTERVIEW), 401, "token_expired")


def _in_scope(method: str, path: str) -> bool:
    return (method, path) in {
        ("post", "/v1/interviews"),
        ("get", "/v1/interviews/{interview_id}"),
        ("delete", "/v1/interviews/{interview_id}"),
        ("post", "/v1/interviews/{interview_id}/answers"),
        ("post", "/v1/interviews/{interview_id}/finish"),
        ("get", "/v1/jobs/{job_id}/events"),
        ("get", "/v1/artifacts/{artifact_id}"),
        ("head", "/v1/artifacts/{artifact_id}"),
        ("get", "/v1/invites/current"),
    }


def test_every_route_outside_the_scope_is_403(client, api_base):
    paths = client.get("/openapi.json").json()["paths"]
    checked = 0
    with as_invite(api_base, mint(client)["token"]) as browser:
        for path, operations in paths.items():
            for method in operations:
                if not path.startswith("/v1/") or _in_scope(method, path):
                    continue
                ids = ("job_id", "document_id", "model_id", "invite_id")
                url = path.format_map({k: ZERO for k in ids})
                response = browser.request(method.upper(), url)
                assert_error(response, 403, "forbidden_scope")
                checked += 1
    assert checked >= 10


def test_the_cli_prints_an_invite_url(stack_env, api_base):
    minted = rehearse(stack_env, "invite", "--url", "http://host:1", "--language", "en")
    assert minted.returncode == 0, minted.stderr
    url = minted.stdout.strip().splitlines()[-1]
    assert url.startswith("http://host:1/#invite=rhi_")
    with as_invite(api_base, url.split("#invite=")[1]) as browser:
        assert browser.get("/v1/invites/current").json()["language"] == "en"
