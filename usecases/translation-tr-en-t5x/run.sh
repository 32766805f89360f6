#!/usr/bin/env bash
# The one local command: write the TFRecords from data/dataset_raw_tr_en.txt and check the job specs (offline).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
"$PY" usecases/translation-tr-en-t5x/preprocess_2tfrecord.py --out build/t5x-data
for spec in usecases/translation-tr-en-t5x/job-*.yaml; do
    "$PY" -m labkit.cli vertex render "$spec" | tail -1
done
