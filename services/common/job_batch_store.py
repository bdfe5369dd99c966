"""Admit and insert many jobs of one kind in one statement (the api's grouped submissions)."""

from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from common.admission import QueueFull, admit_params, admitted, limits
from common.job_store import PUBLIC_COLUMNS
from common.settings import get_settings

# ADMIT_AND_INSERT for a batch: each job is counted after the batch's jobs before it (of its
# pool; of its key), so admission decides per job as if they had come one by one.
ADMIT_AND_INSERT_MANY = """
WITH batch AS (
  SELECT gen_random_uuid() AS id, (e->>'owner')::uuid AS owner_id, e->'params' AS params, ord
  FROM jsonb_array_elements(%(batch)s::jsonb) WITH ORDINALITY AS b(e, ord)
), waiting AS (
  SELECT count(*) AS queued FROM jobs WHERE %(limit)s > 0 AND status = 'queued'
    AND kind = ANY(%(kinds)s)
), mine AS (
  SELECT owner_id, count(*) AS n FROM jobs WHERE %(per_key)s > 0 AND status = 'queued'
    AND owner_id IN (SELECT owner_id FROM batch) GROUP BY owner_id
), ranked AS (
  SELECT batch.id, batch.owner_id, batch.params, batch.ord,
    waiting.queued + row_number() OVER (ORDER BY batch.ord) - 1 AS queued,
    coalesce(mine.n, 0) + row_number() OVER (PARTITION BY batch.owner_id ORDER BY batch.ord)
      - 1 AS mine
  FROM batch CROSS JOIN waiting LEFT JOIN mine ON mine.owner_id = batch.owner_id
), job AS (
  INSERT INTO jobs (id, kind, owner_id, params)
  SELECT id, %(kind)s::text, owner_id, params FROM ranked
  WHERE (%(limit)s = 0 OR queued < %(limit)s) AND (%(per_key)s = 0 OR mine < %(per_key)s)
  ORDER BY ord
  RETURNING {columns}
)
SELECT ranked.queued AS _queued, ranked.mine AS _mine, job.*,
  CASE WHEN job.id IS NULL THEN (SELECT count(*) FROM jobs WHERE kind = ANY(%(kinds)s)
    AND finished_at > now() - make_interval(secs => %(window)s)) END AS _drained
FROM ranked LEFT JOIN job ON job.id = ranked.id ORDER BY ranked.ord
"""


async def create_jobs_async(
    conn: psycopg.AsyncConnection,
    kind: str,
    submissions: list[tuple[UUID, dict[str, Any]]],
) -> list[dict[str, Any] | QueueFull]:
    """Insert `(owner, params)` jobs of one kind (autocommit: committed when it returns);
    per submission its row, or the QueueFull that refused it."""
    lim = limits(get_settings(), kind)
    # One JSON document for the whole batch: arrays of jsonb would be escaped element by
    # element in Python, a cost on every submission.
    batch = [{"owner": str(owner), "params": params} for owner, params in submissions]
    args = admit_params(lim, submissions[0][0]) | {"batch": Jsonb(batch), "kind": kind}
    cursor = await conn.execute(ADMIT_AND_INSERT_MANY.format(columns=PUBLIC_COLUMNS), args)
    outcomes: list[dict[str, Any] | QueueFull] = []
    for row in await cursor.fetchall():
        try:
            outcomes.append(admitted(row, lim))
        except QueueFull as refusal:
            outcomes.append(refusal)
    return outcomes
