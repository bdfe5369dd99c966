"""Keep an invite token inside its scope: its interviews, their jobs' events and artifacts.

Default deny: a request under /v1 carrying an invite token reaches a route only when the
route is listed here and the resource belongs to the invite (404 otherwise, as if it did not
exist); any other route answers 403 `forbidden_scope`, an expired token 401 `token_expired`, a
revoked one 401 `invite_revoked`, at once: the invite is read from PostgreSQL on every request.
The routes then authenticate as usual (`rehearse.api.deps.authenticate` knows invite tokens too).
"""

import re
from collections.abc import Callable
from urllib.parse import parse_qs
from uuid import UUID

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from rehearse.api.errors import ApiError, error_json
from rehearse.storage import invite_store as store
from rehearse.storage.db import transaction

_HEX = "[0-9a-fA-F]"
_UUID = rf"({_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}})"
Check = Callable[..., bool] | None

# (methods, path, what the path's id must belong to); None: no resource to check.
_ROUTES: list[tuple[set[str], re.Pattern[str], Check]] = [
    ({"POST"}, re.compile(r"/v1/interviews"), None),
    ({"GET", "DELETE"}, re.compile(rf"/v1/interviews/{_UUID}"), store.holds_interview),
    ({"POST"}, re.compile(rf"/v1/interviews/{_UUID}/(?:answers|finish)"), store.holds_interview),
    ({"WEBSOCKET"}, re.compile(rf"/v1/interviews/{_UUID}/live"), store.holds_interview),
    ({"GET", "WEBSOCKET"}, re.compile(rf"/v1/jobs/{_UUID}/events"), store.holds_job),
    ({"GET", "HEAD"}, re.compile(rf"/v1/artifacts/{_UUID}"), store.holds_artifact),
    ({"GET"}, re.compile(r"/v1/invites/current"), None),
]


def request_key(scope: Scope) -> str | None:
    """The credential of a request: `Authorization: Bearer` or `?access_token=`."""
    authorization = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return (query.get("access_token") or [None])[0]


def refusal(invite: store.Invite | None) -> ApiError | None:
    """Why an invite's token is refused (401), or None while it works."""
    if invite is None:
        return ApiError(401, "unauthorized", "unknown invite token")
    if invite.revoked_at is not None:
        return ApiError(401, "invite_revoked", "this invite was withdrawn; ask for a new link")
    if invite.expired:
        return ApiError(401, "token_expired", "this invite has expired; ask for a new link")
    return None


def _check(token: str, method: str, path: str) -> store.Invite:
    """The invite when this request is inside its scope; raises the refusal otherwise."""
    with transaction() as conn:
        invite = store.find_invite(conn, token)
        if (refused := refusal(invite)) is not None:
            raise refused
        for methods, pattern, holds in _ROUTES:
            match = pattern.fullmatch(path)
            if match and method in methods:
                if holds and not holds(conn, invite.id, UUID(match.group(1))):
                    raise ApiError(404, "not_found", f"no such resource {match.group(1)}")
                return invite
    raise ApiError(403, "forbidden_scope", "an invite may only run its own interviews")


class InviteScope:
    """ASGI middleware applying `_check` to every /v1 request that carries an invite token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        token = request_key(scope) if scope["type"] in ("http", "websocket") else None
        if not store.is_invite_token(token) or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        method = "WEBSOCKET" if scope["type"] == "websocket" else scope["method"]
        try:
            invite = await run_in_threadpool(_check, token, method, scope["path"])
        except ApiError as exc:
            await _refuse(exc, scope, receive, send)
            return
        scope.setdefault("state", {})["invite"] = invite
        await self.app(scope, receive, send)


async def _refuse(exc: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":  # as the events route does: accept, then a 4xxx close
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 4000 + exc.status, "reason": exc.message})
        return
    await error_json(exc.status, exc.code, exc.message, exc.headers)(scope, receive, send)


def claim_for_invite(conn: object, request: Request, interview_id: UUID) -> None:
    """Count a new interview against the caller's invite, if the caller holds one."""
    invite: store.Invite | None = getattr(request.state, "invite", None)
    if invite and not store.claim_interview(conn, invite.id, interview_id):
        raise ApiError(403, "invite_used_up", "this invite has no interviews left")
