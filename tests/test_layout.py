"""Tests share helpers through support modules (tests/jobs.py, tests/api/streams.py, …), never by
importing another test module: a test module holds tests, and what it defines is its own."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_module(dotted: str) -> bool:
    return dotted.rpartition(".")[2].startswith("test_")


def _imported(node: ast.AST, package: list[str]) -> list[str]:
    """The dotted modules (or module.name) an import statement reaches, relative ones resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = package[: len(package) - node.level + 1] if node.level else []
    module = ".".join([*base, *([node.module] if node.module else [])])
    return [module, *(f"{module}.{alias.name}" for alias in node.names)]


def imports_of_test_modules(root: Path = TESTS) -> list[str]:
    """Every import of a `test_*` module of ours, as `path:line imports module`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = [root.name, *path.relative_to(root).with_suffix("").parts]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for target in _imported(node, parts[:-1]):
                names = target.split(".")
                if names[0] == root.name and any(_is_test_module(n) for n in names[1:]):
                    where = path.relative_to(root.parent)
                    found.append(f"{where}:{node.lineno} imports {target}")
                    break
    return found


def test_no_test_module_imports_another():
    assert imports_of_test_modules() == []


def test_an_import_of_a_test_module_is_caught(tmp_path):
    root = tmp_path / "tests"
    (root / "api").mkdir(parents=True)
    (root / "jobs.py").write_text("def submit(): ...\n")
    (root / "api" / "test_events.py").write_text("def read_sse(): ...\n")
    (root / "api" / "test_a.py").write_text("from tests.api.test_events import read_sse\n")
    (root / "api" / "test_b.py").write_text("from . import test_events\nfrom tests import jobs\n")
    (root / "test_c.py").write_text("import tests.api.test_events\n")

    assert imports_of_test_modules(root) == [
        "tests/api/test_a.py:1 imports tests.api.test_events",
        "tests/api/test_b.py:1 imports tests.api.test_events",
        "tests/test_c.py:1 imports tests.api.test_events",
    ]
