#!/usr/bin/env python3
"""A Kubeflow Pipelines v2 pipeline: prepare the tr-en TFRecords on CPU, then train on a TPU.

    python usecases/vertex-pipelines-tpu/pipeline.py --out build/pipeline.yaml     # compile (offline)

Two training routes, chosen by the ``multihost`` parameter:
- single host (v5e 2x2, one VM): a component that asks for the TPU through a node selector and resource limits;
- multi-host (v5e 4x4 = 4 VMs and more): a Vertex AI custom job with a multi-host TPU worker pool, launched from
  the pipeline by Google Cloud Pipeline Components' ``CustomTrainingJobOp``. A pipeline task is one container on one
  node, so it cannot span a slice's hosts (README: why executors on a multi-host slice collide).
"""

# No "from __future__ import annotations": KFP reads the component signatures as real types.
import argparse
import sys

from kfp import compiler, dsl

PROJECT = "[your-project-id]"
BUCKET = "gs://[your-bucket]"
T5X_IMAGE = f"us-central1-docker.pkg.dev/{PROJECT}/labs/t5x-tr-en:latest"
#: GKE node labels that place a pod on a TPU v5e single-host slice (the accelerator type and its topology).
TPU_ACCELERATOR = "tpu-v5-lite-podslice"
TPU_TOPOLOGY = "2x2"
TPU_CHIPS = 4


@dsl.component(base_image="python:3.11-slim", packages_to_install=["tensorflow-cpu==2.20.0"])
def prepare_tfrecords(raw_file: str, eval_size: int, train: dsl.Output[dsl.Dataset],
                      evaluation: dsl.Output[dsl.Dataset]):
    """Turkish line -> inputs, English line -> targets; blocks separated by a blank line."""
    import tensorflow as tf

    with tf.io.gfile.GFile(raw_file) as handle:
        blocks = [b.strip().split("\n") for b in handle.read().split("\n\n") if b.strip()]
    for number, block in enumerate(blocks, start=1):
        if len(block) != 2:
            raise ValueError(f"record {number} of {raw_file} has {len(block)} lines, expected Turkish then English")

    def write(path, rows):
        with tf.io.TFRecordWriter(path) as writer:
            for tr, en in rows:
                feature = {k: tf.train.Feature(bytes_list=tf.train.BytesList(value=[v.encode()]))
                           for k, v in (("inputs", tr), ("targets", en))}
                writer.write(tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString())

    write(train.path, blocks[:-eval_size])
    write(evaluation.path, blocks[-eval_size:])


@dsl.container_component
def t5x_train_single_host(train: dsl.Input[dsl.Dataset], model_dir: str):
    """T5X fine-tuning on one TPU host (all its chips), inside the pipeline's own pod."""
    return dsl.ContainerSpec(image=T5X_IMAGE, command=["python", "-m", "t5x.train"],
                             args=["--gin_file=finetune_tr_en.gin", dsl.ConcatPlaceholder(
                                 ['--gin.MODEL_DIR="', model_dir, '"'])])


@dsl.pipeline(name="t5x-tr-en-tpu", description="TFRecords on CPU, T5X fine-tuning on a TPU v5e")
def tr_en_pipeline(raw_file: str = f"{BUCKET}/data/dataset_raw_tr_en.txt", eval_size: int = 80,
                   model_dir: str = f"{BUCKET}/t5x/tr_en/model"):
    data = prepare_tfrecords(raw_file=raw_file, eval_size=eval_size)
    data.set_cpu_request("2").set_memory_request("8G").set_cpu_limit("4").set_memory_limit("16G")
    data.set_display_name("prepare TFRecords")
    train = t5x_train_single_host(train=data.outputs["train"], model_dir=model_dir)
    train.set_cpu_request("8").set_memory_request("32G")
    train.add_node_selector_constraint(TPU_ACCELERATOR)
    train.set_accelerator_type(TPU_ACCELERATOR).set_accelerator_limit(TPU_CHIPS)
    train.set_display_name("T5X fine-tune (TPU v5e 2x2)")


def compile_pipeline(out: str) -> str:
    compiler.Compiler().compile(tr_en_pipeline, package_path=out)
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="build/t5x-tr-en-pipeline.yaml")
    args = p.parse_args(argv)
    from pathlib import Path

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    print(f"compiled to {compile_pipeline(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
