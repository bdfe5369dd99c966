"""The models the OpenAI routes serve, named from settings, and OpenAI's names as aliases."""

from dataclasses import dataclass
from typing import Literal

from rehearse.api.openai.errors import OpenAIError
from rehearse.base.settings import Settings
from rehearse.contracts.languages import DEFAULT_VOICES

Capability = Literal["transcription", "chat", "embedding", "speech", "voice"]

ALIASES: dict[Capability, frozenset[str]] = {
    "transcription": frozenset(
        ["whisper-1", "whisper", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"]
    ),
    "chat": frozenset(
        [
            "gpt-4o-mini",
            "gpt-4o",
            "gpt-4",
            "gpt-4-turbo",
            "gpt-3.5-turbo",
            "gpt-4.1",
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "gpt-5",
            "gpt-5-mini",
            "gpt-5-nano",
            "o1",
            "o3-mini",
            "o4-mini",
        ]
    ),
    "embedding": frozenset(
        ["text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"]
    ),
    "speech": frozenset(["tts-1", "tts-1-hd", "gpt-4o-mini-tts"]),
    # OpenAI's voices speak in the default voice of the text's language.
    "voice": frozenset(
        [
            "alloy",
            "ash",
            "ballad",
            "coral",
            "echo",
            "fable",
            "onyx",
            "nova",
            "sage",
            "shimmer",
            "verse",
            "marin",
            "cedar",
        ]
    ),
}


@dataclass(frozen=True)
class ServedModel:
    id: str
    capability: Capability


def served(settings: Settings) -> list[ServedModel]:
    """Every configured model, and each voice the speech model speaks with."""
    speech = "edge-tts" if settings.tts_edge_enabled else "espeak-ng"
    voices = dict.fromkeys([settings.tts_voice, *DEFAULT_VOICES.values()])
    return [
        ServedModel(settings.whisper_model, "transcription"),
        ServedModel(settings.llm_model, "chat"),
        ServedModel(settings.embed_model, "embedding"),
        ServedModel(speech, "speech"),
        *(ServedModel(voice, "voice") for voice in voices),
    ]


def find(settings: Settings, model_id: str) -> ServedModel | None:
    """The served model with this id, if any (aliases are not models of their own)."""
    return next((m for m in served(settings) if m.id == model_id), None)


def resolve(settings: Settings, capability: Capability, name: str, param: str = "model") -> str:
    """The configured model's id for `name` (its id or an OpenAI alias); 404 otherwise."""
    model = next((m for m in served(settings) if m.capability == capability), None)
    if model and (name == model.id or name in ALIASES[capability]):
        return model.id
    if capability == "voice" and (voice := find(settings, name)) and voice.capability == "voice":
        return voice.id
    raise OpenAIError(
        404 if param == "model" else 400,
        "model_not_found" if param == "model" else "unsupported_voice",
        f"{param} {name!r} is not served for {capability}; "
        f"GET /v1/models lists what is (OpenAI names such as "
        f"{sorted(ALIASES[capability])[0]!r} are accepted as aliases)",
        param,
    )
