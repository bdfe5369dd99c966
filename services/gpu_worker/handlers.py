"""Job handlers of the gpu worker: load the job's inputs, run an engine under residency."""

from typing import Any

from common.artifact_store import get_artifact
from common.db import transaction
from common.errors import JobError
from common.job_runner import Handler
from common.jobs import TranscribeParams
from common.run_context import RunContext
from gpu_worker.engines.whisper import TranscribeRequest
from gpu_worker.models import WHISPER
from gpu_worker.residency import Residency


def transcribe(residency: Residency) -> Handler:
    """Transcribe the job's audio artifact, emitting one `segment` event per segment."""

    def handle(job: dict[str, Any], ctx: RunContext, timings: dict[str, Any]) -> dict[str, Any]:
        params = TranscribeParams.model_validate(job["params"])
        with transaction() as conn:
            artifact = get_artifact(conn, params.audio_artifact_id, job["owner_id"])
        if artifact is None:
            raise JobError("artifact_missing", f"audio artifact {params.audio_artifact_id} is gone")
        request = TranscribeRequest(artifact.data, params)
        result, usage = residency.call(WHISPER, lambda engine: engine.run(request, ctx))
        timings.update(usage.timings())
        return result

    return handle
