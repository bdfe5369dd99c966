"""Search an owner's chunks with a query embedding: dense (HNSW, cosine) or hybrid.

Hybrid is a weighted sum with BGE-M3's own weights (FlagEmbedding's `compute_score`: 0.4
dense, 0.2 sparse, divided by their sum) of the dense cosine and the cosine of the sparse
lexical weights. The lexical term is a cosine rather than the model's raw weight product
because the raw product is unbounded and grows with query and chunk length: interview queries
are whole spoken answers, and with the raw product an overlapping neighbour chunk outscored a
chunk's own text (measured). With both terms in [0, 1] the 2:1 weighting means the same for
any query, and a chunk's own text always ranks it first. Rank fusion (RRF) was not used: it
drops how much better the best match is, and ties when the two rankings disagree.
Candidates are the top dense hits (HNSW) and the top lexical hits (an exact scan of the
owner's collection), all rescored with the same formula.
"""

from collections.abc import Mapping, Sequence
from typing import Any, Literal
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from rehearse.storage.document_store import dense_literal, sparse_literal

DENSE_WEIGHT = 0.4
SPARSE_WEIGHT = 0.2
Mode = Literal["dense", "hybrid"]

_OUT = (
    "c.id AS chunk_id, c.document_id, c.text, c.position, c.collection, d.title,"
    " 1 - (c.dense <=> %(q)s::halfvec) AS dense_score"
)
_WHERE = "c.owner_id = %(owner)s AND c.collection = ANY(%(collections)s)"

_DENSE_SQL = f"""
WITH hits AS MATERIALIZED (
    SELECT c.id FROM chunks c WHERE {_WHERE}
    ORDER BY c.dense <=> %(q)s::halfvec LIMIT %(k)s
)
SELECT {_OUT}, 1 - (c.dense <=> %(q)s::halfvec) AS score
FROM hits JOIN chunks c USING (id) JOIN documents d ON d.id = c.document_id
ORDER BY score DESC, c.id
"""

_HYBRID_SQL = f"""
WITH dense_hits AS MATERIALIZED (
    SELECT c.id FROM chunks c WHERE {_WHERE}
    ORDER BY c.dense <=> %(q)s::halfvec LIMIT %(n)s
), sparse_hits AS MATERIALIZED (
    SELECT c.id FROM chunks c WHERE {_WHERE}
    ORDER BY c.sparse <=> %(qs)s::sparsevec LIMIT %(n)s
), scored AS (
    -- A zero sparse vector has no cosine (NaN): it matches nothing lexically.
    SELECT {_OUT}, COALESCE(NULLIF(1 - (c.sparse <=> %(qs)s::sparsevec), 'NaN'), 0) AS sparse_score
    FROM chunks c JOIN documents d ON d.id = c.document_id
    WHERE c.id IN (SELECT id FROM dense_hits UNION SELECT id FROM sparse_hits)
)
SELECT *, (%(wd)s * dense_score + %(ws)s * sparse_score) / (%(wd)s + %(ws)s) AS score
FROM scored ORDER BY score DESC, chunk_id LIMIT %(k)s
"""


def search(
    conn: psycopg.Connection,
    owner_id: UUID,
    collections: str | Sequence[str],
    dense: Sequence[float],
    sparse: Mapping[str, float] | None = None,
    k: int = 5,
    mode: Mode = "hybrid",
    ef_search: int = 100,
) -> list[dict[str, Any]]:
    """The owner's best `k` chunks in `collections`, best first, each with `score`.

    Rows carry document_id, chunk_id, text, score, dense_score (and sparse_score in hybrid),
    position, collection and the document's title.
    """
    if isinstance(collections, str):
        collections = [collections]
    params: dict[str, Any] = {
        "owner": owner_id,
        "collections": list(collections),
        "q": dense_literal(dense),
        "k": k,
    }
    if mode == "hybrid":
        # Wider candidate lists than k: a chunk strong on one signal can win on the sum.
        params |= {
            "qs": sparse_literal(sparse or {}),
            "n": max(4 * k, 40),
            "wd": DENSE_WEIGHT,
            "ws": SPARSE_WEIGHT,
        }
    with conn.transaction():
        # Owner/collection filters apply after the index scan: iterative scans keep reading
        # the graph until k rows pass them (pgvector >= 0.8) instead of returning fewer.
        conn.execute("SELECT set_config('hnsw.ef_search', %s, true)", (str(ef_search),))
        conn.execute("SELECT set_config('hnsw.iterative_scan', 'strict_order', true)")
        cur = conn.cursor(row_factory=dict_row)
        rows = cur.execute(_HYBRID_SQL if mode == "hybrid" else _DENSE_SQL, params).fetchall()
    return [_public(row) for row in rows]


def _public(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["chunk_id"], out["document_id"] = str(row["chunk_id"]), str(row["document_id"])
    for key in ("score", "dense_score", "sparse_score"):
        if key in out:
            out[key] = float(out[key])
    return out
