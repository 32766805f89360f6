"""Lab 03-4's own definitions: the masked mean pooling and the encoder built on a (small, random) BertBackbone."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "03-attention-transformers" / "03-4-keras-nlp.ipynb"


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


def test_masked_mean_ignores_padding(lab):
    rng = np.random.default_rng(0)
    sequence = rng.normal(size=(2, 5, 3)).astype("float32")
    mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    pooled = np.asarray(lab.MaskedMeanPooling()(sequence, mask))
    np.testing.assert_allclose(pooled[0], sequence[0, :2].mean(0), rtol=1e-6)
    np.testing.assert_allclose(pooled[1], sequence[1].mean(0), rtol=1e-6)
    assert np.isfinite(np.asarray(lab.MaskedMeanPooling()(sequence, np.zeros((2, 5), bool)))).all()


def test_encoder_freezes_backbone_and_pools(lab):
    import keras_hub

    backbone = keras_hub.models.BertBackbone(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=8,
                                             intermediate_dim=16, max_sequence_length=16)
    encoder = lab.build_encoder(backbone)
    assert not backbone.trainable and encoder.trainable_weights == []
    ids = np.array([[2, 7, 9, 3, 0, 0]], dtype="int32")
    inputs = {"token_ids": ids, "segment_ids": np.zeros_like(ids), "padding_mask": ids != 0}
    expected = np.asarray(backbone(inputs)["sequence_output"])[0, :4].mean(0)
    np.testing.assert_allclose(np.asarray(encoder(inputs))[0], expected, rtol=1e-5, atol=1e-6)


def test_train_head_learns_a_separable_problem(lab):
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 2, size=200)
    features = rng.normal(size=(200, 6)).astype("float32") + 3.0 * labels[:, None]
    head = lab.train_head(features, labels, num_classes=2, epochs=20)
    assert (head.predict(features, verbose=0).argmax(-1) == labels).mean() > 0.95
