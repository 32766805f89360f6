"""Every classification use case's Vertex job spec renders, validates and builds the SDK's own objects offline."""
import importlib.util
from pathlib import Path

import pytest
import yaml

from labkit import vertex

ROOT = Path(__file__).resolve().parent.parent / "usecases"
FOLDERS = ["classification-bert-imdb-finetuning-pt-vertex", "classification-bert-imdb-finetuning-tf-vertex",
           "classification-bart-infer-vertex", "classification-deberta"]


def load(folder):
    spec = importlib.util.spec_from_file_location(f"jobspec_{folder.replace('-', '_')}", ROOT / folder / "jobspec.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = [(folder, name) for folder in FOLDERS for name in load(folder).VARIANTS]


@pytest.mark.parametrize("folder,variant", CASES)
def test_variant_validates_renders_and_builds_a_custom_job_offline(folder, variant):
    from google.auth.credentials import AnonymousCredentials

    spec = load(folder).VARIANTS[variant]
    vertex.validate(spec)
    body = yaml.safe_load(vertex.render_yaml(spec))
    pool = body["workerPoolSpecs"][0]
    assert pool["machineSpec"]["machineType"] == spec.machine_type
    assert all(isinstance(a, str) for a in pool["containerSpec"].get("args", []))
    job = vertex.to_custom_job(spec, "demo-project", "gs://demo-bucket", AnonymousCredentials())
    machine = job.job_spec.worker_pool_specs[0].machine_spec
    assert machine.machine_type == spec.machine_type
    assert machine.tpu_topology == (spec.tpu_topology or "")
    if spec.accelerator_type:
        assert machine.accelerator_type.name == spec.accelerator_type
        assert machine.accelerator_count == spec.accelerator_count
    assert "[your-project-id]" in spec.container_image       # placeholders, never a real project


@pytest.mark.parametrize("folder", ["classification-bert-imdb-finetuning-pt-vertex",
                                    "classification-bert-imdb-finetuning-tf-vertex", "classification-deberta"])
def test_training_use_cases_have_gpu_and_tpu_variants(folder):
    specs = load(folder).VARIANTS.values()
    assert any(s.accelerator_type and s.accelerator_type.startswith("NVIDIA") for s in specs)
    assert any(s.machine_type.startswith(("ct5lp", "ct6e", "ct5p", "cloud-tpu")) for s in specs)


def test_full_profile_learning_rate_is_bert_sized_not_0_01():
    for folder in ("classification-bert-imdb-finetuning-pt-vertex", "classification-bert-imdb-finetuning-tf-vertex"):
        args = load(folder).VARIANTS["gpu"].args
        assert float(args[args.index("--learning-rate") + 1]) == pytest.approx(2e-5)


def test_hyperparameter_tuning_job_builds_offline_and_renders():
    from google.auth.credentials import AnonymousCredentials
    from google.cloud.aiplatform.compat.types import study as study_types

    module = load("classification-bert-imdb-finetuning-pt-vertex")
    job = module.tuning_job("demo-project", "gs://demo-bucket", AnonymousCredentials())
    study = job._gca_resource.study_spec
    assert [m.metric_id for m in study.metrics] == ["accuracy"]
    assert study.metrics[0].goal == study_types.StudySpec.MetricSpec.GoalType.MAXIMIZE
    lr = next(p for p in study.parameters if p.parameter_id == "learning-rate")
    assert (lr.double_value_spec.min_value, lr.double_value_spec.max_value) == (1e-5, 5e-5)
    assert job._gca_resource.max_trial_count == 8 and job._gca_resource.parallel_trial_count == 2
    body = yaml.safe_load(module.tuning_yaml())
    assert body["studySpec"]["metrics"] == [{"metricId": "accuracy", "goal": "MAXIMIZE"}]
    assert body["trialJobSpec"]["workerPoolSpecs"][0]["machineSpec"]["acceleratorType"] == "NVIDIA_L4"
    assert "--learning-rate" not in body["trialJobSpec"]["workerPoolSpecs"][0]["containerSpec"]["args"]
    assert module.tuning_gcloud().startswith("gcloud ai hp-tuning-jobs create --project=[your-project-id]")


def test_serving_deploy_command_names_the_validated_machine():
    module = load("classification-bart-infer-vertex")
    command = module.deploy_command(module.GPU)
    assert "--machine-type=g2-standard-8 --accelerator=type=nvidia-l4,count=1" in command
    upload = module.upload_command()
    assert "--container-health-route=/health" in upload and "--container-predict-route=/predict" in upload


def test_gcs_paths_map_to_the_fuse_mount(monkeypatch, tmp_path):
    assert vertex.gcs_fuse_path("gs://b/jobs/model/") == "/gcs/b/jobs/model/"
    assert vertex.gcs_fuse_path(str(tmp_path)) == str(tmp_path)
    with pytest.raises(ValueError, match="expected a folder path or gs:// URI"):
        vertex.gcs_fuse_path("")
    monkeypatch.setenv("AIP_MODEL_DIR", str(tmp_path / "m"))
    assert vertex.job_dir() == tmp_path / "m" and (tmp_path / "m").is_dir()
    monkeypatch.delenv("AIP_MODEL_DIR")
    assert vertex.job_dir(default=tmp_path / "d") == tmp_path / "d"


@pytest.mark.parametrize("folder", ["classification-bert-imdb-finetuning-pt-vertex",
                                    "classification-bert-imdb-finetuning-tf-vertex", "classification-deberta"])
def test_jobspec_command_line_prints_every_variant_and_dry_runs_one(folder, capsys):
    module = load(folder)
    assert module.main([]) == 0
    printed = capsys.readouterr().out
    for name, spec in module.VARIANTS.items():
        assert f"# --- {name}\n" in printed and f"--display-name={spec.display_name}" in printed
    assert ("hyper-parameter tuning" in printed) is folder.endswith("pt-vertex")
    first = next(iter(module.VARIANTS))
    assert module.main(["--submit", first]) == 0
    assert "dry run: nothing is submitted" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        module.main(["--submit", "no-such-variant"])
    assert "invalid choice: 'no-such-variant'" in capsys.readouterr().err
