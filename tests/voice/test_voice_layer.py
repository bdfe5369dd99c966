"""The voice package stays light enough for the api process: numpy and onnxruntime, no engine."""

import ast
import json
import subprocess
import sys
from pathlib import Path

VOICE = Path(__file__).resolve().parents[2] / "src" / "rehearse" / "voice"
ALLOWED = {"numpy", "onnxruntime", "rehearse.base", "rehearse.voice"}


def test_voice_imports_only_numpy_onnxruntime_and_the_base_layer():
    outside = set()
    for path in VOICE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] not in sys.stdlib_module_names and not any(
                    name == a or name.startswith(f"{a}.") for a in ALLOWED
                ):
                    outside.add(f"{path.name}: {name}")
    assert not outside


def test_listening_loads_neither_faster_whisper_nor_ctranslate2():
    code = (
        "import sys, json\n"
        "from rehearse.voice.listener import TurnListener\n"
        "TurnListener().feed(bytes(32000))\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'faster_whisper', 'ctranslate2', 'av', 'torch', 'rehearse'})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    loaded = json.loads(out.stdout)
    assert not [m for m in loaded if not m.startswith("rehearse")]
    assert not [m for m in loaded if m.startswith(("rehearse.engines", "rehearse.workers"))]
