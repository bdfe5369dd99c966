"""Artifacts: uploaded and generated audio."""

from uuid import UUID

from fastapi import APIRouter, Response

from api.deps import OwnerDep
from api.errors import ApiError, responses
from common.artifact_store import get_artifact
from common.db import transaction

router = APIRouter(prefix="/v1/artifacts", tags=["artifacts"])


@router.get(
    "/{artifact_id:uuid}",
    response_class=Response,
    responses={200: {"content": {"audio/mpeg": {}, "audio/wav": {}}}, **responses(401, 404)},
)
def read_artifact(artifact_id: UUID, owner: OwnerDep) -> Response:
    """An artifact's bytes with its content type."""
    with transaction() as conn:
        artifact = get_artifact(conn, artifact_id, owner)
    if artifact is None:
        raise ApiError(404, "not_found", f"no artifact {artifact_id}")
    return Response(
        artifact.data,
        media_type=artifact.content_type,
        headers={"ETag": f'"{artifact.sha256}"', "Cache-Control": "private, max-age=86400"},
    )
