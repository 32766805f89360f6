"""labkit.text: standardisation (Python and TensorFlow agree), class folders, skip-grams and negatives."""
from __future__ import annotations

import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit import text

# ---------------------------------------------------------------------------------------------- standardize

def test_standardize_strips_html_tags_instead_of_splitting_into_characters():
    raw = "This movie was great.<br /><br />The cast<BR/>shone; <i>truly</i> 10/10!"
    assert text.standardize(raw) == "this movie was great the cast shone truly 1010"
    assert "br" not in text.standardize(raw).split()


def test_standardize_keeps_comparisons_and_non_ascii_letters():
    assert text.standardize("if a < b and c > d") == "if a b and c d"      # not a tag: no letter after '<'
    assert text.standardize("Ñandú, İstanbul'da ¿qué?") == "ñandú i̇stanbulda qué"
    assert text.standardize("tabs\tand\n\nnewlines  ") == "tabs and newlines"


def test_standardize_rejects_non_strings():
    with pytest.raises(TypeError, match="expects a str, got bytes"):
        text.standardize(b"bytes")


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


_ASCII_SAMPLES = [
    "Hello, World!", "<br />a<br/>b", "It's 10/10 -- #1 (really)", "  many   spaces\t\tand\nlines ",
    "x<3 and <p class='a'>para</p>", "C# vs C++: which_one?", "", "~`^|\\{}[]@$%&*+=\"'", "MiXeD CaSe",
]


def test_keras_standardize_matches_python_on_fixed_samples(tf):
    got = [s.decode() for s in text.keras_standardize(tf.constant(_ASCII_SAMPLES)).numpy()]
    assert got == [text.standardize(s) for s in _ASCII_SAMPLES]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=string.printable, max_size=40), min_size=1, max_size=8))
def test_keras_standardize_matches_python_on_random_ascii(tf, samples):
    got = [s.decode() for s in text.keras_standardize(tf.constant(samples)).numpy()]
    assert got == [text.standardize(s) for s in samples]


def test_keras_standardize_works_inside_text_vectorization(tf):
    import keras

    layer = keras.layers.TextVectorization(standardize=text.keras_standardize, output_mode="int")
    layer.adapt(["Great<br />film!", "great film, GREAT cast"])
    assert set(layer.get_vocabulary()) == {"", "[UNK]", "great", "film", "cast"}


# ---------------------------------------------------------------------------------------------- class folders

def test_write_class_folders_writes_one_folder_per_class(tmp_path):
    rows = [{"text": "print(1)", "label": 1}, {"text": "System.out", "label": "java"}, ("x = 1", 1)]
    root = text.write_class_folders(rows, ["java", "python", "rust"], tmp_path / "ds")
    assert root == tmp_path / "ds"
    assert sorted(p.name for p in root.iterdir()) == ["java", "python", "rust"]
    assert (root / "python" / "0.txt").read_text() == "print(1)"
    assert (root / "java" / "1.txt").read_text() == "System.out"
    assert (root / "python" / "2.txt").read_text() == "x = 1"
    assert list((root / "rust").iterdir()) == []


@pytest.mark.parametrize("rows, labels, message", [
    ([], ["a"], "rows is empty"),
    ([{"text": "x", "label": 3}], ["a", "b"], "label 3, outside 0..1"),
    ([{"text": "x", "label": "c"}], ["a", "b"], "unknown label 'c'"),
    ([{"text": "x"}], ["a"], "needs the keys 'text' and 'label'"),
    ([{"text": "x", "label": 0}], ["a", "a"], "must be distinct"),
    ([{"text": "x", "label": 0}], ["../up"], "cannot be a folder name"),
])
def test_write_class_folders_bad_input(tmp_path, rows, labels, message):
    with pytest.raises(ValueError, match=message):
        text.write_class_folders(rows, labels, tmp_path / "ds")
    assert not (tmp_path / "ds").exists() or not any((tmp_path / "ds").rglob("*.txt"))


def test_write_class_folders_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "old.txt").write_text("stale")
    with pytest.raises(ValueError, match="is not empty"):
        text.write_class_folders([("a", 0)], ["x"], tmp_path)


# ---------------------------------------------------------------------------------------------- sampling table

def test_sampling_table_matches_the_zipf_subsampling_formula():
    table = text.sampling_table(1000, sampling_factor=1e-3)
    assert table.shape == (1000,) and table[0] == 0.0
    rank = 10.0
    zipf_frequency = 1.0 / (rank * (np.log(rank) + 0.5772156649) + 0.5 - 1 / (12 * rank))
    assert table[10] == pytest.approx(np.sqrt(1e-3 / zipf_frequency))
    assert np.all(np.diff(table[1:]) >= 0), "rarer words (higher rank) are kept at least as often"
    assert table.max() == 1.0


@pytest.mark.parametrize("size, factor, message", [
    (1, 1e-5, r"size must be an int >= 2 \(the vocabulary size, padding included\), got 1"),
    (2.5, 1e-5, "got 2.5"), (10, 0, "sampling_factor")])
def test_sampling_table_bad_input(size, factor, message):
    with pytest.raises(ValueError, match=message):
        text.sampling_table(size, factor)


# ---------------------------------------------------------------------------------------------- skip-grams

def test_skipgram_positive_pairs_are_exactly_the_window_neighbours():
    pairs, labels = text.skipgram_pairs([5, 6, 7, 8], vocabulary_size=10, window_size=2,
                                        negative_samples=0.0, shuffle=False)
    assert labels.tolist() == [1] * 10
    assert pairs.tolist() == [[5, 6], [5, 7], [6, 5], [6, 7], [6, 8], [7, 5], [7, 6], [7, 8], [8, 6], [8, 7]]


def test_skipgram_skips_padding_and_is_reproducible_with_a_seed():
    a = text.skipgram_pairs([3, 0, 4, 0, 0], vocabulary_size=30, window_size=2, seed=7)
    b = text.skipgram_pairs([3, 0, 4, 0, 0], vocabulary_size=30, window_size=2, seed=7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert 0 not in a[0]
    assert sorted(map(tuple, a[0][a[1] == 1].tolist())) == [(3, 4), (4, 3)]
    assert int((a[1] == 0).sum()) == 2


def test_sampling_table_drops_frequent_targets():
    sequence = [1] * 400 + [9] * 400
    table = np.zeros(10)
    table[9] = 1.0                                     # keep word 9 always, never word 1
    pairs, _ = text.skipgram_pairs(sequence, 10, window_size=1, negative_samples=0, sampling_table=table, seed=0)
    assert set(pairs[:, 0].tolist()) == {9}


@settings(max_examples=200, deadline=None)
@given(sequence=st.lists(st.integers(0, 11), min_size=0, max_size=40), window=st.integers(1, 4),
       ratio=st.sampled_from([0.5, 1.0, 3.0]), seed=st.integers(0, 2**32 - 1))
def test_skipgram_never_emits_a_positive_as_a_negative(sequence, window, ratio, seed):
    # A small vocabulary makes collisions likely: a careless sampler would hit a true context often.
    pairs, labels = text.skipgram_pairs(sequence, vocabulary_size=12, window_size=window,
                                        negative_samples=ratio, seed=seed)
    positives = {tuple(p) for p in pairs[labels == 1].tolist()}
    negatives = {tuple(p) for p in pairs[labels == 0].tolist()}
    assert not positives & negatives
    assert all(0 < c < 12 for _, c in negatives)


@settings(max_examples=100, deadline=None)
@given(sequence=st.lists(st.integers(1, 15), min_size=2, max_size=30), seed=st.integers(0, 2**32 - 1))
def test_skipgram_examples_negatives_avoid_true_contexts(sequence, seed):
    targets, contexts, labels = text.skipgram_examples([sequence], vocabulary_size=16, window_size=2,
                                                       num_negatives=3, seed=seed)
    assert contexts.shape == (len(targets), 4) and labels[:, 0].all() and not labels[:, 1:].any()
    true = set(map(tuple, text.skipgram_pairs(sequence, 16, 2, negative_samples=0)[0].tolist()))
    for target, row in zip(targets.tolist(), contexts.tolist()):
        assert (target, row[0]) in true
        assert not any((target, negative) in true for negative in row[1:])


def test_sample_negatives_excludes_and_errors():
    draws = text.sample_negatives({1, 2}, 4, 500, rng=0)
    assert set(draws.tolist()) == {3}
    with pytest.raises(ValueError, match="no word id is left"):
        text.sample_negatives({1, 2, 3}, 4, 1, rng=0)
    with pytest.raises(ValueError, match="num_negatives must be an int >= 0, got -1"):
        text.sample_negatives(set(), 4, -1)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(sequence=[1, 2, 99], vocabulary_size=10), ValueError, "word id 99 is outside 0..9"),
    (dict(sequence=[1, -1], vocabulary_size=10), ValueError, "word id -1"),
    (dict(sequence=[1, 2], vocabulary_size=1), ValueError, "vocabulary_size must be an int >= 2, got 1"),
    (dict(sequence=[1, 2], vocabulary_size=10, window_size=0), ValueError, "window_size must be a positive int, got 0"),
    (dict(sequence=[1, 2], vocabulary_size=10, negative_samples=-1), ValueError, "negative_samples"),
    (dict(sequence=[[1, 2]], vocabulary_size=10), ValueError, "1-D list"),
    (dict(sequence=[1.5, 2.0], vocabulary_size=10), TypeError, "integer word ids"),
    (dict(sequence=[1, 2], vocabulary_size=10, sampling_table=[1.0] * 3), ValueError, "sampling_table has 3"),
])
def test_skipgram_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        text.skipgram_pairs(**kwargs)
