"""Summarization and translation use cases: each runs on tiny data through labkit.vertex.local_run, writes its model
to AIP_MODEL_DIR and reports its metric; each job spec validates offline; bad input is refused clearly."""
import json
from pathlib import Path

import pytest

from labkit import seq2seq, vertex
from labkit.env import repo_root

ROOT = repo_root()
CASES = {
    "summarization-bart": (["python", "usecases/summarization-bart/summarize.py"], ("rouge1", "rougeL")),
    "summarization-mt5-xlsum-spanish": (["python", "usecases/summarization-mt5-xlsum-spanish/train.py"],
                                        ("rouge1", "rougeL")),
    "translation-tr-en-infer": (["python", "usecases/translation-tr-en-infer/translate.py"], ("bleu", "chrf")),
    "translation-tr-en-finetuning-vertex": (["python", "-m", "trainer.task"], ("bleu", "chrf")),
    "translation-tr-en-mt5-finetuning": (["python", "usecases/translation-tr-en-mt5-finetuning/train.py"], ()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_local_run_writes_the_model_to_aip_model_dir_and_reports_metrics(name, tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_PROFILE", "tiny")
    command, keys = CASES[name]
    cwd = ROOT / "usecases" / name if command[1] == "-m" else ROOT
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    spec = vertex.load_spec(str(ROOT / "usecases" / name / "job.yaml"))
    spec.env = {**spec.env, "LABKIT_PROFILE": "tiny"}        # the job runs full on Vertex; here, tiny data
    proc, env = vertex.local_run(command, tmp_path, spec, cwd=cwd, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    model_dir = Path(env["AIP_MODEL_DIR"])
    assert (model_dir / "config.json").exists() and (model_dir / "model.safetensors").exists()
    report = json.loads((model_dir / "metrics.json").read_text())
    for key in keys:
        assert 0.0 <= report[key] <= (1.0 if key.startswith("rouge") else 100.0)
    if name == "translation-tr-en-mt5-finetuning":
        assert set(report) >= {"tr-en", "en-tr"} and report["train_examples"] == 2 * 480
        assert report["tr-en"]["prefix"] == "translate Turkish to English: "
        assert 0 <= report["tr-en"]["bleu"] <= 100 and 0 <= report["en-tr"]["chrf"] <= 100
    if "first_loss" in report:
        assert report["last_loss"] < report["first_loss"]
    if name == "translation-tr-en-infer":      # the trained stand-in's translations are recognisable
        assert report["chrf"] > 40 and report["sentences"] == 80


def test_mt5_saved_model_keeps_an_untied_lm_head(tmp_path):
    from safetensors import safe_open

    from labkit import hub

    snap = hub.cached_snapshot("google/mt5-small") or hub.build("google/mt5-small")
    with safe_open(str(snap / "model.safetensors"), "pt") as f:
        keys = set(f.keys())
        assert "lm_head.weight" in keys
        assert not (f.get_tensor("lm_head.weight") == f.get_tensor("shared.weight")).all()


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("usecases/*/job*.yaml")
                                        if p.parent.name in set(CASES) | {"translation-tr-en-t5x"}))
def test_job_specs_validate_and_build_custom_jobs_offline(path):
    from google.auth.credentials import AnonymousCredentials

    spec = vertex.validate(vertex.load_spec(str(ROOT / path)))
    assert "[your-project-id]" in spec.container_image and spec.output_dir.startswith("gs://[your-bucket]")
    job = vertex.to_custom_job(spec, "demo-project", "gs://demo-bucket", AnonymousCredentials())
    machine = job.job_spec.worker_pool_specs[0].machine_spec
    assert machine.machine_type == spec.machine_type
    if spec.accelerator_type:
        assert machine.accelerator_type.name == spec.accelerator_type
    assert "gcloud ai custom-jobs create" in vertex.render_gcloud(spec)


def test_model_dir_prefers_argument_then_aip_model_dir_mapping_gcs(monkeypatch):
    monkeypatch.setenv("AIP_MODEL_DIR", "gs://bucket/jobs/model/")
    assert str(seq2seq.model_dir(None)) == "/gcs/bucket/jobs/model"
    assert str(seq2seq.model_dir("out")) == "out"
    monkeypatch.delenv("AIP_MODEL_DIR")
    assert str(seq2seq.model_dir(None, "build/x")) == "build/x"


def test_sequence_length_shorter_than_the_prefix_is_refused():
    from transformers import AutoTokenizer

    import labkit

    labkit.setup(models=["google/mt5-small"], profile="tiny", quiet=True)
    tokenizer = AutoTokenizer.from_pretrained("google/mt5-small")
    n = seq2seq.check_prefix_fits(tokenizer, seq2seq.TR_EN_PREFIX, 64)
    with pytest.raises(ValueError, match=rf"max_source_length=4 is not longer than the prefix .* \({n} tokens"):
        seq2seq.check_prefix_fits(tokenizer, seq2seq.TR_EN_PREFIX, 4)
    with pytest.raises(ValueError, match="max_source_length must be a positive int, got 0"):
        seq2seq.check_prefix_fits(tokenizer, "", 0)


def test_summarization_job_names_a_missing_column():
    import argparse

    import labkit

    profile = labkit.setup("summarization-bart", frameworks=["torch"])
    args = argparse.Namespace(model_name_or_path="facebook/bart-base", dataset="news_highlights",
                              max_train_samples=None, max_eval_samples=5, output_dir=None)
    with pytest.raises(ValueError, match=r"news_highlights.*no column \['body'\].*article"):
        seq2seq.summarization_job("summarization-bart", args, profile, source="body", target="highlights", lang="en")
