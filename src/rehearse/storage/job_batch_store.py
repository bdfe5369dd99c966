"""Admit and insert many jobs of one kind in one statement (the api's grouped submissions)."""

from typing import Any
from uuid import UUID

import psycopg

from rehearse.base.settings import get_settings
from rehearse.storage.admission import ADMIT_AND_INSERT, QueueFull, admit_args, admitted, limits
from rehearse.storage.job_store import PUBLIC_COLUMNS


async def create_jobs_async(
    conn: psycopg.AsyncConnection,
    kind: str,
    submissions: list[tuple[UUID, dict[str, Any]]],
) -> list[dict[str, Any] | QueueFull]:
    """Insert `(owner, params)` jobs of one kind (autocommit: committed when it returns);
    per submission its row, or the QueueFull that refused it."""
    lim = limits(get_settings(), kind)
    args = admit_args(lim, kind, [(owner, params, None) for owner, params in submissions])
    cursor = await conn.execute(ADMIT_AND_INSERT.format(columns=PUBLIC_COLUMNS), args)
    outcomes: list[dict[str, Any] | QueueFull] = []
    for row in await cursor.fetchall():
        try:
            outcomes.append(admitted(row, lim))
        except QueueFull as refusal:
            outcomes.append(refusal)
    return outcomes
