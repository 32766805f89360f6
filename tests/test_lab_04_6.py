"""Lab 04-6: label names come from the model config; a stand-in whose order differs from the dataset's is scored
correctly only through the name mapping."""
import numpy as np
import pytest

from labkit.nbtools import import_definitions

LAB = import_definitions("04-pretraining-bert/04-6-classification-finbert.ipynb")
DATASET = ["negative", "neutral", "positive"]               # Financial PhraseBank's order
FINBERT = {0: "positive", 1: "negative", 2: "neutral"}      # ProsusAI/finbert's order


def test_label_mapping_follows_names_not_positions():
    assert LAB.label_mapping(DATASET, FINBERT) == [1, 2, 0]
    assert LAB.label_mapping(DATASET, {0: "NEGATIVE", 1: "Neutral", 2: "positive"}) == [0, 1, 2]


def test_label_mapping_names_the_missing_label():
    with pytest.raises(ValueError, match=r"dataset labels \['neutral'\] have no model label; the model knows "
                                         r"\['negative', 'positive'\]"):
        LAB.label_mapping(DATASET, {0: "positive", 1: "negative"})


def test_predict_reads_labels_through_the_mapping(tiny_world, monkeypatch):
    """A BERT stand-in with FinBERT's order, trained on a dataset in PhraseBank's order, predicts the right names."""
    import json
    from dataclasses import replace

    import torch

    from labkit import data, hub

    words = {"negative": "loss fell slumped warned", "neutral": "meeting held report listed",
             "positive": "profit rose record gained"}
    rows = [{"text": f"{w} {w2}", "label": DATASET.index(name)}
            for name, ws in words.items() for w in ws.split() for w2 in ws.split()]
    target = tiny_world["data"] / "heads" / "train.jsonl"
    target.parent.mkdir(parents=True)
    target.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setitem(data.DATASETS, "heads", data.DatasetSpec(
        "heads", "test", (), {"text": "string", "label": "class"},
        {"train": ("heads/train.jsonl", data.sha256(target))},
        data.FullSource(), label_names=tuple(DATASET)))
    spec = replace(hub.get("ProsusAI/finbert"), corpus=("heads:train:text",), vocab_size=200,
                   config={"lowercase": True, "train_data": "heads:train", "epochs": 30, "lr": 3e-3})
    torch.manual_seed(0)
    model, tokenizer = hub._family_bert(spec, [r["text"] for r in rows])
    hub.train_classifier(model, tokenizer, spec)
    assert model.config.id2label == FINBERT
    ids = LAB.predict(["profit rose", "loss fell", "meeting held"], model, tokenizer)
    assert [model.config.id2label[i] for i in ids] == ["positive", "negative", "neutral"]
    mapping = LAB.label_mapping(DATASET, model.config.id2label)
    assert [mapping[DATASET.index(n)] for n in ("positive", "negative", "neutral")] == ids
    assert np.asarray(ids).tolist() != [DATASET.index(n) for n in ("positive", "negative", "neutral")]
