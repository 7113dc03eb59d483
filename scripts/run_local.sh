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
JWKS_PORT=${JWKS_PORT:-8091}
# A JWKS URI may resolve to loopback here (the README's promise for local development; the
# address check refuses private and loopback addresses unless this lists them).
export KT_JWKS_ALLOWED_NETWORKS=${KT_JWKS_ALLOWED_NETWORKS:-127.0.0.0/8,::1/128}
# The demo's applications publish their keys here (served below), so their requests' key
# check says "in orde".
export KT_DEMO_JWKS_DIR=${KT_DEMO_JWKS_DIR:-var/demo-jwks}
export KT_DEMO_JWKS_BASE=${KT_DEMO_JWKS_BASE:-http://127.0.0.1:$JWKS_PORT}

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
# The demo applications' JWK Sets, on loopback.
mkdir -p "$KT_DEMO_JWKS_DIR"
$PY -m http.server "$JWKS_PORT" --bind 127.0.0.1 --directory "$KT_DEMO_JWKS_DIR" >/dev/null 2>&1 &
pids+=($!)
$PY manage.py demo
$PY manage.py runserver 127.0.0.1:8000 &
pids+=($!)
# The logins last, once the server answers (after every mail and the server's own banner).
for _ in $(seq 1 120); do
  if $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/', timeout=2)" 2>/dev/null; then
    break
  fi
  sleep 1
done
$PY manage.py demo --logins
echo "Het portaal: http://127.0.0.1:8000/  (stoppen: Ctrl-C)"
wait "${pids[-1]}"
