"""Documents: add text or a file to a collection (chunked and embedded by a job), read, delete."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import UploadFile

from api.deps import CeleryDep, OwnerDep, SettingsDep
from api.enqueue import enqueue_job
from api.errors import ApiError, responses
from api.uploads import document_text, upload_text
from common.db import transaction
from common.document_store import (
    delete_document,
    get_document,
    insert_document,
    list_documents,
    public_status,
    set_document_job,
)
from common.jobs import ErrorBody, IngestParams, JobKind

router = APIRouter(prefix="/v1/documents", tags=["documents"])

Collection = Annotated[str, Field(min_length=1, max_length=200)]


class DocumentCreate(BaseModel):
    """A plain-text document; files go as multipart `file` (+ `collection`, `title` fields)."""

    collection: Collection = "default"
    text: str = Field(..., min_length=1)
    title: str | None = Field(None, max_length=500)


class DocumentAccepted(BaseModel):
    id: UUID
    job_id: UUID
    status: str
    collection: str


class DocumentPublic(BaseModel):
    """A document as its owner sees it; `status` is queued, processing, ready or failed."""

    id: UUID
    collection: str
    title: str | None
    filename: str | None
    content_type: str
    status: str
    job_id: UUID | None
    chunk_count: int
    char_count: int
    created_at: datetime
    ready_at: datetime | None = None
    error: ErrorBody | None = None


def to_public(row: dict[str, Any]) -> DocumentPublic:
    """A document row (with its job's status) as the owner sees it."""
    return DocumentPublic.model_validate({**row, "status": public_status(row)})


_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": DocumentCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "collection": {"type": "string", "default": "default"},
                        "title": {"type": "string"},
                    },
                }
            },
        },
    }
}


async def _parse(request: Request, limit: int) -> tuple[DocumentCreate, str | None, str | None]:
    """The body as (document, filename, content type), text extracted; 4xx on a bad one."""
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form(max_files=1, max_fields=10)
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(422, "invalid_request", "the multipart body needs a `file` part")
            name, ctype = upload.filename, upload.content_type
            text = await upload_text(upload, limit)
            fields = {k: form[k] for k in ("collection", "title") if form.get(k)}
            return DocumentCreate(text=text, title=fields.pop("title", name), **fields), name, ctype
        doc = DocumentCreate.model_validate_json(await request.body())
        # The same cleaning (NFC, newlines, blank runs) as uploads, and the same empty check.
        doc.text = await document_text(doc.text.encode(), None, "text/plain")
        return doc, None, "text/plain"
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


@router.post(
    "",
    status_code=202,
    response_model=DocumentAccepted,
    responses=responses(401, 413, 415, 422, 503),
    openapi_extra=_BODY,
)
async def create_document(
    request: Request, owner: OwnerDep, settings: SettingsDep, celery: CeleryDep
) -> DocumentAccepted:
    """Add a document (JSON text, or a .txt/.md/.pdf/.docx upload) to a collection."""
    doc, filename, ctype = await _parse(request, settings.max_upload_bytes)

    def store_and_enqueue() -> DocumentAccepted:
        with transaction() as conn:
            row = insert_document(
                conn, owner, doc.collection, doc.text, ctype or "text/plain", doc.title, filename
            )
            params = IngestParams(document_id=row["id"]).model_dump(mode="json")
            try:
                # Commits the document with its job, then sends the job.
                job = enqueue_job(
                    celery,
                    request.app.state.redis_sync,
                    settings,
                    JobKind.ingest,
                    owner,
                    params,
                    conn=conn,
                )
            except ApiError:
                # No broker: the client will retry, so leave no orphan document behind.
                delete_document(conn, row["id"], owner)
                conn.commit()
                raise
            set_document_job(conn, row["id"], job["id"])
        return DocumentAccepted(
            id=row["id"], job_id=job["id"], status="queued", collection=doc.collection
        )

    return await run_in_threadpool(store_and_enqueue)


@router.get("", response_model=list[DocumentPublic], responses=responses(401))
def read_documents(
    owner: OwnerDep,
    collection: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DocumentPublic]:
    """The caller's documents, newest first, optionally in one collection."""
    with transaction() as conn:
        rows = list_documents(conn, owner, collection, limit)
    return [to_public(row) for row in rows]


@router.get("/{document_id}", response_model=DocumentPublic, responses=responses(401, 404))
def read_document(document_id: UUID, owner: OwnerDep) -> DocumentPublic:
    """A document's status, chunk count and collection."""
    with transaction() as conn:
        row = get_document(conn, document_id, owner)
    if row is None:
        raise ApiError(404, "not_found", f"no document {document_id}")
    return to_public(row)


@router.delete("/{document_id}", status_code=204, responses=responses(401, 404))
def remove_document(document_id: UUID, owner: OwnerDep) -> None:
    """Delete a document and its chunks; an ingest still running ends `document_deleted`."""
    with transaction() as conn:
        if not delete_document(conn, document_id, owner):
            raise ApiError(404, "not_found", f"no document {document_id}")
