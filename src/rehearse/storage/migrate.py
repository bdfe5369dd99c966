"""Forward-only SQL migrations, applied once each, safe when several services start at once."""

import hashlib
import logging
from pathlib import Path

import psycopg

log = logging.getLogger(__name__)

# Any fixed 64-bit number shared by every process that migrates this database.
_LOCK_ID = 0x7265_6865_6172_7365  # "rehearse"


def migrations_dir() -> Path:
    """`db/migrations`: linked beside this module in a checkout, copied there in a wheel."""
    folder = Path(__file__).resolve().parent / "migrations"
    if not folder.is_dir():
        raise FileNotFoundError(f"db/migrations not found at {folder}")
    return folder


def pending(conn: psycopg.Connection, folder: Path) -> list[Path]:
    """Migration files not yet recorded as applied, in order."""
    applied = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
    return [p for p in sorted(folder.glob("[0-9]*.sql")) if p.name not in applied]


def migrate(database_url: str, folder: Path | None = None) -> list[str]:
    """Apply pending migrations in order; returns the names applied by this call."""
    folder = folder or migrations_dir()
    applied: list[str] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        # The advisory lock serialises concurrent migrators; the loser then finds nothing pending.
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_ID,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " name text PRIMARY KEY, sha256 text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            for path in pending(conn, folder):
                sql = path.read_text(encoding="utf-8")
                digest = hashlib.sha256(sql.encode()).hexdigest()
                with conn.transaction():
                    conn.execute(sql)
                    conn.execute(
                        "INSERT INTO schema_migrations (name, sha256) VALUES (%s, %s)",
                        (path.name, digest),
                    )
                log.debug("applied migration %s", path.name)
                applied.append(path.name)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_ID,))
    if applied:  # one line: a new database takes every migration at once
        log.info("applied %d migration(s): %s to %s", len(applied), applied[0], applied[-1])
    return applied
