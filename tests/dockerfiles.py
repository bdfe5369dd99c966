"""The images' Dockerfiles, and each read as its instructions."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILES = {
    name: ROOT / "services" / name / "Dockerfile" for name in ("api", "gpu_worker", "cpu_worker")
}
"""Each image's Dockerfile, by its compose service name."""


def dockerfile(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    logical, current = [], ""
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("#"):
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        if current.strip():
            instruction, _, args = current.strip().partition(" ")
            logical.append((instruction.upper(), args.strip()))
        current = ""
    return logical
