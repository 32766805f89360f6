import sys

import pytest

from labkit import vertex
from labkit.vertex import JobSpec, validate


def gpu(**kw):
    base = dict(display_name="job", machine_type="n1-standard-8", accelerator_type="NVIDIA_TESLA_T4",
                accelerator_count=1, command=["python", "-m", "trainer.task"])
    return JobSpec(**{**base, **kw})


@pytest.mark.parametrize("kw", [
    dict(), dict(accelerator_count=4), dict(machine_type="g2-standard-8", accelerator_type="NVIDIA_L4"),
    dict(machine_type="a2-highgpu-2g", accelerator_type="NVIDIA_TESLA_A100", accelerator_count=2),
    dict(machine_type="a3-ultragpu-8g", accelerator_type="NVIDIA_H200_141GB", accelerator_count=8),
    dict(machine_type="cloud-tpu", accelerator_type="TPU_V3", accelerator_count=8),
    dict(machine_type="ct5lp-hightpu-4t", accelerator_type=None, accelerator_count=0, tpu_topology="2x2"),
    dict(machine_type="ct6e-standard-4t", accelerator_type=None, accelerator_count=0, tpu_topology="2x2"),
    dict(machine_type="ct5p-hightpu-4t", accelerator_type=None, accelerator_count=0, tpu_topology="2x2x1"),
    dict(machine_type="n1-standard-4", accelerator_type=None, accelerator_count=0),
])
def test_valid_combinations_pass_and_build_sdk_objects_offline(kw):
    from google.auth.credentials import AnonymousCredentials

    spec = validate(gpu(**kw))
    job = vertex.to_custom_job(spec, "demo-project", "gs://demo-bucket", AnonymousCredentials())
    machine = job.job_spec.worker_pool_specs[0].machine_spec
    assert machine.machine_type == spec.machine_type
    if spec.accelerator_type:
        assert machine.accelerator_type.name == spec.accelerator_type
        assert machine.accelerator_count == spec.accelerator_count
    assert machine.tpu_topology == (spec.tpu_topology or "")


@pytest.mark.parametrize("kw,message", [
    (dict(accelerator_type="TPU_V3", accelerator_count=8), "TPU_V3 is a TPU and cannot attach to machine type n1-standard-8"),
    (dict(accelerator_count=3), "accelerator_count 3 is not valid for NVIDIA_TESLA_T4 on n1-standard-8; valid counts: 1, 2, 4"),
    (dict(accelerator_type="NVIDIA_X"), "'NVIDIA_X' is not available on n1-standard-8; valid: NVIDIA_TESLA_P100"),
    (dict(machine_type="g2-standard-8", accelerator_type="NVIDIA_L4", accelerator_count=2), "valid counts: 1"),
    (dict(machine_type="ct5lp-hightpu-4t", accelerator_type=None, accelerator_count=0, tpu_topology="3x3"),
     "tpu_topology '3x3' is not valid for ct5lp-hightpu-4t; valid: 2x2"),
    (dict(machine_type="cloud-tpu", accelerator_type="TPU_V2", accelerator_count=4), "TPU_V2 on cloud-tpu takes accelerator_count 8"),
    (dict(machine_type="x9-giant", accelerator_type=None, accelerator_count=0), "unknown machine type 'x9-giant'"),
    (dict(replica_count=0), "replica_count must be a positive int"),
    (dict(tpu_topology="2x2"), "tpu_topology is only for TPU machine types"),
])
def test_invalid_combinations_name_the_valid_choices(kw, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate(gpu(**kw))


def test_yaml_and_gcloud_render_the_same_job():
    import yaml

    spec = gpu(args=["--epochs", "3"], env={"A": "1"})
    body = yaml.safe_load(vertex.render_yaml(spec))
    pool = body["workerPoolSpecs"][0]
    assert pool["machineSpec"] == {"machineType": "n1-standard-8", "acceleratorType": "NVIDIA_TESLA_T4",
                                   "acceleratorCount": 1}
    assert pool["containerSpec"]["args"] == ["--epochs", "3"]
    assert pool["containerSpec"]["env"] == [{"name": "A", "value": "1"}]
    assert vertex.render_gcloud(spec) == ("gcloud ai custom-jobs create --project=[your-project-id] "
                                          "--region=us-central1 --display-name=job --config=job.yaml")


def test_submit_is_a_dry_run_by_default():
    lines = []
    assert vertex.submit(gpu(), out=lines.append) is None
    assert lines[0].startswith("# dry run: nothing is submitted") and "gcloud ai custom-jobs create" in lines[-1]


@pytest.mark.parametrize("project,bucket,message", [
    (None, "gs://b", "no Google Cloud project"), ("p", None, "a staging bucket gs://... is required"),
    ("p", "gs://b", "no Google Cloud credentials"),
])
def test_submit_without_project_bucket_or_credentials_is_clear(monkeypatch, tmp_path, project, bucket, message):
    for var in ("GOOGLE_CLOUD_PROJECT", "CLOUD_ML_PROJECT_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")        # no metadata server to ask
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    with pytest.raises(vertex.SubmitError, match=message):
        vertex.submit(gpu(), project=project, bucket=bucket, dry_run=False)


def test_local_run_provides_the_vertex_environment(tmp_path):
    script = "import os, json; print(json.dumps({k: os.environ[k] for k in ('AIP_MODEL_DIR', 'CLOUD_ML_PROJECT_ID')}))"
    proc, env = vertex.local_run([sys.executable, "-c", script], tmp_path, gpu(env={"EXTRA": "1"}))
    assert proc.returncode == 0, proc.stderr
    assert env["AIP_MODEL_DIR"] == str(tmp_path.resolve() / "model") + "/"
    assert (tmp_path / "model").is_dir() and (tmp_path / "checkpoints").is_dir() and env["EXTRA"] == "1"
    assert '"CLOUD_ML_PROJECT_ID": "local-project"' in proc.stdout


def test_load_spec_rejects_unknown_fields(tmp_path):
    bad = tmp_path / "job.yaml"
    bad.write_text("display_name: x\nmachine: n1\n")
    with pytest.raises(ValueError, match=r"unknown fields \['machine'\]"):
        vertex.load_spec(str(bad))
