"""Lab 04-2 (BERT pre-training with Keras NLP): the lab's data pipeline, models and exercise solutions, on references."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from labkit import mlm
from labkit.labs import find
from labkit.nbtools import import_definitions

ROOT = Path(__file__).resolve().parent.parent
VOCABULARY = list(mlm.RESERVED_TOKENS) + [f"w{i}" for i in range(59)]     # 64 ids; 0-4 are special
SEQ_LEN, SLOTS, HIDDEN = 24, 8, 32


@pytest.fixture(scope="module")
def lab():
    import keras

    keras.utils.set_random_seed(0)
    return import_definitions(ROOT / find("04-2").path)


def one_block(seed=0, seq_len=SEQ_LEN):
    ids = np.random.default_rng(seed).integers(5, len(VOCABULARY), size=seq_len).astype("int32")
    ids[0], ids[-1] = 2, 3                                  # [CLS] ... [SEP]
    return ids


def batch(token_ids, positions):
    token_ids = np.asarray(token_ids, dtype="int32")
    return {"token_ids": token_ids, "padding_mask": token_ids != 0, "mask_positions": np.asarray(positions, "int32")}


# ---------------------------------------------------------------------------------------------- data pipeline

def test_training_batches_mask_15_percent_of_the_ordinary_tokens_rounded_up(lab):
    block = one_block()
    blocks = np.tile(block, (40, 1))                        # identical rows: the original of every row is known
    preprocess = mlm.mlm_preprocessor(VOCABULARY, SLOTS)
    batches = list(lab.mlm_batches(blocks, preprocess, 16, seed=0).take(30))     # repeats past the 40 blocks
    assert len(batches) == 30
    for inputs, labels, weights in batches:
        ids, positions = np.asarray(inputs["token_ids"]), np.asarray(inputs["mask_positions"])
        labels, weights = np.asarray(labels), np.asarray(weights)
        assert ids.shape == (16, SEQ_LEN) and positions.shape == labels.shape == weights.shape == (16, SLOTS)
        assert (np.asarray(inputs["padding_mask"]) == (blocks[:16] != 0)).all()
        for row in range(16):
            n = int(weights[row].sum())
            assert n == math.ceil(0.15 * (SEQ_LEN - 2)) == 4, "ceil(15% of the 22 ordinary tokens) per block"
            assert (weights[row, :n] == 1).all() and (weights[row, n:] == 0).all()
            chosen = positions[row, :n]
            assert ((chosen > 0) & (chosen < SEQ_LEN - 1)).all(), "[CLS] or [SEP] was chosen"
            assert (labels[row, :n] == block[chosen]).all(), "labels must be the original ids"
            untouched = np.setdiff1d(np.arange(SEQ_LEN), chosen)
            assert (ids[row, untouched] == block[untouched]).all(), "a position that was not chosen changed"


def test_training_batches_are_remasked_and_held_out_batches_are_not(lab):
    blocks = np.stack([one_block(seed) for seed in range(20)])
    preprocess = mlm.mlm_preprocessor(VOCABULARY, SLOTS)
    held_out = lab.mlm_batches(blocks, preprocess, 8, training=False)
    first, second = list(held_out), list(held_out)
    assert len(first) == 3, "held-out batches keep the last, smaller batch (20 = 8 + 8 + 4)"
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a[0]["token_ids"], b[0]["token_ids"])
        np.testing.assert_array_equal(a[0]["mask_positions"], b[0]["mask_positions"])
    np.testing.assert_array_equal(np.concatenate([np.asarray(b[0]["padding_mask"]) for b in first]), blocks != 0)
    training = lab.mlm_batches(np.tile(blocks[:1], (8, 1)), preprocess, 8, seed=0)
    masks = [np.asarray(inputs["mask_positions"]) for inputs, _, _ in training.take(4)]
    assert any((masks[0] != other).any() for other in masks[1:]), "every pass must draw new masks"


# ---------------------------------------------------------------------------------------------- models

@pytest.fixture(scope="module")
def encoder(lab):
    return lab.build_encoder(len(VOCABULARY), SEQ_LEN, HIDDEN, 2, 2, 64)


def test_encoder_shape_and_padding_mask(encoder):
    ids = np.stack([one_block(1), one_block(2)])
    ids[1, 15:] = 0                                           # the second row is padded after 15 tokens
    out = np.asarray(encoder({"token_ids": ids, "padding_mask": ids != 0}))
    assert out.shape == (2, SEQ_LEN, HIDDEN)
    changed = ids.copy()
    changed[1, 15:] = 7                                      # other ids under the padding ...
    out2 = np.asarray(encoder({"token_ids": changed, "padding_mask": ids != 0}))
    np.testing.assert_allclose(out2[1, :15], out[1, :15], atol=1e-5)   # ... do not reach the real tokens
    assert np.abs(out2[1, 15:] - out[1, 15:]).max() > 1e-3


def test_mlm_model_scores_the_slots_against_the_tied_embedding(lab, encoder):
    model = lab.build_mlm_model(encoder, SLOTS)
    ids = np.stack([one_block(3), one_block(4)])
    positions = np.array([[1, 2, 3, 4, 5, 6, 7, 8], [9, 3, 1, 0, 0, 0, 0, 0]])
    logits = np.asarray(model(batch(ids, positions)))
    assert logits.shape == (2, SLOTS, len(VOCABULARY))
    # the head adds a dense HIDDEN x HIDDEN layer with bias, a layer norm and one bias per token: no output matrix
    head = HIDDEN * HIDDEN + HIDDEN + 2 * HIDDEN + len(VOCABULARY)
    assert model.count_params() == encoder.count_params() + head
    # slots are gathered at mask_positions: permuting the positions permutes the logits
    swapped = np.asarray(model(batch(ids, positions[:, ::-1])))
    np.testing.assert_allclose(swapped[:, ::-1], logits, atol=1e-5)
    np.testing.assert_allclose(logits[1, 3], logits[1, 4], atol=1e-6)   # same position 0, same scores


def test_classifier_reuses_the_encoder_and_ignores_padding(lab, encoder):
    classifier = lab.build_classifier(encoder, 3, dropout=0.0)
    assert classifier.get_layer("encoder") is encoder, "fine-tuning must start from the given encoder's weights"
    ids = np.stack([one_block(5), one_block(6)])
    ids[0, 10:] = 0
    logits = np.asarray(classifier({"token_ids": ids, "padding_mask": ids != 0}))
    assert logits.shape == (2, 3)
    changed = ids.copy()
    changed[0, 10:] = 9
    np.testing.assert_allclose(np.asarray(classifier({"token_ids": changed, "padding_mask": ids != 0})), logits,
                               atol=1e-5)


# ---------------------------------------------------------------------------------------------- exercises

def test_mask_breakdown_on_a_hand_made_example(lab):
    original = np.array([[2, 10, 11, 12, 13, 14, 3], [2, 20, 21, 22, 23, 24, 3]])
    masked = np.array([[2, 4, 4, 30, 13, 14, 3], [2, 4, 21, 4, 23, 24, 3]])
    positions = np.array([[1, 2, 3, 4, 0], [1, 3, 5, 0, 0]])
    weights = np.array([[1, 1, 1, 1, 0], [1, 1, 1, 0, 0]])
    shares = lab.mask_breakdown(original, masked, positions, weights, 4)     # 7 chosen: 4 mask, 1 random, 2 kept
    assert shares == pytest.approx({"mask": 4 / 7, "random": 1 / 7, "kept": 2 / 7})


def test_mask_breakdown_finds_80_10_10_in_the_generator(lab):
    import keras

    keras.utils.set_random_seed(1)
    blocks = np.stack([one_block(seed, seq_len=64) for seed in range(600)])
    inputs, _, weights = mlm.mlm_preprocessor(VOCABULARY, 20)(blocks)
    shares = lab.mask_breakdown(blocks, np.asarray(inputs["token_ids"]), np.asarray(inputs["mask_positions"]),
                                np.asarray(weights), 4)
    # a random replacement draws the original id 1 time in 64: "kept" is 0.1 + 0.1/64
    assert shares["mask"] == pytest.approx(0.8, abs=0.03)
    assert shares["random"] == pytest.approx(0.1 * 63 / 64, abs=0.02)
    assert shares["kept"] == pytest.approx(0.1 + 0.1 / 64, abs=0.02)


def test_masked_cross_entropy_by_hand_and_against_keras(lab):
    logits = np.array([[[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], [[4.0, 0.0, 0.0], [9.0, -9.0, 0.0]]])
    labels = np.array([[2, 1], [0, 1]])
    weights = np.array([[1.0, 1.0], [1.0, 0.0]])
    by_hand = (math.log(math.e + math.e ** 2 + math.e ** 3) - 3 + math.log(3) + math.log(math.e ** 4 + 2) - 4) / 3
    assert lab.masked_cross_entropy(logits, labels, weights) == pytest.approx(by_hand, rel=1e-9)
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3, size=(4, 6, 50)).astype("float32")
    labels = rng.integers(0, 50, size=(4, 6))
    weights = (rng.random((4, 6)) < 0.6).astype("float32")
    keras_loss = float(mlm.masked_lm_loss()(labels, logits, sample_weight=weights))
    assert lab.masked_cross_entropy(logits, labels, weights) == pytest.approx(keras_loss, rel=1e-5)
