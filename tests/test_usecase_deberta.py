"""The DeBERTa command-line fine-tuning script: the outline's flags, today's names, a tiny run."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from labkit import data

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "usecases" / "classification-deberta" / "train.py"


def run(args, timeout=300):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT, env={**__import__("os").environ, "LABKIT_PROFILE": "tiny"})


def test_old_evaluation_strategy_name_is_refused_with_the_new_one():
    proc = run(["--evaluation_strategy", "steps"], timeout=60)
    assert proc.returncode == 2
    assert "--evaluation_strategy was renamed --eval_strategy" in proc.stderr


@pytest.mark.parametrize("args,message", [
    (["--max_seq_length", "0"], "--max_seq_length must be positive"),
    (["--learning_rate", "-0.1"], "--learning_rate must be positive"),
    (["--eval_strategy", "sometimes"], "invalid choice: 'sometimes'"),
])
def test_bad_flags_give_a_clear_error(args, message):
    proc = run(args, timeout=60)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_help_lists_the_outline_flags():
    out = run(["--help"], timeout=60).stdout
    for flag in ("--model_name_or_path", "--dataset_name", "--max_seq_length", "--warmup_steps", "--learning_rate",
                 "--num_train_epochs", "--eval_strategy", "--output_dir", "--logging_dir"):
        assert flag in out


def test_tiny_run_trains_evaluates_and_saves(tmp_path):
    try:
        data.path("movie_reviews", "train")
    except (FileNotFoundError, data.ChecksumError) as exc:
        pytest.skip(f"the bundled movie_reviews dataset is not available yet: {exc}")
    out, logs = tmp_path / "out", tmp_path / "logs"
    proc = run(["--model_name_or_path", "microsoft/deberta-v3-large", "--dataset_name", "movie_reviews",
                "--max_seq_length", "64", "--per_device_train_batch_size", "16", "--learning_rate", "1e-3",
                "--warmup_steps", "0.1", "--max_steps", "6", "--eval_strategy", "steps", "--eval_steps", "3",
                "--max_train_samples", "96", "--max_eval_samples", "32", "--output_dir", str(out),
                "--logging_dir", str(logs)])
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((out / "final" / "metrics.json").read_text())
    assert summary["steps"] == 6 and summary["eval_strategy"] == "steps"
    assert 0.0 <= summary["eval_accuracy"] <= 1.0 and summary["logging_dir"] == str(logs)
    config = json.loads((out / "final" / "config.json").read_text())
    assert config["model_type"] == "deberta-v2" and config["id2label"] == {"0": "neg", "1": "pos"}
    assert logs.is_dir()
