"""Documents that cannot be ingested end `failed` with their job's error, within seconds,
and hostile uploads cost the api no more than their bytes."""

import io
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from rehearse.storage.api_keys import create_key
from rehearse.storage.document_store import insert_document, set_document_job
from rehearse.storage.job_store import cancel_queued, create_job, fail_queued
from tests import stack
from tests.conftest import wait_job
from tests.interviews.conftest import POSTING
from tests.messages import assert_plain
from tests.workers.cpu import sample_files

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
API_GROWTH_BOUND_MB = 64  # three uploads of ~0.4 MB each; extraction used to take 2.5-4.8 GB


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


@pytest.fixture(scope="module")
def measured(stack_env: dict[str, str], log_dir: Path, api_key: str) -> Iterator[tuple]:
    """A client on an api process of its own, and that process's pid."""
    proc, base = stack.api(stack_env, log_dir)
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        yield client, proc.proc.pid
    proc.stop()


def stored_document(db: psycopg.Connection, document_id: str) -> dict:
    return db.execute(
        "SELECT status, chunk_count, (SELECT count(*) FROM chunks WHERE document_id = d.id) AS n"
        " FROM documents d WHERE id = %s",
        (document_id,),
    ).fetchone()


def damaged_docx() -> bytes:
    """A .docx whose text part is cut off mid-element, as a broken download leaves it."""
    whole = sample_files.docx(sample_files.paragraphs(3))
    with zipfile.ZipFile(io.BytesIO(whole)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:400] + b"<w:p><w:r"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


DAMAGED = {
    "pdf": (("resume.pdf", b"%PDF-1.7\nnot really a pdf", "application/pdf"), "DOCX"),
    "docx": (("resume.docx", damaged_docx(), DOCX), "PDF"),
}


@pytest.mark.parametrize(("upload", "instead"), DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_document_ends_failed_in_plain_words(client, db, cpu_worker, upload, instead):
    response = client.post("/v1/documents", files={"file": upload}, data={"collection": "damaged"})
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["job_id"], timeout=30)
    assert job["status"] == "failed" and job["error"]["code"] == "unreadable_document"
    assert_plain(job["error"]["message"], "damaged", instead, "TXT")
    public = client.get(f"/v1/documents/{response.json()['id']}").json()
    assert public["status"] == "failed" and public["error"]["code"] == "unreadable_document"
    assert stored_document(db, public["id"]) == {"status": "failed", "chunk_count": 0, "n": 0}


def test_a_docx_bomb_fails_within_seconds_and_the_api_stays_small(measured, db, cpu_worker):
    client, pid = measured
    bomb = sample_files.docx_bomb(150)  # ~0.4 MB that inflates to 150 MB of XML
    client.get("/healthz")
    before = rss_mb(pid)
    accepted = []
    for i in range(3):
        files = {"file": (f"bomb{i}.docx", bomb, DOCX)}
        response = client.post("/v1/documents", files=files, data={"collection": "bombs"})
        assert response.status_code == 202, response.text
        accepted.append(response.json())
    growth = rss_mb(pid) - before
    print(f"api RSS {before:.0f} MB, +{growth:.1f} MB after 3 DOCX bombs")
    assert growth < API_GROWTH_BOUND_MB
    for doc in accepted:
        job = wait_job(client, doc["job_id"], timeout=15)
        assert job["error"]["code"] == "document_too_large", job
        assert stored_document(db, doc["id"])["status"] == "failed"


def test_a_resume_too_large_fails_the_interview_start(client, cpu_worker) -> None:
    resume = sample_files.long_pdf(80)  # ~240,000 characters in 50 KB
    response = client.post(
        "/v1/interviews",
        files={"resume": ("resume.pdf", resume, "application/pdf")},
        data={"job_posting": POSTING, "language": "ko"},
    )
    assert response.status_code == 202, response.text
    job = wait_job(client, response.json()["job_id"], timeout=30)
    assert job["status"] == "failed", job
    assert job["error"]["code"] == "document_too_large" and job["error"]["stage"] == "ingest"
    assert "resume" in job["error"]["message"]
    interview = client.get(f"/v1/interviews/{response.json()['id']}").json()
    assert interview["status"] == "failed"


@pytest.mark.parametrize("end", ["failed", "canceled"])
def test_a_document_follows_its_ingest_job_however_the_job_ends(db, end) -> None:
    owner = create_key(db, f"trigger-{uuid.uuid4().hex[:6]}")[0]
    document = insert_document(db, owner, "c", "some text", "text/plain")
    job = create_job(db, "ingest", owner, {"document_id": str(document["id"])})
    set_document_job(db, document["id"], job["id"])
    # The api's own paths (no broker, a cancel) rather than a worker's: every path ends it.
    if end == "failed":
        assert fail_queued(db, job["id"], "queue_unavailable", "the broker is down")
    else:
        assert cancel_queued(db, job["id"])
    assert db.execute(
        "SELECT status FROM documents WHERE id = %s", (document["id"],)
    ).fetchone() == {"status": end}
