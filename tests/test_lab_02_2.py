"""Lab 02-2: the NumPy RNN and LSTM cells reproduce Keras; gradients vanish faster through the RNN."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from labkit.nbtools import import_definitions

LAB = ROOT / "02-rnn-lstm" / "02-2-rnn-vanilla.ipynb"
SHAPES = [(1, 1, 1, 1), (3, 9, 4, 6), (2, 25, 7, 3), (5, 2, 2, 16)]     # batch, steps, features, units


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


@pytest.fixture(scope="module")
def keras():
    import keras as keras_module

    keras_module.utils.set_random_seed(0)
    return keras_module


def random_bias(layer, seed):
    """Replace the zero-initialised bias, so that a mistake in how the bias is added shows up."""
    weights = layer.get_weights()
    weights[2] = np.random.default_rng(seed).normal(scale=0.5, size=weights[2].shape).astype("float32")
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_simple_rnn_matches_keras(lab, keras, shape, return_sequences):
    batch, steps, features, units = shape
    x = np.random.default_rng(sum(shape)).normal(size=(batch, steps, features)).astype("float32")
    layer = keras.layers.SimpleRNN(units, return_sequences=return_sequences, return_state=True)
    layer(x)
    weights = random_bias(layer, steps)
    keras_out, keras_state = (np.asarray(t) for t in layer(x))
    out, state = lab.simple_rnn(x, *weights, return_sequences=return_sequences)
    assert out.shape == keras_out.shape
    np.testing.assert_allclose(out, keras_out, atol=1e-5, rtol=0)
    np.testing.assert_allclose(state, keras_state, atol=1e-5, rtol=0)


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("shape", SHAPES)
def test_lstm_matches_keras(lab, keras, shape, return_sequences):
    batch, steps, features, units = shape
    x = np.random.default_rng(sum(shape) + 1).normal(size=(batch, steps, features)).astype("float32")
    layer = keras.layers.LSTM(units, return_sequences=return_sequences, return_state=True)
    layer(x)
    weights = random_bias(layer, steps)
    keras_out, keras_h, keras_c = (np.asarray(t) for t in layer(x))
    out, h, c = lab.lstm(x, *weights, return_sequences=return_sequences)
    assert out.shape == keras_out.shape
    np.testing.assert_allclose(out, keras_out, atol=1e-5, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=1e-5, rtol=0)
    np.testing.assert_allclose(c, keras_c, atol=1e-5, rtol=0)


def test_initial_states_are_used(lab, keras):
    x = np.random.default_rng(3).normal(size=(2, 4, 3)).astype("float32")
    h0, c0 = (np.random.default_rng(s).normal(size=(2, 5)).astype("float32") for s in (4, 5))
    layer = keras.layers.LSTM(5, return_state=True)
    _, keras_h, keras_c = layer(x, initial_state=[h0, c0])
    _, h, c = lab.lstm(x, *layer.get_weights(), h0=h0, c0=c0)
    np.testing.assert_allclose(h, keras_h, atol=1e-5)
    np.testing.assert_allclose(c, keras_c, atol=1e-5)


def test_bidirectional_exercise_matches_keras(lab, keras):
    x = np.random.default_rng(6).normal(size=(3, 6, 4)).astype("float32")
    layer = keras.layers.Bidirectional(keras.layers.SimpleRNN(7))
    expected = np.asarray(layer(x))
    got = lab.bidirectional_rnn(x, layer.forward_layer.get_weights(), layer.backward_layer.get_weights())
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_lstm_parameter_count_matches_keras(lab, keras):
    for features, units in [(1, 1), (10, 32), (300, 64)]:
        layer = keras.layers.LSTM(units)
        layer.build((None, None, features))
        assert lab.lstm_parameter_count(features, units) == layer.count_params()


@pytest.mark.parametrize("bad, fragment", [
    (lambda k, r, b: (k, r[:, :4], b), r"recurrent_kernel \(5, 4\)"),          # RNN recurrent kernel too narrow
    (lambda k, r, b: (k[:, :3], r, b), r"kernel \(3, 3\)"),                    # kernel narrower than the units
    (lambda k, r, b: (k, r, b[:2]), r"bias \(2,\)"),                           # short bias
])
def test_mismatched_rnn_weights_name_the_shapes(lab, bad, fragment):
    rng = np.random.default_rng(0)
    kernel, recurrent, bias = rng.normal(size=(3, 5)), rng.normal(size=(5, 5)), rng.normal(size=5)
    with pytest.raises(ValueError, match=fragment) as info:
        lab.simple_rnn(np.zeros((2, 4, 3)), *bad(kernel, recurrent, bias))
    assert "expects" in str(info.value)


def test_mismatched_lstm_weights_and_features_name_the_shapes(lab):
    rng = np.random.default_rng(1)
    kernel, recurrent, bias = rng.normal(size=(3, 20)), rng.normal(size=(5, 20)), rng.normal(size=20)
    with pytest.raises(ValueError, match=r"bias \(5,\).*expects.*bias \(20,\)"):
        lab.lstm(np.zeros((2, 4, 3)), kernel, recurrent, bias[:5])
    with pytest.raises(ValueError, match=r"kernel \(3, 15\)"):              # an RNN-sized kernel in an LSTM
        lab.lstm(np.zeros((2, 4, 3)), kernel[:, :15], recurrent[:, :15], bias[:15])
    with pytest.raises(ValueError, match=r"4 features.*\(3, 20\)"):
        lab.lstm(np.zeros((2, 4, 4)), kernel, recurrent, bias)
    with pytest.raises(ValueError, match=r"\(4, 3\)"):
        lab.lstm(np.zeros((4, 3)), kernel, recurrent, bias)


def test_rnn_gradient_decays_faster_than_the_open_gate_lstm(lab, keras):
    steps = 60
    x, _ = lab.memory_task(64, steps, seed=0)
    ratios = {}
    for kind, forget_bias in [("rnn", None), ("lstm", 3.0)]:
        norms = lab.gradient_norms_through_time(lab.memory_model(kind, 16, steps, forget_bias), x)
        assert norms.shape == (steps,) and np.all(np.isfinite(norms))
        ratios[kind] = norms[0] / norms[-1]
    assert ratios["rnn"] < 1e-2, ratios
    assert ratios["lstm"] > 1e3 * ratios["rnn"], ratios


def test_memory_task_labels_follow_the_first_step(lab):
    x, y = lab.memory_task(50, 10, seed=1)
    assert x.shape == (50, 10, 2) and y.shape == (50,)
    np.testing.assert_array_equal(x[:, 0, 0], 2 * y - 1)
    assert np.all(x[:, 1:, 0] == 0)


def test_cudnn_blockers(lab, keras):
    assert lab.cudnn_blockers(keras.layers.LSTM(4)) == []
    assert lab.cudnn_blockers(keras.layers.LSTM(4, unroll=True, recurrent_dropout=0.2)) == \
        ["unroll=True", "recurrent_dropout=0.2"]
    assert "activation is relu, not tanh" in lab.cudnn_blockers(keras.layers.LSTM(4, activation="relu"))
