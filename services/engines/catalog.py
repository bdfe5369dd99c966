"""The models a worker may hold, built from settings: one residency spec per engine name."""

import os
from pathlib import Path

from common.job_kinds import BGE_M3, LLM, SPEECH, WHISPER
from common.settings import Settings
from engines.memory_meter import nvml_meter, resolve_device
from engines.residency import ModelSpec, Residency

__all__ = ["BGE_M3", "LLM", "SPEECH", "WHISPER", "build_residency", "pinned_names", "specs"]


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
        # edge-tts, espeak-ng and BGE-M3 use no GPU memory: never a reason to evict anything.
        ModelSpec(SPEECH, speech, 0, pinned=True),
        ModelSpec(BGE_M3, lambda: bge_m3(settings), 0, pinned=True),
    ]


def bge_m3(settings: Settings):
    """An unloaded BGE-M3 engine for MODELS_DIR/EMBED_MODEL."""
    from engines.bge_m3 import BGEM3Engine

    # Each prefork child gets an equal share of the cores: torch's default (every core in
    # every child) oversubscribes the CPU and makes latency swing.
    threads = max(1, (os.cpu_count() or 1) // max(1, settings.cpu_concurrency))
    return BGEM3Engine(
        settings.models_dir / settings.embed_model,
        batch_size=settings.embed_batch_size,
        max_length=settings.embed_max_length,
        num_threads=threads,
    )


def build_residency(settings: Settings, names: list[str]) -> Residency:
    """A residency manager over the named models, with NVML when on CUDA."""
    device = resolve_device(settings.device)
    return Residency(
        [spec for spec in specs(settings, device) if spec.name in names],
        budget_mb=settings.gpu_memory_budget_mb,
        idle_ttl_s=settings.model_idle_ttl_s,
        meter=nvml_meter(device),
    )
