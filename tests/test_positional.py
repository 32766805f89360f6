"""labkit.positional: the closed-form formula, keras-hub's layers, and the properties RoPE is built for."""
from __future__ import annotations

import numpy as np
import pytest

from labkit import positional as PE


def closed_form(positions, depth, base=10_000.0):
    """The paper's formula, one entry at a time."""
    pe = np.zeros((positions, depth))
    for pos in range(positions):
        for i in range(depth // 2):
            angle = pos / base ** (2 * i / depth)
            pe[pos, 2 * i], pe[pos, 2 * i + 1] = np.sin(angle), np.cos(angle)
    return pe


@pytest.mark.parametrize("positions, depth, base", [(50, 512, 10_000.0), (7, 6, 100.0), (1, 2, 10_000.0)])
def test_sinusoidal_equals_closed_form(positions, depth, base):
    np.testing.assert_allclose(PE.sinusoidal_encoding(positions, depth, base), closed_form(positions, depth, base),
                               atol=1e-12)


def test_sinusoidal_equals_keras_hub():
    import keras_hub

    layer = keras_hub.layers.SinePositionEncoding(max_wavelength=10_000.0, dtype="float64")
    theirs = np.asarray(layer(np.zeros((2, 50, 512))))
    assert theirs.shape == (2, 50, 512)
    np.testing.assert_allclose(PE.sinusoidal_encoding(50, 512), theirs[1], atol=1e-5)


def test_offset_matrix_moves_every_position():
    pe = PE.sinusoidal_encoding(40, 16)
    for offset in (1, 7):
        moved = pe[:-offset] @ PE.offset_matrix(offset, 16).T
        np.testing.assert_allclose(moved, pe[offset:], atol=1e-12)


def test_similarity_peaks_at_reference():
    sim = PE.similarity_by_distance(PE.sinusoidal_encoding(100, 128), reference=30)
    assert sim.argmax() == 30 and sim[30] == pytest.approx(64.0)    # |pe|^2 = depth / 2


def test_rope_preserves_norms():
    x = np.random.default_rng(0).normal(size=(2, 3, 20, 16))
    for layout in ("interleaved", "half"):
        rotated = PE.apply_rope(x, layout=layout)
        np.testing.assert_allclose(np.linalg.norm(rotated, axis=-1), np.linalg.norm(x, axis=-1), rtol=1e-12)
    np.testing.assert_allclose(PE.apply_rope(x)[..., 0, :], x[..., 0, :])     # position 0 is not rotated


def test_rope_score_depends_only_on_offset():
    rng = np.random.default_rng(1)
    q, k = rng.normal(size=32), rng.normal(size=32)

    def score(m, n):
        q_rot = PE.apply_rope(q[None], positions=[m])[0]
        k_rot = PE.apply_rope(k[None], positions=[n])[0]
        return q_rot @ k_rot

    for offset in (0, 3, 17):
        scores = [score(m, m + offset) for m in (0, 5, 100, 1234)]
        np.testing.assert_allclose(scores, scores[0], rtol=1e-9)
    assert abs(score(0, 3) - score(0, 17)) > 1e-3, "different offsets should give different scores"
    np.testing.assert_allclose(PE.rope_scores_by_offset(32, 17, seed=1)[[0, 3, 17]],
                               [score(0, 0), score(0, 3), score(0, 17)], rtol=1e-9)


def test_rope_half_layout_equals_keras_hub():
    import keras_hub

    x = np.random.default_rng(2).normal(size=(2, 10, 8))
    theirs = np.asarray(keras_hub.layers.RotaryEmbedding(max_wavelength=10_000, dtype="float64")(x))
    np.testing.assert_allclose(PE.apply_rope(x, layout="half"), theirs, atol=1e-6)


def test_learned_embedding_table():
    layer = PE.learned_position_embedding(12, seed=0)
    out = np.asarray(layer(np.zeros((2, 5, 4))))
    table = PE.embedding_table(layer)
    assert table.shape == (12, 4)
    np.testing.assert_allclose(out[1], table[:5], atol=1e-7)      # rows 0..4, the same for every batch item
    with pytest.raises(ValueError, match="no weights yet"):
        PE.embedding_table(PE.learned_position_embedding(3))


@pytest.mark.parametrize("call", [
    lambda: PE.sinusoidal_encoding(10, 7),
    lambda: PE.apply_rope(np.zeros((4, 5))),
    lambda: PE.rope_angles([0, 1], 3),
    lambda: PE.offset_matrix(1, 9),
])
def test_odd_depth_is_refused(call):
    with pytest.raises(ValueError, match=r"even depth.*got depth=\d"):
        call()


def test_other_bad_input():
    with pytest.raises(ValueError, match="positive int"):
        PE.sinusoidal_encoding(0, 8)
    with pytest.raises(ValueError, match=r"one entry per sequence element \(4,\)"):
        PE.apply_rope(np.zeros((4, 8)), positions=[0, 1])
    with pytest.raises(ValueError, match="layout"):
        PE.apply_rope(np.zeros((4, 8)), layout="spiral")
    with pytest.raises(ValueError, match=r"\(positions, depth\)"):
        PE.plot_encoding(np.zeros(5))
