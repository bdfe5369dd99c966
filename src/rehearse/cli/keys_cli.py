"""`rehearse keys create|list|revoke`: API keys, straight against PostgreSQL."""

import argparse
import sys
from datetime import datetime
from typing import Any

from rehearse.cli.database import with_database


def cmd_create(args: argparse.Namespace) -> int:
    from rehearse.storage.api_keys import create_key

    def work(conn: Any) -> int:
        key_id, key = create_key(conn, args.name)
        print(f"API key for {args.name} (id {key_id}); store it now, it is not shown again:")
        print(key)
        return 0

    return with_database(work)


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def cmd_list(args: argparse.Namespace) -> int:
    from rehearse.storage.api_keys import list_keys

    def work(conn: Any) -> int:
        rows = list_keys(conn)
        print(f"{'NAME':<20} {'PREFIX':<12} {'CREATED':<17} {'LAST USED':<17} STATE")
        for row in rows:
            state = f"revoked {_when(row['revoked_at'])}" if row["revoked_at"] else "active"
            print(
                f"{row['name']:<20} {row['prefix'] + '…':<12} {_when(row['created_at']):<17}"
                f" {_when(row['last_used_at']):<17} {state}"
            )
        return 0

    return with_database(work)


def cmd_revoke(args: argparse.Namespace) -> int:
    from rehearse.storage.api_keys import revoke_keys

    def work(conn: Any) -> int:
        count = revoke_keys(conn, args.name, args.prefix)
        if not count:
            print(f"error: no active key named {args.name!r}", file=sys.stderr)
            return 1
        print(f"revoked {count} key(s) named {args.name}; they are refused from the next request")
        return 0

    return with_database(work)


def add_parser(sub: Any) -> None:
    """`rehearse keys ...` under the main parser's subcommands."""
    keys = sub.add_parser("keys", help="manage API keys").add_subparsers(
        dest="action", required=True
    )
    create = keys.add_parser("create", help="create an API key and print it once")
    create.add_argument("name")
    create.set_defaults(fn=cmd_create)
    listing = keys.add_parser("list", help="every key: name, prefix, created, last used, state")
    listing.set_defaults(fn=cmd_list)
    revoke = keys.add_parser("revoke", help="revoke the active keys with this name")
    revoke.add_argument("name")
    revoke.add_argument("--prefix", help="only the key starting with this (as `keys list` shows)")
    revoke.set_defaults(fn=cmd_revoke)
