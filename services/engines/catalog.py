"""The models this gpu worker may hold, built from settings."""

from pathlib import Path

from common.settings import Settings
from engines.memory_meter import nvml_meter, resolve_device
from engines.residency import ModelSpec, Residency

WHISPER = "whisper"
LLM = "llm"
SPEECH = "speech"


def model_path(settings: Settings, name: str) -> Path:
    return Path(settings.models_dir) / name


def pinned_names(settings: Settings) -> list[str]:
    """The models PINNED_MODELS names, in its order."""
    return [n.strip() for n in settings.pinned_models.split(",") if n.strip()]


def specs(settings: Settings, device: str) -> list[ModelSpec]:
    """One spec per engine; factories import lazily so a worker loads only what it uses."""
    pinned = set(pinned_names(settings))

    def whisper():
        from engines.whisper import WhisperEngine

        return WhisperEngine(
            model_path(settings, settings.whisper_model),
            device=device,
            compute_type=settings.whisper_compute_type,
            beam_size=settings.whisper_beam_size,
            vad=settings.whisper_vad,
            max_audio_seconds=settings.max_audio_seconds,
        )

    def llm():
        from engines.llama import LlamaEngine

        return LlamaEngine(
            model_path(settings, settings.llm_model),
            n_ctx=settings.llm_n_ctx,
            n_gpu_layers=settings.llm_n_gpu_layers if device == "cuda" else 0,
            n_threads=settings.llm_threads or None,
        )

    def speech():
        from engines.speech import SpeechEngine

        return SpeechEngine(
            default_voice=settings.tts_voice,
            edge_enabled=settings.tts_edge_enabled,
            edge_timeout_s=settings.tts_edge_timeout_s,
        )

    return [
        ModelSpec(WHISPER, whisper, settings.whisper_memory_mb, pinned=WHISPER in pinned),
        ModelSpec(LLM, llm, settings.llm_memory_mb, pinned=LLM in pinned),
        # edge-tts and espeak-ng use no GPU memory: never a reason to evict anything.
        ModelSpec(SPEECH, speech, 0, pinned=True),
    ]


def build_residency(settings: Settings) -> Residency:
    """A residency manager over every configured model, with NVML when on CUDA."""
    device = resolve_device(settings.device)
    return Residency(
        specs(settings, device),
        budget_mb=settings.gpu_memory_budget_mb,
        idle_ttl_s=settings.model_idle_ttl_s,
        meter=nvml_meter(device),
    )
