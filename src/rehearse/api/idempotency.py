"""`Idempotency-Key` on the POSTs that create work: a retry gets the first answer, not a twin.

Same caller (credential), same key and the same request (method, path, query, content type
and body; JSON compared as data, multipart with its boundary ignored) → the first response,
replayed with `Idempotent-Replayed: true`. The same key with another request → 409
`idempotency_conflict`; while the first is still being answered → 409
`idempotency_in_progress`. Answers worth replaying are kept (2xx and the 4xx a retry would get
again); a 5xx, 409 or 429 frees the key for the retry. Keys last `IDEMPOTENCY_TTL_S`.
"""

import contextlib
import hashlib
import json
import re

from fastapi.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rehearse.api.errors import error_json
from rehearse.api.invite_scope import request_key
from rehearse.storage import idempotency_store as store
from rehearse.storage.db import transaction

_UUID = "[0-9a-fA-F-]{36}"
COVERED = re.compile(
    rf"/v1/(?:jobs/(?:transcribe|chat|speak|embed)|documents|interviews"
    rf"|interviews/{_UUID}/(?:answers|finish))"
)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_REPLAYED = {200, 201, 202, 204, 400, 404, 413, 415, 422}
_MAX_STORED = 1 << 20


def fingerprint(scope: Scope, body: bytes) -> str:
    """The request as a retry would repeat it, hashed."""
    headers = dict(scope["headers"])
    content_type = headers.get(b"content-type", b"").decode("latin-1")
    media, _, options = content_type.partition(";")
    boundary = re.search(r"boundary=\"?([^\";]+)", options)
    if boundary:  # a client library draws a new boundary for every send
        body = body.replace(boundary.group(1).encode("latin-1"), b"")
    elif media.strip() == "application/json":
        with contextlib.suppress(ValueError):  # not JSON after all: compared as bytes
            body = json.dumps(json.loads(body), sort_keys=True).encode()
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], scope.get("query_string", b"").decode(), media):
        digest.update(part.strip().encode("latin-1") + b"\0")
    digest.update(body)
    return digest.hexdigest()


class Idempotency:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app: ASGIApp, limit: int, ttl_s: float) -> None:
        self.app, self.limit, self.ttl_s = app, limit, ttl_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = dict(scope.get("headers") or []).get(b"idempotency-key")
        credential = request_key(scope) if scope["type"] == "http" else None
        if key is None or scope["method"] != "POST" or not COVERED.fullmatch(scope["path"]):
            return await self.app(scope, receive, send)
        if credential is None:  # the route answers 401
            return await self.app(scope, receive, send)
        if not _KEY.fullmatch(key.decode("latin-1")):
            message = "Idempotency-Key must be 1-255 visible ASCII characters"
            return await error_json(400, "invalid_idempotency_key", message)(scope, receive, send)
        body = await self._body(receive)
        if body is None:
            message = f"the request body exceeds {self.limit} bytes"
            return await error_json(413, "payload_too_large", message)(scope, receive, send)
        caller = hashlib.sha256(credential.encode()).hexdigest()
        name, request_hash = key.decode("latin-1"), fingerprint(scope, body)
        earlier = await run_in_threadpool(self._claim, caller, name, request_hash)
        if earlier is not None:
            return await self._answer_retry(earlier, request_hash, scope, receive, send)
        await self._first(scope, body, receive, send, (caller, name))

    async def _body(self, receive: Receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    def _claim(self, caller: str, key: str, request_hash: str) -> store.Stored | None:
        with transaction() as conn:
            return store.claim(conn, caller, key, request_hash, self.ttl_s)

    async def _answer_retry(
        self, earlier: store.Stored, request_hash: str, scope: Scope, receive: Receive, send: Send
    ) -> None:
        if earlier.request_hash != request_hash:
            message = "this Idempotency-Key was used with a different request"
            return await error_json(409, "idempotency_conflict", message)(scope, receive, send)
        if earlier.status is None:
            message = "the first request with this Idempotency-Key is still being answered"
            refusal = error_json(409, "idempotency_in_progress", message, {"Retry-After": "1"})
            return await refusal(scope, receive, send)
        headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in earlier.headers or []]
        headers.append((b"idempotent-replayed", b"true"))
        await send({"type": "http.response.start", "status": earlier.status, "headers": headers})
        await send({"type": "http.response.body", "body": earlier.body or b""})

    async def _first(
        self, scope: Scope, body: bytes, receive: Receive, send: Send, owner: tuple[str, str]
    ) -> None:
        sent = settled = False
        start: Message = {}
        parts: list[bytes] = []

        async def replay_body() -> Message:
            nonlocal sent
            if sent:  # the body is read: from here on, only a disconnect can come
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            nonlocal settled
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if not message.get("more_body"):
                    # Stored before the client has it: a retry right after gets the replay,
                    # not `idempotency_in_progress`.
                    settled = True
                    await run_in_threadpool(self._settle, *owner, start, b"".join(parts))
            await send(message)

        try:
            await self.app(scope, replay_body, capture)
        finally:
            if not settled:
                await run_in_threadpool(self._settle, *owner, start, b"".join(parts))

    def _settle(self, caller: str, key: str, start: Message, body: bytes) -> None:
        headers = [[n.decode("latin-1"), v.decode("latin-1")] for n, v in start.get("headers", [])]
        streamed = any(n.lower() == "content-type" and "event-stream" in v for n, v in headers)
        keep = start.get("status") in _REPLAYED and not streamed and len(body) <= _MAX_STORED
        with transaction() as conn:
            if keep:
                store.complete(conn, caller, key, start["status"], headers, body)
            else:
                store.release(conn, caller, key)
