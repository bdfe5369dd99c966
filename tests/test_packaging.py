"""The wheel: one top-level import package, `rehearse`, carrying its data (migrations, client)."""

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_installs_one_package_with_its_data(tmp_path):
    build = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*build, "-w", str(tmp_path), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("rehearse-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packages = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert packages == {"rehearse"}
    migrations = sorted(p.name for p in (ROOT / "db" / "migrations").glob("*.sql"))
    shipped = sorted(n.rsplit("/", 1)[1] for n in names if n.endswith(".sql"))
    assert shipped == migrations
    assert "rehearse/api/static/client/index.html" in names
    assert "rehearse/voice/assets/silero_vad_v6.onnx" in names  # the api's voice activity
    assert any(n.startswith("rehearse/workers/gpu/prompts/v2/en/") for n in names)
