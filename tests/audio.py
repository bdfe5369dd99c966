"""Audio fixtures made with PyAV: speech-like signals in several containers, and bad uploads."""

import io
import wave

import av
import numpy as np

SEED = 7


def speech_like(seconds: float = 2.0, rate: int = 16000) -> np.ndarray:
    """Mono float32 in [-1, 1]: a gliding voiced source with formants, syllable bursts and noise."""
    rng = np.random.default_rng(SEED)
    t = np.arange(int(seconds * rate)) / rate
    f0 = 140 + 25 * np.sin(2 * np.pi * 0.7 * t)  # pitch glides like intonation
    phase = 2 * np.pi * np.cumsum(f0) / rate
    # Harmonics weighted by two fixed "formant" bumps, so it is not a pure sine.
    voiced = np.zeros_like(t)
    for k in range(1, 25):
        hz = k * 140
        weight = np.exp(-(((hz - 700) / 300) ** 2)) + 0.6 * np.exp(-(((hz - 1800) / 400) ** 2))
        voiced += (weight + 0.02) * np.sin(k * phase)
    syllables = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2  # ~4 syllables a second
    noise = rng.standard_normal(t.size) * (syllables > 0.8)  # fricative-like bursts
    signal = voiced * syllables + 0.1 * noise
    return (0.5 * signal / np.abs(signal).max()).astype(np.float32)


def _encode(fmt: str, codec: str, seconds: float, rate: int, codec_rate: int) -> bytes:
    """Encode speech_like() as mono `codec` in a `fmt` container; PyAV resamples as needed."""
    pcm = (speech_like(seconds, rate) * 32767).astype(np.int16)
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=codec_rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return buf.getvalue()


def tone_wav(seconds: float = 2.0, rate: int = 16000) -> bytes:
    """16-bit PCM WAV of speech_like()."""
    return _encode("wav", "pcm_s16le", seconds, rate, rate)


def tone_webm_opus(seconds: float = 2.0, rate: int = 48000) -> bytes:
    """Opus in WebM, what browsers' MediaRecorder uploads (opus needs 48/24/16/12/8 kHz)."""
    return _encode("webm", "libopus", seconds, rate, 48000)


def tone_mp3(seconds: float = 2.0, rate: int = 16000) -> bytes:
    """MP3 (libmp3lame) of speech_like()."""
    return _encode("mp3", "libmp3lame", seconds, rate, rate)


def corrupt_audio(seconds: float = 2.0) -> bytes:
    """A FLAC whose header is intact but whose audio frames are all random bytes.

    Probing passes: av.open() finds a flac audio stream and STREAMINFO gives a duration
    (`container.duration`, 2 s by default). Decoding yields nothing: no frame sync/CRC
    survives, so faster_whisper.decode_audio() returns zero samples (it skips invalid
    frames rather than raising). Like an upload mangled after its first few hundred bytes.
    """
    flac = _encode("flac", "flac", seconds, 16000, 16000)
    # Walk "fLaC" + metadata blocks (1 byte last-flag|type, 3 bytes length) to the first frame.
    end, last = 4, False
    while not last:
        last = bool(flac[end] & 0x80)
        end += 4 + int.from_bytes(flac[end + 1 : end + 4], "big")
    noise = np.random.default_rng(SEED).bytes(len(flac) - end)
    return flac[:end] + noise


def not_audio() -> bytes:
    """Plain text that no demuxer accepts."""
    return b"This is a resume in plain text, not an audio file.\n" * 20


def silence_flac(seconds: float, rate: int = 16000) -> bytes:
    """Digital silence as FLAC: an hour is ~0.7 MB, encoded in about two seconds."""
    buf = io.BytesIO()
    step = rate * 10
    with av.open(buf, "w", format="flac") as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        for i in range(int(seconds * rate) // step):
            frame = av.AudioFrame.from_ndarray(
                np.zeros((1, step), np.int16), format="s16", layout="mono"
            )
            frame.sample_rate, frame.pts = rate, i * step
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def live_webm(seconds: float) -> bytes:
    """Opus in WebM written as a live stream, as browsers record it: no duration is stated."""
    pcm = (speech_like(seconds, 48000) * 32767).astype(np.int16)
    buf = io.BytesIO()
    with av.open(buf, "w", format="webm", options={"live": "1"}) as out:
        stream = out.add_stream("libopus", rate=48000, layout="mono")
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = 48000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)
    return buf.getvalue()


def artifact_seconds(client, artifact_id: str) -> float:
    """The duration of an audio artifact as the api serves it, decoded with PyAV."""
    data = client.get(f"/v1/artifacts/{artifact_id}").content
    with av.open(io.BytesIO(data)) as container:
        return sum(f.samples / f.sample_rate for f in container.decode(audio=0))


def pcm_wav(pcm: np.ndarray, rate: int = 16000) -> bytes:
    """16-bit mono samples (int16) as a WAV file."""
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.astype("<i2").tobytes())
    return buf.getvalue()
