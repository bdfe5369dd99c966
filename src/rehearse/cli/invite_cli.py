"""`rehearse invite`: mint a candidate's link to the web client from the command line."""

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uuid import UUID

    import psycopg

DEFAULT_KEY_NAME = "invites"


def add_parser(sub: "argparse._SubParsersAction") -> None:
    invite = sub.add_parser("invite", help="mint an invite link to the web client and print it")
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


def _owner(conn: "psycopg.Connection", name: str) -> "UUID":
    from rehearse.storage.api_keys import create_key

    row = conn.execute(
        "SELECT id FROM api_keys WHERE name = %s AND revoked_at IS NULL"
        " ORDER BY created_at LIMIT 1",
        (name,),
    ).fetchone()
    return row["id"] if row else create_key(conn, name)[0]


def run(args: argparse.Namespace) -> int:
    import psycopg
    from psycopg.rows import dict_row

    from rehearse.base.log_config import redact
    from rehearse.base.settings import get_settings
    from rehearse.storage.invite_store import MAX_INTERVIEWS, MAX_TTL_S, client_url, create_invite

    settings = get_settings()
    if not 60 <= args.ttl <= MAX_TTL_S or not 1 <= args.max_interviews <= MAX_INTERVIEWS:
        limits = f"--ttl must be 60..{MAX_TTL_S}, --max-interviews 1..{MAX_INTERVIEWS}"
        print(f"error: {limits}", file=sys.stderr)
        return 2
    try:
        with psycopg.connect(settings.database_url, connect_timeout=5, row_factory=dict_row) as c:
            invite, token = create_invite(
                c, _owner(c, args.key_name), args.ttl, args.max_interviews, args.language
            )
    except psycopg.OperationalError as exc:
        print(
            f"error: cannot reach PostgreSQL at {redact(settings.database_url)}"
            f" ({str(exc).splitlines()[0]}). Set DATABASE_URL.",
            file=sys.stderr,
        )
        return 2
    base = args.url or os.environ.get("REHEARSE_API_URL") or f"http://127.0.0.1:{settings.api_port}"
    print(f"invite {invite.id}, expires {invite.expires_at.isoformat()}; open:")
    print(client_url(base, token))
    return 0


def mint_url(database_url: str, key: str, base: str, ttl_s: int = 86_400) -> str:
    """A fresh invite link owned by an operator key (what `rehearse dev` prints)."""
    import psycopg
    from psycopg.rows import dict_row

    from rehearse.storage.api_keys import owner_of
    from rehearse.storage.invite_store import client_url, create_invite

    with psycopg.connect(database_url, connect_timeout=5, row_factory=dict_row) as conn:
        _, token = create_invite(conn, owner_of(conn, key), ttl_s, 5, None)
    return client_url(base, token)
