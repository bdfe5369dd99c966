"""`rehearse invite`: mint a candidate's link to the web client from the command line;
`rehearse invite revoke ID` withdraws one (by its id, or by the leaked link itself)."""

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any
from uuid import UUID

from rehearse.cli.database import with_database

if TYPE_CHECKING:
    import psycopg

DEFAULT_KEY_NAME = "invites"


def add_parser(sub: "argparse._SubParsersAction") -> None:
    invite = sub.add_parser(
        "invite",
        help="mint an invite link to the web client (`invite revoke ID` withdraws one)",
    )
    invite.add_argument("--ttl", type=int, default=86_400, help="seconds it works (default 1 day)")
    invite.add_argument("--max-interviews", type=int, default=1)
    invite.add_argument("--language", choices=["ko", "en"])
    invite.add_argument(
        "--url", help="the api's public address (default $REHEARSE_API_URL, else 127.0.0.1)"
    )
    invite.add_argument(
        "--key-name",
        default=DEFAULT_KEY_NAME,
        help="the operator key that owns the interviews (created when missing)",
    )
    invite.set_defaults(fn=run)
    actions = invite.add_subparsers(dest="action", metavar="{revoke}")
    revoke = actions.add_parser("revoke", help="withdraw an invite: its link stops working")
    revoke.add_argument("id", help="the invite's id (as minting printed it), or its link")
    revoke.set_defaults(fn=cmd_revoke)


def _owner(conn: "psycopg.Connection", name: str) -> UUID:
    from rehearse.storage.api_keys import create_key

    row = conn.execute(
        "SELECT id FROM api_keys WHERE name = %s AND revoked_at IS NULL"
        " ORDER BY created_at LIMIT 1",
        (name,),
    ).fetchone()
    return row["id"] if row else create_key(conn, name)[0]


def run(args: argparse.Namespace) -> int:
    from rehearse.base.settings import get_settings
    from rehearse.storage.invite_store import MAX_INTERVIEWS, MAX_TTL_S, client_url, create_invite

    settings = get_settings()
    if not 60 <= args.ttl <= MAX_TTL_S or not 1 <= args.max_interviews <= MAX_INTERVIEWS:
        limits = f"--ttl must be 60..{MAX_TTL_S}, --max-interviews 1..{MAX_INTERVIEWS}"
        print(f"error: {limits}", file=sys.stderr)
        return 2

    def work(conn: Any) -> int:
        invite, token = create_invite(
            conn, _owner(conn, args.key_name), args.ttl, args.max_interviews, args.language
        )
        base = args.url or os.environ.get("REHEARSE_API_URL")
        print(f"invite {invite.id}, expires {invite.expires_at.isoformat()}; open:")
        print(client_url(base or f"http://127.0.0.1:{settings.api_port}", token))
        return 0

    return with_database(work)


def _invite_id(conn: "psycopg.Connection", given: str) -> UUID | None:
    """The invite named by an id, a token or a link carrying one (`…/#invite=rhi_…`)."""
    from rehearse.storage.invite_store import invite_id_of, is_invite_token

    token = given.rpartition("#invite=")[2]
    if is_invite_token(token):
        return invite_id_of(conn, token)
    try:
        return UUID(given)
    except ValueError:
        return None


def cmd_revoke(args: argparse.Namespace) -> int:
    from rehearse.base.settings import get_settings
    from rehearse.storage.invite_store import revoke_invite

    def work(conn: Any) -> int:
        invite_id = _invite_id(conn, args.id.strip())
        revoked_at = revoke_invite(conn, invite_id) if invite_id else None
        if revoked_at is None:
            print(f"error: no invite {args.id!r} (give its id or its link)", file=sys.stderr)
            return 1
        cache_s = get_settings().auth_cache_s
        print(
            f"invite {invite_id} revoked at {revoked_at.isoformat()}: its link is refused"
            f" and its open streams close within {cache_s:g} s (AUTH_CACHE_S)"
        )
        return 0

    return with_database(work)


def mint_url(database_url: str, key: str, base: str, ttl_s: int = 86_400) -> str:
    """A fresh invite link owned by an operator key (what `rehearse dev` prints)."""
    import psycopg
    from psycopg.rows import dict_row

    from rehearse.storage.api_keys import owner_of
    from rehearse.storage.invite_store import client_url, create_invite

    with psycopg.connect(database_url, connect_timeout=5, row_factory=dict_row) as conn:
        _, token = create_invite(conn, owner_of(conn, key), ttl_s, 5, None)
    return client_url(base, token)
