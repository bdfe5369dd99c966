"""PostgreSQL access: one connection pool per process, rows as dicts (typed rows: rows.py)."""

import contextlib
import os
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from rehearse.base.settings import get_settings

_pool: ConnectionPool | None = None
_pool_pid: int | None = None


def get_pool() -> ConnectionPool:
    """The process's pool, made on first use and again after a fork (sockets don't survive it)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        _pool = ConnectionPool(
            **_pool_args(autocommit=False), check=_check_if_idle, reset=_mark_returned, open=True
        )
        _pool_pid = os.getpid()
    return _pool


def _pool_args(autocommit: bool) -> dict[str, Any]:
    settings = get_settings()
    # Short waits: during an outage a request answers 503 in seconds instead of hanging,
    # and a connection that died with the server is replaced before it is handed out (check).
    return {
        "conninfo": settings.database_url,
        "min_size": 1,
        "max_size": settings.db_pool_size,
        "kwargs": {
            "row_factory": dict_row,
            "autocommit": autocommit,
            "connect_timeout": max(1, round(settings.db_timeout_s)),
        },
        "timeout": settings.db_timeout_s,
        "reconnect_timeout": 0,
    }


_async_pool: AsyncConnectionPool | None = None


CHECK_IDLE_S = 1.0
"""A pooled connection idle longer than this is checked (one round trip) before it is lent."""


def _idle(conn: psycopg.Connection | psycopg.AsyncConnection) -> bool:
    # Under load a connection comes back within milliseconds: checking it each time would add
    # a round trip to every transaction. One that sat idle may have died with the server.
    return time.monotonic() - getattr(conn, "_returned_at", 0.0) > CHECK_IDLE_S


def _check_if_idle(conn: psycopg.Connection) -> None:
    if _idle(conn):
        ConnectionPool.check_connection(conn)


def _mark_returned(conn: psycopg.Connection) -> None:
    conn._returned_at = time.monotonic()  # type: ignore[attr-defined]


async def _check_if_idle_async(conn: psycopg.AsyncConnection) -> None:
    if _idle(conn):
        await AsyncConnectionPool.check_connection(conn)


async def _mark_returned_async(conn: psycopg.AsyncConnection) -> None:
    _mark_returned(conn)  # type: ignore[arg-type]


async def open_async_pool() -> AsyncConnectionPool:
    """The api's async pool (autocommit: its statements are single), opened in the running loop."""
    global _async_pool
    if _async_pool is None:
        pool = AsyncConnectionPool(
            **_pool_args(autocommit=True),
            check=_check_if_idle_async,
            reset=_mark_returned_async,
            open=False,
        )
        await pool.open()
        _async_pool = pool
    return _async_pool


async def close_async_pool() -> None:
    global _async_pool
    if _async_pool is not None:
        await _async_pool.close()
    _async_pool = None


@asynccontextmanager
async def async_connection() -> AsyncIterator[psycopg.AsyncConnection]:
    """An autocommit connection of the async pool: each statement commits on its own."""
    pool = _async_pool or await open_async_pool()
    async with pool.connection() as conn:
        yield conn


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


@contextmanager
def statement() -> Iterator[psycopg.Connection]:
    """A pooled connection in autocommit, for work that is one statement: it commits on its
    own, one round trip where a transaction costs three (BEGIN, the statement, COMMIT)."""
    with get_pool().connection() as conn:
        conn.autocommit = True
        try:
            yield conn
        finally:
            if not conn.closed:  # a broken one is discarded by the pool anyway
                with contextlib.suppress(psycopg.Error):
                    conn.autocommit = False  # what the pool's other users expect
