"""The client's event reader ends with `invite_revoked` when the operator withdraws the invite,
instead of reconnecting until it gives up (a real EventSource against the real api)."""

import time

from tests.api.invites import INTERVIEW, as_invite, mint

FOLLOW = """
const [token, jobId] = arguments;
sessionStorage.setItem("rehearse.invite", token);
window.seen = [];
Promise.all([import("/client/api.js"), import("/client/events.js")]).then(([api, events]) => {
  api.loadToken();
  return events.followJob(jobId, { onEvent: (e) => window.seen.push(e.type) });
}).then((end) => { window.end = { status: end.status, code: end.error?.code }; });
"""


def _wait_for(browser, expression: str, seconds: float):
    deadline = time.monotonic() + seconds
    while not (value := browser.execute_script(f"return {expression};")):
        assert time.monotonic() < deadline, f"no {expression} after {seconds} s"
        time.sleep(0.1)
    return value


def test_the_reader_ends_with_invite_revoked(browser, api_base, client, no_workers):
    invite = mint(client)
    with as_invite(api_base, invite["token"]) as candidate:
        job_id = candidate.post("/v1/interviews", json=INTERVIEW).json()["job_id"]
    browser.get(api_base + "/healthz")
    browser.execute_script(FOLLOW, invite["token"], job_id)
    assert _wait_for(browser, "window.seen.length && window.seen", 10) == ["status"]  # queued
    assert client.delete(f"/v1/invites/{invite['id']}").status_code == 204
    end = _wait_for(browser, "window.end", 5)
    assert end == {"status": "failed", "code": "invite_revoked"}
