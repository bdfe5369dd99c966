"""pgvector HNSW on BGE-M3-like vectors: build time, query latency and recall (no pass/fail).

    python bench/vector_search.py [--n 100000] [--ef 40,100] [--types vector,halfvec]

Vectors are 1024-d and clustered like real embeddings: a shared direction (BGE-M3's vectors
all lean one way), a topic centre and noise, normalised. Queries are fresh draws from the same
topics; recall@k is against exact float32 search in numpy, so halfvec's rounding counts too.
The sparse section times BGE-M3 lexical scoring (sum of shared token weights) stored as
sparsevec (`<#>`) against jsonb. Uses DATABASE_URL, else an embedded PostgreSQL.
"""

import argparse
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg

VOCAB = 250002  # BGE-M3's token ids


def clustered(rng: np.random.Generator, n: int, centres: np.ndarray, noise: float) -> np.ndarray:
    """n unit vectors around random centres: cosine ~0.5 within a topic, ~0.25 across."""
    base = centres[rng.integers(0, len(centres), n)]
    x = base + rng.standard_normal((n, centres.shape[1]), dtype=np.float32) * noise
    return x / np.linalg.norm(x, axis=1, keepdims=True)


COPY_HEADER, COPY_TRAILER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8, b"\xff\xff"


def binary_rows(ids: np.ndarray, vectors: np.ndarray, half: bool) -> bytes:
    """COPY BINARY tuples of (id int4, v vector|halfvec): pgvector's own binary layout."""
    n, dim = vectors.shape
    fields = [("nf", ">i2"), ("l1", ">i4"), ("id", ">i4"), ("l2", ">i4")]
    fields += [("dim", ">i2"), ("unused", ">i2"), ("v", ">f2" if half else ">f4", (dim,))]
    rows = np.zeros(n, dtype=fields)
    rows["nf"], rows["l1"], rows["id"] = 2, 4, ids
    rows["l2"] = 4 + dim * (2 if half else 4)
    rows["dim"], rows["v"] = dim, vectors
    return rows.tobytes()


def literal(v: np.ndarray) -> str:
    """pgvector's text form of a query vector."""
    return "[" + ",".join(f"{x:.7g}" for x in v) + "]"


def dense(
    conn: psycopg.Connection,
    kind: str,
    data: np.ndarray,
    queries: np.ndarray,
    truth: np.ndarray,
    args: argparse.Namespace,
) -> None:
    """Load, build HNSW (cosine), then time queries and measure recall at each ef_search."""
    dim = data.shape[1]
    conn.execute(f"DROP TABLE IF EXISTS bench_{kind}")
    conn.execute(f"CREATE TABLE bench_{kind} (id int4 PRIMARY KEY, v {kind}({dim}))")
    started = time.perf_counter()
    with conn.cursor().copy(f"COPY bench_{kind} (id, v) FROM STDIN WITH (FORMAT binary)") as cp:
        cp.write(COPY_HEADER)
        for i in range(0, len(data), 10000):
            part = data[i : i + 10000]
            cp.write(binary_rows(np.arange(i, i + len(part)), part, kind == "halfvec"))
        cp.write(COPY_TRAILER)
    load_s = time.perf_counter() - started
    conn.execute("SET maintenance_work_mem = '2GB'")
    conn.execute(f"SET max_parallel_maintenance_workers = {args.workers}")
    started = time.perf_counter()
    conn.execute(
        f"CREATE INDEX ON bench_{kind} USING hnsw (v {kind}_cosine_ops)"
        f" WITH (m = {args.m}, ef_construction = {args.ef_construction})"
    )
    build_s = time.perf_counter() - started
    size = conn.execute(f"SELECT pg_total_relation_size('bench_{kind}')").fetchone()[0]
    print(
        f"{kind}({dim}): load {load_s:.1f} s, HNSW build {build_s:.1f} s "
        f"(m={args.m}, ef_construction={args.ef_construction}), table+index {size / 2**20:.0f} MiB"
    )
    sql = f"SELECT id FROM bench_{kind} ORDER BY v <=> %s::{kind} LIMIT {args.k}"
    for ef in [int(e) for e in args.ef.split(",")]:
        conn.execute(f"SET hnsw.ef_search = {ef}")
        times, hits = [], 0
        for q, want in zip(queries, truth, strict=True):
            started = time.perf_counter()
            got = [r[0] for r in conn.execute(sql, (literal(q),))]
            times.append((time.perf_counter() - started) * 1000)
            hits += len(set(got) & set(want.tolist()))
        print(
            f"  ef_search {ef:>4}: recall@{args.k} {hits / truth.size:.4f}, "
            f"p50 {statistics.median(times):.2f} ms, p95 {np.percentile(times, 95):.2f} ms"
        )
    # Exact search on the stored type: what its rounding alone costs in recall.
    conn.execute("SET enable_indexscan = off")
    times, hits = [], 0
    for q, want in zip(queries[:20], truth[:20], strict=True):
        started = time.perf_counter()
        got = [r[0] for r in conn.execute(sql, (literal(q),))]
        times.append((time.perf_counter() - started) * 1000)
        hits += len(set(got) & set(want.tolist()))
    conn.execute("RESET enable_indexscan")
    print(
        f"  exact scan (no index): recall@{args.k} {hits / truth[:20].size:.4f}, "
        f"p50 {statistics.median(times):.1f} ms"
    )


def sparse(conn: psycopg.Connection, rng: np.random.Generator, n: int, queries: int) -> None:
    """Top-10 lexical matches over n chunks: sparsevec `<#>` against jsonb, same weights."""
    # Zipf-like token ids: a few common pieces, a long tail, ~150 distinct ids per chunk.
    docs = [_weights(rng, 150) for _ in range(n)]
    conn.execute("DROP TABLE IF EXISTS bench_sparse")
    conn.execute(f"CREATE TABLE bench_sparse (id int4, sv sparsevec({VOCAB}), js jsonb)")
    with conn.cursor().copy("COPY bench_sparse (id, sv, js) FROM STDIN") as cp:
        for i, d in enumerate(docs):
            cp.write_row((i, _sparsevec(d), _json(d)))
    conn.execute("VACUUM ANALYZE bench_sparse")
    sizes = conn.execute(
        "SELECT sum(pg_column_size(sv)), sum(pg_column_size(js)) FROM bench_sparse"
    ).fetchone()
    by_sv = "SELECT id FROM bench_sparse ORDER BY sv <#> %s::sparsevec LIMIT 10"
    by_js = (
        "SELECT d.id FROM bench_sparse d CROSS JOIN jsonb_each_text(%s::jsonb) q"
        " WHERE d.js ? q.key GROUP BY d.id"
        " ORDER BY sum(q.value::float8 * (d.js ->> q.key)::float8) DESC LIMIT 10"
    )
    print(
        f"sparse, {n} chunks: column bytes sparsevec {sizes[0] / 2**20:.1f} MiB, "
        f"jsonb {sizes[1] / 2**20:.1f} MiB"
    )
    for name, sql, fmt in (("sparsevec", by_sv, _sparsevec), ("jsonb", by_js, _json)):
        times, tops = [], []
        for _ in range(queries):
            q = _weights(rng, 12)
            started = time.perf_counter()
            tops.append([r[0] for r in conn.execute(sql, (fmt(q),))])
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"  {name:>9}: top-10 p50 {statistics.median(times):.1f} ms, "
            f"p95 {np.percentile(times, 95):.1f} ms"
        )


def _weights(rng: np.random.Generator, n: int) -> dict[int, float]:
    ids = np.unique(np.minimum(rng.zipf(1.3, n), VOCAB - 1))
    return {
        int(t): round(float(w), 4)
        for t, w in zip(ids, rng.uniform(0.01, 0.35, len(ids)), strict=True)
    }


def _sparsevec(w: dict[int, float]) -> str:
    return "{" + ",".join(f"{t + 1}:{v}" for t, v in sorted(w.items())) + "}/" + str(VOCAB)


def _json(w: dict[int, float]) -> str:
    return "{" + ",".join(f'"{t}":{v}' for t, v in w.items()) + "}"


@contextlib.contextmanager
def database() -> Iterator[str]:
    """DATABASE_URL if set, else a throwaway embedded PostgreSQL + pgvector."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"]
        return
    from rehearse.cli.embedded import EmbeddedPostgres

    with tempfile.TemporaryDirectory() as tmp, EmbeddedPostgres(Path(tmp), ephemeral=True) as url:
        yield url


def main() -> None:
    """Parse arguments, generate data, print one block per vector type and the sparse table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="vectors stored")
    parser.add_argument("--dim", type=int, default=1024)
    parser.add_argument("--topics", type=int, default=200, help="clusters of vectors")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--ef", default="40,100", help="hnsw.ef_search values")
    parser.add_argument("--m", type=int, default=16)
    parser.add_argument("--ef-construction", type=int, default=64)
    parser.add_argument("--workers", type=int, default=1, help="parallel maintenance workers")
    parser.add_argument("--types", default="vector,halfvec")
    parser.add_argument("--sparse", type=int, default=20_000, help="chunks (0 skips)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    shared = rng.standard_normal(args.dim, dtype=np.float32)
    topics = rng.standard_normal((args.topics, args.dim), dtype=np.float32)
    centres = shared / np.linalg.norm(shared) * 0.7 + topics / np.sqrt(args.dim)
    data = clustered(rng, args.n, centres, 1.2 / np.sqrt(args.dim))
    queries = clustered(rng, args.queries, centres, 1.2 / np.sqrt(args.dim))
    truth = np.argsort(-(queries @ data.T), axis=1)[:, : args.k]
    sims = data[:2000] @ data[:2000].T
    print(
        f"{args.n} vectors x {args.dim}, {args.topics} topics; pairwise cosine "
        f"mean {sims.mean():.2f}, nearest {np.sort(sims, 1)[:, -2].mean():.2f}"
    )
    with database() as url, psycopg.connect(url, autocommit=True, prepare_threshold=None) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'")
        print(f"pgvector {version.fetchone()[0]}")
        for kind in args.types.split(","):
            dense(conn, kind, data, queries, truth, args)
        if args.sparse:
            sparse(conn, rng, args.sparse, 50)


if __name__ == "__main__":
    main()
