"""The import contract, read from the sources' syntax (no import runs): layers and no cycles.

`common` imports no service; `api` imports no worker and no engine; `engines` imports no
service but `common`; workers don't import each other; the tooling (`rehearse_cli`) sits above
all and nothing imports it; no module imports itself back through others. `make lint` runs this.
"""

import ast
import itertools
import sys
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "services"

FORBIDDEN = {
    "common": {"api", "engines", "gpu_worker", "cpu_worker", "rehearse_cli"},
    "api": {"engines", "gpu_worker", "cpu_worker", "rehearse_cli"},
    "engines": {"api", "gpu_worker", "cpu_worker", "rehearse_cli"},
    "gpu_worker": {"api", "cpu_worker", "rehearse_cli"},
    "cpu_worker": {"api", "gpu_worker", "rehearse_cli"},
}
"""Package -> the packages it must never import (any other of ours it may)."""


def _modules(root: Path) -> dict[str, Path]:
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    found = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[0] in packages:
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


def import_graph(root: Path = SERVICES) -> dict[str, dict[str, int]]:
    """module -> {module of ours it imports: line}, function-level imports included."""
    modules = _modules(root)
    ours = {name.split(".")[0] for name in modules}

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
    """Every import that crosses a forbidden layer, as `module:line imports target`."""
    return [
        f"{module}:{line} imports {target}"
        for module, edges in sorted(graph.items())
        for target, line in edges.items()
        if target.split(".")[0] in FORBIDDEN.get(module.split(".")[0], ())
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
"""What pyproject's base `dependencies` provide: all `common` may import besides the stdlib."""


def test_common_needs_only_the_base_dependencies():
    outside = set()
    for path in (SERVICES / "common").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            outside |= {f"{path.name}: {n}" for n in names if not _base_or_ours(n)}
    assert not outside


def _base_or_ours(name: str) -> bool:
    top = name.split(".")[0]
    return top in sys.stdlib_module_names or top in BASE_IMPORTS or top == "common"


def test_a_forbidden_import_is_caught(tmp_path):
    for package, body in {
        "common": "import gpu_worker.handlers\n",
        "api": "def f():\n    from engines import whisper\n",
        "gpu_worker": "from cpu_worker import handlers\n",
        "cpu_worker": "",
        "engines": "",
    }.items():
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "handlers.py").write_text(body)
    (tmp_path / "engines" / "whisper.py").write_text("")

    found = violations(import_graph(tmp_path))

    assert found == [
        "api.handlers:2 imports engines.whisper",
        "common.handlers:1 imports gpu_worker.handlers",
        "gpu_worker.handlers:1 imports cpu_worker.handlers",
    ]


def test_a_cycle_is_caught(tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "__init__.py").write_text("")
    (tmp_path / "common" / "a.py").write_text("from common import b\n")
    (tmp_path / "common" / "b.py").write_text("def f():\n    import common.a\n")

    assert cycles(import_graph(tmp_path)) == [["common.a", "common.b"]]
