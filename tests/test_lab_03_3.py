"""Lab 03-3's own definitions (the exercise solutions) against labkit.positional and keras-hub."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit import positional
from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "03-attention-transformers" / "03-3-positional-encodings-ape.ipynb"


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


def test_my_sinusoidal_matches_keras_hub(lab):
    import keras_hub

    theirs = np.asarray(keras_hub.layers.SinePositionEncoding(dtype="float64")(np.zeros((1, 30, 64))))[0]
    np.testing.assert_allclose(lab.my_sinusoidal(30, 64), theirs, atol=1e-6)


def test_add_sinusoidal(lab):
    x = np.random.default_rng(0).normal(size=(2, 7, 10))
    np.testing.assert_allclose(lab.add_sinusoidal(x), x + positional.sinusoidal_encoding(7, 10), atol=1e-12)


def test_score_table_depends_only_on_offset(lab):
    rng = np.random.default_rng(5)
    q, k = rng.normal(size=16), rng.normal(size=16)
    table = lab.score_table(q, k, 12)
    shifted = [lab.rope_score(q, k, 50, 50 + j) for j in range(13)]
    np.testing.assert_allclose(table, shifted, rtol=1e-9)
    assert table[0] == pytest.approx(q @ k)
