"""The models this gpu worker may hold, built from settings."""

from pathlib import Path

from common.settings import Settings
from gpu_worker.engines.whisper import WhisperEngine
from gpu_worker.memory_meter import nvml_meter, resolve_device
from gpu_worker.residency import ModelSpec, Residency

WHISPER = "whisper"


def model_path(settings: Settings, name: str) -> Path:
    return Path(settings.models_dir) / name


def build_residency(settings: Settings) -> Residency:
    """A residency manager over every configured model, with NVML when on CUDA."""
    device = resolve_device(settings.device)
    pinned = {n.strip() for n in settings.pinned_models.split(",") if n.strip()}
    specs = [
        ModelSpec(
            WHISPER,
            lambda: WhisperEngine(
                model_path(settings, settings.whisper_model),
                device=device,
                compute_type=settings.whisper_compute_type,
                beam_size=settings.whisper_beam_size,
                vad=settings.whisper_vad,
            ),
            settings.whisper_memory_mb,
            pinned=WHISPER in pinned,
        ),
    ]
    return Residency(
        specs,
        budget_mb=settings.gpu_memory_budget_mb,
        idle_ttl_s=settings.model_idle_ttl_s,
        meter=nvml_meter(device),
    )
