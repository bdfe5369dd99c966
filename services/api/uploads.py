"""Uploaded files: read within the size limit, and documents turned into text before storing."""

from fastapi import UploadFile
from fastapi.concurrency import run_in_threadpool

from api.errors import ApiError
from common.errors import JobError

_HTTP_STATUS = {"unsupported_document": 415, "unreadable_document": 422}


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """The upload's bytes, refusing more than `limit` with 413."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, "payload_too_large", f"the upload exceeds {limit} bytes")
    return data


async def document_text(
    data: bytes, filename: str | None, content_type: str | None, field: str | None = None
) -> str:
    """Text of a txt/md/pdf/docx document; 415 unsupported or 422 unreadable, nothing stored."""
    from cpu_worker.extract import extract_text  # no torch: pypdf and python-docx only

    try:
        return await run_in_threadpool(extract_text, data, filename, content_type)
    except JobError as exc:
        message = f"{field}: {exc.message}" if field else exc.message
        raise ApiError(_HTTP_STATUS.get(exc.code, 422), exc.code, message) from exc


async def upload_text(upload: UploadFile, limit: int, field: str | None = None) -> str:
    """Read an uploaded document within `limit` and extract its text."""
    data = await read_upload(upload, limit)
    return await document_text(data, upload.filename, upload.content_type, field)
