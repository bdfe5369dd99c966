"""The delivery figures of one answer: the interface the cpu worker calls (docs/delivery.md).

    samples = decode(data)                       # the stored upload, any container
    delivery = measure(samples, transcript, "en", segments)

Work is bounded: decode and measure refuse audio over MAX_SECONDS, and pitch runs over the
speech only. Less than MIN_SPEECH_S of speech gives null figures, not an error.
"""

import numpy as np

from rehearse.contracts.delivery_contract import Delivery
from rehearse.delivery import pace, speech_time
from rehearse.delivery.audio import MAX_SECONDS, RATE, DeliveryError, decode, too_long
from rehearse.delivery.fillers import fillers
from rehearse.delivery.pitch import UNMEASURED, pitch_figures, speech_only
from rehearse.delivery.readings import readings

__all__ = ["DeliveryError", "decode", "measure", "warm_up"]

MIN_SPEECH_S = 0.5
"""Under this much speech, pace and pitch are not measured: a word or two has no pace."""


def measure(
    samples: np.ndarray, transcript: str, language: str, segments: list[dict] | None = None
) -> Delivery:
    """Pace, pauses, fillers and pitch of one answer, with a reading of each."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    total_s = len(samples) / RATE
    if total_s > MAX_SECONDS:
        raise too_long(total_s)
    speech = speech_time.stretches(speech_time.probabilities(samples))
    speaking_s = speech_time.speaking_s(speech)
    enough = speaking_s >= MIN_SPEECH_S
    pitch = pitch_figures(speech_only(samples, speech)) if enough else UNMEASURED
    delivery = Delivery(
        total_s=round(total_s, 3),
        speaking_s=speaking_s,
        # No words to count under MIN_SPEECH_S: a pace over a fraction of a second is noise.
        pace=pace.pace(transcript if enough else "", language, speaking_s, speech, segments),
        pauses=speech_time.pauses(speech),
        fillers=fillers(transcript, language),
        pitch=pitch,
        speech=speech,
    )
    return delivery.model_copy(update={"readings": readings(delivery, language)})


def warm_up() -> None:
    """Load the VAD session and librosa's compiled pYIN once, so no answer pays for them."""
    t = np.arange(RATE) / RATE
    voice = 0.3 * np.sign(np.sin(2 * np.pi * 140 * t)).astype(np.float32)
    speech_time.probabilities(voice)
    pitch_figures(voice)
