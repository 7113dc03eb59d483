# KT Beheer: two commands on a fresh machine.
#   make run   - create .venv, install, migrate, load the demo, serve http://127.0.0.1:8000
#   make test  - install the dev extra and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Local defaults; anything set in the environment wins.
LOCAL_ENV := DEBUG=$${DEBUG:-1} KT_OMGEVING=$${KT_OMGEVING:-lokaal}

.PHONY: run test lint format bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(LOCAL_ENV) $(PY) manage.py migrate --noinput
	$(LOCAL_ENV) $(PY) manage.py demo
	$(LOCAL_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The suite runs with DEBUG=1 in the environment only so that settings load without a
# SECRET_KEY and without https redirects; pytest-django runs every test with DEBUG off.
test: $(VENV)/.dev-installed
	DEBUG=1 KT_OMGEVING=lokaal $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Not part of the test suite: seeds a PostgreSQL database (BENCH_DATABASE_URL, default
# ktbeheer_bench), serves it with gunicorn on loopback and writes docs/benchmarks.md.
bench: $(VENV)/.dev-installed
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
