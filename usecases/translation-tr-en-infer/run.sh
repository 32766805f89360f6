#!/usr/bin/env bash
# The one local command: translate the bundled Turkish test sentences with the Marian stand-in and print BLEU and chrF (tiny profile).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}"
exec "$PY" usecases/translation-tr-en-infer/translate.py "$@"
