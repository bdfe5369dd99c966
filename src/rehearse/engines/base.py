"""The protocols engines follow: one lifecycle (load, unload) and one per capability."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from rehearse.contracts.jobs import ChatMessage, ChatParams, SpeakParams
from rehearse.runtime.run_context import RunContext

if TYPE_CHECKING:  # av and numpy stay out of modules that only name the request
    from rehearse.engines.whisper import TranscribeRequest

__all__ = ["Chat", "Embed", "Engine", "RunContext", "SpeechToText", "TextToSpeech"]


class Engine(Protocol):
    """One model behind `load()` and `unload()`; residency is not its business."""

    def load(self) -> None:
        """Load weights into memory (GPU or CPU)."""

    def unload(self) -> None:
        """Free every byte `load()` took; after it the engine may be loaded again."""


class SpeechToText(Engine, Protocol):
    """Audio to text, one `segment` event per segment (faster-whisper)."""

    def run(self, request: "TranscribeRequest", ctx: RunContext) -> dict[str, Any]: ...


class Chat(Engine, Protocol):
    """A chat completion streaming `token` events (llama.cpp)."""

    n_ctx: int

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int: ...

    def run(self, params: ChatParams, ctx: RunContext) -> dict[str, Any]: ...


class TextToSpeech(Engine, Protocol):
    """Text to audio bytes, saying which engine spoke (edge-tts or espeak-ng)."""

    def run(self, params: SpeakParams, ctx: RunContext) -> dict[str, Any]: ...


class Embed(Engine, Protocol):
    """Texts to BGE-M3 dense and sparse vectors."""

    def count_tokens(self, text: str) -> int: ...

    def encode(self, texts: Sequence[str]) -> list[dict[str, Any]]: ...
