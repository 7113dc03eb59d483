#!/usr/bin/env bash
# `make run`: the portal with its demo, the outbox worker and local FHIR servers, on loopback.
# Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
FHIR_PORT=${FHIR_PORT:-8090}
export DEBUG=${DEBUG:-1}
export KT_OMGEVING=${KT_OMGEVING:-lokaal}
export KT_DEMO_FHIR_BASE=${KT_DEMO_FHIR_BASE:-http://127.0.0.1:$FHIR_PORT}

pids=()
cleanup() {
  trap - EXIT INT TERM
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

mkdir -p var
$PY manage.py migrate --noinput
# Local FHIR servers (sekmet-fhir, one store per domain) at
# http://127.0.0.1:$FHIR_PORT/api/v1/<domein>/fhir/r4/
$PY -m beheer.fhir.devserver --port "$FHIR_PORT" --data-dir var/fhir &
pids+=($!)
$PY -m beheer.fhir.devserver --port "$FHIR_PORT" --wait
# The outbox worker delivers mails (console) and FHIR pushes, and retries what failed.
$PY manage.py run_outbox &
pids+=($!)
$PY manage.py demo
$PY manage.py runserver 127.0.0.1:8000
