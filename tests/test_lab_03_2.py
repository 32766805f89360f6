"""Lab 03-2's own definitions (the exercise solutions) against labkit.attention and PyTorch."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit import attention
from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "03-attention-transformers" / "03-2-self-attention.ipynb"


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


def test_attention_weights_match_torch(lab):
    import torch

    rng = np.random.default_rng(0)
    q, k = rng.normal(size=(2, 2, 4, 8)), rng.normal(size=(2, 2, 6, 8))
    eye = np.eye(6)[None, None].repeat(2, 0).repeat(2, 1)          # v = identity -> output = weights
    expected = torch.nn.functional.scaled_dot_product_attention(*(torch.from_numpy(a) for a in (q, k, eye)))
    np.testing.assert_allclose(lab.attention_weights(q, k), expected.numpy(), atol=1e-10)
    assert np.isfinite(lab.attention_weights(np.full((2, 3), 500.0), np.full((4, 3), 500.0))).all()


def test_decoder_mask_is_padding_and_causal(lab):
    ids = np.array([[4, 9, 2, 0, 0], [7, 0, 0, 0, 0]])
    np.testing.assert_array_equal(lab.decoder_mask(ids), attention.padding_mask(ids) & attention.causal_mask(5))


def test_score_matrix_bytes(lab):
    assert lab.score_matrix_bytes(512, 8, batch=4) == 512 * 512 * 8 * 4 * 4
