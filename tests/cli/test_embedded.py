"""The embedded Redis and PostgreSQL+pgvector start, serve, and leave no process behind."""

from pathlib import Path

import psycopg
import pytest
import redis

from rehearse.cli.embedded import EmbeddedPostgres, EmbeddedRedis, pid_alive, unavailable_reason

pytestmark = pytest.mark.skipif(
    bool(unavailable_reason()), reason=f"embedded servers: {unavailable_reason()}"
)


def test_redis_serves_and_stops(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    with server as url:
        pid = server.process.pid
        client = redis.Redis.from_url(url)
        client.set("k", "v")
        assert client.get("k") == b"v"
        client.close()
    assert not pid_alive(pid)
    assert not (tmp_path / "redis" / "dump.rdb").exists()  # no persistence by default


def test_postgres_has_pgvector_and_stops(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "pg", ephemeral=True)
    with server as url:
        assert url.startswith("postgresql://postgres@127.0.0.1:") and url.endswith("/rehearse")
        pid = server.pid
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION vector")
            row = conn.execute(
                "SELECT '[1,2,3]'::vector::halfvec(3)::text, '{1:1.5}/4'::sparsevec::text,"
                " current_setting('server_encoding')"
            ).fetchone()
            assert row == ("[1,2,3]", "{1:1.5}/4", "UTF8")
            conn.execute("CREATE TABLE t (e halfvec(3))")
            conn.execute("CREATE INDEX ON t USING hnsw (e halfvec_cosine_ops)")
            conn.execute("INSERT INTO t VALUES ('[1,0,0]'), ('[0,1,0]')")
            nearest = conn.execute("SELECT e::text FROM t ORDER BY e <=> '[1,0.1,0]' LIMIT 1")
            assert nearest.fetchone() == ("[1,0,0]",)
    assert not pid_alive(pid)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)


def test_postgres_keeps_data_across_restarts(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path / "pg")
    try:
        with server as url, psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (x int)")
        with server as url2, psycopg.connect(url2) as conn:
            assert conn.execute("SELECT count(*) FROM kept").fetchone() == (0,)
    finally:
        server.ephemeral = True  # now clean up the cluster (it may live outside tmp_path)
        server.stop()
