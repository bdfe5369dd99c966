"""What a worker's models can do, announced in its presence so the api can refuse early.

The gpu worker fills CAPABILITIES at start (which languages its Whisper transcribes); the api
reads them from the live workers' presence bodies. Where no worker says, the api cannot know
and lets the worker decide (the job then fails with the same code).
"""

from typing import Any

CAPABILITIES: dict[str, Any] = {}
"""This process's capabilities, copied into its presence body on every beat."""

STT_LANGUAGES = "stt_languages"
_STT_QUEUES = ("gpu", "gpu.whisper")  # `gpu`: a worker from before per-model queues


def _transcribes(worker: dict[str, Any]) -> bool:
    return any(queue in worker["queues"] for queue in _STT_QUEUES)


def unsupported_language(workers: list[dict[str, Any]], language: str | None) -> str | None:
    """Why no live gpu worker can transcribe `language`; None if one can or none has said."""
    if language is None:
        return None
    known = [w.get("capabilities", {}).get(STT_LANGUAGES) for w in workers if _transcribes(w)]
    if not known or any(k is None or language in k for k in known):
        return None
    offered = sorted({code for k in known for code in k})
    return (
        f"the speech model transcribes only {', '.join(offered)}, not {language!r} "
        "(an English-only Whisper: use a multilingual one for other languages)"
    )
