#!/usr/bin/env python3
"""Fine-tune mT5-small on Spanish news and their one-sentence summaries (XL-Sum), then report ROUGE computed with
a tokenizer that keeps accented words (labkit.metrics.rouge with lang="es").

    python usecases/summarization-mt5-xlsum-spanish/train.py                         # tiny: bundled Spanish news
    LABKIT_PROFILE=full python usecases/summarization-mt5-xlsum-spanish/train.py     # csebuetnlp/xlsum spanish

The model is saved to --output_dir, else $AIP_MODEL_DIR (set by Vertex AI), else build/usecases/<this folder>.
"""
from __future__ import annotations

import argparse
import sys

import labkit
from labkit import seq2seq

NAME = "summarization-mt5-xlsum-spanish"


def parse_args(argv, P):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model_name_or_path", default="google/mt5-small")
    p.add_argument("--dataset", default="spanish_news", help="labkit registry name (text / summary)")
    p.add_argument("--output_dir", default=None, help="default: $AIP_MODEL_DIR or build/usecases/" + NAME)
    p.add_argument("--num_train_epochs", type=float, default=P.pick(tiny=8, full=10))
    p.add_argument("--learning_rate", type=float, default=P.pick(tiny=5e-3, full=5e-4))
    p.add_argument("--per_device_train_batch_size", type=int, default=P.pick(tiny=16, full=8))
    p.add_argument("--max_source_length", type=int, default=P.pick(tiny=192, full=512))
    p.add_argument("--max_target_length", type=int, default=P.pick(tiny=40, full=64))
    p.add_argument("--max_train_samples", type=int, default=P.pick(tiny=None, full=None))
    p.add_argument("--max_eval_samples", type=int, default=P.pick(tiny=25, full=500))
    p.add_argument("--num_beams", type=int, default=P.pick(tiny=2, full=4))
    p.add_argument("--source_prefix", default="", help="mT5 was pre-trained without task prefixes; none is needed")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    P = labkit.setup(NAME, frameworks=["torch"])
    args = parse_args(argv, P)
    # lang="es": words such as "canción" stay whole (rouge-score's default tokenizer would split off the "ó")
    # and rougeLsum splits sentences at Spanish marks (¿? ¡! .).
    return seq2seq.summarization_job(NAME, args, P, source="text", target="summary", lang="es")


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
