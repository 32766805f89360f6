#!/usr/bin/env bash
# The one local command: fine-tune the Marian stand-in on the bundled tr-en pairs and print BLEU / chrF (tiny).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="$(pwd)/$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo "")"
[ -x "$PY" ] || PY="${PYTHON:-python3}"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}"
cd usecases/translation-tr-en-finetuning-vertex
exec "$PY" -m trainer.task "$@"
