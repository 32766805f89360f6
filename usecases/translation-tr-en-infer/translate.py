#!/usr/bin/env python3
"""Translate Turkish to English with Marian (Helsinki-NLP/opus-mt-tr-en) and score it with sacreBLEU BLEU and chrF.

    python usecases/translation-tr-en-infer/translate.py                          # the bundled test pairs
    python usecases/translation-tr-en-infer/translate.py --input pairs.tsv        # your own file
    python usecases/translation-tr-en-infer/translate.py --input data/dataset_raw_tr_en.txt

--input takes a block file (Turkish line, English reference line, blank line) or a two-column TSV (Turkish<TAB>
English); the reference is always the second line / column. Translations, metrics and the model (for deployment)
go to --output_dir, else $AIP_MODEL_DIR, else build/usecases/translation-tr-en-infer.
"""
from __future__ import annotations

import argparse
import json
import sys

import labkit
from labkit import seq2seq

NAME = "translation-tr-en-infer"


def main(argv=None) -> dict:
    P = labkit.setup(NAME, frameworks=["torch"])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model_name_or_path", default="Helsinki-NLP/opus-mt-tr-en")
    p.add_argument("--input", default=None, help="block file or .tsv; default: the tr_en_pairs test split")
    p.add_argument("--max_samples", type=int, default=P.pick(tiny=None, full=1000))
    p.add_argument("--output_dir", default=None)
    p.add_argument("--num_beams", type=int, default=4)
    p.add_argument("--batch_size", type=int, default=P.pick(tiny=16, full=32))
    p.add_argument("--max_new_tokens", type=int, default=P.pick(tiny=48, full=256))
    args = p.parse_args(argv)
    labkit.hub.prepare([args.model_name_or_path], P)
    seq2seq.limit_cpu_threads(P)
    if args.input:
        pairs = seq2seq.read_pairs(args.input)[: args.max_samples]
    else:
        pairs = [(r["tr"], r["en"]) for r in seq2seq.translation_pairs("test", P, limit=args.max_samples)]
    sources, references = [s for s, _ in pairs], [r for _, r in pairs]
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model_name_or_path, **labkit.training.model_kwargs(
        P, inference=True))
    translations = seq2seq.generate(model, tokenizer, sources, num_beams=args.num_beams,
                                    max_new_tokens=args.max_new_tokens, batch_size=args.batch_size)
    scores = seq2seq.translation_scores(translations, references)
    out = seq2seq.model_dir(args.output_dir, labkit.env.repo_root() / "build" / "usecases" / NAME)
    report = {"model": args.model_name_or_path, "sentences": len(pairs), **{k: round(v, 2) for k, v in scores.items()},
              "examples": [{"tr": s, "reference": r, "translation": t}
                           for s, r, t in list(zip(sources, references, translations))[:3]]}
    seq2seq.save(model, tokenizer, out, report)
    with open(out / "translations.tsv", "w", encoding="utf-8") as handle:
        handle.write("turkish\treference\ttranslation\n")
        handle.writelines(f"{s}\t{r}\t{t}\n" for s, r, t in zip(sources, references, translations))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"BLEU {scores['bleu']:.1f}  chrF {scores['chrf']:.1f} on {len(pairs)} sentences; written to {out}")
    return report


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
