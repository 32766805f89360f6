"""Lab 04-3 (BERT pre-training with BertBackbone): the lab's masked-LM model, fill-mask and exercise solutions,
checked against keras-hub's own BertMaskedLM and Keras metrics."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit import mlm
from labkit.labs import find
from labkit.nbtools import import_definitions

ROOT = Path(__file__).resolve().parent.parent
WORDS = "the a river sea flows into lake bird lays eggs in nest of grass and violins cellos".split()
VOCABULARY = list(mlm.RESERVED_TOKENS) + WORDS + ["##s", "."]
SEQ_LEN, SLOTS = 16, 3


@pytest.fixture(scope="module")
def lab():
    import keras

    keras.utils.set_random_seed(0)
    return import_definitions(ROOT / find("04-3").path)


@pytest.fixture(scope="module")
def tokenizer():
    import keras_hub

    return keras_hub.tokenizers.BertTokenizer(vocabulary=VOCABULARY, lowercase=True, special_tokens_in_strings=True)


@pytest.fixture(scope="module")
def backbone():
    import keras_hub

    return keras_hub.models.BertBackbone(vocabulary_size=len(VOCABULARY), num_layers=1, num_heads=2, hidden_dim=16,
                                         intermediate_dim=32, dropout=0.0, max_sequence_length=SEQ_LEN)


@pytest.fixture(scope="module")
def reference(backbone):
    """keras-hub's own masked-LM task on the same backbone."""
    import keras_hub

    return keras_hub.models.BertMaskedLM(backbone=backbone, preprocessor=None)


def batch(ids, positions):
    ids = np.asarray(ids, dtype="int32")
    return {"token_ids": ids, "segment_ids": np.zeros_like(ids), "padding_mask": ids != 0,
            "mask_positions": np.asarray(positions, dtype="int32")}


# ---------------------------------------------------------------------------------------------- the model

def test_hand_built_head_is_bert_masked_lm(lab, backbone, reference):
    model = lab.build_masked_lm(backbone, SLOTS)
    assert model.count_params() == reference.count_params()
    model.get_layer("mlm_head").set_weights(reference.get_layer("mlm_head").get_weights())
    ids = np.array([[2, 5, 4, 7, 8, 3, 0, 0], [2, 9, 10, 4, 4, 12, 13, 3]])
    inputs = batch(ids, [[2, 0, 0], [3, 4, 1]])
    logits = np.asarray(model(inputs))
    assert logits.shape == (2, SLOTS, len(VOCABULARY))
    np.testing.assert_allclose(logits, np.asarray(reference(inputs)), atol=1e-5)


def test_head_output_matrix_is_the_token_embedding(lab, backbone):
    model = lab.build_masked_lm(backbone, SLOTS)
    hidden = 16
    head = hidden * hidden + hidden + 2 * hidden + len(VOCABULARY)      # dense + norm + one bias per token
    assert model.count_params() == backbone.count_params() + head


def test_batches_carry_zero_segment_ids(lab):
    rng = np.random.default_rng(0)
    blocks = rng.integers(5, len(VOCABULARY), size=(12, SEQ_LEN)).astype("int32")
    blocks[:, 0], blocks[:, -1] = 2, 3
    preprocess = mlm.mlm_preprocessor(VOCABULARY, SLOTS, segment_ids=True)
    inputs, labels, weights = next(iter(lab.mlm_batches(blocks, preprocess, 4, seed=0)))
    assert set(inputs) == {"token_ids", "segment_ids", "padding_mask", "mask_positions"}
    assert inputs["segment_ids"].shape == (4, SEQ_LEN) and not np.asarray(inputs["segment_ids"]).any()
    assert labels.shape == weights.shape == (4, SLOTS)
    assert (np.asarray(weights).sum(axis=1) == 3).all()               # ceil(0.15 * 14) = 3 per block


# ---------------------------------------------------------------------------------------------- fill-mask

def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_fill_mask_ranks_the_softmax_of_the_logits(lab, tokenizer, reference):
    texts = ["The river flows into the [MASK].", "A bird [MASK] eggs in a [MASK] of grass."]
    results = lab.fill_mask(reference, tokenizer, texts, seq_len=SEQ_LEN, max_selections=SLOTS, k=4)
    assert [len(r) for r in results] == [1, 2] and all(len(slot) == 4 for r in results for slot in r)
    # reference: pack by hand, find the masks, softmax of keras-hub's logits
    for text, found in zip(texts, results):
        ids = [2] + [int(i) for i in np.asarray(tokenizer(text))] + [3]
        positions = [i for i, t in enumerate(ids) if t == 4]
        padded = ids + [0] * (SEQ_LEN - len(ids))
        logits = np.asarray(reference(batch([padded], [positions + [0] * (SLOTS - len(positions))])))[0]
        for slot, guesses in enumerate(found):
            probabilities = softmax(logits[slot])
            best = np.argsort(-probabilities)[:4]
            assert [token for token, _ in guesses] == [VOCABULARY[i] for i in best]
            np.testing.assert_allclose([p for _, p in guesses], probabilities[best], rtol=1e-5)


def test_fill_mask_rejects_texts_without_a_mask_or_with_too_many(lab, tokenizer, reference):
    with pytest.raises(ValueError, match="0 \\[MASK\\] tokens"):
        lab.fill_mask(reference, tokenizer, ["the river flows"], seq_len=SEQ_LEN, max_selections=SLOTS)
    with pytest.raises(ValueError, match="4 \\[MASK\\] tokens.*1 to 3"):
        lab.fill_mask(reference, tokenizer, ["[MASK] [MASK] [MASK] [MASK]"], seq_len=SEQ_LEN, max_selections=SLOTS)


# ---------------------------------------------------------------------------------------------- exercises

@pytest.mark.parametrize("config", [dict(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=8,
                                         intermediate_dim=16, max_sequence_length=10),
                                    dict(vocabulary_size=300, num_layers=3, num_heads=4, hidden_dim=32,
                                         intermediate_dim=48, max_sequence_length=64, num_segments=3)])
def test_bert_parameters_matches_keras_hub(lab, config):
    import keras_hub

    expected = keras_hub.models.BertBackbone(**config).count_params()
    kwargs = {k: v for k, v in config.items() if k != "num_heads"}
    assert lab.bert_parameters(**kwargs) == expected


def test_bert_parameters_of_bert_base(lab):
    assert lab.bert_parameters(30_522, 12, 768, 3_072, 512) == 109_482_240
    assert lab.bert_parameters(30_522, 24, 1_024, 4_096, 512) == 335_141_888          # BERT-large (uncased)


@pytest.mark.parametrize("k", [1, 3, 7])
def test_top_k_accuracy_matches_keras(lab, k):
    import keras

    rng = np.random.default_rng(k)
    logits = rng.normal(size=(5, 6, 20)).astype("float32")
    labels = rng.integers(0, 20, size=(5, 6))
    weights = (rng.random((5, 6)) < 0.7).astype("float32")
    metric = keras.metrics.SparseTopKCategoricalAccuracy(k=k)
    metric.update_state(labels, logits, sample_weight=weights)
    assert lab.top_k_accuracy(logits, labels, weights, k) == pytest.approx(float(metric.result()), abs=1e-6)
