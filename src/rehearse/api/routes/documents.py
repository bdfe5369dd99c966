"""Documents: add text or a file to a collection (extracted, chunked and embedded by a job)."""

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from rehearse.api.deps import CeleryDep, OwnerDep, SettingsDep
from rehearse.api.enqueue import send_job
from rehearse.api.errors import ApiError, responses
from rehearse.api.uploads import read_document_upload
from rehearse.base.settings import Settings
from rehearse.contracts.document_contract import (
    DocumentAccepted,
    DocumentCreate,
    DocumentFields,
    DocumentPublic,
)
from rehearse.contracts.job_kinds import JobKind
from rehearse.contracts.jobs import IngestParams
from rehearse.contracts.storable import StorableText
from rehearse.storage.artifact_store import put_artifact
from rehearse.storage.db import transaction
from rehearse.storage.document_store import (
    delete_document,
    get_document,
    insert_document,
    list_documents,
    public_status,
    set_document_job,
)
from rehearse.storage.job_store import create_job

router = APIRouter(prefix="/v1/documents", tags=["documents"])


@dataclass
class NewDocument:
    """A validated request: its text, or the uploaded file the ingest step extracts."""

    fields: DocumentFields
    text: str | None = None
    data: bytes | None = None
    filename: str | None = None
    content_type: str = "text/plain"


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


async def _parse(request: Request, settings: Settings) -> NewDocument:
    """The request as a new document (nothing extracted yet); 4xx on a bad one."""
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form(max_files=1, max_fields=10)
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(422, "invalid_request", "the multipart body needs a `file` part")
            data, name, ctype = await read_document_upload(
                upload, settings.max_upload_bytes, "file"
            )
            given = {k: form[k] for k in ("collection", "title") if form.get(k)}
            fields = DocumentFields.model_validate({"title": name, **given})
            return NewDocument(fields, None, data, name, ctype)
        doc = DocumentCreate.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc
    if not doc.text.strip():
        raise ApiError(422, "unreadable_document", "No text could be extracted from the document.")
    if len(doc.text) > settings.max_document_chars:
        message = f"The document is too large: more than {settings.max_document_chars} characters."
        raise ApiError(413, "document_too_large", message)
    return NewDocument(doc, doc.text)


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
    new = await _parse(request, settings)

    def store_and_enqueue() -> DocumentAccepted:
        with transaction() as conn:
            artifact_id = None
            if new.data is not None:
                artifact_id = put_artifact(conn, owner, new.data, new.content_type)
            row = insert_document(
                conn,
                owner,
                new.fields.collection,
                new.text,
                new.content_type,
                new.fields.title,
                new.filename,
                artifact_id,
            )
            params = IngestParams(document_id=row["id"]).model_dump(mode="json")
            job = create_job(conn, JobKind.ingest, owner, params)
            # Linked before the job can run: its end always finds (and settles) the document.
            set_document_job(conn, row["id"], job["id"])
        try:
            send_job(celery, JobKind.ingest, job["id"], job["priority"])
        except ApiError:
            # No broker: the client will retry, so leave no orphan document behind.
            with transaction() as conn:
                delete_document(conn, row["id"], owner)
            raise
        return DocumentAccepted(
            id=row["id"], job_id=job["id"], status="queued", collection=new.fields.collection
        )

    return await run_in_threadpool(store_and_enqueue)


@router.get("", response_model=list[DocumentPublic], responses=responses(401))
def read_documents(
    owner: OwnerDep,
    collection: Annotated[StorableText | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DocumentPublic]:
    """The caller's documents, newest first, optionally in one collection."""
    with transaction() as conn:
        rows = list_documents(conn, owner, collection, limit)
    return [to_public(row) for row in rows]


@router.get("/{document_id:uuid}", response_model=DocumentPublic, responses=responses(401, 404))
def read_document(document_id: UUID, owner: OwnerDep) -> DocumentPublic:
    """A document's status, chunk count and collection."""
    with transaction() as conn:
        row = get_document(conn, document_id, owner)
    if row is None:
        raise ApiError(404, "not_found", f"no document {document_id}")
    return to_public(row)


@router.delete("/{document_id:uuid}", status_code=204, responses=responses(401, 404))
def remove_document(document_id: UUID, owner: OwnerDep) -> None:
    """Delete a document and its chunks; an ingest still running ends `document_deleted`."""
    with transaction() as conn:
        if not delete_document(conn, document_id, owner):
            raise ApiError(404, "not_found", f"no document {document_id}")
