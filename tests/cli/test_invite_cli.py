"""`rehearse invite revoke` against the session's database and api."""

import subprocess
import uuid

import httpx

from tests.api.invites import as_invite, assert_error
from tests.stack import rehearse


def invite(stack_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return rehearse(stack_env, "invite", *args)


def _minted(stack_env: dict[str, str], api_base: str) -> tuple[str, str]:
    """A new invite's id and link, as `rehearse invite` prints them."""
    minted = invite(stack_env, "--url", api_base)
    assert minted.returncode == 0, minted.stderr
    head, link = minted.stdout.strip().splitlines()[-2:]
    return head.split()[1].rstrip(","), link


def _current(api_base: str, link: str) -> httpx.Response:
    with as_invite(api_base, link.split("#invite=")[1]) as browser:
        return browser.get("/v1/invites/current")


def test_revoke_by_id_refuses_the_link_and_again_changes_nothing(stack_env, api_base):
    invite_id, link = _minted(stack_env, api_base)
    assert _current(api_base, link).status_code == 200
    revoked = invite(stack_env, "revoke", invite_id)
    assert revoked.returncode == 0, revoked.stderr
    assert f"invite {invite_id} revoked" in revoked.stdout
    assert_error(_current(api_base, link), 401, "invite_revoked")
    again = invite(stack_env, "revoke", invite_id)
    assert again.returncode == 0 and again.stdout == revoked.stdout  # the first time is kept


def test_revoke_takes_the_leaked_link_itself(stack_env, api_base):
    invite_id, link = _minted(stack_env, api_base)
    revoked = invite(stack_env, "revoke", link)
    assert revoked.returncode == 0, revoked.stderr
    assert f"invite {invite_id} revoked" in revoked.stdout
    assert_error(_current(api_base, link), 401, "invite_revoked")


def test_revoking_an_unknown_invite_says_so(stack_env):
    for unknown in (str(uuid.uuid4()), "not-an-id", "rhi_" + "x" * 43):
        result = invite(stack_env, "revoke", unknown)
        assert result.returncode == 1, unknown
        assert f"no invite {unknown!r}" in result.stderr
