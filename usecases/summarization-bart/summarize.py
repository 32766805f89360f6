#!/usr/bin/env python3
"""Fine-tune BART on news stories and their highlights, then report ROUGE on held-out stories.

    python usecases/summarization-bart/summarize.py                       # tiny profile: bundled news, stand-in
    python usecases/summarization-bart/summarize.py --num_train_epochs 3  # full profile: cnn_dailymail 3.0.0

The model is saved to --output_dir, else $AIP_MODEL_DIR (set by Vertex AI), else build/usecases/summarization-bart.
"""
from __future__ import annotations

import argparse
import sys

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
    # Highlights are separate lines: rougeLsum treats each line as a sentence, rouge1/2/L the whole text.
    return seq2seq.summarization_job(NAME, args, P, source="article", target="highlights", lang="en")


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
