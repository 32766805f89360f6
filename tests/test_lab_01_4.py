"""Lab 01-4: the lab's one-hot embedding, masked average and classifier agree with Keras; its cosine helpers agree
with scikit-learn; its Projector export writes aligned files atomically and rejects input that would misalign them."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit import data
from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "01-embeddings-tokenizers" / "01-4-embeddings.ipynb"


@pytest.fixture(scope="module")
def lab():
    pytest.importorskip("tensorflow")
    return import_definitions(LAB)


@pytest.fixture(scope="module")
def keras():
    pytest.importorskip("tensorflow")
    import keras

    return keras


def _vocabulary(n_words):
    return ["", "[UNK]"] + [f"word{i}" for i in range(n_words)]


def test_embed_by_hand_equals_the_keras_layer(lab, keras):
    layer = keras.layers.Embedding(input_dim=11, output_dim=4)
    ids = np.random.default_rng(0).integers(0, 11, size=(3, 5, 2))
    expected = keras.ops.convert_to_numpy(layer(ids))
    weights = layer.get_weights()[0]
    np.testing.assert_allclose(lab.embed_by_hand(ids, weights), expected, atol=1e-6)
    assert lab.embed_by_hand(np.array([7]), weights).shape == (1, 4)
    for bad in (11, -1):
        with pytest.raises(ValueError, match=str(bad)):
            lab.embed_by_hand(np.array([[0, bad]]), weights)


def test_average_embedding_equals_masked_pooling(lab, keras):
    embedding = keras.layers.Embedding(9, 3, mask_zero=True)
    pooling = keras.layers.GlobalAveragePooling1D()
    ids = np.array([[3, 1, 8, 0, 0, 0], [5, 0, 0, 0, 0, 0], [2, 2, 2, 2, 7, 6]])
    expected = keras.ops.convert_to_numpy(pooling(embedding(ids)))
    weights = embedding.get_weights()[0]
    np.testing.assert_allclose(lab.average_embedding(ids, weights), expected, atol=1e-6)
    # a review of padding only: zeros where Keras divides 0 by 0
    assert keras.ops.convert_to_numpy(pooling(embedding(np.zeros((1, 4), dtype=int)))).tolist() != [[0.0] * 3]
    assert lab.average_embedding(np.zeros((1, 4), dtype=int), weights).tolist() == [[0.0] * 3]


def test_classifier_score_is_the_average_of_word_scores(lab, keras):
    import tensorflow as tf

    from labkit.text import keras_standardize

    texts = [row["text"] for row in data.read_rows("movie_reviews", "train")[:60]]
    vectorizer = keras.layers.TextVectorization(max_tokens=200, output_mode="int", output_sequence_length=40,
                                                standardize=keras_standardize)
    vectorizer.adapt(texts)
    model = lab.build_classifier(vectorizer, 8)
    weights = model.get_layer("embedding").get_weights()[0]
    head_w, head_b = model.get_layer("head").get_weights()
    assert weights.shape == (200, 8) and head_w.shape == (8, 1)
    batch = texts[:5] + ["short one", "an unseen zyzzyva"]
    ids = keras.ops.convert_to_numpy(vectorizer(batch))
    word_scores = weights @ head_w[:, 0] + head_b[0]
    expected = np.array([1 / (1 + np.exp(-word_scores[row[row != 0]].mean())) for row in ids])
    got = keras.ops.convert_to_numpy(model(tf.constant(batch)[:, None]))[:, 0]
    np.testing.assert_allclose(got, expected, atol=1e-6)        # padding is masked out of the average
    with pytest.raises(ValueError, match="adapt"):
        lab.build_classifier(keras.layers.TextVectorization(), 8)
    with pytest.raises(ValueError, match="embedding_dim"):
        lab.build_classifier(vectorizer, 0)


def test_cosine_helpers_agree_with_scikit_learn(lab):
    from sklearn.metrics.pairwise import cosine_similarity

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(6, 5)), rng.normal(size=(9, 5))
    np.testing.assert_allclose(lab.cosine_matrix(a, b), cosine_similarity(a, b), atol=1e-12)
    np.testing.assert_allclose(lab.unit_rows(a) @ lab.unit_rows(b).T, cosine_similarity(a, b), atol=1e-12)
    assert lab.cosine_matrix(np.zeros((1, 5)), b).tolist() == [[0.0] * 9]


def test_nearest_ranks_by_cosine_and_skips_special_tokens(lab):
    from sklearn.metrics.pairwise import cosine_similarity

    rng = np.random.default_rng(2)
    vocabulary = _vocabulary(40)
    weights = rng.normal(size=(42, 6))
    weights[:2] = weights[5] * 3                       # special rows identical in direction to word3: still skipped
    found = lab.nearest(weights, vocabulary, "word3", k=4)
    scores = cosine_similarity(weights[5:6], weights)[0]
    scores[[0, 1, 5]] = -np.inf
    best = np.argsort(-scores)[:4]
    assert [w for w, _ in found] == [vocabulary[j] for j in best]
    np.testing.assert_allclose([s for _, s in found], scores[best], atol=5e-4)
    with pytest.raises(ValueError, match="'nope'"):
        lab.nearest(weights, vocabulary, "nope")
    with pytest.raises(ValueError, match="'\\[UNK\\]'"):
        lab.nearest(weights, vocabulary, "[UNK]")
    with pytest.raises(ValueError, match="k must be"):
        lab.nearest(weights, vocabulary, "word3", k=40)
    with pytest.raises(ValueError, match="shape"):
        lab.nearest(weights[:-1], vocabulary, "word3")


def test_export_projector_writes_aligned_files(lab, tmp_path):
    rng = np.random.default_rng(3)
    vocabulary = _vocabulary(25)
    weights = rng.normal(size=(27, 7)).astype("float32")
    vectors, metadata = lab.export_projector(weights, vocabulary, tmp_path / "projector")
    assert sorted(p.name for p in (tmp_path / "projector").iterdir()) == ["metadata.tsv", "vectors.tsv"]
    np.testing.assert_allclose(np.loadtxt(vectors, delimiter="\t"), weights[2:], atol=1e-6)
    assert metadata.read_text(encoding="utf-8").split("\n") == vocabulary[2:] + [""]   # no header, one per line
    # exporting again replaces the files
    lab.export_projector(weights * 2, vocabulary, tmp_path / "projector")
    np.testing.assert_allclose(np.loadtxt(vectors, delimiter="\t"), weights[2:] * 2, atol=1e-5)


@pytest.mark.parametrize("bad_word", ["two\twords", "line\nbreak", ""])
def test_export_projector_rejects_words_that_would_misalign(lab, tmp_path, bad_word):
    vocabulary = _vocabulary(4)
    vocabulary[4] = bad_word
    with pytest.raises(ValueError, match="entry 4"):
        lab.export_projector(np.ones((6, 2)), vocabulary, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_export_projector_rejects_mismatched_inputs(lab, tmp_path):
    with pytest.raises(ValueError, match=r"\(5, 2\).*6 entries"):
        lab.export_projector(np.ones((5, 2)), _vocabulary(4), tmp_path)
    with pytest.raises(ValueError, match="must start with"):
        lab.export_projector(np.ones((6, 2)), ["a", "b", "c", "d", "e", "f"], tmp_path)


def test_write_atomically_keeps_the_old_file_when_writing_fails(lab, tmp_path):
    target = tmp_path / "vectors.tsv"
    lab.write_atomically(target, ["1\t2", "3\t4"])
    assert target.read_text() == "1\t2\n3\t4\n"

    def failing_lines():
        yield "5\t6"
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError, match="disk gone"):
        lab.write_atomically(target, failing_lines())
    assert target.read_text() == "1\t2\n3\t4\n"
    assert [p.name for p in tmp_path.iterdir()] == ["vectors.tsv"], "the temporary file must be removed"
