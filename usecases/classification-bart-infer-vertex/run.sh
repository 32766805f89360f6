#!/usr/bin/env bash
# The one local command: start the prediction server on 127.0.0.1 with the Vertex variables, send a prediction
# and a malformed request, check the answers, stop the server. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}" TRANSFORMERS_VERBOSITY="${TRANSFORMERS_VERBOSITY:-error}"
cd "$root"
exec "$python" "$here/run_local.py" "$@"
