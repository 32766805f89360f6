#!/usr/bin/env python3
"""Turn the parallel file (data/dataset_raw_tr_en.txt) into train / eval TFRecords for the seqio task in tasks/.

    python usecases/translation-tr-en-t5x/preprocess_2tfrecord.py --out build/t5x-data
    gsutil cp build/t5x-data/*.tfrecord gs://[your-bucket]/t5x/tr_en/

Each record is a tf.train.Example with two bytes features: "inputs" = the Turkish line (the source), "targets" =
the English line (the reference). The task prefix is not written here: the seqio task adds it, so training and
inference share one definition. The last --eval-size records are the eval split (the tr_en_pairs test split).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))           # labkit, when run from a checkout without installing

from labkit.seq2seq import read_pairs  # noqa: E402

FEATURES = ("inputs", "targets")


def to_example(turkish: str, english: str):
    import tensorflow as tf

    def feature(text):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=[text.encode("utf-8")]))

    return tf.train.Example(features=tf.train.Features(feature={"inputs": feature(turkish),
                                                                "targets": feature(english)}))


def write(pairs: list[tuple[str, str]], out: Path, eval_size: int = 80) -> dict[str, int]:
    """Write ``train.tfrecord`` and ``eval.tfrecord`` under ``out``; returns the record counts."""
    import tensorflow as tf

    if not isinstance(eval_size, int) or not 0 < eval_size < len(pairs):
        raise ValueError(f"eval_size must be between 1 and {len(pairs) - 1} (the file has {len(pairs)} records), "
                         f"got {eval_size!r}")
    out.mkdir(parents=True, exist_ok=True)
    splits = {"train": pairs[:-eval_size], "eval": pairs[-eval_size:]}
    for split, rows in splits.items():
        with tf.io.TFRecordWriter(str(out / f"{split}.tfrecord")) as writer:
            for turkish, english in rows:
                writer.write(to_example(turkish, english).SerializeToString())
    return {split: len(rows) for split, rows in splits.items()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--input", default=str(HERE.parent.parent / "data" / "dataset_raw_tr_en.txt"),
                   help="block file (Turkish line, English line, blank line) or a two-column .tsv")
    p.add_argument("--out", default="build/t5x-data")
    p.add_argument("--eval-size", type=int, default=80)
    args = p.parse_args(argv)
    counts = write(read_pairs(args.input), Path(args.out), args.eval_size)
    print(f"wrote {counts['train']} train and {counts['eval']} eval records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
