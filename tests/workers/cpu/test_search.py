"""Search: a chunk's own text finds it first; only the caller's documents; 503 without a worker."""

import uuid

import httpx
import psycopg
import pytest

from tests import stack
from tests.workers.cpu import sample_files
from tests.workers.cpu.conftest import AddDocument

MODES = ["dense", "hybrid"]


def collection() -> str:
    return f"search-{uuid.uuid4().hex[:8]}"


def search(client: httpx.Client, name: str, query: str, mode: str, k: int = 5) -> list[dict]:
    body = {"collection": name, "query": query, "k": k, "mode": mode}
    response = client.post("/v1/search", json=body)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def chunks_of(db: psycopg.Connection, document_id: str) -> list[dict]:
    return db.execute(
        "SELECT id::text, text FROM chunks WHERE document_id = %s ORDER BY position",
        (document_id,),
    ).fetchall()


def upload(source: str, name: str) -> dict:
    """add_document arguments for the same paragraphs as text, a PDF or a DOCX."""
    lines = [p.encode("ascii", "ignore").decode() for p in sample_files.paragraphs(16, name)]
    if source == "text":
        return {"text": "\n\n".join(lines)}
    if source == "pdf":
        return {"file": ("cv.pdf", sample_files.pdf(lines), "application/pdf")}
    return {"file": ("cv.docx", sample_files.docx(lines), "application/octet-stream")}


@pytest.mark.parametrize("source", ["text", "pdf", "docx"])
def test_a_chunks_own_text_finds_that_chunk_first(
    client: httpx.Client, db: psycopg.Connection, add_document: AddDocument, source: str
) -> None:
    name = collection()
    doc = add_document(client, name, **upload(source, name))
    add_document(client, name, text="\n\n".join(sample_files.paragraphs(10, "other")))
    chunks = chunks_of(db, doc["id"])
    assert len(chunks) > 1
    for chunk in (chunks[0], chunks[-1]):
        for mode in MODES:
            results = search(client, name, chunk["text"], mode)
            assert results[0]["chunk_id"] == chunk["id"], mode
            assert results[0]["document_id"] == doc["id"]
            assert results[0]["text"] == chunk["text"]
            assert [r["score"] for r in results] == sorted(
                (r["score"] for r in results), reverse=True
            )


@pytest.mark.parametrize("mode", MODES)
def test_another_keys_documents_never_appear(
    client: httpx.Client, other_client: httpx.Client, add_document: AddDocument, mode: str
) -> None:
    name = collection()
    text = "\n\n".join(sample_files.paragraphs(6, "mine"))
    mine = add_document(client, name, text=text)
    theirs = add_document(other_client, name, text=text)
    for who, doc in ((client, mine), (other_client, theirs)):
        results = search(who, name, sample_files.TOPICS[0], mode, k=50)
        assert results and {r["document_id"] for r in results} == {doc["id"]}
    assert search(client, collection(), sample_files.TOPICS[0], mode) == []


def test_a_deleted_documents_chunks_are_not_found(
    client: httpx.Client, add_document: AddDocument
) -> None:
    name = collection()
    kept = add_document(client, name, text="\n\n".join(sample_files.paragraphs(4, "kept")))
    gone = add_document(client, name, text="\n\n".join(sample_files.paragraphs(4, "gone")))
    assert client.delete(f"/v1/documents/{gone['id']}").status_code == 204
    for mode in MODES:
        results = search(client, name, sample_files.TOPICS[1], mode, k=50)
        assert {r["document_id"] for r in results} == {kept["id"]}


def test_search_answers_503_with_retry_after_when_no_worker_embeds_the_query(
    impatient_client: httpx.Client, cpu_worker: stack.WorkerHandle
) -> None:
    cpu_worker.stop()
    body = {"collection": "anything", "query": "Tell me about yourself."}
    response = impatient_client.post("/v1/search", json=body)
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "embedding_unavailable"
    assert int(response.headers["Retry-After"]) >= 1


def test_a_bad_search_request_is_refused(client: httpx.Client) -> None:
    response = client.post("/v1/search", json={"collection": "x", "query": "", "mode": "dense"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
