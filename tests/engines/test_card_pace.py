"""CARD_PACE: the synthetic engines held to a card's pace, for the capacity harness's scale-out.

The pace only ever adds time (a sleep after the work), so each check is a lower bound that a
machine under load cannot break, and the text is the same as unpaced.
"""

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

pytest.importorskip("llama_cpp")

from rehearse.base.settings import Settings
from rehearse.cli.synthetic import llama as synthetic_llama
from rehearse.cli.synthetic import whisper as synthetic_whisper
from rehearse.contracts.jobs import ChatParams, WhisperOptions
from rehearse.engines.card_pace import PACES, pace
from rehearse.engines.catalog import LLM, WHISPER, specs
from rehearse.engines.llama import LlamaEngine
from rehearse.engines.whisper import SAMPLE_RATE, TranscribeRequest, WhisperEngine
from rehearse.runtime.run_context import RunContext

CARD = PACES["6gb"]
PROMPT = [{"role": "user", "content": "Tell me about a project you are proud of."}]


class Clocked(RunContext):
    """Keeps each token's arrival, in seconds after `start()`."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.text = ""
        self.started = time.monotonic()

        def emit(type_: str, **fields: Any) -> None:
            if type_ == "token":
                self.arrivals.append(time.monotonic() - self.started)
                self.text += fields["text"]

        super().__init__(emit=emit)


@pytest.fixture(scope="module")
def llama_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_llama.write(tmp_path_factory.mktemp("llama"))


def test_each_token_comes_no_sooner_than_the_card_would_have_it(llama_path: Path) -> None:
    plain = LlamaEngine(llama_path, n_ctx=1024)
    paced = LlamaEngine(llama_path, n_ctx=1024, pace=CARD)
    plain.load()
    paced.load()
    try:
        params = ChatParams(messages=PROMPT, max_tokens=24, seed=3)
        unpaced_ctx, paced_ctx = Clocked(), Clocked()
        expected = plain.run(params, unpaced_ctx)
        result = paced.run(params, paced_ctx)
    finally:
        plain.unload()
        paced.unload()
    assert result["text"] == expected["text"] and result["usage"] == expected["usage"]
    prompt = result["usage"]["prompt_tokens"]
    assert len(paced_ctx.arrivals) >= 10
    for i, arrived in enumerate(paced_ctx.arrivals):
        assert arrived >= prompt / CARD.prefill_tok_s + (i + 1) / CARD.decode_tok_s - 0.002
    # The synthetic model alone is far faster than the card: the pace is what takes the time.
    assert unpaced_ctx.arrivals[-1] < paced_ctx.arrivals[-1] / 2


def test_whisper_takes_the_cards_share_of_the_audio(tmp_path: Path) -> None:
    folder = synthetic_whisper.write(tmp_path)
    engine = WhisperEngine(folder, beam_size=1, vad=False, pace=CARD)
    engine.load()
    try:
        audio = np.zeros(SAMPLE_RATE * 20, dtype=np.float32)  # 20 s: 0.5 s on the card
        started = time.monotonic()
        result = engine.run(TranscribeRequest(audio, WhisperOptions()), RunContext())
        took = time.monotonic() - started
    finally:
        engine.unload()
    assert result["duration"] == 20.0
    assert took >= 20.0 / CARD.stt_realtime


def test_the_setting_reaches_the_engines_and_is_off_by_default(tmp_path: Path) -> None:
    def engines(settings: Settings) -> dict[str, Any]:
        return {s.name: s.factory() for s in specs(settings, "cpu") if s.name in (WHISPER, LLM)}

    off = engines(Settings(models_dir=str(tmp_path), llm_memory_mb=1, whisper_memory_mb=1))
    on = engines(
        Settings(models_dir=str(tmp_path), llm_memory_mb=1, whisper_memory_mb=1, card_pace="6gb")
    )
    assert all(e.pace is None for e in off.values())
    assert all(e.pace is CARD for e in on.values())


def test_an_unknown_pace_is_refused() -> None:
    assert pace("") is None and pace("6gb") is CARD
    with pytest.raises(ValueError, match="6gb"):
        pace("4090")
    with pytest.raises(ValidationError, match="card_pace"):
        Settings(card_pace="4090")
