"""Beside the turn's chain: how the answer was said, measured while the feedback generates.

Sent once the retrieve step is done (contracts.job_kinds, `beside`), so it runs on a cpu worker
while the gpu worker writes the feedback and the next question. The figures are kept by the
turn's job (storage.delivery_store) and, while the job still runs, published as a `delivery`
event on its stream; figures that come after the job ended are in its result and its turn
only (`done` stays a stream's last event).
"""

import logging

from rehearse.base.errors import JobError
from rehearse.contracts.interview_contract import TurnParams, TurnState
from rehearse.delivery.measure import decode, measure
from rehearse.runtime.worker_context import StepRun
from rehearse.storage import delivery_store
from rehearse.storage.artifact_store import get_artifact
from rehearse.storage.db import transaction

log = logging.getLogger(__name__)


def measure_answer(_engine: None, run: StepRun) -> None:
    """Measure the answer's delivery from its stored audio and the stt step's transcript."""
    params = TurnParams.model_validate(run.job.params)
    state = TurnState.model_validate(run.state)
    with transaction() as conn:
        audio = get_artifact(conn, params.answer_artifact_id)
    if audio is None:
        raise JobError("artifact_missing", "the answer's audio is gone")
    # Audio it cannot read or over its bound: DeliveryError, a JobError (invalid_audio,
    # audio_too_long) that the runner of steps beside a chain logs and counts.
    samples = decode(audio.data)
    delivery = measure(samples, state.transcript, state.language or "en", state.segments)
    body = delivery.model_dump(mode="json")
    with transaction() as conn:
        # Published with the job's row still locked: the chain cannot finish the job (and end
        # its stream with `done`) before the event is in. A finished job's turn has them.
        if delivery_store.save(conn, run.job.id, body) == "running":
            run.ctx.emit("delivery", delivery=body)
