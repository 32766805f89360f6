"""Lab 03-5's own definitions: the parameter count formula and the from-scratch classifier's shapes."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "03-attention-transformers" / "03-5-tiny-transformer-keras-nlp.ipynb"


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


@pytest.mark.parametrize("d, ff, heads", [(8, 16, 2), (64, 128, 4), (48, 200, 3)])
def test_block_parameters_match_keras_hub(lab, d, ff, heads):
    import keras_hub

    block = keras_hub.layers.TransformerEncoder(ff, heads)
    block(np.zeros((1, 4, d), "float32"))
    assert lab.encoder_block_parameters(d, ff) == block.count_params()


def test_classifier_shapes_and_padding(lab):
    model = lab.build_classifier(vocab_size=30, seq_len=8, embed_dim=8, num_blocks=1, num_heads=2, ff_dim=16,
                                 num_classes=3, dropout=0.0)
    ids = np.array([[2, 5, 6, 3, 0, 0, 0, 0]], dtype="int32")
    logits = np.asarray(model(ids))
    assert logits.shape == (1, 3)
    # [PAD] (id 0) is masked in attention and in pooling: changing its embedding must not change the logits
    table = model.get_layer("embedding").token_embedding.embeddings
    weights = np.array(table.numpy())
    weights[0] = 50.0
    table.assign(weights)
    np.testing.assert_allclose(np.asarray(model(ids)), logits, rtol=1e-5, atol=1e-6)
