"""Vertex AI job specs for the Keras BERT fine-tuning job: GPU, multi-GPU and TPU variants.

    python jobspec.py                      # validate and print every variant (YAML + gcloud command)
    python jobspec.py --submit gpu         # dry run; add --no-dry-run --project ... --bucket gs://... to submit

The trainer picks its ``tf.distribute`` strategy from the machine (MirroredStrategy on the 4-GPU variant,
TPUStrategy on the TPU VM). Images are built from this folder's Dockerfile; the names are placeholders.
"""
from __future__ import annotations

import sys

from labkit.vertex import BUCKET_PLACEHOLDER, PROJECT_PLACEHOLDER, JobSpec, variants_cli

IMAGE = f"us-central1-docker.pkg.dev/{PROJECT_PLACEHOLDER}/labs/bert-imdb-tf:latest"
COMMAND = ["python", "-m", "trainer.task"]
FULL = {"LABKIT_PROFILE": "full", "KERAS_BACKEND": "tensorflow"}
OUTPUT = f"{BUCKET_PLACEHOLDER}/bert-imdb-tf"
ARGS = ["--learning-rate", "0.00002", "--epochs", "2"]

GPU = JobSpec("bert-imdb-tf-l4", machine_type="g2-standard-8", accelerator_type="NVIDIA_L4", accelerator_count=1,
              container_image=IMAGE, command=COMMAND, args=ARGS, env=FULL, output_dir=OUTPUT)
#: Four L4s on one machine: MirroredStrategy, global batch 4 x 32.
MULTI_GPU = JobSpec("bert-imdb-tf-4xl4", machine_type="g2-standard-48", accelerator_type="NVIDIA_L4",
                    accelerator_count=4, container_image=IMAGE, command=COMMAND, args=ARGS, env=FULL,
                    output_dir=OUTPUT)
#: TPU v5e with 4 chips (one host, 2x2): TPUStrategy; the image is built from the TPU base (see README.md).
TPU = JobSpec("bert-imdb-tf-v5e", machine_type="ct5lp-hightpu-4t", tpu_topology="2x2",
              container_image=f"us-central1-docker.pkg.dev/{PROJECT_PLACEHOLDER}/labs/bert-imdb-tf-tpu:latest",
              command=COMMAND, args=[*ARGS, "--batch-size", "64"], env=FULL, output_dir=OUTPUT)

VARIANTS = {"gpu": GPU, "multi-gpu": MULTI_GPU, "tpu": TPU}


def main(argv=None) -> int:
    return variants_cli(VARIANTS, argv)


if __name__ == "__main__":
    sys.exit(main())
