"""Job handlers of the cpu worker: embed texts, and chunk + embed + store a document."""

import os
import time
from typing import Any

import psycopg

from rehearse.base.errors import JobError
from rehearse.contracts.job_kinds import BGE_M3
from rehearse.contracts.jobs import EmbedParams, IngestParams
from rehearse.engines.base import Embed
from rehearse.runtime.job_runner import Finalize
from rehearse.runtime.worker_context import StepRun, current
from rehearse.storage.artifact_store import get_artifact
from rehearse.storage.db import transaction
from rehearse.storage.document_store import document_source, store_chunks
from rehearse.workers.cpu.batcher import Participant
from rehearse.workers.cpu.extract import clean_text, extract_text
from rehearse.workers.cpu.indexing import chunk_and_embed


def encode_batch(texts: list[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One encode call over `texts`, with the stats every job it served records."""
    started = time.perf_counter()
    engine_of: dict[str, Any] = {}

    def encode(engine: Any) -> list[dict[str, Any]]:
        engine_of["engine"] = engine
        return engine.encode(texts)

    vectors, usage = current().engines.call(BGE_M3, encode)
    stats = {k: v for k, v in usage.timings().items() if v}  # only a load is worth recording
    stats |= {
        "encode_ms": round((time.perf_counter() - started) * 1000 - stats.get("load_ms", 0), 1),
        "encode_calls": 1,
        "batch_size": len(texts),
        # Unique per call: jobs sharing it were encoded together.
        "batch_id": f"{os.getpid()}-{engine_of['engine'].encode_calls}",
    }
    return vectors, stats


def embed(engine: Participant, run: StepRun) -> dict[str, Any]:
    """Embed the job's texts through its batch's shared encode call (the engine it is handed)."""
    params = EmbedParams.model_validate(run.job.params)
    run.ctx.check_canceled()
    vectors, stats = engine.encode(params.texts)
    run.timings.update(stats)
    tokens, _ = current().engines.call(BGE_M3, lambda bge: input_tokens(bge, params.texts))
    return {"embeddings": vectors, "usage": {"prompt_tokens": tokens}}


def input_tokens(engine: Embed, texts: list[str]) -> int:
    """Tokens the model read: each text's, with its <s> </s>, cut at the length limit."""
    limit = getattr(engine, "max_length", None) or 1 << 30
    return sum(min(engine.count_tokens(text) + 2, limit) for text in texts)


def source_text(
    source: dict[str, Any], owner_id: Any, max_chars: int, timings: dict[str, Any]
) -> str:
    """Cleaned text of a source row: its `text`, else its uploaded file extracted (bounded).

    The row maps `text`, `artifact_id`, `filename` and `content_type`.
    """
    if source["text"] is not None:
        return clean_text(source["text"])
    with transaction() as conn:
        upload = get_artifact(conn, source["artifact_id"], owner_id)
    if upload is None:
        raise JobError("artifact_missing", "the uploaded file is gone")
    started = time.perf_counter()
    text = extract_text(upload.data, source["filename"], source["content_type"], max_chars)
    timings["extract_ms"] = timings.get("extract_ms", 0) + round(
        (time.perf_counter() - started) * 1000, 1
    )
    return text


def ingest(engine: Embed, run: StepRun) -> Finalize:
    """Extract the document's text, chunk it, embed every chunk, store them with the result."""
    job, ctx, timings, settings = run.job, run.ctx, run.timings, run.settings
    params = IngestParams.model_validate(job.params)
    with transaction() as conn:
        doc = document_source(conn, params.document_id, job.owner_id)
    if doc is None:
        raise JobError("document_deleted", f"document {params.document_id} was deleted")
    source = {**doc, "artifact_id": doc["source_artifact_id"]}
    text = source_text(source, job.owner_id, settings.max_document_chars, timings)
    ctx.check_canceled()
    rows = chunk_and_embed(engine, text, settings, ctx, timings)
    if not rows:
        raise JobError("unreadable_document", "the document has no text to index")

    def finalize(conn: psycopg.Connection) -> dict[str, Any]:
        # Same transaction as the job's result: chunks and `succeeded` commit together.
        if not store_chunks(conn, params.document_id, job.id, rows, text):
            raise JobError("document_deleted", f"document {params.document_id} was deleted")
        return {
            "document_id": str(params.document_id),
            "chunks": len(rows),
            "tokens": sum(r["token_count"] for r in rows),
        }

    return finalize
