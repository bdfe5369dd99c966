"""Admit and insert many jobs of one kind in one statement (the api's grouped submissions)."""

from typing import Any
from uuid import UUID

import psycopg

from rehearse.base.settings import get_settings
from rehearse.contracts.priority import class_of_kind
from rehearse.storage.admission import ADMIT_AND_INSERT, QueueFull, admit_args, admitted, limits
from rehearse.storage.job_store import PUBLIC_COLUMNS


async def create_jobs_async(
    conn: psycopg.AsyncConnection,
    kind: str,
    submissions: list[tuple[UUID, dict[str, Any]]],
    priority_classes: list[str] | None = None,
) -> list[dict[str, Any] | QueueFull]:
    """Insert `(owner, params)` jobs of one kind (autocommit: committed when it returns), each
    of its priority class (the kind's when None); per submission its row (with the broker
    `priority` to send it at), or the QueueFull that refused it."""
    lim = limits(get_settings(), kind)
    classes = priority_classes or [class_of_kind(kind)] * len(submissions)
    jobs = [
        (owner, params, None, cls)
        for (owner, params), cls in zip(submissions, classes, strict=True)
    ]
    args = admit_args(lim, kind, jobs)
    cursor = await conn.execute(ADMIT_AND_INSERT.format(columns=PUBLIC_COLUMNS), args)
    outcomes: list[dict[str, Any] | QueueFull] = []
    for row in await cursor.fetchall():
        try:
            outcomes.append(admitted(row, lim))
        except QueueFull as refusal:
            outcomes.append(refusal)
    return outcomes
