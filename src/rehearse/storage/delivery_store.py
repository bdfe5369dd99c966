"""An answer's delivery figures (docs/delivery.md), kept by the turn job that measured them.

The figures are measured beside the turn's chain (rehearse.runtime.side_steps), so they land
either before the turn is recorded or after. Both writers lock the job's row first: the turn's
recording reads what is here and puts it in the job's result; figures that come later add
themselves to a finished job's result. Either way the result and the turn agree once both are in.
"""

from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import tuple_row
from psycopg.types.json import Jsonb


def lock_job(conn: psycopg.Connection, job_id: UUID) -> str | None:
    """Lock the job's row for this transaction; its status, None when it is gone."""
    with conn.cursor(row_factory=tuple_row) as cur:
        query = "SELECT status FROM jobs WHERE id = %s AND erased_at IS NULL FOR UPDATE"
        row = cur.execute(query, (job_id,)).fetchone()
    return row[0] if row else None


def save(conn: psycopg.Connection, job_id: UUID, delivery: dict[str, Any]) -> str | None:
    """Keep the job's figures (a later attempt's replace an earlier's) and, when the job has
    already succeeded, add them to its result. Returns the job's status (`running` or
    `succeeded`), or None when nothing was kept: the job is gone, erased, failed or canceled."""
    status = lock_job(conn, job_id)
    if status not in ("running", "succeeded"):
        return None
    conn.execute(
        "INSERT INTO answer_delivery (job_id, delivery) VALUES (%s, %s)"
        " ON CONFLICT (job_id) DO UPDATE SET delivery = excluded.delivery, created_at = now()",
        (job_id, Jsonb(delivery)),
    )
    if status == "succeeded":
        conn.execute(
            "UPDATE jobs SET result = jsonb_set(result, '{delivery}', %s)"
            " WHERE id = %s AND result IS NOT NULL",
            (Jsonb(delivery), job_id),
        )
    return status


def for_job(conn: psycopg.Connection, job_id: UUID) -> dict[str, Any] | None:
    """The job's figures, once measured (call with the job's row locked: see lock_job)."""
    with conn.cursor(row_factory=tuple_row) as cur:
        query = "SELECT delivery FROM answer_delivery WHERE job_id = %s"
        row = cur.execute(query, (job_id,)).fetchone()
    return row[0] if row else None


def erase(conn: psycopg.Connection, job_ids: list[Any]) -> None:
    """Forget the figures of these jobs (an erased interview's)."""
    conn.execute("DELETE FROM answer_delivery WHERE job_id = ANY(%s::uuid[])", (job_ids,))
