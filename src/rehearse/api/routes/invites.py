"""Invites: an operator mints a link a candidate opens in the browser, with no API key, lists
them and withdraws one whose link leaked."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from rehearse.api.deps import OwnerDep
from rehearse.api.errors import ApiError, responses
from rehearse.api.pagination import Cursor, Limit, Page, decode, page
from rehearse.storage import invite_store as store
from rehearse.storage.db import transaction

router = APIRouter(prefix="/v1/invites", tags=["invites"])


class InviteCreate(BaseModel):
    ttl_s: int = Field(86_400, ge=60, le=store.MAX_TTL_S, description="Seconds the token works.")
    max_interviews: int = Field(1, ge=1, le=store.MAX_INTERVIEWS)
    language: Literal["ko", "en"] | None = Field(None, description="The client's language.")


class InviteCreated(BaseModel):
    id: UUID
    token: str = Field(description="Shown once; works as Bearer or `?access_token=`.")
    url: str = Field(description="Opens the web client with the token in the fragment.")
    expires_at: datetime


class InvitePublic(BaseModel):
    id: UUID
    language: Literal["ko", "en"] | None
    max_interviews: int
    interviews_left: int
    expires_at: datetime


class InviteListed(BaseModel):
    id: UUID
    language: Literal["ko", "en"] | None
    max_interviews: int
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = Field(description="When it was withdrawn; null while not.")


@router.post("", status_code=201, response_model=InviteCreated, responses=responses(401, 403, 422))
def create_invite(body: InviteCreate, request: Request, owner: OwnerDep) -> InviteCreated:
    """Mint an invite (operator key only): the token reaches only the interviews it creates."""
    with transaction() as conn:
        invite, token = store.create_invite(
            conn, owner, body.ttl_s, body.max_interviews, body.language
        )
    base = str(request.base_url)
    return InviteCreated(
        id=invite.id, token=token, url=store.client_url(base, token), expires_at=invite.expires_at
    )


@router.get("/current", response_model=InvitePublic, responses=responses(401, 403))
def current_invite(request: Request, owner: OwnerDep) -> InvitePublic:
    """The calling invite: its language, what is left of it, when it expires."""
    invite: store.Invite | None = getattr(request.state, "invite", None)
    if invite is None:
        raise ApiError(403, "forbidden_scope", "only an invite token has a current invite")
    with transaction() as conn:
        left = store.interviews_left(conn, invite)
    return InvitePublic(
        id=invite.id,
        language=invite.language,
        max_interviews=invite.max_interviews,
        interviews_left=left,
        expires_at=invite.expires_at,
    )


@router.get("", response_model=Page[InviteListed], responses=responses(401, 403, 422))
def list_invites(owner: OwnerDep, limit: Limit = 20, cursor: Cursor = None) -> dict:
    """The caller's invites, newest first, a page at a time (never their tokens)."""
    with transaction() as conn:
        rows = store.list_invites(conn, owner, limit + 1, decode(cursor))
    return page(rows, limit, InviteListed.model_validate)


@router.delete("/{invite_id:uuid}", status_code=204, responses=responses(401, 403, 404))
def revoke_invite(invite_id: UUID, owner: OwnerDep) -> Response:
    """Withdraw an invite (again: no change): its token is refused, its open streams close."""
    with transaction() as conn:
        if store.revoke_invite(conn, invite_id, owner) is None:
            raise ApiError(404, "not_found", f"no invite {invite_id}")
    return Response(status_code=204)
