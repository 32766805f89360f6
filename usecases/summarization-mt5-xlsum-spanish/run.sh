#!/usr/bin/env bash
# The one local command: fine-tune the mT5 stand-in on the bundled Spanish news and print ROUGE (tiny profile).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}"
exec "$PY" usecases/summarization-mt5-xlsum-spanish/train.py "$@"
