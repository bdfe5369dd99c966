"""Text to speech: edge-tts when it answers, espeak-ng offline otherwise; says which spoke."""

import logging
import re
from typing import Any

import av
import numpy as np

from rehearse.base.errors import JobError
from rehearse.contracts.jobs import SpeakParams
from rehearse.engines import audio_encode, edge, espeak, voices
from rehearse.engines.base import RunContext

log = logging.getLogger(__name__)

EDGE_RATE = 24000  # edge-tts streams 24 kHz mono mp3
# After . ? ! only at a space (keeps "3.5" and "e.g.x" whole); full-width marks need none.
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+|(?<=[。？！])\s*|\s*\n\s*")


def split_text(text: str, max_chars: int = 400) -> list[str]:
    """Split at sentence ends and newlines, packing sentences into pieces of ≤ max_chars."""
    sentences: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        sentence = " ".join(sentence.split())
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars + 1)
            cut = cut if cut > 0 else max_chars  # no space (CJK run): cut hard
            sentences.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            sentences.append(sentence)
    pieces: list[str] = []
    for sentence in sentences:
        if pieces and len(pieces[-1]) + 1 + len(sentence) <= max_chars:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        else:
            pieces.append(sentence)
    # A piece with no letter or digit ("...") gives edge-tts no audio and would force a fallback.
    return [p for p in pieces if any(ch.isalnum() for ch in p)]


class SpeechEngine:
    """The speak engine: edge-tts first, espeak-ng for the whole text once edge fails."""

    def __init__(
        self,
        default_voice: str = "ko-KR-SunHiNeural",
        edge_enabled: bool = True,
        edge_timeout_s: float = 10.0,
        max_piece_chars: int = 400,
    ) -> None:
        self.default_voice = default_voice
        self.edge_enabled = edge_enabled
        self.edge_timeout_s = edge_timeout_s
        self.max_piece_chars = max_piece_chars
        self._edge_down = False  # said once when edge-tts stops answering, once when it is back

    def load(self) -> None:
        """Initialize libespeak-ng (milliseconds; no GPU memory)."""
        espeak.initialize()

    def unload(self) -> None:
        """Nothing to free: espeak-ng holds a few MB of CPU memory and stays for the process."""

    def _edge_piece(self, piece: str, voice: str) -> tuple[np.ndarray, bytes]:
        mp3 = edge.synthesize(piece, voice, self.edge_timeout_s)
        try:
            pcm, _ = audio_encode.decode(mp3, EDGE_RATE)
        except av.error.FFmpegError as exc:
            raise edge.EdgeUnavailable(f"undecodable audio from edge-tts: {exc}") from exc
        return pcm, mp3

    def _say_edge_down(self, reason: str, voice: str) -> None:
        # Offline, every question would warn again: once per outage, with the voice that speaks.
        if self._edge_down:
            log.debug("edge-tts failed again (%s)", reason)
            return
        self._edge_down = True
        log.warning(
            "edge-tts unavailable (%s): speaking with espeak-ng's %s voice until it answers "
            "again (TTS_EDGE_ENABLED=false skips it)",
            reason,
            espeak.resolve_voice(voice),
        )

    def run(self, params: SpeakParams, ctx: RunContext) -> dict[str, Any]:
        """Speak `params.text`, emitting `progress` per piece; returns audio bytes and metadata."""
        if not params.text.strip():
            raise JobError("invalid_text", "text is empty or only whitespace")
        pieces = split_text(params.text, self.max_piece_chars)
        if not pieces:
            raise JobError("invalid_text", "text has no letters or digits to speak")
        # No voice asked for: one that speaks the text's language (never English in Korean).
        language = voices.text_language(params.text)
        voice = params.voice or voices.voice_for(self.default_voice, language)
        engine = "edge-tts" if self.edge_enabled else "espeak-ng"
        fallback_reason: str | None = None
        parts: list[np.ndarray] = []
        edge_mp3: bytes | None = None
        rate = EDGE_RATE
        total = len(pieces)
        for i, piece in enumerate(pieces):
            ctx.check_canceled()
            if engine == "edge-tts":
                try:
                    pcm, mp3 = self._edge_piece(piece, voice)
                    if self._edge_down:
                        log.info("edge-tts answers again; speaking with %s", voice)
                        self._edge_down = False
                    parts.append(pcm)
                    # One mp3 piece passes through as is rather than be re-encoded lossily.
                    whole = total == 1 and params.format == "mp3" and params.speed == 1.0
                    edge_mp3 = mp3 if whole else None
                except edge.EdgeUnavailable as exc:
                    fallback_reason = exc.reason
                    self._say_edge_down(exc.reason, voice)
                    engine = "espeak-ng"
                    # One voice for the whole text: redo what edge spoke (espeak takes ms).
                    parts = [espeak.synthesize(p, voice)[0] for p in pieces[:i]]
            if engine == "espeak-ng":
                pcm, rate = espeak.synthesize(piece, voice)
                parts.append(pcm)
            ctx.emit("progress", done=i + 1, total=total)
        ctx.check_canceled()
        pcm = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
        pcm = audio_encode.change_tempo(pcm, rate, params.speed)
        audio = edge_mp3 or audio_encode.encode(pcm, rate, params.format)
        return {
            "audio": audio,
            "content_type": audio_encode.content_type(params.format),
            "format": params.format,
            "engine": engine,
            "duration": round(pcm.size / rate, 3),
            "voice": voice if engine == "edge-tts" else espeak.resolve_voice(voice),
            "fallback_reason": fallback_reason,
            "language": language if params.voice is None else None,
        }
