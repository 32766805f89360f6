#!/usr/bin/env bash
# The one local command: compile the pipeline to YAML (offline).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY="${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}"
exec "$PY" usecases/vertex-pipelines-tpu/pipeline.py --out build/t5x-tr-en-pipeline.yaml "$@"
