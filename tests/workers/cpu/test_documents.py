"""Documents: text, PDF and DOCX are chunked and stored; bad files store nothing; owners only."""

import uuid

import httpx
import psycopg
import pytest

from tests.workers.cpu import sample_files
from tests.workers.cpu.conftest import AddDocument

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


def collection() -> str:
    return f"docs-{uuid.uuid4().hex[:8]}"


def counts(db: psycopg.Connection) -> tuple[int, int, int]:
    row = db.execute(
        "SELECT (SELECT count(*) FROM documents) AS d, (SELECT count(*) FROM chunks) AS c,"
        " (SELECT count(*) FROM jobs WHERE kind = 'ingest') AS j"
    ).fetchone()
    return row["d"], row["c"], row["j"]


def stored_chunks(db: psycopg.Connection, document_id: str) -> list[dict]:
    return db.execute(
        "SELECT position, text, token_count, start_char, end_char, collection"
        " FROM chunks WHERE document_id = %s ORDER BY position",
        (document_id,),
    ).fetchall()


def test_a_text_document_is_chunked_embedded_and_stored(
    client: httpx.Client, db: psycopg.Connection, add_document: AddDocument
) -> None:
    name = collection()
    text = "\n\n".join(sample_files.paragraphs(30))
    doc = add_document(client, name, text=text)
    assert doc["status"] == "queued" and doc["collection"] == name

    public = client.get(f"/v1/documents/{doc['id']}").json()
    assert public["status"] == "ready"
    assert public["collection"] == name and public["job_id"] == doc["job_id"]
    chunks = stored_chunks(db, doc["id"])
    assert public["chunk_count"] == len(chunks) > 1
    assert doc["job"]["result"]["chunks"] == len(chunks)
    assert all(c["token_count"] <= 400 and c["collection"] == name for c in chunks)
    # Every chunk is a slice of the stored text, in order.
    stored = db.execute("SELECT text FROM documents WHERE id = %s", (doc["id"],)).fetchone()
    assert all(stored["text"][c["start_char"] : c["end_char"]] == c["text"] for c in chunks)
    assert [c["position"] for c in chunks] == list(range(len(chunks)))


@pytest.mark.parametrize(
    ("filename", "make", "ctype"),
    [
        ("resume.pdf", sample_files.pdf, "application/pdf"),
        ("resume.docx", sample_files.docx, "application/octet-stream"),
    ],
)
def test_an_uploaded_file_is_extracted_and_stored(
    client: httpx.Client,
    db: psycopg.Connection,
    add_document: AddDocument,
    filename: str,
    make,
    ctype: str,
) -> None:
    lines = sample_files.paragraphs(8, tag=filename)
    ascii_lines = [line.encode("ascii", "ignore").decode() for line in lines]
    doc = add_document(client, collection(), file=(filename, make(ascii_lines), ctype))
    public = client.get(f"/v1/documents/{doc['id']}").json()
    assert public["status"] == "ready" and public["filename"] == filename
    chunks = stored_chunks(db, doc["id"])
    assert public["chunk_count"] == len(chunks) >= 1
    assert "Section 3" in " ".join(c["text"] for c in chunks)


def test_an_executable_renamed_pdf_is_refused_and_nothing_is_stored(
    client: httpx.Client, db: psycopg.Connection
) -> None:
    before = counts(db)
    files = {"file": ("resume.pdf", EXE, "application/pdf")}
    response = client.post("/v1/documents", files=files, data={"collection": collection()})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_document"
    assert counts(db) == before


@pytest.mark.parametrize(
    "body",
    [
        {"files": {"file": ("resume.pdf", b"  \n ", "application/pdf")}},
        {"json": {"collection": "x", "text": "   \n  "}},
    ],
    ids=["blank-file", "blank-text"],
)
def test_an_empty_document_is_refused_and_nothing_is_stored(
    client: httpx.Client, db: psycopg.Connection, body: dict
) -> None:
    before = counts(db)
    response = client.post("/v1/documents", **body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unreadable_document"
    assert counts(db) == before


def test_deleting_a_document_removes_its_chunks(
    client: httpx.Client, db: psycopg.Connection, add_document: AddDocument
) -> None:
    doc = add_document(client, collection(), text="\n\n".join(sample_files.paragraphs(6)))
    assert stored_chunks(db, doc["id"])
    assert client.delete(f"/v1/documents/{doc['id']}").status_code == 204
    assert client.get(f"/v1/documents/{doc['id']}").status_code == 404
    assert stored_chunks(db, doc["id"]) == []
    assert client.delete(f"/v1/documents/{doc['id']}").status_code == 404


def test_another_keys_document_is_not_found(
    client: httpx.Client, other_client: httpx.Client, add_document: AddDocument
) -> None:
    name = collection()
    doc = add_document(client, name, text="A private resume about Python servers.")
    assert other_client.get(f"/v1/documents/{doc['id']}").status_code == 404
    assert other_client.delete(f"/v1/documents/{doc['id']}").status_code == 404
    assert other_client.get("/v1/documents", params={"collection": name}).json() == []
    mine = client.get("/v1/documents", params={"collection": name}).json()
    assert [d["id"] for d in mine] == [doc["id"]]
