# KT Beheer: two commands on a fresh machine.
#   make run   - create .venv, install, migrate, load the demo, serve http://127.0.0.1:8000
#   make test  - install the dev extra and run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Local defaults; anything set in the environment wins.
LOCAL_ENV := DEBUG=$${DEBUG:-1} KT_OMGEVING=$${KT_OMGEVING:-lokaal}
# The local demo: 2FA only for support (always required for staff), demo users keep the
# public demo password. Shared environments keep the safe defaults (both on).
DEMO_ENV := KT_2FA_REQUIRED=$${KT_2FA_REQUIRED:-0} KT_DEMO_FORCE_PASSWORD_CHANGE=$${KT_DEMO_FORCE_PASSWORD_CHANGE:-0}

.PHONY: run test lint format bench clean chromium

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[fhirserver]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Beside the portal: local FHIR servers (sekmet-fhir, one store per domain) at
# http://127.0.0.1:$(FHIR_PORT)/api/v1/<domein>/fhir/r4/, stopped when the portal stops.
FHIR_PORT ?= 8090
run: $(VENV)/.installed
	FHIR_PORT=$(FHIR_PORT) $(DEMO_ENV) scripts/run_local.sh

# The suite runs with DEBUG=1 in the environment only so that settings load without a
# SECRET_KEY and without https redirects; pytest-django runs every test with DEBUG off.
test: $(VENV)/.dev-installed chromium
	DEBUG=1 KT_OMGEVING=lokaal $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.dev-installed
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# The browser tests (tests/e2e, Playwright) drive the system Chromium; Playwright's own browser
# download is not used. The JWKS https tests make certificates with the openssl tool. Both are
# installed with apt-get when missing (needs root, as in CI).
CHROMIUM ?= /usr/bin/chromium
chromium:
	@{ test -x $(CHROMIUM) && command -v openssl >/dev/null; } || { \
	  echo "Chromium of openssl ontbreekt; installeren met apt-get..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium openssl; }

# Not part of the test suite: seeds two PostgreSQL databases (BENCH_DATABASE_URL, default
# ktbeheer_bench, and its _small sibling at 1 %), serves them with gunicorn on loopback and
# writes docs/benchmarks.md. BENCH_ARGS=--small for a quick run (see bench/run.py).
bench: $(VENV)/.dev-installed
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
