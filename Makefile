# `make dev` and `make test` do all the set-up on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
# A models folder (pulled on first run) or `synthetic` for tiny generated models.
MODELS ?= $(HOME)/.cache/rehearse/models
PROFILE ?= small
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install dev test lint format env-example

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip wheel setuptools
	# The CPU build of torch; any other spec pulls gigabytes of CUDA packages.
	$(PY) -m pip install torch==2.13.0
	# llama-cpp-python compiles llama.cpp on first install (~10 min on 2 cores); pip caches it.
	CMAKE_ARGS="$${CMAKE_ARGS:--DGGML_NATIVE=OFF}" $(PY) -m pip install -e '.[dev]'
	touch $@

install: $(VENV)/.installed

dev: install
	$(VENV)/bin/rehearse dev --port $(PORT) --models $(MODELS) --pull $(PROFILE)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check services tests bench
	$(VENV)/bin/ruff format --check services tests bench

format: install
	$(VENV)/bin/ruff format services tests bench
	$(VENV)/bin/ruff check --fix services tests bench

env-example: install
	$(PY) -m common.settings_doc > .env.example
