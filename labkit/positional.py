"""Position information for transformers: sinusoidal encodings, learned embeddings and rotary embeddings (RoPE).

Lab 03-3 walks through this file. Everything is NumPy except the keras-hub helper::

    >>> pe = sinusoidal_encoding(50, 512)          # (positions, depth)
    >>> pe.shape, float(pe[0, 1])                  # position 0: sin(0) = 0 on even dims, cos(0) = 1 on odd dims
    ((50, 512), 1.0)

Layout (the original Transformer's): dimension pair (2i, 2i+1) holds (sin, cos) of ``position * freq_i`` with
``freq_i = base ** (-2i / depth)``. Because each pair is a point on a circle turning at its own speed, moving by
``offset`` positions is the same rotation for every position: :func:`offset_matrix` is that linear map.

RoPE applies the same rotations to queries and keys instead of adding a vector to the input, so their dot
product depends only on the distance between the two positions.
"""
from __future__ import annotations

import math

import numpy as np

from labkit.checks import int_in_range, real_array

DEFAULT_BASE = 10_000.0
#: The most values one array built here may hold (2 GB of float64); larger requests are refused.
MAX_VALUES = 2**28


def _check_depth(depth, what: str) -> None:
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 2 or depth % 2:
        raise ValueError(f"{what} needs an even depth >= 2 (dimensions come in sin/cos pairs), got depth={depth!r}")


def _check_base(base) -> None:
    if isinstance(base, bool) or not isinstance(base, (int, float, np.integer, np.floating)) \
            or not math.isfinite(base) or base <= 1:
        raise ValueError(f"base must be a finite number > 1 (the Transformer uses 10_000), got {base!r:.40}")


def _check_size(count: int, what: str) -> None:
    if count > MAX_VALUES:
        raise ValueError(f"{what} would hold {count:,} values, more than labkit's limit of {MAX_VALUES:,}")


def frequencies(depth: int, base: float = DEFAULT_BASE) -> np.ndarray:
    """(depth // 2,) angular frequencies ``base ** (-2i / depth)``: from 1 radian per position down to ~1/base.

    >>> frequencies(4, base=100.0).tolist()
    [1.0, 0.1]
    """
    _check_depth(depth, "frequencies")
    _check_base(base)
    _check_size(depth // 2, f"the frequencies for depth={depth}")
    return base ** (-np.arange(0, depth, 2) / depth)


def sinusoidal_encoding(num_positions: int, depth: int, base: float = DEFAULT_BASE, start: int = 0) -> np.ndarray:
    """(num_positions, depth) sinusoidal encoding: ``pe[p, 2i] = sin(p f_i)``, ``pe[p, 2i+1] = cos(p f_i)``.

    Same values as ``keras_hub.layers.SinePositionEncoding(max_wavelength=base)``.

    >>> sinusoidal_encoding(2, 4)[1].round(3).tolist()
    [0.841, 0.54, 0.01, 1.0]
    """
    _check_depth(depth, "the sinusoidal encoding")
    num_positions = int_in_range(num_positions, "num_positions")
    _check_size(num_positions * depth, f"the encoding (num_positions={num_positions} x depth={depth})")
    start = int_in_range(start, "start", -2**53, 2**53)
    positions = np.arange(start, start + num_positions)[:, None]
    angles = positions * frequencies(depth, base)[None, :]      # (positions, depth // 2)
    pe = np.empty((num_positions, depth))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def offset_matrix(offset: int, depth: int, base: float = DEFAULT_BASE) -> np.ndarray:
    """(depth, depth) matrix M with ``pe[p + offset] == M @ pe[p]`` for every position p.

    Block diagonal: pair i is rotated by ``offset * f_i`` (sin(a+b) and cos(a+b) from sin a, cos a).

    >>> pe = sinusoidal_encoding(20, 8)
    >>> bool(np.allclose(offset_matrix(5, 8) @ pe[3], pe[8]))
    True
    """
    _check_depth(depth, "offset_matrix")
    _check_size(depth * depth, f"the (depth x depth) matrix for depth={depth}")
    if isinstance(offset, bool) or not isinstance(offset, (int, float, np.integer, np.floating)) \
            or not math.isfinite(offset):
        raise ValueError(f"offset must be a finite number of positions, got {offset!r:.40}")
    matrix = np.zeros((depth, depth))
    for i, angle in enumerate(offset * frequencies(depth, base)):
        c, s = np.cos(angle), np.sin(angle)
        # [sin(a+b), cos(a+b)] = [[cos b, sin b], [-sin b, cos b]] @ [sin a, cos a]
        matrix[2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, s], [-s, c]]
    return matrix


# ---------------------------------------------------------------------------------------------- learned


def learned_position_embedding(sequence_length: int, seed: int | None = None):
    """A keras-hub ``PositionEmbedding`` layer: one trainable vector per position, up to ``sequence_length``.

    Call it on a (batch, seq, depth) tensor to get (batch, seq, depth) position vectors to add; read the
    table with :func:`embedding_table`.

    >>> layer = learned_position_embedding(128)       # doctest: +SKIP
    """
    import keras
    import keras_hub

    init = keras.initializers.RandomNormal(stddev=0.02, seed=seed)
    return keras_hub.layers.PositionEmbedding(sequence_length=sequence_length, initializer=init)


def embedding_table(layer) -> np.ndarray:
    """The (positions, depth) weight table of a built position-embedding layer, as NumPy.

    >>> embedding_table(layer).shape                  # doctest: +SKIP
    (128, 64)
    """
    from keras import ops

    if not layer.weights:
        raise ValueError(f"layer {layer.name!r} has no weights yet: call it once on a (batch, seq, depth) input")
    return np.asarray(ops.convert_to_numpy(layer.weights[0]))


# ---------------------------------------------------------------------------------------------- rotary


def rope_angles(positions, depth: int, base: float = DEFAULT_BASE) -> np.ndarray:
    """(len(positions), depth // 2) rotation angle of each dimension pair at each position.

    >>> rope_angles([0, 1], 4, base=100.0).tolist()
    [[0.0, 0.0], [1.0, 0.1]]
    """
    _check_depth(depth, "rotary embeddings")
    positions = real_array(positions, "positions")
    if positions.ndim != 1:
        raise ValueError(f"positions must be a 1-D list of positions, got shape {positions.shape}")
    _check_size(len(positions) * (depth // 2), "the angles (positions x depth / 2)")
    return positions[:, None] * frequencies(depth, base)[None, :]


def apply_rope(x, positions=None, base: float = DEFAULT_BASE, layout: str = "interleaved") -> np.ndarray:
    """Rotate each dimension pair of x (..., seq, depth) by its position's angle (rotary position embedding).

    layout ``"interleaved"`` pairs dims (2i, 2i+1) as in the RoFormer paper; ``"half"`` pairs (i, i + depth/2)
    as Llama, Hugging Face and ``keras_hub.layers.RotaryEmbedding`` do (a permutation of the same idea).
    positions default to 0..seq-1.

    >>> q = np.ones((3, 4))
    >>> bool(np.allclose(np.linalg.norm(apply_rope(q), axis=-1), np.linalg.norm(q, axis=-1)))
    True
    """
    x = real_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must be (..., seq, depth), got shape {x.shape}")
    seq, depth = x.shape[-2], x.shape[-1]
    _check_depth(depth, f"rotary embeddings of x {x.shape}")
    positions = np.arange(seq) if positions is None else real_array(positions, "positions")
    if positions.shape != (seq,):
        raise ValueError(f"positions must have one entry per sequence element ({seq},), got {positions.shape}")
    angles = rope_angles(positions, depth, base)                # (seq, depth // 2)
    cos, sin = np.cos(angles), np.sin(angles)
    if layout == "interleaved":
        first, second = x[..., 0::2], x[..., 1::2]
    elif layout == "half":
        first, second = x[..., : depth // 2], x[..., depth // 2:]
    else:
        raise ValueError(f"layout must be 'interleaved' or 'half', got {layout!r}")
    rotated_first = first * cos - second * sin                  # 2-D rotation of (first, second) by angle
    rotated_second = first * sin + second * cos
    out = np.empty_like(x)
    if layout == "interleaved":
        out[..., 0::2], out[..., 1::2] = rotated_first, rotated_second
    else:
        out[..., : depth // 2], out[..., depth // 2:] = rotated_first, rotated_second
    return out


# ---------------------------------------------------------------------------------------------- plots


def plot_encoding(pe, ax=None, title: str = "sinusoidal position encoding"):
    """Heatmap of a (positions, depth) encoding: positions down, dimensions across.

    >>> plot_encoding(sinusoidal_encoding(50, 512))   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    pe = real_array(pe, "pe")
    if pe.ndim != 2 or not pe.size:
        raise ValueError(f"plot_encoding takes pe as a (positions, depth) matrix, got shape {pe.shape}")
    ax = ax or plt.subplots(figsize=(9, 3.5))[1]
    image = ax.imshow(pe, aspect="auto", cmap="RdBu", vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xlabel("dimension")
    ax.set_ylabel("position")
    ax.set_title(title)
    ax.figure.colorbar(image, ax=ax)
    return ax


def similarity_by_distance(pe, reference: int = 0) -> np.ndarray:
    """Dot product of every position's vector with the vector at ``reference``.

    >>> similarity_by_distance(sinusoidal_encoding(10, 16)).shape
    (10,)
    """
    pe = real_array(pe, "pe")
    if pe.ndim != 2 or not pe.size:
        raise ValueError(f"pe must be a (positions, depth) matrix, got shape {pe.shape}")
    if isinstance(reference, bool) or not isinstance(reference, (int, np.integer)) \
            or not -len(pe) <= reference < len(pe):
        raise ValueError(f"reference must be a position in 0..{len(pe) - 1}, got {reference!r:.40}")
    return pe @ pe[reference]


def plot_similarity(pe, references=(0,), ax=None, label: str = ""):
    """Line plot of :func:`similarity_by_distance` for one or more reference positions.

    >>> plot_similarity(sinusoidal_encoding(100, 64), references=(0, 50))   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    if isinstance(references, (str, bytes)) or not isinstance(references, (list, tuple, range, np.ndarray)):
        raise TypeError(f"references must be a list of positions, e.g. (0, 50), got {references!r:.40}")
    pe = real_array(pe, "pe")
    bad = [r for r in references if isinstance(r, bool) or not isinstance(r, (int, np.integer))
           or not (pe.ndim == 2 and -len(pe) <= r < len(pe))]
    if bad:
        raise ValueError(f"references must be positions of pe (shape {pe.shape}), got {bad[0]!r:.40}")
    ax = ax or plt.subplots(figsize=(7, 3))[1]
    for ref in references:
        ax.plot(similarity_by_distance(pe, ref), label=f"{label}reference position {ref}")
    ax.set_xlabel("position")
    ax.set_ylabel("dot product with reference")
    ax.legend()
    return ax


def rope_scores_by_offset(depth: int = 64, max_offset: int = 64, base: float = DEFAULT_BASE,
                          seed: int = 0) -> np.ndarray:
    """Score ``rope(q, m) · rope(k, n)`` of one random (q, k) pair as a function of the offset n - m.

    Because the score depends only on the offset, starting at m = 0 or m = 100 gives the same curve.

    >>> s = rope_scores_by_offset(16, 8)
    >>> s.shape
    (9,)
    """
    _check_depth(depth, "rope_scores_by_offset")
    max_offset = int_in_range(max_offset, "max_offset", 0, 2**53)
    _check_size((max_offset + 1) * depth, f"the rotated keys (max_offset + 1 = {max_offset + 1} x depth = {depth})")
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise TypeError(f"seed must be a non-negative int, got {seed!r:.40}") from None
    q, k = rng.normal(size=depth), rng.normal(size=depth)
    offsets = np.arange(max_offset + 1)
    q_rot = apply_rope(q[None, :], positions=[0], base=base)[0]
    k_rot = apply_rope(np.repeat(k[None, :], len(offsets), axis=0), positions=offsets, base=base)
    return k_rot @ q_rot


def plot_rope(depth: int = 8, positions: int = 12, base: float = DEFAULT_BASE, ax=None):
    """Each dimension pair of a RoPE-rotated vector as a point on its circle, one marker per position.

    Fast pairs (low i) go round quickly, slow pairs barely move: the same clock picture as the sinusoids.

    >>> plot_rope()                                   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    _check_depth(depth, "plot_rope")
    positions = int_in_range(positions, "positions", 1, 2**53)
    _check_size(positions * depth, f"the rotated vectors (positions={positions} x depth={depth})")
    radii = 1.0 + np.arange(depth // 2)              # pair i starts at (1 + i, 0): one circle per pair
    x = np.zeros((positions, depth))
    x[:, 0::2] = radii
    rotated = apply_rope(x, base=base)
    ax = ax or plt.subplots(figsize=(4.5, 4.5))[1]
    for i in range(depth // 2):
        ax.plot(rotated[:, 2 * i], rotated[:, 2 * i + 1], "o-", ms=3, label=f"pair {i}")
    ax.set_aspect("equal")
    ax.set_title(f"RoPE: pair rotations over {positions} positions")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1, 1))
    return ax
