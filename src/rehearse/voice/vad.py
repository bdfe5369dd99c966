"""Streaming Silero VAD (v6 ONNX) over 16 kHz PCM s16le, with hysteresis and a minimum speech.

The model judges 512-sample windows (32 ms) with the 64 samples before each as context and an
LSTM state (`h`, `c`) carried from window to window. Its `input` is `[windows, 576]`: the LSTM
runs along the first axis, so the windows of one frame go through in one call, and that gives
the same probabilities bit for bit as one window a call (tests/voice/test_vad.py).
"""

import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime

from rehearse.voice.events import EventType, VoiceEvent

RATE = 16000
WINDOW = 512
CONTEXT = 64
WINDOW_MS = WINDOW * 1000 // RATE
_STATE = (1, 1, 128)


class VadUnavailable(RuntimeError):
    """The Silero ONNX file is missing (it ships in this package, and in faster-whisper's)."""


BUNDLED = Path(__file__).with_name("assets") / "silero_vad_v6.onnx"
"""Silero VAD v6 (MIT, assets/SILERO_VAD_LICENSE.txt): the api needs no faster-whisper for it."""


def model_path() -> Path:
    """The bundled `silero_vad_v6.onnx`, else faster-whisper's own copy, found without importing
    faster_whisper (that loads ctranslate2 and PyAV: ~0.2 s, and memory the api has no use for).
    """
    if BUNDLED.is_file():
        return BUNDLED
    spec = importlib.util.find_spec("faster_whisper")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "assets" / "silero_vad_v6.onnx"
        if path.is_file():
            return path
    raise VadUnavailable("silero_vad_v6.onnx not found: reinstall rehearse")


_lock = threading.Lock()
_session: onnxruntime.InferenceSession | None = None


def shared_session() -> onnxruntime.InferenceSession:
    """One session per process: `run` is thread-safe and every stream keeps its own state."""
    global _session
    with _lock:
        if _session is None:
            options = onnxruntime.SessionOptions()
            # One window is ~0.1 ms of work: more threads only add handoffs, and the api's
            # event loop and other streams need the other cores.
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            options.enable_cpu_mem_arena = False
            options.log_severity_level = 3
            _session = onnxruntime.InferenceSession(
                str(model_path()), sess_options=options, providers=["CPUExecutionProvider"]
            )
        return _session


@dataclass(frozen=True)
class Judged:
    """One window's verdict: its end in ms of audio, the events it decided, and whether a
    possible start of speech is still being heard (too short yet to call speech)."""

    end_ms: int
    probability: float
    events: tuple[VoiceEvent, ...]
    hearing: bool


class StreamingVad:
    """Speech on and off in one stream of audio fed in pieces of any length."""

    def __init__(
        self,
        *,
        on: float = 0.5,
        off: float = 0.35,
        min_speech_ms: int = 250,
        min_silence_ms: int = 200,
        session: onnxruntime.InferenceSession | None = None,
    ) -> None:
        self.on, self.off = on, off
        self.min_speech_ms, self.min_silence_ms = min_speech_ms, min_silence_ms
        self._session = session or shared_session()
        self.windows = 0
        self.speaking = False
        self._odd = b""  # a frame may end inside a sample
        self._tail = np.zeros(0, np.float32)  # fewer samples than a window
        self.reset()

    @property
    def audio_ms(self) -> int:
        """Ms of audio judged so far (whole windows): the clock of every event."""
        return self.windows * WINDOW_MS

    def reset(self) -> None:
        """Forget the model's state and the speech state; the clock and buffered audio stay."""
        self._h = np.zeros(_STATE, np.float32)
        self._c = np.zeros(_STATE, np.float32)
        self._context = np.zeros(CONTEXT, np.float32)
        self.speaking = False
        self._run: int | None = None  # window where a possible change of state began

    def feed(self, pcm: bytes) -> list[VoiceEvent]:
        """`speech_started`/`speech_stopped` events decided by this piece of audio."""
        return [event for judged in self.judge(pcm) for event in judged.events]

    def judge(self, pcm: bytes) -> list[Judged]:
        """Every whole window this piece completes, in order."""
        return [self._decide(float(p)) for p in self._probabilities(pcm)]

    def _probabilities(self, pcm: bytes) -> np.ndarray:
        data = self._odd + pcm
        cut = len(data) - len(data) % 2
        self._odd = data[cut:]
        samples = np.frombuffer(data[:cut], "<i2").astype(np.float32) / 32768.0
        audio = np.concatenate([self._tail, samples])
        count = len(audio) // WINDOW
        self._tail = audio[count * WINDOW :]
        if count == 0:
            return np.zeros(0, np.float32)
        windows = audio[: count * WINDOW].reshape(count, WINDOW)
        contexts = np.concatenate([self._context[None], windows[:-1, -CONTEXT:]])
        feeds = {"input": np.concatenate([contexts, windows], 1), "h": self._h, "c": self._c}
        probabilities, self._h, self._c = self._session.run(None, feeds)
        self._context = windows[-1, -CONTEXT:].copy()
        return probabilities.reshape(-1)

    def _decide(self, p: float) -> Judged:
        """Hysteresis: speech starts above `on` held for min_speech_ms (a click is shorter) and
        stops below `off` held for min_silence_ms (the gaps between words are shorter)."""
        index = self.windows
        events: tuple[VoiceEvent, ...] = ()
        self.windows += 1
        if not self.speaking:
            if self._run is None and p >= self.on:
                self._run = index
            elif self._run is not None and p < self.off:
                self._run = None
            held = self.min_speech_ms
        else:
            if self._run is None and p < self.off:
                self._run = index
            elif self._run is not None and p >= self.on:
                self._run = None
            held = self.min_silence_ms
        if self._run is not None and (self.windows - self._run) * WINDOW_MS >= held:
            self.speaking = not self.speaking
            kind: EventType = "speech_started" if self.speaking else "speech_stopped"
            events = (VoiceEvent(kind, self._run * WINDOW_MS),)
            self._run = None
        hearing = not self.speaking and self._run is not None
        return Judged(self.audio_ms, p, events, hearing)
