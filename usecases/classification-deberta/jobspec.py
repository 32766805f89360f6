"""Vertex AI job specs for the DeBERTa-v3-large fine-tuning script: GPU and TPU variants.

    python jobspec.py                      # validate and print every variant (YAML + gcloud command)
    python jobspec.py --submit a100        # dry run; add --no-dry-run --project ... --bucket gs://... to submit

DeBERTa-v3-large (435M parameters) with AdamW needs about 7 GB for weights, gradients and optimizer state plus
activations: one A100 40 GB at batch 8 x 256 tokens in bf16, or an L4 (24 GB) at batch 4.
"""
from __future__ import annotations

import sys

from labkit.vertex import BUCKET_PLACEHOLDER, PROJECT_PLACEHOLDER, JobSpec, variants_cli

IMAGE = f"us-central1-docker.pkg.dev/{PROJECT_PLACEHOLDER}/labs/deberta-classification:latest"
OUTPUT = f"{BUCKET_PLACEHOLDER}/deberta"
COMMAND = ["python", "train.py"]
FLAGS = ["--model_name_or_path", "microsoft/deberta-v3-large", "--dataset_name", "movie_reviews",
         "--max_seq_length", "256", "--learning_rate", "0.000006", "--warmup_steps", "50", "--num_train_epochs", "2",
         "--eval_strategy", "steps", "--eval_steps", "500", "--output_dir", "/gcs/[your-bucket]/deberta/run",
         "--logging_dir", "/gcs/[your-bucket]/deberta/logs", "--report_to", "tensorboard", "--bf16"]
FULL = {"LABKIT_PROFILE": "full"}

A100 = JobSpec("deberta-v3-large-a100", machine_type="a2-highgpu-1g", accelerator_type="NVIDIA_TESLA_A100",
               accelerator_count=1, container_image=IMAGE, command=COMMAND,
               args=[*FLAGS, "--per_device_train_batch_size", "8"], env=FULL, output_dir=OUTPUT)
L4 = JobSpec("deberta-v3-large-l4", machine_type="g2-standard-12", accelerator_type="NVIDIA_L4", accelerator_count=1,
             container_image=IMAGE, command=COMMAND, args=[*FLAGS, "--per_device_train_batch_size", "4"], env=FULL,
             output_dir=OUTPUT)
#: TPU v5e, 8 chips on one host: PyTorch/XLA image (Dockerfile with the XLA base, see README.md).
TPU = JobSpec("deberta-v3-large-v5e", machine_type="ct5lp-hightpu-8t", tpu_topology="2x4",
              container_image=f"us-central1-docker.pkg.dev/{PROJECT_PLACEHOLDER}/labs/deberta-classification-xla:latest",
              command=COMMAND, args=[*FLAGS, "--per_device_train_batch_size", "8"],
              env={**FULL, "PJRT_DEVICE": "TPU"}, output_dir=OUTPUT)

VARIANTS = {"a100": A100, "l4": L4, "tpu": TPU}


def main(argv=None) -> int:
    return variants_cli(VARIANTS, argv)


if __name__ == "__main__":
    sys.exit(main())
