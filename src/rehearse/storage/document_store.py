"""Documents and chunks in PostgreSQL: written by the api and the ingest job, owner-scoped."""

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

import psycopg

SPARSE_DIM = 250002  # BGE-M3's vocabulary: every token id fits the sparsevec column
_CHUNK_COLUMNS = (
    "document_id, owner_id, collection, position, text, token_count, start_char, end_char,"
    " dense, sparse"
)
_PUBLIC = (
    "d.id, d.collection, d.title, d.filename, d.content_type, d.char_count, d.chunk_count,"
    " d.status AS stored_status, d.job_id, d.created_at, d.ready_at,"
    " j.status AS job_status, j.error"
)
# A document is `ready` once its chunks are committed; before that its ingest job speaks for it.
_STATUS_OF_JOB = {"queued": "queued", "running": "processing", "succeeded": "ready"}


def dense_literal(vector: Sequence[float]) -> str:
    """pgvector's text form of a dense vector: `[0.1,0.2,...]`."""
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


def sparse_literal(weights: Mapping[str | int, float]) -> str:
    """pgvector's sparsevec text form of `{token id: weight}`; its indices start at 1."""
    items = sorted((int(t) + 1, float(w)) for t, w in weights.items() if w)
    return "{" + ",".join(f"{i}:{w!r}" for i, w in items) + "}/" + str(SPARSE_DIM)


def insert_document(
    conn: psycopg.Connection,
    owner_id: UUID,
    collection: str,
    text: str | None,
    content_type: str,
    title: str | None = None,
    filename: str | None = None,
    source_artifact_id: UUID | None = None,
) -> dict[str, Any]:
    """Insert a pending document: its text, or the uploaded file its ingest job extracts."""
    return conn.execute(
        "INSERT INTO documents (owner_id, collection, title, filename, content_type, text,"
        " char_count, source_artifact_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " RETURNING id, created_at",
        (
            owner_id,
            collection,
            title,
            filename,
            content_type,
            text,
            len(text or ""),
            source_artifact_id,
        ),
    ).fetchone()


def set_document_job(conn: psycopg.Connection, document_id: UUID, job_id: UUID) -> None:
    """Link a document to the ingest job that embeds it."""
    conn.execute("UPDATE documents SET job_id = %s WHERE id = %s", (job_id, document_id))


def public_status(row: Mapping[str, Any]) -> str:
    """`queued`, `processing`, `ready`, `failed` or `canceled`."""
    if row["stored_status"] != "pending":
        return row["stored_status"]
    return _STATUS_OF_JOB.get(row["job_status"] or "queued", row["job_status"])


def get_document(conn: psycopg.Connection, document_id: UUID, owner_id: UUID) -> dict | None:
    """One of the owner's documents with its ingest job's status and error; None if not theirs."""
    return conn.execute(
        f"SELECT {_PUBLIC} FROM documents d LEFT JOIN jobs j ON j.id = d.job_id"
        " WHERE d.id = %s AND d.owner_id = %s",
        (document_id, owner_id),
    ).fetchone()


def list_documents(
    conn: psycopg.Connection, owner_id: UUID, collection: str | None, limit: int
) -> list[dict[str, Any]]:
    """The owner's documents, newest first, optionally in one collection."""
    return conn.execute(
        f"SELECT {_PUBLIC} FROM documents d LEFT JOIN jobs j ON j.id = d.job_id"
        " WHERE d.owner_id = %s AND (%s::text IS NULL OR d.collection = %s::text)"
        " ORDER BY d.created_at DESC LIMIT %s",
        (owner_id, collection, collection, limit),
    ).fetchall()


def delete_document(conn: psycopg.Connection, document_id: UUID, owner_id: UUID) -> bool:
    """Delete one of the owner's documents; its chunks go with it (ON DELETE CASCADE)."""
    row = conn.execute(
        "DELETE FROM documents WHERE id = %s AND owner_id = %s RETURNING id",
        (document_id, owner_id),
    ).fetchone()
    return row is not None


def document_source(
    conn: psycopg.Connection, document_id: UUID, owner_id: UUID
) -> dict[str, Any] | None:
    """What the ingest job reads: `text`, or else `source_artifact_id`, `filename` and
    `content_type` of the upload to extract; None once the document was deleted."""
    return conn.execute(
        "SELECT text, source_artifact_id, filename, content_type FROM documents"
        " WHERE id = %s AND owner_id = %s",
        (document_id, owner_id),
    ).fetchone()


def store_chunks(
    conn: psycopg.Connection,
    document_id: UUID,
    job_id: UUID,
    chunks: Sequence[Mapping[str, Any]],
    text: str | None = None,
) -> bool:
    """Replace the document's chunks and mark it ready; False if it was deleted meanwhile.

    Each chunk maps position, text, token_count, start_char, end_char, dense and sparse;
    `text`, when given, is the extracted text the chunks' offsets point into.
    """
    # The row lock orders this against a concurrent DELETE: no chunk outlives its document.
    doc = conn.execute(
        "SELECT owner_id, collection FROM documents WHERE id = %s FOR UPDATE", (document_id,)
    ).fetchone()
    if doc is None:
        return False
    # A re-delivered job replaces the chunks an earlier attempt may have committed.
    conn.execute("DELETE FROM chunks WHERE document_id = %s", (document_id,))
    with conn.cursor().copy(f"COPY chunks ({_CHUNK_COLUMNS}) FROM STDIN") as copy:
        for c in chunks:
            copy.write_row(
                (
                    document_id,
                    doc["owner_id"],
                    doc["collection"],
                    c["position"],
                    c["text"],
                    c["token_count"],
                    c["start_char"],
                    c["end_char"],
                    dense_literal(c["dense"]),
                    sparse_literal(c["sparse"]),
                )
            )
    conn.execute(
        "UPDATE documents SET status = 'ready', chunk_count = %s, job_id = %s, ready_at = now(),"
        " text = coalesce(%s, text), char_count = coalesce(%s, char_count) WHERE id = %s",
        (len(chunks), job_id, text, text and len(text), document_id),
    )
    return True
