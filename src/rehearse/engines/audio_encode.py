"""Decode and encode speech audio in memory with PyAV: 16-bit mono PCM to mp3, wav, opus...."""

import io
import itertools
from fractions import Fraction
from typing import Literal

import av
import numpy as np

AudioFormat = Literal["mp3", "wav", "opus", "aac", "flac", "pcm"]

CONTENT_TYPES: dict[str, str] = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "pcm": "audio/pcm",
}
# MPEG-1/2/2.5 layer III only exists at these rates; opus only at 48000/24000/16000/12000/8000.
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
PCM_RATE = 24000  # OpenAI's `pcm`: raw 24 kHz 16-bit little-endian mono
# format -> (container, codec, allowed rates or None for any)
_CODECS: dict[str, tuple[str, str, tuple[int, ...] | None]] = {
    "mp3": ("mp3", "libmp3lame", MP3_RATES),
    "wav": ("wav", "pcm_s16le", None),
    "opus": ("ogg", "libopus", OPUS_RATES),
    "aac": ("adts", "aac", None),
    "flac": ("flac", "flac", None),
}


def content_type(fmt: str) -> str:
    """The HTTP content type of an encoded format (`mp3` → `audio/mpeg`)."""
    return CONTENT_TYPES[fmt]


def decode(data: bytes, rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decode any audio PyAV reads to int16 mono at `rate` (the source rate if None)."""
    chunks: list[np.ndarray] = []
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        out_rate = rate or stream.rate
        resampler = av.AudioResampler(format="s16", layout="mono", rate=out_rate)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1))
        # Flush the resampler's tail, which would otherwise lose a few ms per piece.
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    return pcm.astype(np.int16, copy=False), out_rate


def decode_float(data: bytes, rate: int | None = None) -> tuple[np.ndarray, int]:
    """Like `decode`, as float32 samples in [-1, 1)."""
    pcm, out_rate = decode(data, rate)
    return pcm.astype(np.float32) / 32768.0, out_rate


def resample(pcm: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """Resample int16 mono PCM from `rate` to `new_rate` with libswresample."""
    if rate == new_rate or pcm.size == 0:
        return pcm
    resampler = av.AudioResampler(format="s16", layout="mono", rate=new_rate)
    frame = _frame(pcm, rate)
    outs = [*resampler.resample(frame), *resampler.resample(None)]
    return np.concatenate([o.to_ndarray().reshape(-1) for o in outs]).astype(np.int16)


def _frame(pcm: np.ndarray, rate: int) -> av.AudioFrame:
    samples = np.ascontiguousarray(pcm, dtype=np.int16).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
    frame.sample_rate = rate
    frame.pts = None
    return frame


def encode(pcm: np.ndarray, rate: int, fmt: AudioFormat) -> bytes:
    """Encode int16 mono PCM at `rate` to `fmt`, resampling where the codec demands a rate."""
    if fmt == "pcm":
        return resample(pcm, rate, PCM_RATE).astype("<i2").tobytes()
    if fmt not in _CODECS:
        raise ValueError(f"unsupported audio format {fmt!r}")
    container_format, codec, rates = _CODECS[fmt]
    if rates and rate not in rates:
        target = min(rates, key=lambda r: (abs(r - rate), -r))
        pcm, rate = resample(pcm, rate, target), target
    buf = io.BytesIO()
    # A seekable BytesIO lets the muxers go back and write the WAV sizes and the LAME/Xing
    # header, which decoders use to trim mp3 encoder padding (durations stay exact).
    with av.open(buf, mode="w", format=container_format) as container:
        # LAME -q 7 ("fast") encodes ~2× faster than its default here, no audible loss for speech.
        options = {"compression_level": "7"} if fmt == "mp3" else {}
        stream = container.add_stream(codec, rate=rate, options=options, layout="mono")
        if fmt == "mp3":
            stream.bit_rate = 64_000  # speech in mono: 64 kb/s is plenty
        if pcm.size:
            # PyAV re-frames and converts (s16 → s16p/fltp) to what the encoder wants.
            container.mux(stream.encode(_frame(pcm, rate)))
        container.mux(stream.encode(None))
    return buf.getvalue()


def change_tempo(pcm: np.ndarray, rate: int, speed: float) -> np.ndarray:
    """int16 mono PCM played `speed` times as fast at the same pitch (ffmpeg's atempo)."""
    if speed == 1.0 or pcm.size == 0:
        return pcm
    # One atempo stage takes 0.5..2.0: chain stages for 0.25..4.0.
    stages, left = [], speed
    while left > 2.0 or left < 0.5:
        stage = 2.0 if left > 2.0 else 0.5
        stages.append(stage)
        left /= stage
    stages.append(left)
    graph = av.filter.Graph()
    source = graph.add_abuffer(format="s16", sample_rate=rate, layout="mono", time_base=f"1/{rate}")
    nodes = [source, *(graph.add("atempo", f"{s:.6f}") for s in stages), graph.add("abuffersink")]
    for a, b in itertools.pairwise(nodes):
        a.link_to(b)
    graph.configure()
    frame = _frame(pcm, rate)
    frame.pts, frame.time_base = 0, Fraction(1, rate)
    graph.push(frame)
    graph.push(None)
    out: list[np.ndarray] = []
    while True:
        try:
            out.append(graph.pull().to_ndarray().reshape(-1))
        except (av.error.BlockingIOError, av.error.EOFError):
            break
    return np.concatenate(out).astype(np.int16) if out else np.zeros(0, dtype=np.int16)


def duration_of(data: bytes) -> float:
    """Duration in seconds of encoded audio, measured by decoding every frame."""
    samples = 0
    rate = 0
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.audio[0]
        for frame in container.decode(stream):
            samples += frame.samples
            rate = frame.sample_rate
    return samples / rate if rate else 0.0
