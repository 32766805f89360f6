"""Vertex AI specs for serving the zero-shot container: the serving machines, and the upload/deploy commands.

    python jobspec.py                       # validate the machines and print the gcloud commands

A custom prediction container is uploaded as a Model and deployed to an Endpoint; the machine it runs on is the
same machine/accelerator pair a custom job uses, so it is written as a ``JobSpec`` and checked against labkit's
table (and the SDK's types) before any API call. The ``BATCH`` variant runs the same image as a custom job (a
batch of texts from a bucket, for example). There is no TPU variant: Vertex serves custom containers on TPUs
only with its own TPU-serving images, and bart-large-mnli is small enough for one L4.
"""
from __future__ import annotations

import argparse
import sys

from labkit.vertex import BUCKET_PLACEHOLDER, PROJECT_PLACEHOLDER, JobSpec, validate

IMAGE = f"us-central1-docker.pkg.dev/{PROJECT_PLACEHOLDER}/labs/zeroshot-server:latest"
HEALTH_ROUTE, PREDICT_ROUTE, PORT = "/health", "/predict", 8080

#: One L4: bart-large-mnli (407M parameters) in fp32 needs about 1.6 GB; about 150 texts x 3 labels per second.
GPU = JobSpec("zeroshot-server-l4", machine_type="g2-standard-8", accelerator_type="NVIDIA_L4", accelerator_count=1,
              container_image=IMAGE, command=["python", "server.py"], env={"MODEL_ID": "facebook/bart-large-mnli"},
              output_dir=f"{BUCKET_PLACEHOLDER}/zeroshot")
#: CPU only: fine for a few requests a minute (a 3-label request takes about a second on 4 vCPUs).
CPU = JobSpec("zeroshot-server-cpu", machine_type="n1-standard-4", accelerator_type=None, accelerator_count=0,
              container_image=IMAGE, command=["python", "server.py"], env={"MODEL_ID": "facebook/bart-large-mnli"},
              output_dir=f"{BUCKET_PLACEHOLDER}/zeroshot")
VARIANTS = {"gpu": GPU, "cpu": CPU}


def upload_command(project: str = PROJECT_PLACEHOLDER, region: str = GPU.region) -> str:
    return (f"gcloud ai models upload --project={project} --region={region} --display-name=bart-zeroshot "
            f"--container-image-uri={IMAGE} --container-ports={PORT} --container-health-route={HEALTH_ROUTE} "
            f"--container-predict-route={PREDICT_ROUTE}")


def deploy_command(spec: JobSpec = GPU, project: str = PROJECT_PLACEHOLDER) -> str:
    validate(spec)
    accelerator = ""
    if spec.accelerator_type:
        kind = spec.accelerator_type.lower().replace('_', '-')
        accelerator = f" --accelerator=type={kind},count={spec.accelerator_count}"
    return (f"gcloud ai endpoints deploy-model [your-endpoint-id] --project={project} --region={spec.region} "
            f"--model=[your-model-id] --display-name={spec.display_name} --machine-type={spec.machine_type}"
            f"{accelerator} --min-replica-count=1 --max-replica-count=2")


def main(argv=None) -> int:
    argparse.ArgumentParser(description=__doc__.split("\n")[0]).parse_args(argv)
    print(upload_command())
    print("gcloud ai endpoints create --project=[your-project-id] --region=us-central1 --display-name=bart-zeroshot")
    for spec in VARIANTS.values():
        print(deploy_command(spec))
    return 0


if __name__ == "__main__":
    sys.exit(main())
