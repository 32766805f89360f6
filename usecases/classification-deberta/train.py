"""Fine-tune DeBERTa-v3 for text classification from the command line (the outline's DeBERTa example, today's API).

    python train.py --model_name_or_path microsoft/deberta-v3-large --dataset_name movie_reviews \\
        --max_seq_length 256 --per_device_train_batch_size 8 --learning_rate 6e-6 --warmup_steps 50 \\
        --num_train_epochs 2 --eval_strategy steps --eval_steps 500 --output_dir build/deberta \\
        --logging_dir build/deberta/logs

Flags keep the Hugging Face example scripts' names. ``--eval_strategy`` is the transformers 5 name of the old
``--evaluation_strategy`` (passing the old name stops with a message saying so). transformers 5 dropped the
``logging_dir`` training argument: ``--logging_dir`` sets ``TENSORBOARD_LOGGING_DIR``, which the TensorBoard
callback reads. ``--dataset_name`` is a labkit dataset (``movie_reviews`` is IMDB, ``stanfordnlp/imdb``, in the full
profile and the bundled reviews in the tiny one). In the tiny profile ``microsoft/deberta-v3-large`` is labkit's
small random stand-in, so the numbers only show that the script works.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

DEFAULT_MODEL = "microsoft/deberta-v3-large"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--model_name_or_path", default=DEFAULT_MODEL, help="hub id or local folder")
    p.add_argument("--dataset_name", default="movie_reviews", help="labkit dataset with text and label columns")
    p.add_argument("--max_seq_length", type=int, default=256, help="tokens per example (longer ones are truncated)")
    p.add_argument("--per_device_train_batch_size", type=int, default=8)
    p.add_argument("--per_device_eval_batch_size", type=int, default=16)
    p.add_argument("--learning_rate", type=float, default=6e-6, help="peak rate; DeBERTa-v3-large wants 5e-6..1e-5")
    p.add_argument("--weight_decay", type=float, default=0.01)
    p.add_argument("--warmup_steps", type=float, default=50,
                   help="linear warm-up: whole steps (e.g. 50) or a ratio of all steps below 1 (e.g. 0.1)")
    p.add_argument("--num_train_epochs", type=float, default=2.0)
    p.add_argument("--max_steps", type=int, default=-1, help="stop after this many steps (-1: run the epochs)")
    p.add_argument("--eval_strategy", choices=("no", "steps", "epoch"), default="epoch")
    p.add_argument("--eval_steps", type=int, default=500, help="with --eval_strategy steps")
    p.add_argument("--logging_steps", type=int, default=50)
    p.add_argument("--output_dir", default="build/classification-deberta", help="checkpoints and the final model")
    p.add_argument("--logging_dir", default=None, help="TensorBoard logs (default: OUTPUT_DIR/logs)")
    p.add_argument("--max_train_samples", type=int, default=None, help="cap the training rows (quick runs)")
    p.add_argument("--max_eval_samples", type=int, default=None, help="cap the evaluation rows")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--bf16", action="store_true", help="bf16 mixed precision (A100, H100, L4, TPU)")
    p.add_argument("--report_to", default="none", help="'tensorboard' to write TensorBoard logs")
    p.add_argument("--profile", choices=("tiny", "full"), default=None, help="default: $LABKIT_PROFILE or automatic")
    return p


def parse_args(argv=None) -> argparse.Namespace:
    p = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a.split("=")[0] == "--evaluation_strategy" for a in argv):
        p.error("--evaluation_strategy was renamed --eval_strategy in transformers (removed in version 5)")
    args = p.parse_args(argv)
    for name in ("max_seq_length", "per_device_train_batch_size", "per_device_eval_batch_size", "learning_rate",
                 "num_train_epochs", "eval_steps", "logging_steps"):
        if getattr(args, name) <= 0:
            p.error(f"--{name} must be positive, got {getattr(args, name)}")
    if args.warmup_steps < 0:
        p.error(f"--warmup_steps must be >= 0, got {args.warmup_steps}")
    for name in ("max_train_samples", "max_eval_samples"):
        if getattr(args, name) is not None and getattr(args, name) <= 0:
            p.error(f"--{name} must be positive, got {getattr(args, name)}")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    import labkit

    models = [] if Path(args.model_name_or_path).is_dir() else [args.model_name_or_path]
    P = labkit.setup(models=models, datasets=[args.dataset_name], frameworks=["torch"], seed=args.seed,
                     profile=args.profile)
    import numpy as np
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, DataCollatorWithPadding, Trainer

    from labkit import metrics, training

    output_dir = Path(args.output_dir)
    logging_dir = Path(args.logging_dir or output_dir / "logs")
    logging_dir.mkdir(parents=True, exist_ok=True)
    os.environ["TENSORBOARD_LOGGING_DIR"] = str(logging_dir)

    train = labkit.data.load(args.dataset_name, "train", limit=args.max_train_samples)
    test = labkit.data.load(args.dataset_name, "test", limit=args.max_eval_samples)
    names = train.features["label"].names
    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)
    model = AutoModelForSequenceClassification.from_pretrained(
        args.model_name_or_path, num_labels=len(names), id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)})
    tokenize = lambda batch: tokenizer(batch["text"], truncation=True, max_length=args.max_seq_length)  # noqa: E731
    train = train.map(tokenize, batched=True, remove_columns=["text"])
    test = test.map(tokenize, batched=True, remove_columns=["text"])

    def compute_metrics(prediction):
        predicted = np.argmax(prediction.predictions, axis=-1).tolist()
        gold = prediction.label_ids.tolist()
        return {"accuracy": metrics.accuracy(gold, predicted),
                "f1": metrics.precision_recall_f1(gold, predicted, labels=list(range(len(names))))["f1"]}

    targs = training.training_arguments(
        output_dir, P, learning_rate=args.learning_rate, weight_decay=args.weight_decay,
        warmup_steps=args.warmup_steps, num_train_epochs=args.num_train_epochs, max_steps=args.max_steps,
        per_device_train_batch_size=args.per_device_train_batch_size,
        per_device_eval_batch_size=args.per_device_eval_batch_size, eval_strategy=args.eval_strategy,
        eval_steps=args.eval_steps, logging_steps=args.logging_steps, seed=args.seed,
        report_to=args.report_to, **({"bf16": True} if args.bf16 else {}))
    trainer = Trainer(model=model, args=targs, train_dataset=train, eval_dataset=test, processing_class=tokenizer,
                      data_collator=DataCollatorWithPadding(tokenizer), compute_metrics=compute_metrics)
    trainer.train()
    scores = trainer.evaluate()
    final = output_dir / "final"
    trainer.save_model(str(final))
    tokenizer.save_pretrained(str(final))
    summary = {"model": args.model_name_or_path, "profile": P.name, "steps": trainer.state.global_step,
               "eval_accuracy": scores["eval_accuracy"], "eval_f1": scores["eval_f1"],
               "eval_strategy": args.eval_strategy, "logging_dir": str(logging_dir)}
    (final / "metrics.json").write_text(json.dumps(summary, indent=1))
    print(f"eval accuracy {scores['eval_accuracy']:.3f}, macro-F1 {scores['eval_f1']:.3f}; model in {final}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
