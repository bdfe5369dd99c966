"""The import contract, read from the sources' syntax (no import runs): layers and no cycles.

`rehearse` is layered (ARCHITECTURE.md): base → contracts → storage, events → runtime → fleet →
engines → api, workers → cli. A module imports its own layer and those before it, never one
after; the two pairs (storage/events, api/workers) don't import each other, nor the gpu and cpu
workers each other; nothing imports the cli; no module imports itself back through others.
`make lint` runs this.
"""

import ast
import itertools
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

LAYERS = [
    {"base"},
    {"contracts"},
    {"storage", "events", "voice"},  # voice: the api's in-process VAD and end of turn
    {"runtime"},
    {"fleet"},
    {"engines", "delivery"},  # delivery: how an answer was said (librosa, Silero), cpu worker
    {"api", "workers.gpu", "workers.cpu"},
    {"cli"},
    {"__main__"},  # `python -m rehearse`
]
"""Each set a level; a part may import its own part and any part of an earlier level."""

NEVER = {"api": {"engines", "delivery"}}
"""Beyond the order: the api image has no model library, so the api imports no engine."""


def part_of(module: str) -> str | None:
    """`rehearse.workers.gpu.handlers` -> `workers.gpu`; the package's own __init__ -> None."""
    names = module.split(".")[1:]
    if not names:
        return None
    return ".".join(names[:2]) if names[0] == "workers" and len(names) > 1 else names[0]


def _level(part: str) -> int:
    return next(i for i, parts in enumerate(LAYERS) if part in parts)


def allowed(importer: str, target: str) -> bool:
    """Whether the part of `importer` may import the part of `target`."""
    mine, theirs = part_of(importer), part_of(target)
    if mine is None or theirs is None or mine == theirs:
        return True
    if mine == "workers" or theirs == "workers":  # the workers package's own __init__
        return True
    return _level(theirs) < _level(mine) and theirs not in NEVER.get(mine, ())


def _modules(root: Path) -> dict[str, Path]:
    found = {}
    for path in (root / "rehearse").rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking_only(tree: ast.AST) -> set[ast.AST]:
    """Imports under `if TYPE_CHECKING:`: they never run, so they make no edge."""
    return {
        inner
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }


def import_graph(root: Path = SRC) -> dict[str, dict[str, int]]:
    """module -> {module of ours it imports: line}, function-level imports included."""
    modules = _modules(root)
    ours = {"rehearse"}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _type_checking_only(tree)
        edges: dict[str, int] = {}
        for node in ast.walk(tree):
            if node in skipped:
                continue
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for target in targets:
                if target.split(".")[0] in ours and (found := resolve(target)) != module:
                    edges.setdefault(found, node.lineno)
        graph[module] = edges
    return graph


def violations(graph: dict[str, dict[str, int]]) -> list[str]:
    """Every import that crosses the layer order, as `module:line imports target`."""
    return [
        f"{module}:{line} imports {target}"
        for module, edges in sorted(graph.items())
        for target, line in edges.items()
        if not allowed(module, target)
    ]


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan)."""
    counter, index, low, stack, found = itertools.count(), {}, {}, [], []

    def visit(node: str) -> None:
        index[node] = low[node] = next(counter)
        stack.append(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            if group:
                found.append(sorted([node, *group]))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_layer_imports_what_it_must_not():
    assert violations(import_graph()) == []


def test_no_import_cycles():
    assert cycles(import_graph()) == []


BASE_IMPORTS = {"pydantic", "pydantic_settings", "celery", "kombu", "vine", "redis", "psycopg"}
BASE_IMPORTS |= {"psycopg_pool", "numpy", "prometheus_client", "billiard"}  # billiard: celery's
"""What pyproject's base `dependencies` provide: all the layers below engines may import."""

SHARED = ("base", "contracts", "storage", "events", "runtime", "fleet")


def test_the_shared_layers_need_only_the_base_dependencies():
    outside = set()
    for part in SHARED:
        for path in (SRC / "rehearse" / part).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                outside |= {f"{path.name}: {n}" for n in names if not _base_or_ours(n)}
    assert not outside


def _base_or_ours(name: str) -> bool:
    top = name.split(".")[0]
    return top in sys.stdlib_module_names or top in BASE_IMPORTS or top == "rehearse"


def _plant(root: Path, files: dict[str, str]) -> None:
    for name, body in files.items():
        path = root / "rehearse" / name
        for folder in [*reversed(path.relative_to(root).parents)][1:]:
            (root / folder).mkdir(exist_ok=True)
            (root / folder / "__init__.py").touch()
        path.write_text(body)


def test_a_forbidden_import_is_caught(tmp_path):
    _plant(
        tmp_path,
        {
            "base/settings.py": "from rehearse.storage import db\n",
            "storage/db.py": "from rehearse.events import streams\n",
            "events/streams.py": "from rehearse.base import settings\n",
            "api/app.py": "def f():\n    from rehearse.engines import whisper\n",
            "engines/whisper.py": "from rehearse.fleet import presence\n",
            "fleet/presence.py": "import rehearse.runtime.dispatch\n",
            "runtime/dispatch.py": "",
            "workers/gpu/handlers.py": "from rehearse.workers.cpu import handlers\n",
            "workers/cpu/handlers.py": "from rehearse.cli import dev\n",
            "cli/dev.py": "from rehearse.api import app\n",
        },
    )

    found = violations(import_graph(tmp_path))

    assert found == [
        "rehearse.api.app:2 imports rehearse.engines.whisper",
        "rehearse.base.settings:1 imports rehearse.storage.db",
        "rehearse.storage.db:1 imports rehearse.events.streams",
        "rehearse.workers.cpu.handlers:1 imports rehearse.cli.dev",
        "rehearse.workers.gpu.handlers:1 imports rehearse.workers.cpu.handlers",
    ]


def test_a_cycle_is_caught(tmp_path):
    _plant(
        tmp_path,
        {
            "base/a.py": "from rehearse.base import b\n",
            "base/b.py": "def f():\n    import rehearse.base.a\n",
        },
    )

    assert cycles(import_graph(tmp_path)) == [["rehearse.base.a", "rehearse.base.b"]]
