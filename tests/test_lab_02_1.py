"""Lab 02-1: every activation and derivative the lab writes equals Keras / TensorFlow's to 1e-6."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from labkit.nbtools import import_definitions

LAB = ROOT / "02-rnn-lstm" / "02-1-activation-functions.ipynb"


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


@pytest.fixture(scope="module")
def tf():
    import tensorflow

    return tensorflow


def keras_value_and_grad(tf, fn, values):
    """Value of ``fn`` and the gradient of its sum, by tf.GradientTape, in float64."""
    tensor = tf.constant(values, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        out = fn(tensor)
        total = tf.reduce_sum(out)
    return out.numpy(), tape.gradient(total, tensor).numpy()


# Wide and narrow ranges, the saturated tails included; both contain 0 and values around it.
INPUTS = [np.linspace(-12.0, 12.0, 2401), np.linspace(-1e-3, 1e-3, 101), np.array([-30.0, -7.5, 0.0, 7.5, 30.0])]


def pointwise_cases(lab, keras):
    return {
        "sigmoid": (lab.sigmoid, lab.sigmoid_grad, keras.activations.sigmoid),
        "tanh": (lab.tanh, lab.tanh_grad, keras.activations.tanh),
        "relu": (lab.relu, lab.relu_grad, keras.activations.relu),
        "leaky_relu": (lab.leaky_relu, lab.leaky_relu_grad, keras.activations.leaky_relu),
        "leaky_relu(0.1)": (lambda v: lab.leaky_relu(v, 0.1), lambda v: lab.leaky_relu_grad(v, 0.1),
                            lambda t: keras.activations.leaky_relu(t, negative_slope=0.1)),
        "gelu": (lab.gelu, lab.gelu_grad, lambda t: keras.activations.gelu(t, approximate=False)),
        "gelu_tanh": (lambda v: lab.gelu(v, approximate=True), lambda v: lab.gelu_grad(v, approximate=True),
                      lambda t: keras.activations.gelu(t, approximate=True)),
        "silu": (lab.silu, lab.silu_grad, keras.activations.silu),
        "swish": (lab.silu, lab.silu_grad, keras.activations.swish),
    }


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "leaky_relu(0.1)", "gelu", "gelu_tanh",
                                  "silu", "swish"])
def test_pointwise_activation_and_derivative_match_keras(lab, tf, name):
    import keras

    f, df, reference = pointwise_cases(lab, keras)[name]
    for x in INPUTS:
        value, grad = keras_value_and_grad(tf, reference, x)
        np.testing.assert_allclose(f(x), value, rtol=0, atol=1e-6, err_msg=f"{name} value")
        np.testing.assert_allclose(df(x), grad, rtol=0, atol=1e-6, err_msg=f"{name} derivative")


@pytest.mark.parametrize("name", ["glu", "geglu", "swiglu"])
@pytest.mark.parametrize("shape", [(7, 2), (3, 5, 16), (64,)])
def test_gated_units_and_gradients_match_keras(lab, tf, name, shape):
    import keras

    gates = {"glu": keras.activations.sigmoid, "geglu": lambda t: keras.activations.gelu(t, approximate=False),
             "swiglu": keras.activations.silu}

    def reference(t):
        value, gate = tf.split(t, 2, axis=-1)
        return value * gates[name](gate)

    x = np.random.default_rng(sum(shape)).normal(scale=4.0, size=shape)
    value, grad = keras_value_and_grad(tf, reference, x)
    np.testing.assert_allclose(getattr(lab, name)(x), value, rtol=0, atol=1e-6)
    np.testing.assert_allclose(getattr(lab, f"{name}_grad")(x), grad, rtol=0, atol=1e-6)
    if name == "glu":      # Keras ships GLU itself: same convention (value half first, gate half second)
        np.testing.assert_allclose(lab.glu(x), keras.activations.glu(tf.constant(x)).numpy(), rtol=0, atol=1e-6)


def test_sigmoid_stays_finite_far_in_the_tails(lab):
    with np.errstate(all="raise"):
        values = lab.sigmoid(np.array([-1000.0, 1000.0]))
    assert values.tolist() == [0.0, 1.0]


def test_gated_unit_rejects_an_odd_last_axis(lab):
    with pytest.raises(ValueError, match=r"\(3, 5\)"):
        lab.swiglu(np.zeros((3, 5)))


def test_saturation_vanishes_gradient_through_depth(lab):
    """The figure's claim: through 20 sigmoid layers the gradient shrinks by far more than through tanh."""
    ratios = {}
    for name in ["sigmoid", "tanh"]:
        f, df = getattr(lab, name), getattr(lab, f"{name}_grad")
        norms = lab.gradient_norms_through_depth(f, df, depth=20, width=64, seed=42)
        ratios[name] = norms[0] / norms[-1]
    assert ratios["sigmoid"] < 1e-8, ratios
    assert ratios["tanh"] > 1e3 * ratios["sigmoid"], ratios


def test_exercise_solutions(lab):
    x = np.linspace(-5, 5, 11)
    np.testing.assert_allclose(lab.central_difference(lab.tanh, x), lab.tanh_grad(x), atol=1e-8)
    np.testing.assert_allclose(lab.softplus_grad(x), lab.sigmoid(x))
    assert lab.softplus(np.array([1000.0]))[0] == pytest.approx(1000.0)
    with pytest.raises(ValueError, match="h=-1"):
        lab.central_difference(np.sin, x, h=-1)
    rng = np.random.default_rng(0)
    w_gate, w_up, w_down = rng.normal(size=(4, 6)), rng.normal(size=(4, 6)), rng.normal(size=(6, 4))
    x2 = rng.normal(size=(3, 4))
    expected = (lab.silu(x2 @ w_gate) * (x2 @ w_up)) @ w_down
    np.testing.assert_allclose(lab.swiglu_ffn(x2, w_gate, w_up, w_down), expected)
    with pytest.raises(ValueError, match=r"w_down \(4, 6\)"):
        lab.swiglu_ffn(x2, w_gate, w_up, w_up)
