"""Fine-tune BERT on movie reviews with Keras 3 (TensorFlow backend) and keras-hub; the model goes to
``$AIP_MODEL_DIR/model.keras``.

    python -m trainer.task --learning-rate 2e-5 --epochs 2        # in this folder; what the Vertex job runs

keras-hub starts from the Hugging Face checkpoint: ``BertTextClassifier.from_preset("hf://google-bert/bert-base-cased")``
converts its weights and WordPiece vocabulary (in the tiny profile labkit serves a small stand-in under that id;
``labkit.hub.local_path`` gives the same checkpoint as a folder). The classifier carries its preprocessor, so the
saved ``.keras`` file takes raw strings.

Scaling out: :func:`distribution_strategy` picks the ``tf.distribute`` strategy for the machine Vertex gives the
job: ``TPUStrategy`` on a TPU VM, ``MultiWorkerMirroredStrategy`` when ``TF_CONFIG`` lists several workers,
``MirroredStrategy`` for several GPUs on one machine, the default strategy otherwise. The model is built and
compiled inside ``strategy.scope()``; the global batch is the per-replica batch times the replica count.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
DEFAULT_MODEL = "google-bert/bert-base-cased"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model-name", default=DEFAULT_MODEL, help="hub id of the Hugging Face checkpoint")
    p.add_argument("--dataset", default="movie_reviews", help="labkit dataset name (text + label columns)")
    p.add_argument("--learning-rate", type=float, default=None, help="peak rate (default: 2e-5 full, 1e-3 tiny)")
    p.add_argument("--epochs", type=int, default=None, help="training epochs (default: 2 full, 6 tiny)")
    p.add_argument("--batch-size", type=int, default=None, help="batch size per replica (default: 32)")
    p.add_argument("--max-length", type=int, default=None, help="tokens per review (default: 64 tiny, 256 full)")
    p.add_argument("--train-rows", type=int, default=None, help="use at most this many training rows")
    p.add_argument("--eval-rows", type=int, default=None, help="use at most this many test rows")
    p.add_argument("--profile", choices=("tiny", "full"), default=None, help="default: $LABKIT_PROFILE or automatic")
    args = p.parse_args(argv)
    for name in ("learning_rate", "epochs", "batch_size", "max_length", "train_rows", "eval_rows"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            p.error(f"--{name.replace('_', '-')} must be positive, got {value}")
    return args


def distribution_strategy():
    """The ``tf.distribute`` strategy for this machine (see the module docstring)."""
    import tensorflow as tf

    if os.environ.get("TPU_NAME") or os.path.exists("/dev/accel0") or os.path.exists("/dev/vfio/0"):
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=os.environ.get("TPU_NAME", "local"))
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        return tf.distribute.TPUStrategy(resolver)
    workers = json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster", {})
    if sum(len(v) for k, v in workers.items() if k in ("chief", "worker")) > 1:
        return tf.distribute.MultiWorkerMirroredStrategy()
    if len(tf.config.list_physical_devices("GPU")) > 1:
        return tf.distribute.MirroredStrategy()
    return tf.distribute.get_strategy()


def build_classifier(model_name: str, num_classes: int, max_length: int, learning_rate: float):
    """A compiled keras-hub BERT classifier (with its preprocessor) from the Hugging Face checkpoint."""
    import keras
    import keras_hub

    import labkit

    # "hf://<id>" downloads (full) or reads labkit's offline cache (tiny); local_path gives the folder either way.
    source = labkit.hub.local_path(model_name)
    source = source if os.path.isdir(source) else f"hf://{model_name}"
    preprocessor = keras_hub.models.BertTextClassifierPreprocessor.from_preset(source, sequence_length=max_length)
    model = keras_hub.models.BertTextClassifier.from_preset(source, num_classes=num_classes, preprocessor=preprocessor)
    model.compile(optimizer=keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model


def main(argv=None) -> int:
    args = parse_args(argv)
    import labkit

    P = labkit.setup(models=[args.model_name], datasets=[args.dataset], frameworks=["tensorflow"],
                     profile=args.profile)
    import tensorflow as tf

    from labkit.vertex import job_dir

    model_dir = job_dir("AIP_MODEL_DIR", "build/tf-vertex/model")
    lr = args.learning_rate or P.pick(tiny=1e-3, full=2e-5)
    epochs = args.epochs or P.pick(tiny=6, full=2)
    max_length = args.max_length or P.pick(tiny=64, full=256)
    train = labkit.data.load(args.dataset, "train", limit=args.train_rows or P.train_rows)
    test = labkit.data.load(args.dataset, "test", limit=args.eval_rows or P.eval_rows)
    names = train.features["label"].names

    strategy = distribution_strategy()
    batch = (args.batch_size or 32) * strategy.num_replicas_in_sync

    def as_tf(ds, shuffle: bool):
        data = tf.data.Dataset.from_tensor_slices((list(ds["text"]), list(ds["label"])))
        if shuffle:
            data = data.shuffle(len(ds), seed=P.seed)
        return data.batch(batch).prefetch(tf.data.AUTOTUNE)

    with strategy.scope():
        model = build_classifier(args.model_name, len(names), max_length, lr)
    callbacks = []
    if os.environ.get("AIP_TENSORBOARD_LOG_DIR") and P.full:
        import keras

        callbacks.append(keras.callbacks.TensorBoard(log_dir=os.environ["AIP_TENSORBOARD_LOG_DIR"]))
    model.fit(as_tf(train, True), validation_data=as_tf(test, False), epochs=epochs, verbose=2, callbacks=callbacks)
    loss, accuracy = model.evaluate(as_tf(test, False), verbose=0)
    # Save where Vertex looks for the model: $AIP_MODEL_DIR, never the working directory (lost with the container).
    model.save(model_dir / "model.keras")
    (model_dir / "labels.json").write_text(json.dumps(names))
    summary = {"model": args.model_name, "profile": P.name, "learning_rate": lr, "epochs": epochs,
               "replicas": strategy.num_replicas_in_sync, "eval_accuracy": float(accuracy), "eval_loss": float(loss)}
    (model_dir / "metrics.json").write_text(json.dumps(summary, indent=1))
    print(f"eval accuracy {accuracy:.3f}; model saved to {model_dir / 'model.keras'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
