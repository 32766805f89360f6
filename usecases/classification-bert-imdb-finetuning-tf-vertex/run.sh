#!/usr/bin/env bash
# The one local command: fine-tune on the bundled tiny data with the Vertex environment (labkit.vertex.local_run),
# then reload the model from AIP_MODEL_DIR and predict. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}" TRANSFORMERS_VERBOSITY="${TRANSFORMERS_VERBOSITY:-error}"
cd "$root"
exec "$python" "$here/run_local.py" "$@"
