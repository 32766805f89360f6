#!/usr/bin/env bash
# The one local command: fine-tune the BART stand-in on the bundled news stories and print ROUGE (tiny profile).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}"
exec "$PY" usecases/summarization-bart/summarize.py "$@"
