"""The language codes Whisper accepts, kept here so the api checks them without faster-whisper."""

from typing import Literal, get_args

# faster_whisper.tokenizer._LANGUAGE_CODES (1.2.1); tests/workers/gpu compare the two.
# fmt: off
WhisperLanguage = Literal[
    "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs",
    "cy", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu",
    "ha", "haw", "he", "hi", "hr", "ht", "hu", "hy", "id", "is", "it", "ja", "jw", "ka",
    "kk", "km", "kn", "ko", "la", "lb", "ln", "lo", "lt", "lv", "mg", "mi", "mk", "ml",
    "mn", "mr", "ms", "mt", "my", "ne", "nl", "nn", "no", "oc", "pa", "pl", "ps", "pt",
    "ro", "ru", "sa", "sd", "si", "sk", "sl", "sn", "so", "sq", "sr", "su", "sv", "sw",
    "ta", "te", "tg", "th", "tk", "tl", "tr", "tt", "uk", "ur", "uz", "vi", "yi", "yo",
    "zh", "yue",
]
# fmt: on

WHISPER_LANGUAGES: frozenset[str] = frozenset(get_args(WhisperLanguage))

# Default voices per language, read by the speech engine and listed by the api.
DEFAULT_VOICES: dict[str, str] = {"ko": "ko-KR-SunHiNeural", "en": "en-US-AriaNeural"}
