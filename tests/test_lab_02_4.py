"""Lab 02-4: the TFDS builder over local files, and the exercise solutions, on small local data."""
from __future__ import annotations

import json

import pytest

from conftest import ROOT
from labkit.nbtools import import_definitions

LAB = ROOT / "02-rnn-lstm" / "02-4-datasets.ipynb"
NAMES = ["sadness", "joy", "love", "anger", "fear", "surprise"]
ROWS = [{"text": f"sentence number {i} " + "word " * (i % 20), "label": i % 6} for i in range(30)]


@pytest.fixture(scope="module")
def lab():
    module = import_definitions(LAB)
    module.LABEL_NAMES = NAMES          # set in the notebook from the registry (not a literal constant)
    return module


@pytest.fixture
def jsonl(tmp_path):
    files = {}
    for split, rows in {"train": ROWS[:20], "test": ROWS[20:]}.items():
        files[split] = str(tmp_path / f"{split}.jsonl")
        with open(files[split], "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row) + "\n" for row in rows)
    return files


def test_tfds_builder_over_local_files_serves_supervised_pairs(lab, jsonl, tmp_path):
    builder = lab.LocalEmotions(jsonl, data_dir=str(tmp_path / "tfds"))
    builder.download_and_prepare()
    assert {name: split.num_examples for name, split in builder.info.splits.items()} == {"train": 20, "test": 10}
    assert builder.info.features["label"].names == NAMES
    pairs = [(text.numpy().decode(), int(label)) for text, label in
             builder.as_dataset(split="test", as_supervised=True, shuffle_files=False)]
    assert sorted(pairs) == sorted((row["text"], row["label"]) for row in ROWS[20:])


def test_length_buckets(lab):
    import datasets

    texts = [" ".join(["w"] * n) for n in (1, 10, 11, 15, 16, 40)]
    result = datasets.Dataset.from_dict({"text": texts}).map(lab.add_length_bucket, batched=True, batch_size=4)
    assert result["bucket"] == ["short", "short", "medium", "medium", "long", "long"]


def test_label_shares_reads_names_from_the_features(lab):
    import datasets

    features = datasets.Features({"label": datasets.ClassLabel(names=["x", "y"])})
    shares = lab.label_shares(datasets.Dataset.from_dict({"label": [1, 1, 1, 0, 1]}, features=features))
    assert shares == {"x": 0.2, "y": 0.8}


def test_first_matching_streams_in_order_and_checks_n(lab, jsonl):
    import datasets

    stream = datasets.load_dataset("json", data_files=jsonl, split="train", streaming=True)
    assert lab.first_matching(stream, 2, 3) == [ROWS[i]["text"] for i in (2, 8, 14)]
    for bad in (0, -1, 2.5):
        with pytest.raises(ValueError, match=f"n={bad}"):
            lab.first_matching(stream, 2, bad)
