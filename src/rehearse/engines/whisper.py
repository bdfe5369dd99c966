"""Speech to text with faster-whisper (CTranslate2)."""

import io
import itertools
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

from rehearse.base.errors import AUDIO_FORMATS, JobError
from rehearse.contracts.jobs import WhisperOptions
from rehearse.engines.card_pace import CardPace
from rehearse.engines.memory_meter import release_heap
from rehearse.runtime.run_context import RunContext

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000
UNDECODABLE = f"the audio could not be decoded; the file may be damaged (send {AUDIO_FORMATS})"


@dataclass
class TranscribeRequest:
    audio: bytes | np.ndarray
    """Encoded audio (any format PyAV reads), or samples already decoded: 16 kHz mono float32."""
    params: WhisperOptions
    word_timestamps: bool = False
    """Each word's start and end as well (`words` in the result)."""


def decode(audio: bytes, max_seconds: float) -> np.ndarray:
    """16 kHz mono float32, decoded as a stream into one buffer that stops at `max_seconds`.

    faster-whisper's own decoder holds every frame, then a copy: 3 h of audio took ~10 GB.
    Here memory is what was decoded, at most `max_seconds` x 64 KB; corrupt or empty audio
    and audio past the limit are the client's errors.
    """
    limit = int(max_seconds * SAMPLE_RATE)
    # Pages of np.empty are only resident once written: a short file costs a short buffer.
    samples = np.empty(limit, dtype=np.float32)
    filled = 0
    try:
        with av.open(io.BytesIO(audio), mode="r", metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in itertools.chain(_frames(container, stream), [None]):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    if filled + chunk.size > limit:
                        raise JobError(
                            "audio_too_long", f"the audio lasts more than {max_seconds:g} s"
                        )
                    samples[filled : filled + chunk.size] = chunk
                    filled += chunk.size
    except JobError:
        raise
    except Exception as exc:  # PyAV raises many error types for damaged media
        # Its text is an errno and a codec's complaint: the client gets what to send instead.
        log.info("audio not decodable: %s", type(exc).__name__)
        raise JobError("invalid_audio", UNDECODABLE) from exc
    if filled == 0:  # every packet damaged: skipped, as faster-whisper skips them
        raise JobError("invalid_audio", UNDECODABLE)
    return samples[:filled]


def _frames(container: Any, stream: Any) -> Iterator[Any]:
    """The stream's frames, skipping damaged packets as faster-whisper does."""
    for packet in container.demux(stream):
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            continue
        for frame in frames:
            frame.pts = None  # the resampler needs no timestamps; damaged ones upset it
            yield frame


class WhisperEngine:
    """A faster-whisper model on `cuda` (int8_float16) or `cpu` (int8)."""

    def __init__(
        self,
        path: Path,
        device: str = "cpu",
        compute_type: str = "auto",
        beam_size: int = 5,
        vad: bool = True,
        cpu_threads: int = 0,
        max_audio_seconds: float = 1800,
        pace: CardPace | None = None,
    ) -> None:
        self.path = Path(path)
        self.device = device
        if compute_type == "auto":
            compute_type = "int8_float16" if device == "cuda" else "int8"
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.vad = vad
        self.cpu_threads = cpu_threads
        self.max_audio_seconds = max_audio_seconds
        self.pace = pace  # a card's pace to hold each run to (benchmarks only)
        self.model: Any = None

    def load(self) -> None:
        from faster_whisper import WhisperModel

        if not (self.path / "model.bin").is_file():
            raise JobError("model_missing", f"no CTranslate2 Whisper model in {self.path}")
        self.model = WhisperModel(
            str(self.path),
            device=self.device,
            compute_type=self.compute_type,
            cpu_threads=self.cpu_threads,
            local_files_only=True,
        )

    def unload(self) -> None:
        if self.model is not None:
            self.model.model.unload_model()
        self.model = None
        release_heap()

    def run(self, request: TranscribeRequest, ctx: RunContext) -> dict[str, Any]:
        params = request.params
        clock = self.pace.clock() if self.pace else None
        if params.language not in (None, "en") and not self.model.model.is_multilingual:
            raise JobError(
                "unsupported_language",
                f"this Whisper model is English-only and cannot transcribe {params.language!r}",
            )
        samples = request.audio
        if not isinstance(samples, np.ndarray):
            samples = decode(samples, self.max_audio_seconds)
        ctx.check_canceled()
        segments_iter, info = self.model.transcribe(
            samples,
            language=params.language,
            beam_size=params.beam_size or self.beam_size,
            temperature=params.temperature,
            vad_filter=self.vad if params.vad is None else params.vad,
            condition_on_previous_text=False,
            initial_prompt=params.prompt,
            word_timestamps=request.word_timestamps,
        )
        duration = round(float(info.duration), 3)
        segments, words = [], []
        for seg in segments_iter:  # lazy: decoding happens as we iterate
            ctx.check_canceled()
            start, end = _clipped(seg.start, seg.end, duration)
            words += [_word(w, duration) for w in seg.words or ()]
            item = {
                "start": start,
                "end": end,
                "text": seg.text,
                # Whisper's own doubts, for a caller that judges the text (gpu_worker's check).
                "avg_logprob": round(float(seg.avg_logprob), 4),
                "no_speech_prob": round(float(seg.no_speech_prob), 4),
                "compression_ratio": round(float(seg.compression_ratio), 4),
            }
            ctx.emit("segment", **item)
            segments.append(item)
        if clock:
            clock.transcribed(duration)
        result = {
            "text": "".join(s["text"] for s in segments).strip(),
            "language": info.language,
            "language_probability": round(float(info.language_probability), 4),
            "duration": duration,
            "segments": segments,
        }
        return result | ({"words": words} if request.word_timestamps else {})


def _clipped(start: float, end: float, duration: float) -> tuple[float, float]:
    """Rounded times within the audio: Whisper's last timestamp can overshoot a short clip."""
    end = min(round(end, 3), duration)
    return min(round(start, 3), end), end


def _word(word: Any, duration: float) -> dict[str, Any]:
    start, end = _clipped(word.start, word.end, duration)
    # faster-whisper keeps the space before a word, as OpenAI's words do not.
    probability = round(float(word.probability), 4)
    return {"word": word.word.strip(), "start": start, "end": end, "probability": probability}
