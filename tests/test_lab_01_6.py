"""Lab 01-6: the Word2Vec model the lab defines, trained with labkit's skip-gram examples on a controlled corpus,
puts words that share contexts closer than unrelated words (a statistical test with a fixed seed)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit import text
from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "01-embeddings-tokenizers" / "01-6-word2vec-get-dataset.ipynb"


def _corpus(rng):
    """Two topics; 'cat'/'dog' share the pet contexts, 'rain'/'snow' the weather contexts."""
    pets = ["the {} chased the ball", "my {} sleeps on the sofa", "feed the hungry {} twice", "a {} wags near me"]
    weather = ["heavy {} fell all night", "the forecast promised {} tomorrow", "cold {} covered the hills",
               "we watched the {} from indoors"]
    lines = []
    for _ in range(300):
        lines.append(rng.choice(pets).format(rng.choice(["cat", "dog"])))
        lines.append(rng.choice(weather).format(rng.choice(["rain", "snow"])))
    return lines


def test_words_sharing_contexts_end_up_closer():
    keras = pytest.importorskip("keras")
    lab = import_definitions(LAB)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    lines = _corpus(rng)
    words = sorted({w for line in lines for w in line.split()})
    index = {w: i + 1 for i, w in enumerate(words)}            # 0 = padding
    vocab_size = len(words) + 1
    sequences = [[index[w] for w in line.split()] for line in lines]
    targets, contexts, labels = text.skipgram_examples(sequences, vocab_size, window_size=2, num_negatives=3,
                                                       seed=0)
    model = lab.Word2Vec(vocab_size, 16)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    model.fit((targets, contexts), labels.astype("float32"), epochs=8, batch_size=256, verbose=0, shuffle=True)
    vectors = model.target_embedding.get_weights()[0]
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = lambda a, b: float(unit[index[a]] @ unit[index[b]])
    assert cos("cat", "dog") > cos("cat", "rain") + 0.2
    assert cos("rain", "snow") > cos("snow", "dog") + 0.2


def test_lab_exercise_solutions_match_labkit():
    lab = import_definitions(LAB)
    assert lab.context_words([1, 2, 3, 4, 5], 2, 2) == [1, 2, 4, 5]
    assert np.isclose(lab.keep_probability(0.01, 1e-4), 0.1)
