"""Uploaded files: read within the size limit, named in storable text, sniffed before storing.

Documents are only sniffed here (a few bytes): their text is extracted by the cpu ingest step,
so a hostile file costs a bounded job there, never the api's memory or a request's time.
"""

from fastapi import UploadFile
from starlette.datastructures import UploadFile as FormFile

from rehearse.api.errors import ApiError
from rehearse.base.errors import JobError
from rehearse.contracts.document_types import sniff_document
from rehearse.contracts.storable import unstorable_reason

_HTTP_STATUS = {"unsupported_document": 415, "unreadable_document": 422}


async def read_upload(upload: UploadFile | FormFile, limit: int) -> bytes:
    """The upload's bytes, refusing more than `limit` with 413."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "payload_too_large", f"the upload exceeds {limit} bytes")
    return data


def upload_labels(upload: UploadFile | FormFile, field: str) -> tuple[str | None, str | None]:
    """The upload's filename and declared content type; 422 when either cannot be stored."""
    for what, value in (("filename", upload.filename), ("content type", upload.content_type)):
        reason = value and unstorable_reason(value)
        if reason:
            raise ApiError(422, "invalid_request", f"{field}: the {what} {reason}")
    return upload.filename, upload.content_type


def check_document(
    data: bytes, filename: str | None, content_type: str | None, field: str | None = None
) -> None:
    """Refuse a file no extractor reads: 415 unsupported, 422 empty; nothing is stored."""
    try:
        sniff_document(data, filename, content_type)
    except JobError as exc:
        message = f"{field}: {exc.message}" if field else exc.message
        raise ApiError(_HTTP_STATUS.get(exc.code, 422), exc.code, message) from exc


async def read_document_upload(
    upload: UploadFile | FormFile, limit: int, field: str
) -> tuple[bytes, str | None, str]:
    """(bytes, filename, content type) of an uploaded document the ingest step can extract."""
    filename, content_type = upload_labels(upload, field)
    data = await read_upload(upload, limit)
    check_document(data, filename, content_type, field)
    return data, filename, content_type or "application/octet-stream"
