"""Fine-tune Marian (Helsinki-NLP/opus-mt-tr-en) on Turkish-English pairs; the Vertex AI custom job's entry point.

    python -m trainer.task                                  # from this folder; tiny profile: bundled pairs
    python -m trainer.task --train_file my_pairs.tsv        # your own pairs (TSV or block file)

Vertex AI sets AIP_MODEL_DIR (a gs:// URI, mounted under /gcs/): the model, tokenizer and metrics.json are written
there so a Model resource can be created from the folder. BLEU and chrF (sacreBLEU) are reported before and after.
"""
from __future__ import annotations

import argparse
import json
import sys

import labkit
from labkit import seq2seq

NAME = "translation-tr-en-finetuning-vertex"


def parse_args(argv, P):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model_name_or_path", default="Helsinki-NLP/opus-mt-tr-en")
    p.add_argument("--train_file", default=None, help="block file or .tsv; default: tr_en_pairs train (wmt16 in full)")
    p.add_argument("--eval_file", default=None, help="block file or .tsv; default: tr_en_pairs test")
    p.add_argument("--output_dir", default=None, help="default: $AIP_MODEL_DIR or build/usecases/" + NAME)
    p.add_argument("--num_train_epochs", type=float, default=P.pick(tiny=2, full=3))
    p.add_argument("--learning_rate", type=float, default=P.pick(tiny=1e-3, full=5e-5))
    p.add_argument("--per_device_train_batch_size", type=int, default=P.pick(tiny=16, full=32))
    p.add_argument("--max_source_length", type=int, default=P.pick(tiny=64, full=128))
    p.add_argument("--max_target_length", type=int, default=P.pick(tiny=64, full=128))
    p.add_argument("--max_train_samples", type=int, default=P.pick(tiny=None, full=None))
    p.add_argument("--max_eval_samples", type=int, default=P.pick(tiny=40, full=1000))
    p.add_argument("--num_beams", type=int, default=4)
    return p.parse_args(argv)


def load_pairs(file, split, P, limit):
    if file:
        pairs = seq2seq.read_pairs(file)
        return pairs[:limit] if limit else pairs
    return [(r["tr"], r["en"]) for r in seq2seq.translation_pairs(split, P, limit=limit)]


def main(argv=None) -> dict:
    P = labkit.setup(NAME, frameworks=["torch"])
    args = parse_args(argv, P)
    labkit.hub.prepare([args.model_name_or_path], P)
    seq2seq.limit_cpu_threads(P)
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    train = load_pairs(args.train_file, "train", P, args.max_train_samples)
    test = load_pairs(args.eval_file, "test", P, args.max_eval_samples)
    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model_name_or_path)
    sources, references = [s for s, _ in test], [r for _, r in test]

    def evaluate():
        return seq2seq.translation_scores(seq2seq.generate(model, tokenizer, sources, num_beams=args.num_beams,
                                                           max_source_length=args.max_source_length,
                                                           max_new_tokens=args.max_target_length), references)

    before = evaluate()
    out = seq2seq.model_dir(args.output_dir, labkit.env.repo_root() / "build" / "usecases" / NAME)
    trainer = seq2seq.fine_tune(
        model, tokenizer, [s for s, _ in train], [t for _, t in train], output_dir=out / "trainer", profile=P,
        max_source_length=args.max_source_length, max_target_length=args.max_target_length,
        num_train_epochs=args.num_train_epochs, learning_rate=args.learning_rate,
        per_device_train_batch_size=args.per_device_train_batch_size)
    after = evaluate()
    losses = seq2seq.losses(trainer)
    report = {"model": args.model_name_or_path, "train_pairs": len(train), "eval_pairs": len(test),
              "first_loss": losses[0], "last_loss": losses[-1],
              "before": {k: round(v, 2) for k, v in before.items()}, **{k: round(v, 2) for k, v in after.items()}}
    seq2seq.save(model, tokenizer, out, report)
    print(json.dumps(report, indent=2))
    print(f"BLEU {before['bleu']:.1f} -> {after['bleu']:.1f}  chrF {before['chrf']:.1f} -> {after['chrf']:.1f}; "
          f"model saved to {out}")
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
