#!/usr/bin/env python3
"""Fine-tune BART on news stories and their highlights, then report ROUGE on held-out stories.

    python usecases/summarization-bart/summarize.py                       # tiny profile: bundled news, stand-in
    python usecases/summarization-bart/summarize.py --num_train_epochs 3  # full profile: cnn_dailymail 3.0.0

The model is saved to --output_dir, else $AIP_MODEL_DIR (set by Vertex AI), else build/usecases/summarization-bart.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import labkit
from labkit import seq2seq

NAME = "summarization-bart"


def parse_args(argv, P):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model_name_or_path", default="facebook/bart-base")
    p.add_argument("--dataset", default="news_highlights", help="labkit registry name (article / highlights)")
    p.add_argument("--output_dir", default=None, help="default: $AIP_MODEL_DIR or build/usecases/" + NAME)
    p.add_argument("--num_train_epochs", type=float, default=P.pick(tiny=3, full=3))
    p.add_argument("--learning_rate", type=float, default=P.pick(tiny=1e-3, full=5e-5))
    p.add_argument("--per_device_train_batch_size", type=int, default=P.pick(tiny=16, full=16))
    p.add_argument("--max_source_length", type=int, default=P.pick(tiny=160, full=1024))
    p.add_argument("--max_target_length", type=int, default=P.pick(tiny=48, full=128))
    p.add_argument("--max_train_samples", type=int, default=P.pick(tiny=None, full=20_000))
    p.add_argument("--max_eval_samples", type=int, default=P.pick(tiny=25, full=500))
    p.add_argument("--num_beams", type=int, default=P.pick(tiny=2, full=4))
    p.add_argument("--source_prefix", default="", help="BART needs none; T5-style models want 'summarize: '")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    P = labkit.setup(NAME, frameworks=["torch"])
    args = parse_args(argv, P)
    labkit.hub.prepare([args.model_name_or_path], P)
    seq2seq.limit_cpu_threads(P)
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    train = labkit.data.load(args.dataset, "train", limit=args.max_train_samples)
    test = labkit.data.load(args.dataset, "test", limit=args.max_eval_samples)
    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model_name_or_path)
    out = seq2seq.model_dir(args.output_dir, labkit.env.repo_root() / "build" / "usecases" / NAME)
    start = time.perf_counter()
    trainer = seq2seq.fine_tune(
        model, tokenizer, train["article"], train["highlights"], output_dir=out / "trainer", profile=P,
        prefix=args.source_prefix, max_source_length=args.max_source_length,
        max_target_length=args.max_target_length, num_train_epochs=args.num_train_epochs,
        learning_rate=args.learning_rate, per_device_train_batch_size=args.per_device_train_batch_size)
    seconds = time.perf_counter() - start
    predictions = seq2seq.generate(model, tokenizer, test["article"], prefix=args.source_prefix,
                                   max_source_length=args.max_source_length,
                                   max_new_tokens=args.max_target_length, num_beams=args.num_beams,
                                   no_repeat_ngram_size=3)
    # Highlights are separate lines: rougeLsum treats each line as a sentence, rouge1/2/L the whole text.
    scores = labkit.metrics.rouge(predictions, test["highlights"], lang="en")
    losses = seq2seq.losses(trainer)
    report = {"model": args.model_name_or_path, "dataset": args.dataset, "train_rows": len(train),
              "test_rows": len(test), "first_loss": losses[0], "last_loss": losses[-1],
              "train_seconds": round(seconds, 2), **{k: round(v, 4) for k, v in scores.items()},
              "example": {"article": test["article"][0][:300], "reference": test["highlights"][0],
                          "prediction": predictions[0]}}
    seq2seq.save(model, tokenizer, out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"ROUGE-1 {scores['rouge1']:.3f}  ROUGE-2 {scores['rouge2']:.3f}  ROUGE-L {scores['rougeL']:.3f} "
          f"on {len(test)} stories; model saved to {out}")
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
