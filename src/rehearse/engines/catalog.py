"""The models a worker may hold, built from settings: one residency spec per engine name."""

import os
from pathlib import Path

from rehearse.base.settings import Settings
from rehearse.contracts.job_kinds import BGE_M3, LLM, SPEECH, WHISPER
from rehearse.engines.card_pace import pace
from rehearse.engines.memory_meter import nvml_meter, resolve_device
from rehearse.engines.model_sizes import SizeBook, estimate_mb, model_key
from rehearse.engines.residency import ModelSpec, Residency

KV_TYPES = {"f16": 1, "q8_0": 8, "q4_0": 2}
"""llama.cpp's GGML type numbers for the KV cache types LLM_KV_TYPE offers."""

__all__ = ["BGE_M3", "LLM", "SPEECH", "WHISPER", "build_residency", "pinned_names", "specs"]


def model_path(settings: Settings, name: str) -> Path:
    return Path(settings.models_dir) / name


def pinned_names(settings: Settings) -> list[str]:
    """The models PINNED_MODELS names, in its order."""
    return [n.strip() for n in settings.pinned_models.split(",") if n.strip()]


def model_device(settings: Settings, name: str, device: str) -> str:
    """Where `name` runs: its own setting (WHISPER_DEVICE, LLM_DEVICE), else the worker's."""
    own = {WHISPER: settings.whisper_device, LLM: settings.llm_device}.get(name, "")
    return resolve_device(own) if own else device


def llm_options(settings: Settings) -> dict[str, object]:
    """The llama.cpp arguments that size the LLM's buffers (see docs/gpu-memory.md)."""
    quantized = settings.llm_kv_type != "f16"
    kv = KV_TYPES[settings.llm_kv_type]
    # llama.cpp quantizes the V cache only with flash attention.
    return {
        "type_k": kv,
        "type_v": kv,
        "flash_attn": settings.llm_flash_attn or quantized,
        "n_batch": settings.llm_n_batch,
        "n_ubatch": settings.llm_n_batch,
    }


def sizes_book(settings: Settings) -> SizeBook:
    default = Path.home() / ".cache" / "rehearse" / "model-sizes.json"
    return SizeBook(Path(settings.model_sizes_file) if settings.model_sizes_file else default)


def _sized(settings: Settings, name: str, fixed_mb: int, device: str, variant: str) -> dict:
    """A spec's memory fields: a fixed figure when set, else measured under a model key."""
    if fixed_mb:
        return {"memory_mb": fixed_mb, "device": device}
    path = model_path(settings, settings.whisper_model if name == WHISPER else settings.llm_model)
    key = model_key(device, path, variant)
    return {"memory_mb": estimate_mb(path), "device": device, "key": key}


def specs(settings: Settings, device: str) -> list[ModelSpec]:
    """One spec per engine; factories import lazily so a worker loads only what it uses."""
    pinned = set(pinned_names(settings))
    whisper_device = model_device(settings, WHISPER, device)
    llm_device = model_device(settings, LLM, device)
    card = pace(settings.card_pace)

    def whisper():
        from rehearse.engines.whisper import WhisperEngine

        return WhisperEngine(
            model_path(settings, settings.whisper_model),
            device=whisper_device,
            compute_type=settings.whisper_compute_type,
            beam_size=settings.whisper_beam_size,
            vad=settings.whisper_vad,
            max_audio_seconds=settings.max_audio_seconds,
            pace=card,
        )

    def llm():
        from rehearse.engines.llama import LlamaEngine

        return LlamaEngine(
            model_path(settings, settings.llm_model),
            n_ctx=settings.llm_n_ctx,
            n_gpu_layers=settings.llm_n_gpu_layers if llm_device == "cuda" else 0,
            n_threads=settings.llm_threads or None,
            options=llm_options(settings),
            pace=card,
        )

    def speech():
        from rehearse.engines.speech import SpeechEngine

        return SpeechEngine(
            default_voice=settings.tts_voice,
            edge_enabled=settings.tts_edge_enabled,
            edge_timeout_s=settings.tts_edge_timeout_s,
        )

    whisper_variant = f"compute={settings.whisper_compute_type}"
    llm_variant = (
        f"ctx={settings.llm_n_ctx},kv={settings.llm_kv_type},fa={llm_options(settings)['flash_attn']}"
        f",batch={settings.llm_n_batch},layers={settings.llm_n_gpu_layers}"
    )
    whisper_size = _sized(
        settings, WHISPER, settings.whisper_memory_mb, whisper_device, whisper_variant
    )
    llm_size = _sized(settings, LLM, settings.llm_memory_mb, llm_device, llm_variant)
    return [
        ModelSpec(WHISPER, whisper, pinned=WHISPER in pinned, **whisper_size),
        ModelSpec(LLM, llm, pinned=LLM in pinned, **llm_size),
        # edge-tts, espeak-ng and BGE-M3 use no GPU memory: never a reason to evict anything.
        ModelSpec(SPEECH, speech, 0, pinned=True, device="cpu"),
        ModelSpec(BGE_M3, lambda: bge_m3(settings), 0, pinned=True, device="cpu"),
    ]


def bge_m3(settings: Settings):
    """An unloaded BGE-M3 engine for MODELS_DIR/EMBED_MODEL."""
    from rehearse.engines.bge_m3 import BGEM3Engine

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
    """A residency manager over the named models, with NVML when one of them runs on CUDA."""
    chosen = [s for s in specs(settings, resolve_device(settings.device)) if s.name in names]
    on_cuda = any(spec.device == "cuda" for spec in chosen)
    return Residency(
        chosen,
        budget_mb=settings.gpu_memory_budget_mb,
        idle_ttl_s=settings.model_idle_ttl_s,
        meter=nvml_meter("cuda") if on_cuda else None,
        cpu_budget_mb=settings.cpu_memory_budget_mb or None,
        sizes=sizes_book(settings),
    )
