"""Vertex AI job specs for the PyTorch BERT fine-tuning job: GPU and TPU variants, and a tuning job.

    python jobspec.py                      # validate and print every variant (YAML + gcloud command)
    python jobspec.py --submit gpu         # dry run: what would be submitted
    python jobspec.py --submit gpu --no-dry-run --project [your-project-id] --bucket gs://[your-bucket]

The image is built from this folder's Dockerfile (see README.md) and pushed to Artifact Registry; the names below
are placeholders to replace with your own project and repository.
"""
from __future__ import annotations

import sys
from pathlib import Path

from labkit.vertex import BUCKET_PLACEHOLDER, PROJECT_PLACEHOLDER, JobSpec, render_yaml, variants_cli

IMAGE = f"us-central1-docker.pkg.dev/{PROJECT_PLACEHOLDER}/labs/bert-imdb-pt:latest"
IMAGE_TPU = f"us-central1-docker.pkg.dev/{PROJECT_PLACEHOLDER}/labs/bert-imdb-pt-xla:latest"
COMMAND = ["python", "-m", "trainer.task"]
FULL = {"LABKIT_PROFILE": "full"}
OUTPUT = f"{BUCKET_PLACEHOLDER}/bert-imdb-pt"

#: One L4 (24 GB): bert-base at 256 tokens, batch 32, bf16; about 25 min per IMDB epoch.
GPU = JobSpec("bert-imdb-pt-l4", machine_type="g2-standard-8", accelerator_type="NVIDIA_L4", accelerator_count=1,
              container_image=IMAGE, command=COMMAND, args=["--learning-rate", "0.00002", "--epochs", "2"], env=FULL,
              output_dir=OUTPUT)
#: One A100 40 GB: about three times the L4's throughput for this model.
A100 = JobSpec("bert-imdb-pt-a100", machine_type="a2-highgpu-1g", accelerator_type="NVIDIA_TESLA_A100",
               accelerator_count=1, container_image=IMAGE, command=COMMAND,
               args=["--learning-rate", "0.00002", "--epochs", "2", "--batch-size", "64"], env=FULL, output_dir=OUTPUT)
#: TPU v5e, 4 chips (2x2): the PyTorch/XLA image (Dockerfile built with the XLA base image, see README.md).
TPU = JobSpec("bert-imdb-pt-v5e", machine_type="ct5lp-hightpu-4t", tpu_topology="2x2", container_image=IMAGE_TPU,
              command=COMMAND, args=["--learning-rate", "0.00002", "--epochs", "2"],
              env={**FULL, "PJRT_DEVICE": "TPU"}, output_dir=OUTPUT)

VARIANTS = {"gpu": GPU, "a100": A100, "tpu": TPU}

# ---------------------------------------------------------------------------------------------- tuning

#: Hyper-parameter search: parameter ids are the trainer's flags, so each trial runs ``--learning-rate=<value>``.
METRIC = {"accuracy": "maximize"}
PARAMETERS = {
    "learning-rate": {"type": "double", "min": 1e-5, "max": 5e-5, "scale": "log"},
    "batch-size": {"type": "discrete", "values": [16, 32]},
    "warmup-ratio": {"type": "double", "min": 0.0, "max": 0.2, "scale": "linear"},
}
MAX_TRIALS, PARALLEL_TRIALS = 8, 2


def tuning_trial_spec() -> JobSpec:
    """The job each trial runs: the GPU job without the learning rate (the tuner passes it)."""
    return JobSpec("bert-imdb-pt-trial", machine_type=GPU.machine_type, accelerator_type=GPU.accelerator_type,
                   accelerator_count=GPU.accelerator_count, container_image=IMAGE, command=COMMAND,
                   args=["--epochs", "1"], env=FULL, output_dir=OUTPUT)


def _sdk_parameter_spec():
    from google.cloud.aiplatform import hyperparameter_tuning as hpt

    specs = {}
    for name, p in PARAMETERS.items():
        if p["type"] == "double":
            specs[name] = hpt.DoubleParameterSpec(min=p["min"], max=p["max"], scale=p["scale"])
        else:
            specs[name] = hpt.DiscreteParameterSpec(values=p["values"], scale="linear")
    return specs


def tuning_job(project: str, bucket: str, credentials=None):
    """A ``google.cloud.aiplatform.HyperparameterTuningJob`` (not submitted; offline with anonymous credentials)."""
    from google.cloud import aiplatform

    from labkit.vertex import to_custom_job

    trial = to_custom_job(tuning_trial_spec(), project, bucket, credentials)
    return aiplatform.HyperparameterTuningJob(
        display_name="bert-imdb-pt-tuning", custom_job=trial, metric_spec=METRIC,
        parameter_spec=_sdk_parameter_spec(), max_trial_count=MAX_TRIALS, parallel_trial_count=PARALLEL_TRIALS,
        project=project, location=GPU.region, credentials=credentials)


def tuning_yaml() -> str:
    """The tuning job as the config ``gcloud ai hp-tuning-jobs create --config`` reads."""
    import yaml

    scale = {"log": "UNIT_LOG_SCALE", "linear": "UNIT_LINEAR_SCALE"}
    parameters = []
    for name, p in PARAMETERS.items():
        if p["type"] == "double":
            parameters.append({"parameterId": name, "doubleValueSpec": {"minValue": p["min"], "maxValue": p["max"]},
                               "scaleType": scale[p["scale"]]})
        else:
            parameters.append({"parameterId": name, "discreteValueSpec": {"values": p["values"]}})
    trial = yaml.safe_load(render_yaml(tuning_trial_spec()))
    body = {"studySpec": {"metrics": [{"metricId": m, "goal": g.upper()} for m, g in METRIC.items()],
                          "parameters": parameters, "algorithm": "ALGORITHM_UNSPECIFIED"},
            "maxTrialCount": MAX_TRIALS, "parallelTrialCount": PARALLEL_TRIALS, "trialJobSpec": trial}
    return yaml.safe_dump(body, sort_keys=False)


def tuning_gcloud(config_path: str = "tuning.yaml", project: str = PROJECT_PLACEHOLDER) -> str:
    return (f"gcloud ai hp-tuning-jobs create --project={project} --region={GPU.region} "
            f"--display-name=bert-imdb-pt-tuning --config={config_path}")


def main(argv=None) -> int:
    return variants_cli(VARIANTS, argv,
                        extra=lambda: f"# --- hyper-parameter tuning\n{tuning_yaml()}{tuning_gcloud()}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
