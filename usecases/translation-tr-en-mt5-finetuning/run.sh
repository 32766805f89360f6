#!/usr/bin/env bash
# The one local command: fine-tune the mT5 stand-in both ways (tr->en, en->tr) and print BLEU and chrF (tiny profile).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}"
exec "$PY" usecases/translation-tr-en-mt5-finetuning/train.py "$@"
