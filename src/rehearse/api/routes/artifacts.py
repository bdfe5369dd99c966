"""Artifacts: uploaded and generated audio, playable by `<audio src>` (Range, HEAD, token)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Response

from rehearse.api.byte_ranges import parse_range
from rehearse.api.deps import MediaOwnerDep
from rehearse.api.errors import ApiError, responses
from rehearse.storage.artifact_store import get_artifact
from rehearse.storage.db import transaction

router = APIRouter(prefix="/v1/artifacts", tags=["artifacts"])


_RESPONSES = {
    200: {"content": {"audio/mpeg": {}, "audio/wav": {}}},
    206: {"description": "the part a `Range` header asked for"},
    **responses(401, 404, 416),
}


@router.head(
    "/{artifact_id:uuid}",
    response_class=Response,
    responses=_RESPONSES,
    summary="An artifact's headers: length, type, ETag",
)
@router.get("/{artifact_id:uuid}", response_class=Response, responses=_RESPONSES)
def read_artifact(
    artifact_id: UUID,
    owner: MediaOwnerDep,
    range: Annotated[str | None, Header()] = None,
) -> Response:
    """An artifact's bytes with its content type; `Range` answers 206, HEAD the headers."""
    with transaction() as conn:
        artifact = get_artifact(conn, artifact_id, owner)
    if artifact is None:
        raise ApiError(404, "not_found", f"no artifact {artifact_id}")
    headers = {
        "ETag": f'"{artifact.sha256}"',
        "Cache-Control": "private, max-age=86400",
        "Accept-Ranges": "bytes",
    }
    part = parse_range(range, artifact.size)
    if part is None:
        return Response(artifact.data, media_type=artifact.content_type, headers=headers)
    start, end = part
    headers["Content-Range"] = f"bytes {start}-{end}/{artifact.size}"
    return Response(
        artifact.data[start : end + 1],
        status_code=206,
        media_type=artifact.content_type,
        headers=headers,
    )
