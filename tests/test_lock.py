"""The environment runs what requirements/lock.txt pins, and every install path uses the lock.

A fresh resolve once took transformers 5.x, which FlagEmbedding cannot import. This catches an
environment that drifted from the lock, a dependency added to pyproject.toml without refreshing
the lock, and an image that installs without it.
"""

import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.dockerfiles import DOCKERFILES, dockerfile

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SELF = canonicalize_name(PROJECT["name"])


def declared() -> dict[str, Requirement]:
    """Every dependency pyproject.toml declares that applies here (markers honoured), by name."""
    groups = {"": PROJECT["dependencies"], **PROJECT["optional-dependencies"]}
    found: dict[str, Requirement] = {}
    for extra, specs in groups.items():
        for spec in specs:
            req = Requirement(spec)
            name = canonicalize_name(req.name)
            # `rehearse[api,gpu,cpu]` in dev: those extras are read on their own.
            if name != SELF and (req.marker is None or req.marker.evaluate({"extra": extra})):
                found[name] = req
    return found


def lock_lines() -> list[Requirement]:
    """The lock's requirement lines, comments dropped."""
    lines = (line.split("#", 1)[0].strip() for line in LOCK.read_text().splitlines())
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


def pins() -> dict[str, Version]:
    """The lock's `name==version` pins, by normalised name."""
    return {
        canonicalize_name(req.name): Version(spec.version)
        for req in lock_lines()
        for spec in req.specifier
        if spec.operator == "=="
    }


def test_every_dependency_has_a_pin_that_satisfies_pyproject():
    pinned = pins()
    missing = sorted(set(declared()) - set(pinned))
    assert not missing, f"not in {LOCK.name} (refresh it with `make lock`): {missing}"
    for name, req in declared().items():
        assert req.specifier.contains(pinned[name], prereleases=True), (name, req, pinned[name])


@pytest.mark.parametrize("name", sorted(declared()))
def test_the_installed_version_is_the_pinned_one(name):
    pinned = pins().get(name)
    if pinned is None:
        pytest.fail(f"{name} has no pin in {LOCK.name}")
    installed = Version(importlib.metadata.version(name))
    # Exact, local label included: torch 2.13.0 from PyPI is the CUDA build, +cpu is not.
    assert installed == pinned, f"{name} {installed} installed, {pinned} locked: `make install`"


# A `rehearse @ file:///<checkout>` pin is a constraint no other checkout (an image's /app, CI)
# can meet: `make lock` leaves the project out.
def test_the_lock_holds_only_exact_pins_of_published_packages():
    for req in lock_lines():
        assert req.url is None and canonicalize_name(req.name) != SELF, str(req)
        assert [spec.operator for spec in req.specifier] == ["=="], str(req)


def _project_installs(name: str) -> list[str]:
    """The RUN steps of an image that install the project's dependencies (`-e ".[extra]"`)."""
    runs = [args for kind, args in dockerfile(DOCKERFILES[name]) if kind == "RUN"]
    return [run for run in runs if re.search(r"pip install .*-e \"\.\[\w+\]\"", run)]


@pytest.mark.parametrize("name", sorted(DOCKERFILES))
def test_every_image_installs_under_the_lock(name):
    instructions = dockerfile(DOCKERFILES[name])
    installs = _project_installs(name)

    assert installs and all("-c requirements/lock.txt" in run for run in installs)
    assert ("COPY", "requirements/lock.txt requirements/lock.txt") in instructions
    allowed = (ROOT / ".dockerignore").read_text().splitlines()
    assert "!requirements/lock.txt" in allowed, "the build context must carry the lock"


def test_the_cpu_image_takes_the_locked_cpu_torch_from_pytorchs_index():
    (install,) = _project_installs("cpu_worker")

    assert str(pins()["torch"]).endswith("+cpu")
    assert '--extra-index-url "${TORCH_INDEX_URL}"' in install


def test_the_gpu_image_compiles_llama_cpp_at_the_locked_version():
    text = DOCKERFILES["gpu_worker"].read_text()
    runs = " ".join(args for kind, args in dockerfile(DOCKERFILES["gpu_worker"]) if kind == "RUN")

    assert "^llama-cpp-python==" in runs and "requirements/lock.txt" in text
    assert not re.search(r"llama-cpp-python==\$?\{?[\w.]", text), "a second pin of llama-cpp-python"
