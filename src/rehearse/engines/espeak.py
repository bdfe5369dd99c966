"""Offline text to speech with libespeak-ng from the `espeakng-loader` wheel, through ctypes."""

import ctypes
import threading

import numpy as np

AUDIO_OUTPUT_SYNCHRONOUS = 2
# Without it a bad data path makes the library call exit(1) and take the worker down.
ESPEAK_INITIALIZE_DONT_EXIT = 0x8000
ESPEAK_CHARS_UTF8 = 1
POS_CHARACTER = 1
EE_OK = 0
ESPEAK_RATE, ESPEAK_PITCH = 1, 3  # espeak_PARAMETER: words a minute; base pitch 0-100
FALLBACK_VOICE = "en"

# int callback(short *wav, int numsamples, espeak_EVENT *events); the events are not needed.
_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

# libespeak-ng keeps global state (voice, output buffer): every call goes through this lock.
_lock = threading.Lock()
_lib: ctypes.CDLL | None = None
_sample_rate = 0
_chunks: list[bytes] = []
_current_voice: str | None = None


class EspeakError(RuntimeError):
    """libespeak-ng could not be loaded, initialized or could not synthesize."""


@_SynthCallback
def _on_samples(wav: ctypes._Pointer, numsamples: int, _events: int | None) -> int:
    # Called on the synthesizing thread, inside espeak_Synth, while `_lock` is held.
    if wav and numsamples > 0:
        _chunks.append(ctypes.string_at(wav, numsamples * 2))
    return 0  # 0 = keep going


def _init_locked() -> ctypes.CDLL:
    global _lib, _sample_rate
    if _lib is not None:
        return _lib
    try:
        import espeakng_loader
    except ImportError as exc:
        raise EspeakError("espeakng-loader is not installed") from exc
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.POINTER(ctypes.c_uint),
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_GetParameter.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.espeak_GetParameter.restype = ctypes.c_int
    data_path = espeakng_loader.get_data_path().encode()
    rate = lib.espeak_Initialize(
        AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, ESPEAK_INITIALIZE_DONT_EXIT
    )
    if rate <= 0:
        raise EspeakError(f"espeak_Initialize failed ({rate}) with data at {data_path!r}")
    lib.espeak_SetSynthCallback(_on_samples)
    _lib, _sample_rate = lib, rate
    return lib


def initialize() -> int:
    """Load and initialize libespeak-ng once per process; returns its sample rate."""
    with _lock:
        _init_locked()
        return _sample_rate


def voice_for(language: str) -> str:
    """Map an edge voice (`ko-KR-SunHiNeural`) or a language code (`ko`) to an espeak voice."""
    prefix = language.strip().replace("_", "-").split("-", 1)[0].lower()
    return prefix or FALLBACK_VOICE


def _set_voice_locked(lib: ctypes.CDLL, voice: str) -> None:
    global _current_voice
    if voice == _current_voice:
        return
    if lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
        # An unknown language still speaks, in English, rather than failing the job.
        if lib.espeak_SetVoiceByName(FALLBACK_VOICE.encode()) != EE_OK:
            raise EspeakError(f"espeak-ng has neither voice {voice!r} nor {FALLBACK_VOICE!r}")
        voice = FALLBACK_VOICE
    _current_voice = voice


def resolve_voice(language: str) -> str:
    """The espeak voice that `synthesize` will speak `language` with (`en` if unknown)."""
    with _lock:
        _set_voice_locked(_init_locked(), voice_for(language))
        return _current_voice or FALLBACK_VOICE


def synthesize(
    text: str, language: str, *, rate: int | None = None, pitch: int | None = None
) -> tuple[np.ndarray, int]:
    """Speak `text` in `language`; returns 16-bit mono samples and their sample rate.

    `rate` (words a minute, 80-450) and `pitch` (0-100) change this call only: the library's
    settings are global, so they go back to what they were before the next call.
    """
    encoded = text.encode("utf-8")
    with _lock:
        lib = _init_locked()
        _set_voice_locked(lib, voice_for(language))
        _chunks.clear()
        changed = {p: v for p, v in ((ESPEAK_RATE, rate), (ESPEAK_PITCH, pitch)) if v is not None}
        before = {p: lib.espeak_GetParameter(p, 1) for p in changed}
        try:
            for parameter, value in changed.items():
                lib.espeak_SetParameter(parameter, value, 0)
            # size counts the terminating NUL, as in the library's own examples.
            buf = ctypes.create_string_buffer(encoded)
            err = lib.espeak_Synth(
                buf, len(encoded) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None
            )
            if err != EE_OK:
                raise EspeakError(f"espeak_Synth failed with error {err}")
            pcm = b"".join(_chunks)
        finally:
            _chunks.clear()
            for parameter, value in before.items():
                lib.espeak_SetParameter(parameter, value, 0)
        return np.frombuffer(pcm, dtype=np.int16).copy(), _sample_rate
