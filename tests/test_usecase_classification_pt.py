"""PyTorch BERT fine-tuning use case: runs through labkit.vertex.local_run, the model is reloaded from AIP_MODEL_DIR."""
import importlib.util
import json
from pathlib import Path

import pytest

from labkit import data

HERE = Path(__file__).resolve().parent.parent / "usecases" / "classification-bert-imdb-finetuning-pt-vertex"


def _runner():
    spec = importlib.util.spec_from_file_location("pt_run_local", HERE / "run_local.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _movie_reviews_or_skip():
    try:
        data.path("movie_reviews", "train")
    except (FileNotFoundError, data.ChecksumError) as exc:
        pytest.skip(f"the bundled movie_reviews dataset is not available yet: {exc}")


def test_trainer_writes_a_model_to_aip_model_dir_that_reloads_and_predicts(tmp_path):
    _movie_reviews_or_skip()
    runner = _runner()
    proc, env = runner.train_locally(tmp_path, ["--epochs", "4"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    model_dir = Path(env["AIP_MODEL_DIR"])
    assert model_dir.is_relative_to(tmp_path)
    assert {"config.json", "model.safetensors", "tokenizer.json", "metrics.json"} <= {p.name for p in model_dir.iterdir()}
    assert not (HERE / "model.safetensors").exists()           # nothing saved to the working directory
    summary = json.loads((model_dir / "metrics.json").read_text())
    assert summary["learning_rate"] == 3e-3 and summary["profile"] == "tiny"
    config = json.loads((model_dir / "config.json").read_text())
    assert config["id2label"] == {"0": "neg", "1": "pos"}
    assert runner.predict(model_dir, runner.EXAMPLES) == ["pos", "neg"]


def test_full_profile_default_learning_rate_is_2e_5():
    import ast

    source = (HERE / "trainer" / "task.py").read_text()
    assert "P.pick(tiny=3e-3, full=2e-5)" in source
    ast.parse(source)


def test_bad_flags_are_refused_with_a_message(tmp_path):
    runner = _runner()
    proc, _ = runner.train_locally(tmp_path, ["--learning-rate", "-1"], timeout=120)
    assert proc.returncode == 2
    assert "--learning-rate must be positive, got -1.0" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_hypertune_metric_is_written_only_in_a_tuning_trial(tmp_path, monkeypatch):
    # both use cases have a package named "trainer": load this one's task.py under its own name
    spec = importlib.util.spec_from_file_location("pt_task", HERE / "trainer" / "task.py")
    task = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(task)
    report_hyperparameter_metric = task.report_hyperparameter_metric
    metric_file = tmp_path / "hypertune" / "output.metrics"
    monkeypatch.setenv("CLOUD_ML_HP_METRIC_FILE", str(metric_file))
    monkeypatch.delenv("CLOUD_ML_TRIAL_ID", raising=False)
    report_hyperparameter_metric("accuracy", 0.9, 10)
    assert not metric_file.exists()
    monkeypatch.setenv("CLOUD_ML_TRIAL_ID", "3")
    report_hyperparameter_metric("accuracy", 0.9, 10)
    record = json.loads(metric_file.read_text())
    assert record["accuracy"] == 0.9 and record["trial"] == "3" and record["global_step"] == "10"
