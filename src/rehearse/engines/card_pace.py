"""A card's pace, for benchmarks: gpu workers on one host that take as long as cards would.

`CARD_PACE=6gb` makes each gpu step last at least what it would on the 6 GB card of
docs/capacity.md (paper figures, from the card's memory bandwidth and docs/gpu-memory.md): the
LLM's prompt at `prefill_tok_s`, then each token at `decode_tok_s`; Whisper at `stt_realtime`
times real time. The engine runs as usual and then sleeps out the rest, as a host's CPU waits on
its card. So the capacity harness (bench/capacity.py) can stand two processes on one small
machine for two cards, the synthetic models doing the work and the pace the card's time. Off
(empty) in every real deployment: nothing here runs unless it is set.
"""

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class CardPace:
    prefill_tok_s: float
    decode_tok_s: float
    stt_realtime: float

    def clock(self) -> "PaceClock":
        return PaceClock(self)


PACES = {
    # Llama-3.1-8B Q4_K_M and Whisper small int8_float16 on a 6 GB card (docs/capacity.md).
    "6gb": CardPace(prefill_tok_s=1500.0, decode_tok_s=50.0, stt_realtime=40.0),
}


def pace(name: str) -> CardPace | None:
    """The named pace, None for "" (off); ValueError names the choices."""
    if not name:
        return None
    if name not in PACES:
        raise ValueError(f"unknown card pace {name!r}; choose one of {sorted(PACES)} or ''")
    return PACES[name]


class PaceClock:
    """One run's clock: `hold(seconds)` sleeps until that long after the run started."""

    def __init__(self, card: CardPace) -> None:
        self.card = card
        self.started = time.monotonic()

    def hold(self, seconds: float) -> None:
        left = self.started + seconds - time.monotonic()
        if left > 0:
            time.sleep(left)

    def token(self, prompt_tokens: int, index: int) -> None:
        """Hold the `index`-th generated token (0 first) until the card would have it."""
        self.hold(prompt_tokens / self.card.prefill_tok_s + (index + 1) / self.card.decode_tok_s)

    def transcribed(self, audio_s: float) -> None:
        self.hold(audio_s / self.card.stt_realtime)
