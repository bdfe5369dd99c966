"""Speech to text with faster-whisper (CTranslate2)."""

import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from common.errors import JobError
from common.jobs import TranscribeParams
from common.run_context import RunContext
from gpu_worker.memory_meter import release_heap

log = logging.getLogger(__name__)

SAMPLE_RATE = 16000


@dataclass
class TranscribeRequest:
    audio: bytes
    params: TranscribeParams


def decode(audio: bytes) -> np.ndarray:
    """16 kHz mono float32 samples; corrupt or empty audio is the client's error."""
    from faster_whisper import decode_audio

    try:
        samples = decode_audio(io.BytesIO(audio), sampling_rate=SAMPLE_RATE)
    except Exception as exc:
        raise JobError("invalid_audio", f"the audio could not be decoded: {exc}") from exc
    if samples.size == 0:
        raise JobError("invalid_audio", "the audio holds no decodable samples")
    return samples


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
    ) -> None:
        self.path = Path(path)
        self.device = device
        if compute_type == "auto":
            compute_type = "int8_float16" if device == "cuda" else "int8"
        self.compute_type = compute_type
        self.beam_size = beam_size
        self.vad = vad
        self.cpu_threads = cpu_threads
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
        samples = decode(request.audio)
        ctx.check_canceled()
        segments_iter, info = self.model.transcribe(
            samples,
            language=params.language,
            beam_size=params.beam_size or self.beam_size,
            temperature=params.temperature,
            vad_filter=self.vad if params.vad is None else params.vad,
            condition_on_previous_text=False,
        )
        segments = []
        for seg in segments_iter:  # lazy: decoding happens as we iterate
            ctx.check_canceled()
            item = {"start": round(seg.start, 3), "end": round(seg.end, 3), "text": seg.text}
            ctx.emit("segment", **item)
            segments.append(item)
        return {
            "text": "".join(s["text"] for s in segments).strip(),
            "language": info.language,
            "language_probability": round(float(info.language_probability), 4),
            "duration": round(float(info.duration), 3),
            "segments": segments,
        }
