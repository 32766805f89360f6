#!/usr/bin/env bash
# The one local command: the fine-tuning script on the bundled tiny data with the DeBERTa-v3 stand-in (a few
# steps, the outline's flags). Extra arguments are passed to train.py. Exits non-zero on failure.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
[ -x "$python" ] || python="$(command -v python3)"
export LABKIT_PROFILE="${LABKIT_PROFILE:-tiny}" TRANSFORMERS_VERBOSITY="${TRANSFORMERS_VERBOSITY:-error}"
cd "$root"
out="build/usecases/classification-deberta"
exec "$python" "$here/train.py" --model_name_or_path microsoft/deberta-v3-large --dataset_name movie_reviews \
    --max_seq_length 64 --per_device_train_batch_size 16 --learning_rate 1e-3 --warmup_steps 0.1 \
    --num_train_epochs 1 --max_steps 12 --eval_strategy steps --eval_steps 6 --logging_steps 3 \
    --max_train_samples 200 --max_eval_samples 50 --output_dir "$out" --logging_dir "$out/logs" "$@"
