"""One plain PostgreSQL connection for a command that works straight on the record."""

import sys
from collections.abc import Callable
from typing import Any

from rehearse.base.settings import get_settings


def with_database(work: Callable[[Any], int]) -> int:
    """Run `work(conn)` in one transaction; a database that doesn't answer is said at once."""
    import psycopg
    from psycopg.rows import dict_row

    from rehearse.base.log_config import redact

    url = get_settings().database_url
    try:
        # One plain connection: a pool would retry for 30 s before saying anything.
        with psycopg.connect(url, connect_timeout=5, row_factory=dict_row) as conn:
            return work(conn)
    except psycopg.OperationalError as exc:
        print(
            f"error: cannot reach PostgreSQL at {redact(url)} ({str(exc).splitlines()[0]}).\n"
            "Set DATABASE_URL; beside `rehearse dev`: set -a; . .rehearse/env; set +a",
            file=sys.stderr,
        )
        return 2
