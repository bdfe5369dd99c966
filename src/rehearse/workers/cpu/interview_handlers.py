"""The cpu steps of interview pipelines: index the interview's documents, retrieve for a turn."""

from typing import Any

from rehearse.base.errors import JobError
from rehearse.contracts.interview_contract import SOURCE_MAX_CHARS, TurnParams, TurnState
from rehearse.engines.base import Embed
from rehearse.runtime.worker_context import StepRun
from rehearse.storage import interview_store
from rehearse.storage.db import transaction
from rehearse.storage.document_store import insert_document, store_chunks
from rehearse.storage.interview_store import load_for_step
from rehearse.storage.retrieval import search
from rehearse.workers.cpu.handlers import source_text
from rehearse.workers.cpu.indexing import chunk_and_embed

PASSAGES_PER_TURN = 4
OPENING_PASSAGES = 3


def index_documents(engine: Embed, run: StepRun) -> dict[str, Any]:
    """Start step 1: the resume and the posting become documents of the interview's collection."""
    job, ctx, timings, settings = run.job, run.ctx, run.timings, run.settings
    interview = load_for_step(job.interview_id)
    given = {
        "resume": (interview.resume_text, interview.resume_artifact_id),
        "job_posting": (interview.job_posting_text, interview.job_posting_artifact_id),
    }
    sources = {}
    for title, (text, artifact_id) in given.items():
        source = {
            "text": text,
            "artifact_id": artifact_id,
            "filename": None,  # the api sniffed the upload; its bytes say what it is
            "content_type": None,
        }
        try:
            sources[title] = source_text(source, job.owner_id, SOURCE_MAX_CHARS, timings)
        except JobError as exc:
            raise JobError(exc.code, f"the {title}: {exc.message}") from exc
    indexed = {}
    for title, text in sources.items():
        rows = chunk_and_embed(engine, text, settings, ctx, timings)
        if not rows:
            raise JobError("unreadable_document", f"the {title} has no text to index")
        indexed[title] = rows
    with transaction() as conn:
        # A repeated step replaces what an interrupted one may have stored.
        conn.execute("DELETE FROM documents WHERE collection = %s", (interview.collection,))
        interview_store.set_texts(conn, interview.id, sources["resume"], sources["job_posting"])
        for title, rows in indexed.items():
            document = insert_document(
                conn,
                job.owner_id,
                interview.collection,
                sources[title],
                "text/plain",
                title=title,
            )
            store_chunks(conn, document["id"], job.id, rows)
    return {
        "resume_passages": [r["text"] for r in indexed["resume"][:OPENING_PASSAGES]],
        "posting_passages": [r["text"] for r in indexed["job_posting"][:OPENING_PASSAGES]],
    }


def retrieve_passages(engine: Embed, run: StepRun) -> dict[str, Any]:
    """Turn step 2: the resume and posting passages closest to the question and the answer."""
    job, ctx, settings = run.job, run.ctx, run.settings
    state = TurnState.model_validate(run.state)
    params = TurnParams.model_validate(job.params)
    interview = load_for_step(job.interview_id)
    query = engine.encode([f"{params.question}\n{state.transcript}"])[0]
    ctx.check_canceled()
    with transaction() as conn:
        hits = search(
            conn,
            job.owner_id,
            interview.collection,
            query["dense"],
            query["sparse"],
            k=PASSAGES_PER_TURN,
            mode="hybrid",
            ef_search=settings.hnsw_ef_search,
        )
    passages = [
        {
            "document_id": h["document_id"],
            "chunk_id": h["chunk_id"],
            "text": h["text"],
            "score": h["score"],
            "title": h.get("title"),
        }
        for h in hits
    ]
    return {**run.state, "passages": passages}
