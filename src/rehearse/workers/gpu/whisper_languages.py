"""Which languages a Whisper folder transcribes, read from its vocabulary without loading it."""

import json
from pathlib import Path

from rehearse.base.settings import Settings
from rehearse.contracts.capabilities import CAPABILITIES, STT_LANGUAGES
from rehearse.contracts.languages import WHISPER_LANGUAGES

# English-only Whisper checkpoints (tiny.en ... medium.en) have one token fewer: CTranslate2
# and faster-whisper treat a model as multilingual from 51865 tokens on.
MULTILINGUAL_VOCAB = 51865


def vocabulary_size(folder: Path) -> int | None:
    """Tokens of the model (its vocabulary file, else tokenizer.json); None without either."""
    vocabulary = folder / "vocabulary.txt"
    if vocabulary.is_file():
        with vocabulary.open(encoding="utf-8") as f:
            return sum(1 for _ in f)
    if (folder / "vocabulary.json").is_file():
        return len(json.loads((folder / "vocabulary.json").read_text(encoding="utf-8")))
    tokenizer = folder / "tokenizer.json"
    if tokenizer.is_file():
        data = json.loads(tokenizer.read_text(encoding="utf-8"))
        ids = set(data["model"]["vocab"].values()) | {t["id"] for t in data["added_tokens"]}
        return max(ids) + 1 + 1501  # the timestamp tokens follow the tokenizer's own
    return None


def transcribable(folder: Path) -> list[str] | None:
    """Language codes the model can be asked for; None when its files cannot tell."""
    size = vocabulary_size(Path(folder))
    if size is None:
        return None
    return sorted(WHISPER_LANGUAGES) if size >= MULTILINGUAL_VOCAB else ["en"]


def announce(settings: Settings) -> None:
    """Put the configured Whisper's languages into this worker's presence."""
    CAPABILITIES[STT_LANGUAGES] = transcribable(Path(settings.models_dir) / settings.whisper_model)
