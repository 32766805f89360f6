"""Fine-tune BERT on movie reviews with the Hugging Face ``Trainer``; the model goes to ``$AIP_MODEL_DIR``.

    python -m trainer.task --learning-rate 2e-5 --epochs 2        # in this folder; what the Vertex job runs

Vertex AI sets ``AIP_MODEL_DIR`` (a ``gs://`` folder, read here through the Cloud Storage FUSE mount ``/gcs/``),
``AIP_CHECKPOINT_DIR`` and ``AIP_TENSORBOARD_LOG_DIR``; ``labkit vertex local-run`` and ``run.sh`` set the same
variables to local folders. The model and its tokenizer are saved with ``save_pretrained`` into the model folder,
where a Vertex model upload (or ``from_pretrained``) finds them.

Profiles: full uses the real ``google-bert/bert-base-cased`` and ``stanfordnlp/imdb`` at learning rate 2e-5 (the
rate BERT's authors recommend for fine-tuning; much larger rates such as 0.01 destroy the pretrained weights).
tiny trains labkit's small randomly initialised stand-in on the bundled reviews in seconds; a model that starts
from random weights needs a larger rate (3e-3) to learn anything in a few dozen steps.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

DEFAULT_MODEL = "google-bert/bert-base-cased"


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model-name", default=DEFAULT_MODEL, help="hub id of the checkpoint to fine-tune")
    p.add_argument("--dataset", default="movie_reviews", help="labkit dataset name (text + label columns)")
    p.add_argument("--learning-rate", type=float, default=None, help="peak rate (default: 2e-5 full, 3e-3 tiny)")
    p.add_argument("--epochs", type=float, default=None, help="training epochs (default: the profile's)")
    p.add_argument("--batch-size", type=int, default=None, help="per-device batch size (default: the profile's)")
    p.add_argument("--max-length", type=int, default=None, help="tokens per review (default: 64 tiny, 256 full)")
    p.add_argument("--train-rows", type=int, default=None, help="use at most this many training rows")
    p.add_argument("--eval-rows", type=int, default=None, help="use at most this many test rows")
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--warmup-ratio", type=float, default=0.1,
                   help="share of steps spent warming up the rate (transformers 5 takes it as a float warmup_steps)")
    p.add_argument("--max-steps", type=int, default=-1, help="stop after this many steps (-1: run the epochs)")
    p.add_argument("--profile", choices=("tiny", "full"), default=None, help="default: $LABKIT_PROFILE or automatic")
    args = p.parse_args(argv)
    for name in ("learning_rate", "epochs", "batch_size", "max_length", "train_rows", "eval_rows"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            p.error(f"--{name.replace('_', '-')} must be positive, got {value}")
    return args


def report_hyperparameter_metric(name: str, value: float, step: int) -> None:
    """Tell a Vertex hyper-parameter tuning trial how it did (the file the ``cloudml-hypertune`` package writes).

    Vertex reads JSON lines from ``$CLOUD_ML_HP_METRIC_FILE`` (default ``/tmp/hypertune/output.metrics``); only
    tuning trials set ``CLOUD_ML_TRIAL_ID``, so an ordinary run writes nothing.
    """
    trial = os.environ.get("CLOUD_ML_TRIAL_ID")
    if not trial:
        return
    path = os.environ.get("CLOUD_ML_HP_METRIC_FILE", "/tmp/hypertune/output.metrics")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    record = {name: value, "global_step": str(step), "timestamp": time.time(), "trial": trial}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def main(argv=None) -> int:
    args = parse_args(argv)
    import labkit

    P = labkit.setup(models=[args.model_name], datasets=[args.dataset], frameworks=["torch"], profile=args.profile)
    import numpy as np
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer

    from labkit import metrics, training
    from labkit.vertex import job_dir

    model_dir = job_dir("AIP_MODEL_DIR", "build/pt-vertex/model")
    checkpoint_dir = job_dir("AIP_CHECKPOINT_DIR", "build/pt-vertex/checkpoints")
    lr = args.learning_rate or P.pick(tiny=3e-3, full=2e-5)
    max_length = args.max_length or P.pick(tiny=64, full=256)

    train = labkit.data.load(args.dataset, "train", limit=args.train_rows or P.train_rows)
    test = labkit.data.load(args.dataset, "test", limit=args.eval_rows or P.eval_rows)
    names = train.features["label"].names
    tokenizer = AutoTokenizer.from_pretrained(args.model_name)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.model_name, num_labels=len(names), id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)}, **training.model_kwargs(P))

    def tokenize(batch):
        return tokenizer(batch["text"], truncation=True, max_length=max_length)

    train = train.map(tokenize, batched=True, remove_columns=["text"])
    test = test.map(tokenize, batched=True, remove_columns=["text"])

    def compute_metrics(prediction):
        predicted = np.argmax(prediction.predictions, axis=-1).tolist()
        gold = prediction.label_ids.tolist()
        return {"accuracy": metrics.accuracy(gold, predicted),
                "f1": metrics.precision_recall_f1(gold, predicted, labels=list(range(len(names))))["f1"]}

    overrides = dict(learning_rate=lr, weight_decay=args.weight_decay, warmup_steps=args.warmup_ratio,
                     eval_strategy=P.pick(tiny="no", full="epoch"), max_steps=args.max_steps,
                     num_train_epochs=P.pick(tiny=4, full=2), per_device_train_batch_size=P.pick(tiny=32, full=32))
    if args.epochs:
        overrides["num_train_epochs"] = args.epochs
    if args.batch_size:
        overrides.update(per_device_train_batch_size=args.batch_size, per_device_eval_batch_size=args.batch_size)
    if os.environ.get("AIP_TENSORBOARD_LOG_DIR") and P.full:
        os.environ.setdefault("TENSORBOARD_LOGGING_DIR", os.environ["AIP_TENSORBOARD_LOG_DIR"])
        overrides["report_to"] = ["tensorboard"]
    trainer = Trainer(model=model, args=training.training_arguments(checkpoint_dir, P, **overrides),
                      train_dataset=train, eval_dataset=test, processing_class=tokenizer,
                      data_collator=DataCollatorWithPadding(tokenizer), compute_metrics=compute_metrics)
    trainer.train()
    scores = trainer.evaluate()
    # Save where Vertex looks for the model: $AIP_MODEL_DIR, never the working directory (lost with the container).
    trainer.save_model(str(model_dir))
    tokenizer.save_pretrained(str(model_dir))
    summary = {"model": args.model_name, "profile": P.name, "learning_rate": lr, "train_rows": len(train),
               "eval_rows": len(test), "eval_accuracy": scores["eval_accuracy"], "eval_f1": scores["eval_f1"]}
    (model_dir / "metrics.json").write_text(json.dumps(summary, indent=1))
    report_hyperparameter_metric("accuracy", scores["eval_accuracy"], trainer.state.global_step)
    print(f"eval accuracy {scores['eval_accuracy']:.3f}, macro-F1 {scores['eval_f1']:.3f}; model saved to {model_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
