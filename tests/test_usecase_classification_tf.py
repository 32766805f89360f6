"""Keras/keras-hub BERT fine-tuning use case: local_run, then model.keras reloaded from AIP_MODEL_DIR predicts."""
import importlib.util
import json
from pathlib import Path

import pytest

from labkit import data

HERE = Path(__file__).resolve().parent.parent / "usecases" / "classification-bert-imdb-finetuning-tf-vertex"


def _runner():
    spec = importlib.util.spec_from_file_location("tf_run_local", HERE / "run_local.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_keras_model_is_saved_to_aip_model_dir_and_reloads(tmp_path):
    try:
        data.path("movie_reviews", "train")
    except (FileNotFoundError, data.ChecksumError) as exc:
        pytest.skip(f"the bundled movie_reviews dataset is not available yet: {exc}")
    runner = _runner()
    proc, env = runner.train_locally(tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    model_dir = Path(env["AIP_MODEL_DIR"])
    assert (model_dir / "model.keras").is_file()
    assert json.loads((model_dir / "labels.json").read_text()) == ["neg", "pos"]
    summary = json.loads((model_dir / "metrics.json").read_text())
    assert summary["replicas"] == 1 and summary["learning_rate"] == 1e-3
    assert runner.predict(model_dir, runner.EXAMPLES) == ["pos", "neg"]


def test_strategy_is_chosen_from_the_cluster(monkeypatch):
    # both use cases have a package named "trainer": load this one's task.py under its own name
    spec = importlib.util.spec_from_file_location("tf_task", HERE / "trainer" / "task.py")
    task = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(task)
    distribution_strategy = task.distribution_strategy
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.delenv("TPU_NAME", raising=False)
    strategy = distribution_strategy()
    assert strategy.num_replicas_in_sync == 1
    assert type(strategy).__name__ == "_DefaultDistributionStrategy"
