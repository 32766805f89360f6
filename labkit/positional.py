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

import numpy as np

DEFAULT_BASE = 10_000.0


def _check_depth(depth, what: str) -> None:
    if not isinstance(depth, (int, np.integer)) or depth < 2 or depth % 2:
        raise ValueError(f"{what} needs an even depth >= 2 (dimensions come in sin/cos pairs), got depth={depth!r}")


def frequencies(depth: int, base: float = DEFAULT_BASE) -> np.ndarray:
    """(depth // 2,) angular frequencies ``base ** (-2i / depth)``: from 1 radian per position down to ~1/base.

    >>> frequencies(4, base=100.0).tolist()
    [1.0, 0.1]
    """
    _check_depth(depth, "frequencies")
    return base ** (-np.arange(0, depth, 2) / depth)


def sinusoidal_encoding(num_positions: int, depth: int, base: float = DEFAULT_BASE, start: int = 0) -> np.ndarray:
    """(num_positions, depth) sinusoidal encoding: ``pe[p, 2i] = sin(p f_i)``, ``pe[p, 2i+1] = cos(p f_i)``.

    Same values as ``keras_hub.layers.SinePositionEncoding(max_wavelength=base)``.

    >>> sinusoidal_encoding(2, 4)[1].round(3).tolist()
    [0.841, 0.54, 0.01, 1.0]
    """
    _check_depth(depth, "the sinusoidal encoding")
    if not isinstance(num_positions, (int, np.integer)) or num_positions < 1:
        raise ValueError(f"num_positions must be a positive int, got {num_positions!r}")
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
    return np.asarray(positions, dtype=float)[:, None] * frequencies(depth, base)[None, :]


def apply_rope(x, positions=None, base: float = DEFAULT_BASE, layout: str = "interleaved") -> np.ndarray:
    """Rotate each dimension pair of x (..., seq, depth) by its position's angle (rotary position embedding).

    layout ``"interleaved"`` pairs dims (2i, 2i+1) as in the RoFormer paper; ``"half"`` pairs (i, i + depth/2)
    as Llama, Hugging Face and ``keras_hub.layers.RotaryEmbedding`` do (a permutation of the same idea).
    positions default to 0..seq-1.

    >>> q = np.ones((3, 4))
    >>> bool(np.allclose(np.linalg.norm(apply_rope(q), axis=-1), np.linalg.norm(q, axis=-1)))
    True
    """
    x = np.asarray(x, dtype=float)
    if x.ndim < 2:
        raise ValueError(f"x must be (..., seq, depth), got shape {x.shape}")
    seq, depth = x.shape[-2], x.shape[-1]
    _check_depth(depth, "rotary embeddings")
    positions = np.arange(seq) if positions is None else np.asarray(positions)
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

    pe = np.asarray(pe)
    if pe.ndim != 2:
        raise ValueError(f"plot_encoding takes a (positions, depth) matrix, got shape {pe.shape}")
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
    pe = np.asarray(pe)
    return pe @ pe[reference]


def plot_similarity(pe, references=(0,), ax=None, label: str = ""):
    """Line plot of :func:`similarity_by_distance` for one or more reference positions.

    >>> plot_similarity(sinusoidal_encoding(100, 64), references=(0, 50))   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

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
    rng = np.random.default_rng(seed)
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
