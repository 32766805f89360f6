"""Lab 01-3: the lab's TensorFlow standardisation agrees with labkit.text.standardize, and its vectorisers give the
shapes and vocabularies the lab describes (int: padding and [UNK] first; binary: the same words, no padding slot)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit import data, text
from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "01-embeddings-tokenizers" / "01-3-loadtext.ipynb"

TRICKY = [
    "Why does my loop print 1,2,3?<br /><br />I expected 0..2!",
    "Use <code>Array.map()</code> -- not a for-loop.",
    "In C#: if (a < b) { return; }",
    "Map<String, Integer> counts = new HashMap<>();",
    "  Tabs\tand\nnewlines   and  spaces  ",
    "<p>Paragraph</p><BR/>UPPER <a href='x.html'>link</a>",
    "x<3 and 5>2, 100% sure; $HOME/~user @decorator #tag",
    "Café naïve ÜBER ñandú",
    "",
]


@pytest.fixture(scope="module")
def lab():
    pytest.importorskip("tensorflow")
    return import_definitions(LAB)


def _lab_standardize(lab, strings):
    import tensorflow as tf

    return [s.decode() for s in lab.custom_standardization(tf.constant(strings)).numpy()]


def test_standardization_agrees_with_labkit_on_tricky_strings(lab):
    assert _lab_standardize(lab, TRICKY) == [text.standardize(s) for s in TRICKY]
    assert _lab_standardize(lab, TRICKY[:1]) == ["why does my loop print 123 i expected 02"]


def test_standardization_agrees_with_labkit_on_the_dataset(lab):
    questions = [row["text"] for row in data.read_rows("programming_questions", "train")]
    ours = _lab_standardize(lab, questions)
    assert ours == [text.standardize(q) for q in questions]
    assert not any("<" in s or ">" in s or "?" in s for s in ours)


def test_vectorizers_shapes_and_vocabulary(lab):
    questions = [row["text"] for row in data.read_rows("programming_questions", "train")]
    int_layer, binary_layer = lab.make_vectorizers(questions, vocab_size=200, sequence_length=100)
    vocabulary = [str(t) for t in int_layer.get_vocabulary()]
    assert len(vocabulary) == 200 and vocabulary[:2] == ["", "[UNK]"]
    assert [str(t) for t in binary_layer.get_vocabulary()] == vocabulary[1:], \
        "the binary layer holds the same words, with [UNK] first and no padding slot"
    assert lab.find_leftovers(vocabulary) == []
    assert all(word == text.standardize(word) and " " not in word for word in vocabulary[2:])

    ids = int_layer(questions[:10]).numpy()
    multi_hot = binary_layer(questions[:10]).numpy()
    assert ids.shape == (10, 100) and ids.min() >= 0 and ids.max() < 200
    assert multi_hot.shape == (10, 199) and set(np.unique(multi_hot)) <= {0.0, 1.0}
    assert np.array_equal(lab.multi_hot_from_ids(ids, 200), multi_hot)      # no question is longer than 100 words


def test_find_leftovers_flags_what_a_broken_standardisation_leaves(lab):
    broken = [w for s in TRICKY for w in s.lower().split()]
    assert "<br" not in lab.find_leftovers(["", "[UNK]", "ok"])
    assert {"1,2,3?<br", "(a", "b)"} <= set(lab.find_leftovers(broken))
