#!/usr/bin/env python3
"""Fine-tune mT5-small to translate in both directions, Turkish to English and English to Turkish, with one model:
each example carries a task prefix that names its direction, as T5 does. Reports sacreBLEU BLEU and chrF per
direction on held-out pairs.

    python usecases/translation-tr-en-mt5-finetuning/train.py                  # tiny: bundled pairs, stand-in
    LABKIT_PROFILE=full python usecases/translation-tr-en-mt5-finetuning/train.py   # wmt16 tr-en, google/mt5-small

The model goes to --output_dir, else $AIP_MODEL_DIR, else build/usecases/translation-tr-en-mt5-finetuning.
"""
from __future__ import annotations

import argparse
import json
import sys

import labkit
from labkit import seq2seq

NAME = "translation-tr-en-mt5-finetuning"
#: direction -> (task prefix, source column, target column)
DIRECTIONS = {"tr-en": (seq2seq.TR_EN_PREFIX, "tr", "en"), "en-tr": (seq2seq.EN_TR_PREFIX, "en", "tr")}


def both_directions(rows: list[dict]) -> tuple[list[str], list[str]]:
    """Every pair twice, once per direction, each source with its direction's prefix (interleaved)."""
    sources, targets = [], []
    for row in rows:
        for prefix, src, tgt in DIRECTIONS.values():
            sources.append(prefix + row[src])
            targets.append(row[tgt])
    return sources, targets


def main(argv=None) -> dict:
    P = labkit.setup(NAME, frameworks=["torch"])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model_name_or_path", default="google/mt5-small")
    p.add_argument("--output_dir", default=None)
    p.add_argument("--num_train_epochs", type=float, default=P.pick(tiny=6, full=5))
    p.add_argument("--learning_rate", type=float, default=P.pick(tiny=5e-3, full=5e-4))
    p.add_argument("--per_device_train_batch_size", type=int, default=P.pick(tiny=32, full=16))
    p.add_argument("--max_source_length", type=int, default=P.pick(tiny=64, full=128))
    p.add_argument("--max_target_length", type=int, default=P.pick(tiny=48, full=128))
    p.add_argument("--max_train_samples", type=int, default=P.pick(tiny=None, full=None))
    p.add_argument("--max_eval_samples", type=int, default=P.pick(tiny=30, full=500))
    p.add_argument("--num_beams", type=int, default=P.pick(tiny=1, full=4))
    args = p.parse_args(argv)
    labkit.hub.prepare([args.model_name_or_path], P)
    seq2seq.limit_cpu_threads(P)
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    train = seq2seq.translation_pairs("train", P, limit=args.max_train_samples)
    test = seq2seq.translation_pairs("test", P, limit=args.max_eval_samples)
    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model_name_or_path)
    sources, targets = both_directions(train)
    out = seq2seq.model_dir(args.output_dir, labkit.env.repo_root() / "build" / "usecases" / NAME)
    # The prefixes are already on the sources; check the longest still leaves room for text.
    for prefix, _, _ in DIRECTIONS.values():
        seq2seq.check_prefix_fits(tokenizer, prefix, args.max_source_length)
    trainer = seq2seq.fine_tune(
        model, tokenizer, sources, targets, output_dir=out / "trainer", profile=P,
        max_source_length=args.max_source_length, max_target_length=args.max_target_length,
        num_train_epochs=args.num_train_epochs, learning_rate=args.learning_rate,
        per_device_train_batch_size=args.per_device_train_batch_size)
    report = {"model": args.model_name_or_path, "train_examples": len(sources), "eval_pairs": len(test),
              "first_loss": seq2seq.losses(trainer)[0], "last_loss": seq2seq.losses(trainer)[-1]}
    for direction, (prefix, src, tgt) in DIRECTIONS.items():
        predictions = seq2seq.generate(model, tokenizer, [r[src] for r in test], prefix=prefix,
                                       max_source_length=args.max_source_length,
                                       max_new_tokens=args.max_target_length, num_beams=args.num_beams)
        scores = seq2seq.translation_scores(predictions, [r[tgt] for r in test])
        report[direction] = {**{k: round(v, 2) for k, v in scores.items()}, "prefix": prefix,
                             "example": {"source": test[0][src], "reference": test[0][tgt],
                                         "prediction": predictions[0]}}
    seq2seq.save(model, tokenizer, out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    for direction in DIRECTIONS:
        print(f"{direction}: BLEU {report[direction]['bleu']:.1f}  chrF {report[direction]['chrf']:.1f}")
    print(f"model saved to {out}")
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
