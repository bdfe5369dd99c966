"""Tiny random-weight models the project generates itself, for tests and `--models synthetic`.

The real loading and inference code runs on them; their output is gibberish by design.
"""

import importlib
from pathlib import Path

# kind -> (module, settings overrides pointing the services at the generated files)
GENERATORS: dict[str, tuple[str, dict[str, str]]] = {
    "whisper": (
        "rehearse.cli.synthetic.whisper",
        # A pure tone has no speech for the VAD to find; beam 1 keeps random decoding short.
        {"WHISPER_MODEL": "synthetic-whisper", "WHISPER_VAD": "false", "WHISPER_BEAM_SIZE": "1"},
    ),
    # Random weights write gibberish by design: the output gates would reject every answer.
    "llama": (
        "rehearse.cli.synthetic.llama",
        {"LLM_MODEL": "synthetic-llama.gguf", "OUTPUT_GATES": "off"},
    ),
    "bge_m3": ("rehearse.cli.synthetic.bge_m3", {"EMBED_MODEL": "synthetic-bge-m3"}),
}


def write_models(dest: Path, kinds: tuple[str, ...] | None = None) -> dict[str, str]:
    """Generate the synthetic models under `dest` (skipping ones already there).

    Returns the environment that points every service at them.
    """
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    env = {"MODELS_DIR": str(dest)}
    for kind in kinds or tuple(GENERATORS):
        module_name, overrides = GENERATORS[kind]
        marker = dest / f".{kind}.done"
        if not marker.exists():
            importlib.import_module(module_name).write(dest)
            marker.touch()
        env.update(overrides)
    return env
