"""An answer's recording as 16 kHz mono float32, read with PyAV, within a length bound."""

import io
import itertools
import logging
from collections.abc import Iterator
from typing import Any

import av
import numpy as np

from rehearse.base.errors import AUDIO_FORMATS, JobError

log = logging.getLogger(__name__)

RATE = 16000
NOT_AUDIO = f"the file is not audio that can be read (send {AUDIO_FORMATS})"
MAX_SECONDS = 15 * 60.0
"""Longer than any answer the api takes; past it the figures would cost minutes of cpu."""


class DeliveryError(JobError):
    """The audio cannot be measured: not audio, or too long. `code` and `message` are plain."""


def too_long(seconds: float) -> DeliveryError:
    return DeliveryError(
        "audio_too_long",
        f"the audio lasts {seconds:.0f} s; delivery is measured up to {MAX_SECONDS / 60:g} minutes",
    )


def _frames(container: Any, stream: Any) -> Iterator[Any]:
    for frame in container.decode(stream):
        frame.pts = None  # the resampler needs no timestamps; damaged ones upset it
        yield frame


def decode(data: bytes) -> np.ndarray:
    """Any container PyAV reads -> float32 mono 16 kHz; DeliveryError if not audio or too long."""
    limit = int(MAX_SECONDS * RATE)
    chunks: list[np.ndarray] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise DeliveryError("invalid_audio", NOT_AUDIO)
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
            for frame in itertools.chain(_frames(container, stream), [None]):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
                    total += chunks[-1].size
                # Stop decoding at the bound: a 3 h upload must not fill memory first.
                if total > limit:
                    raise too_long(total / RATE)
    except DeliveryError:
        raise
    except Exception as exc:  # PyAV raises many error types for "not a media file"
        log.info("delivery: audio not decodable: %s", type(exc).__name__)
        raise DeliveryError("invalid_audio", NOT_AUDIO) from exc
    if total == 0:  # every packet damaged: nothing to measure, as the stt step found
        raise DeliveryError("invalid_audio", NOT_AUDIO)
    samples = np.concatenate(chunks)
    return np.clip(samples, -1.0, 1.0).astype(np.float32, copy=False)
