"""Dependencies shared by routes: settings, the caller's key, Redis, the Celery client."""

from typing import Annotated
from uuid import UUID

import redis.asyncio as aioredis
from celery import Celery
from fastapi import Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.requests import HTTPConnection
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rehearse.api.errors import ApiError
from rehearse.api.invite_scope import refusal
from rehearse.api.key_cache import KeyCache
from rehearse.base.settings import Settings, get_settings
from rehearse.storage.api_keys import owner_of
from rehearse.storage.db import transaction
from rehearse.storage.invite_store import find_invite, is_invite_token

_BEARER = "An API key from `rehearse keys create`, or an invite token (its own interviews)."
_bearer = HTTPBearer(auto_error=False, description=_BEARER)


_keys: KeyCache | None = None


def key_cache() -> KeyCache:
    global _keys
    if _keys is None:
        _keys = KeyCache(get_settings().auth_cache_s)
    return _keys


def authenticate(key: str | None) -> UUID:
    """The owner id of a bearer key; 401 when missing or unknown."""
    if not key:
        raise ApiError(
            401,
            "unauthorized",
            "missing API key (Authorization: Bearer <key>)",
            {"WWW-Authenticate": "Bearer"},
        )
    if (cached := key_cache().owner_of(key)) is not None:
        return cached
    with transaction() as conn:
        if is_invite_token(key):  # its scope is kept by rehearse.api.invite_scope
            invite = find_invite(conn, key)
            if (refused := refusal(invite)) is not None:
                raise refused  # says why: revoked, expired or unknown
            owner = invite.owner_id
        else:
            owner = owner_of(conn, key)
    if owner is None:
        raise ApiError(
            401, "unauthorized", "unknown or revoked API key", {"WWW-Authenticate": "Bearer"}
        )
    key_cache().remember(key, owner)
    return owner


async def authenticate_async(key: str | None) -> UUID:
    """`authenticate` with no thread hop when the key was checked within AUTH_CACHE_S."""
    if key and (cached := key_cache().owner_of(key)) is not None:
        return cached
    return await run_in_threadpool(authenticate, key)


class _BearerOwner(HTTPBearer):
    """The caller's owner id as one dependency: to OpenAPI the same `HTTPBearer` scheme, but it
    reads the header itself (as `HTTPBearer(auto_error=False)` does) and checks the key, so
    FastAPI solves one dependency per request where a scheme and its user took two."""

    async def __call__(self, request: HTTPConnection) -> UUID:  # type: ignore[override]
        scheme, _, key = (request.headers.get("authorization") or "").partition(" ")
        key = key.strip()
        return await authenticate_async(key if key and scheme.lower() == "bearer" else None)


current_owner = _BearerOwner(auto_error=False, scheme_name="HTTPBearer", description=_BEARER)


async def current_owner_or_query(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    access_token: Annotated[
        str | None, Query(description="The key, for `<audio src>`, which cannot set headers.")
    ] = None,
) -> UUID:
    return await authenticate_async(credentials.credentials if credentials else access_token)


# Async on purpose: FastAPI runs a plain `def` dependency in the threadpool, a thread hop each.
async def get_redis(request: Request) -> aioredis.Redis:
    return request.app.state.redis


async def get_celery(request: Request) -> Celery:
    return request.app.state.celery


async def settings_dep() -> Settings:
    return get_settings()


SettingsDep = Annotated[Settings, Depends(settings_dep)]
OwnerDep = Annotated[UUID, Depends(current_owner)]
MediaOwnerDep = Annotated[UUID, Depends(current_owner_or_query)]
RedisDep = Annotated[aioredis.Redis, Depends(get_redis)]
CeleryDep = Annotated[Celery, Depends(get_celery)]
