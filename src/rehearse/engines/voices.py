"""Voices by language: the configured voice when it speaks the language, else a default of it."""

import unicodedata

from rehearse.contracts.languages import DEFAULT_VOICES

__all__ = ["DEFAULT_VOICES", "text_language", "voice_for"]

_HANGUL_SHARE = 0.3  # Korean text often names English tools ("Python", "API")


def text_language(text: str) -> str:
    """`ko` when Hangul makes up a fair share of the letters, else `en`."""
    letters = [c for c in text if c.isalpha()]
    hangul = sum(unicodedata.name(c, "").startswith("HANGUL") for c in letters)
    return "ko" if letters and hangul >= _HANGUL_SHARE * len(letters) else "en"


def voice_for(configured: str, language: str) -> str:
    """`configured` when it speaks `language`, else that language's default voice."""
    if configured.lower().startswith(language):
        return configured
    return DEFAULT_VOICES[language]
