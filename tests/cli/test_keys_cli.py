"""`rehearse keys create|list|revoke` against the session's database and api."""

import subprocess
import time
import uuid

import httpx

from rehearse.base.settings import Settings
from tests.stack import rehearse

AUTH_CACHE_S = Settings.model_fields["auth_cache_s"].default


def keys(stack_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return rehearse(stack_env, "keys", *args)


def _refused_within(url: str, headers: dict[str, str], seconds: float) -> httpx.Response:
    """The first 401 for this key, asserted to come within `seconds` of now."""
    deadline = time.monotonic() + seconds
    while (response := httpx.get(url, headers=headers)).status_code != 401:
        assert time.monotonic() < deadline, f"a revoked key still served after {seconds} s"
        time.sleep(0.1)
    return response


def _listed(stack_env: dict[str, str], name: str) -> str:
    listing = keys(stack_env, "list")
    assert listing.returncode == 0, listing.stderr
    (line,) = [line for line in listing.stdout.splitlines() if line.startswith(name)]
    return line


def test_a_key_is_listed_used_and_refused_within_the_cache_window_once_revoked(stack_env, api_base):
    name = f"alice-{uuid.uuid4().hex[:6]}"
    created = keys(stack_env, "create", name)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("rh_")

    line = _listed(stack_env, name)
    assert key[:10] in line and line.endswith("active")
    assert key not in line  # a listing never shows the key itself
    assert line.split()[-2] == "-"  # never used yet

    auth = {"Authorization": f"Bearer {key}"}
    assert httpx.get(f"{api_base}/v1/jobs/{uuid.uuid4()}", headers=auth).status_code == 404
    assert _listed(stack_env, name).split()[-2] != "-"  # last used is recorded

    revoked = keys(stack_env, "revoke", name)
    assert revoked.returncode == 0, revoked.stderr
    refused = _refused_within(f"{api_base}/v1/jobs/{uuid.uuid4()}", auth, AUTH_CACHE_S + 0.5)
    assert refused.json()["error"]["code"] == "unauthorized"
    assert "revoked" in _listed(stack_env, name)


def test_revoking_an_unknown_name_says_so(stack_env):
    result = keys(stack_env, "revoke", f"nobody-{uuid.uuid4().hex[:6]}")
    assert result.returncode == 1
    assert "no active key" in result.stderr
