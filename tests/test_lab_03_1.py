"""Lab 03-1: the Conv1D classifier and the convolution arithmetic the lab writes, checked against Keras."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from labkit.nbtools import import_definitions

LAB = ROOT / "03-attention-transformers" / "03-1-loadtext-full-conv1d.ipynb"


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


def test_conv1d_model_shape_and_parameters(lab):
    model = lab.build_conv1d(vocab_size=50, num_classes=4, seq_len=12, embed_dim=6, filters=5, kernel_size=3)
    assert model.get_layer("ngram_filters").output.shape[1:] == (10, 5)
    assert model.count_params() == 50 * 6 + (3 * 6 * 5 + 5) + (5 * 4 + 4)
    probabilities = model.predict(np.random.default_rng(0).integers(0, 50, size=(3, 12)), verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("length, kernel, stride, padding",
                         [(80, 3, 1, "valid"), (10, 3, 2, "valid"), (11, 4, 3, "same"), (9, 9, 1, "valid"),
                          (1, 1, 1, "same"), (17, 5, 4, "same")])
def test_conv_output_length_matches_keras(lab, length, kernel, stride, padding):
    import keras

    conv = keras.layers.Conv1D(1, kernel, strides=stride, padding=padding)
    expected = conv(np.zeros((1, length, 2), dtype="float32")).shape[1]
    assert lab.conv_output_length(length, kernel, stride, padding) == expected


def test_conv_output_length_rejects_unknown_padding(lab):
    with pytest.raises(ValueError, match="'full'"):
        lab.conv_output_length(10, 3, padding="full")


@pytest.mark.parametrize("kernels", [[3], [3, 3], [2, 5, 4], [1, 1]])
def test_receptive_field_matches_a_spike_through_a_keras_stack(lab, kernels):
    import keras

    x = np.zeros((1, 41, 1), dtype="float32")
    x[0, 20, 0] = 1.0
    stack = keras.Sequential([keras.layers.Conv1D(1, k, padding="same", kernel_initializer="ones", use_bias=False)
                              for k in kernels])
    reached = int((stack(x).numpy()[0, :, 0] != 0).sum())
    assert lab.receptive_field(kernels) == reached


def test_receptive_field_rejects_bad_kernels(lab):
    for bad in ([], [0, 3]):
        with pytest.raises(ValueError, match="kernel_sizes"):
            lab.receptive_field(bad)
