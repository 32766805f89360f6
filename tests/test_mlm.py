"""labkit.mlm: WordPiece vocabulary, token blocks, BERT masking and the masked loss, against hand-made references."""
from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

from conftest import run_python
from labkit import mlm

SPECIALS = list(mlm.RESERVED_TOKENS)                    # [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4
WORDS = [f"w{i}" for i in range(95)]
VOCABULARY = SPECIALS + WORDS                           # 100 ids, 95 of them ordinary words
TEXTS = ["the river flows to the sea", "a comet crossed the night sky over the sea", "the sea is calm tonight"]


@pytest.fixture(scope="module")
def word_tokenizer():
    import keras_hub

    words = sorted({w for t in TEXTS for w in t.split()})
    return keras_hub.tokenizers.WordPieceTokenizer(vocabulary=SPECIALS + words, lowercase=True, oov_token="[UNK]")


def random_blocks(rows=400, seq_len=40, seed=0):
    """[CLS] words [SEP] [PAD]... rows with random lengths, like a padded batch."""
    rng = np.random.default_rng(seed)
    ids = rng.integers(len(SPECIALS), len(VOCABULARY), size=(rows, seq_len)).astype("int32")
    lengths = rng.integers(5, seq_len + 1, size=rows)
    for row, n in zip(ids, lengths):
        row[0], row[n - 1], row[n:] = 2, 3, 0
    return ids


# ---------------------------------------------------------------------------------------------- vocabulary

def test_vocabulary_starts_with_the_reserved_tokens_and_holds_frequent_words():
    texts = ["the cat sat on the mat", "the dog sat on the log", "a cat and a dog"] * 20
    vocabulary = mlm.word_piece_vocabulary(texts, 60)
    assert vocabulary[:5] == SPECIALS
    assert len(vocabulary) <= 60 and len(set(vocabulary)) == len(vocabulary)
    assert {"the", "cat", "dog", "sat"} <= set(vocabulary)


def test_vocabulary_accepts_a_tf_dataset_and_lowercases():
    import tensorflow as tf

    vocabulary = mlm.word_piece_vocabulary(tf.data.Dataset.from_tensor_slices(["The Sea", "the sea"] * 10), 30)
    assert "sea" in vocabulary and "Sea" not in vocabulary


@pytest.mark.parametrize("size", [0, 5, -3])
def test_vocabulary_size_must_exceed_the_reserved_tokens(size):
    with pytest.raises(ValueError, match=f"vocabulary_size must be an int >= 6, got {size}"):
        mlm.word_piece_vocabulary(["some text"], size)


def test_vocabulary_rejects_bad_texts_and_reserved_tokens():
    with pytest.raises(ValueError, match="texts is empty"):
        mlm.word_piece_vocabulary([], 100)
    with pytest.raises(ValueError, match="texts must be strings, found 3"):
        mlm.word_piece_vocabulary(["fine", 3], 100)
    with pytest.raises(ValueError, match="distinct"):
        mlm.word_piece_vocabulary(["fine"], 100, reserved_tokens=["[PAD]", "[PAD]"])
    with pytest.raises(ValueError, match="vocabulary_size must be an int >= 6, got 100.0"):
        mlm.word_piece_vocabulary(["fine"], 100.0)


# ---------------------------------------------------------------------------------------------- blocks

def test_token_blocks_cut_the_concatenated_ids(word_tokenizer):
    seq_len = 5                                                                    # 3 word ids per block
    ids = [int(i) for t in TEXTS for i in np.asarray(word_tokenizer(t))]          # each text on its own
    assert len(ids) == 20
    blocks = mlm.token_blocks(TEXTS, word_tokenizer, seq_len, batch_size=2)        # batches split the texts
    assert blocks.dtype == np.int32 and blocks.shape == (6, seq_len)               # 20 // 3; the last 2 dropped
    for n, row in enumerate(blocks):
        assert row.tolist() == [2] + ids[3 * n:3 * n + 3] + [3]


def test_token_blocks_errors_name_the_problem(word_tokenizer):
    with pytest.raises(ValueError, match="only 6 tokens.*seq_len 64"):
        mlm.token_blocks(["the river flows to the sea"], word_tokenizer, 64)
    with pytest.raises(ValueError, match="seq_len must be an int >= 3, got 2"):
        mlm.token_blocks(TEXTS, word_tokenizer, 2)
    with pytest.raises(ValueError, match="batch_size must be a positive int, got 0"):
        mlm.token_blocks(TEXTS, word_tokenizer, 5, batch_size=0)
    import keras_hub

    no_cls = keras_hub.tokenizers.WordPieceTokenizer(vocabulary=["[PAD]", "[UNK]", "the"], oov_token="[UNK]")
    with pytest.raises(ValueError, match=r"\[CLS\] is not in the vocabulary"):
        mlm.token_blocks(TEXTS, no_cls, 4)


# ---------------------------------------------------------------------------------------------- masking

@pytest.fixture(scope="module")
def masked():
    import keras

    keras.utils.set_random_seed(0)
    blocks = random_blocks()
    preprocess = mlm.mlm_preprocessor(VOCABULARY, max_selections=16)
    inputs, labels, weights = preprocess(blocks)
    return blocks, preprocess, {k: np.asarray(v) for k, v in inputs.items()}, np.asarray(labels), np.asarray(weights)


def test_masking_shapes_and_ids(masked):
    blocks, preprocess, inputs, labels, weights = masked
    assert set(inputs) == {"token_ids", "padding_mask", "mask_positions"}
    assert inputs["token_ids"].shape == blocks.shape
    assert inputs["mask_positions"].shape == labels.shape == weights.shape == (len(blocks), 16)
    assert (preprocess.pad_id, preprocess.mask_id, preprocess.special_ids) == (0, 4, [0, 1, 2, 3, 4])
    assert set(np.unique(weights)) <= {0.0, 1.0}


def test_each_row_gets_ceil_15_percent_of_its_ordinary_tokens(masked):
    blocks, _, _, _, weights = masked
    eligible = np.isin(blocks, np.arange(5, 100)).sum(axis=1)
    expected = np.minimum(np.ceil(0.15 * eligible), 16)
    np.testing.assert_array_equal(weights.sum(axis=1), expected)
    assert expected.max() == 6 and expected.min() == 1             # rows of 3 to 38 ordinary tokens


def test_eager_calls_mask_like_tf_data():
    import tensorflow as tf

    blocks = np.tile(random_blocks(rows=1, seq_len=40, seed=3), (64, 1))
    preprocess = mlm.mlm_preprocessor(VOCABULARY, max_selections=16)
    eager = np.asarray(preprocess(blocks)[2]).sum(axis=1)
    in_graph = np.asarray(next(iter(tf.data.Dataset.from_tensors(blocks).map(preprocess)))[2]).sum(axis=1)
    np.testing.assert_array_equal(eager, in_graph)
    assert len(set(eager.tolist())) == 1, "identical rows get the same number of chosen tokens"


def test_only_ordinary_tokens_are_chosen_and_labels_are_the_original_ids(masked):
    blocks, _, inputs, labels, weights = masked
    rows, slots = np.nonzero(weights)
    positions = inputs["mask_positions"][rows, slots]
    original = blocks[rows, positions]
    assert (original >= 5).all(), "a special token ([PAD], [CLS], [SEP], ...) was chosen"
    assert (labels[rows, slots] == original).all()
    for row in range(len(blocks)):                          # chosen slots come first, then padding with weight 0
        n = int(weights[row].sum())
        assert (weights[row, :n] == 1).all() and (weights[row, n:] == 0).all()
        assert len(set(inputs["mask_positions"][row, :n].tolist())) == n


def test_only_chosen_positions_change_and_mostly_become_mask(masked):
    blocks, _, inputs, _, weights = masked
    chosen = np.zeros(blocks.shape, bool)
    rows, slots = np.nonzero(weights)
    chosen[rows, inputs["mask_positions"][rows, slots]] = True
    changed = inputs["token_ids"] != blocks
    assert not (changed & ~chosen).any(), "a position that was not chosen changed"
    new = inputs["token_ids"][chosen]
    share_mask = np.mean(new == 4)
    share_kept = np.mean(new == blocks[chosen])
    assert abs(share_mask - 0.8) < 0.05 and 0.05 < share_kept < 0.16      # 80% [MASK]; 10% kept (+ rare random hits)


def test_padding_mask_comes_from_the_original_ids(masked):
    blocks, _, inputs, _, _ = masked
    np.testing.assert_array_equal(inputs["padding_mask"], blocks != 0)


def test_masking_works_in_tf_data_and_adds_segment_ids():
    import tensorflow as tf

    preprocess = mlm.mlm_preprocessor(VOCABULARY, max_selections=8, segment_ids=True)
    batches = tf.data.Dataset.from_tensor_slices(random_blocks(rows=10, seq_len=20)).batch(4).map(preprocess)
    inputs, labels, weights = next(iter(batches))
    assert set(inputs) == {"token_ids", "padding_mask", "mask_positions", "segment_ids"}
    assert inputs["segment_ids"].shape == (4, 20) and not np.asarray(inputs["segment_ids"]).any()
    assert labels.shape == weights.shape == (4, 8)


def test_masking_errors_name_the_bad_value():
    with pytest.raises(ValueError, match=r"strictly between 0 and 1.*got 1\.5"):
        mlm.mlm_preprocessor(VOCABULARY, 8, mask_rate=1.5)
    with pytest.raises(ValueError, match="max_selections must be a positive int, got 0"):
        mlm.mlm_preprocessor(VOCABULARY, 0)
    with pytest.raises(ValueError, match=r"\[MASK\] is not in the vocabulary"):
        mlm.mlm_preprocessor(["[PAD]", "[UNK]", "a", "b"], 8)


# ---------------------------------------------------------------------------------------------- loss

def test_masked_loss_is_the_mean_over_chosen_positions_only():
    logits = np.array([[[2.0, 0.0, 0.0], [0.0, 1.0, 0.0], [5.0, -5.0, 9.0]],
                       [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]], dtype="float32")
    labels = np.array([[0, 2, 1], [1, 2, 0]])
    weights = np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype="float32")   # 3 chosen positions
    # -log softmax(logits)[label] at the three chosen slots: logsumexp(logits) - logits[label]
    by_hand = [math.log(math.exp(2) + 2) - 2, math.log(math.e + 2) - 0, math.log(3) - 0]
    expected = sum(by_hand) / 3
    loss = float(mlm.masked_lm_loss()(labels, logits, sample_weight=weights))
    assert loss == pytest.approx(expected, rel=1e-5)
    scrambled = logits.copy()
    scrambled[weights == 0] = 100 * np.random.default_rng(0).normal(size=(3, 3))   # padded slots: anything
    assert float(mlm.masked_lm_loss()(labels, scrambled, sample_weight=weights)) == pytest.approx(expected, rel=1e-5)


def test_doctests():
    failures, tried = doctest.testmod(mlm, optionflags=doctest.ELLIPSIS)
    assert tried >= 3 and failures == 0


def test_import_is_instant():
    proc = run_python("import sys, labkit.mlm; print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    assert proc.stdout.split() == ["False", "False"]
