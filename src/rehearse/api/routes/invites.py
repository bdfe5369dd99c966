"""Invites: an operator mints a link a candidate opens in the browser, with no API key."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from rehearse.api.deps import OwnerDep
from rehearse.api.errors import ApiError, responses
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
