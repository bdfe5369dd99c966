"""PostgreSQL access: one connection pool per process, rows as dicts."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from common.settings import get_settings

_pool: ConnectionPool | None = None
_pool_pid: int | None = None


def get_pool() -> ConnectionPool:
    """The process's pool, made on first use and again after a fork (sockets don't survive it)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        settings = get_settings()
        # Short waits: during an outage a request answers 503 in seconds instead of hanging,
        # and a connection that died with the server is replaced before it is handed out.
        _pool = ConnectionPool(
            settings.database_url,
            min_size=1,
            max_size=settings.db_pool_size,
            kwargs={
                "row_factory": dict_row,
                "autocommit": False,
                "connect_timeout": max(1, round(settings.db_timeout_s)),
            },
            timeout=settings.db_timeout_s,
            check=ConnectionPool.check_connection,
            reconnect_timeout=0,
            open=True,
        )
        _pool_pid = os.getpid()
    return _pool


def close_pool() -> None:
    """Close the pool (process shutdown)."""
    global _pool
    if _pool is not None and _pool_pid == os.getpid():
        _pool.close()
    _pool = None


@contextmanager
def transaction() -> Iterator[psycopg.Connection]:
    """A pooled connection inside one transaction: committed on success, rolled back on error."""
    with get_pool().connection() as conn:
        yield conn
