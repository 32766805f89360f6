"""Scaled dot-product and multi-head attention, written to be read (lab 03-2 walks through this file).

Shapes follow one convention everywhere::

    q: (batch, heads, query_len, depth)      k: (batch, heads, key_len, depth)      v: (batch, heads, key_len, depth_v)
    mask: boolean, broadcastable to (batch, heads, query_len, key_len); True = "this query may look at this key"
    output: (batch, heads, query_len, depth_v)    weights: (batch, heads, query_len, key_len)

Any number of leading dimensions works (``(query_len, depth)`` alone too). The mask convention is the one of
PyTorch's boolean ``attn_mask`` and Keras' ``attention_mask``: True (or 1) keeps a key, False hides it.

A query whose every key is hidden has nothing to average: its weights and its output are all **zeros** (not NaN,
not a uniform average over hidden keys). Libraries disagree on that row, so comparisons skip it.

    >>> import numpy as np
    >>> q = k = v = np.eye(2)[None]                      # (1, 2, 2): two tokens, depth 2
    >>> out, w = scaled_dot_product_attention(q, k, v, mask=causal_mask(2))
    >>> w[0, 0].tolist()                                 # token 0 may only look at itself
    [1.0, 0.0]

NumPy is the reference. :func:`keras_attention` is the same computation in ``keras.ops`` (any backend);
:func:`torch_attention` calls PyTorch's fused ``scaled_dot_product_attention`` and
:func:`torch_attention_explicit` spells it out in PyTorch. Frameworks are imported inside the functions.
"""
from __future__ import annotations

import math

import numpy as np

from labkit.checks import as_array, int_in_range, real_array

# ---------------------------------------------------------------------------------------------- checks

#: The most values one array built here may hold (2 GB of float64): beyond it a NumPy teaching function refuses
#: rather than exhausting memory.
MAX_VALUES = 2**28


def _shape(x, name: str = "x") -> tuple[int, ...]:
    """The shape of an array, tensor or nested list, or a ValueError naming ``name`` (ragged lists)."""
    if hasattr(x, "shape") and not isinstance(x, np.ndarray) and not callable(x.shape):
        return tuple(int(d) for d in x.shape)
    try:
        return tuple(int(d) for d in np.shape(x))
    except ValueError:
        raise ValueError(f"{name} is ragged (rows of different lengths); it must be a rectangular array") from None


def _bool_mask(mask, shape: tuple[int, ...], what: str) -> np.ndarray:
    """``mask`` as a bool array that broadcasts to ``shape`` without widening it."""
    mask = as_array(mask, "mask")
    if mask.dtype != bool:
        if not (np.issubdtype(mask.dtype, np.number) and np.isin(mask, (0, 1)).all()):
            raise TypeError(f"mask must be boolean (True = may attend) or hold only 0 and 1; got dtype "
                            f"{mask.dtype}. For an additive float mask, convert it: mask = additive == 0")
        mask = mask.astype(bool)
    try:
        full = np.broadcast_shapes(mask.shape, shape)
    except ValueError:
        full = None
    if full != shape:
        raise ValueError(f"mask of shape {mask.shape} cannot broadcast to {what} {shape}")
    return mask


def _check_size(shape: tuple[int, ...], what: str) -> None:
    if math.prod(shape) > MAX_VALUES:
        raise ValueError(f"{what} would hold {math.prod(shape):,} values, more than labkit's NumPy limit of "
                         f"{MAX_VALUES:,}; use a smaller size")


def check_qkv(q, k, v) -> None:
    """Raise ValueError unless q, k, v fit together: same depth for q and k, same length for k and v.

    >>> check_qkv(np.zeros((2, 5, 8)), np.zeros((2, 7, 8)), np.zeros((2, 7, 3)))   # fine: returns None
    """
    q_shape, k_shape, v_shape = _shape(q, "q"), _shape(k, "k"), _shape(v, "v")
    if min(len(q_shape), len(k_shape), len(v_shape)) < 2:
        raise ValueError(f"q, k and v need at least 2 dimensions (sequence, depth); got q {q_shape}, "
                         f"k {k_shape}, v {v_shape}")
    if q_shape[-1] == 0 or k_shape[-2] == 0:
        raise ValueError(f"q and k need a depth of at least 1 and k at least one key; got q {q_shape}, k {k_shape}")
    if q_shape[-1] != k_shape[-1]:
        raise ValueError(f"q and k must have the same depth (last dimension) to be compared by dot product; "
                         f"got q {q_shape} and k {k_shape}")
    if k_shape[-2] != v_shape[-2]:
        raise ValueError(f"k and v must have the same length (one value per key); got k {k_shape} and v {v_shape}")
    try:
        np.broadcast_shapes(q_shape[:-2], k_shape[:-2], v_shape[:-2])
    except ValueError:
        raise ValueError(f"the leading (batch, heads) dimensions of q {q_shape}, k {k_shape} and v {v_shape} "
                         "do not broadcast") from None


def check_mask(mask, q_shape, k_shape) -> np.ndarray:
    """The mask as a NumPy bool array, after checking it broadcasts to (..., query_len, key_len).

    Accepts bool arrays, or integer / float arrays holding only 0 and 1.

    >>> check_mask([[1, 0], [1, 1]], (2, 4), (2, 4)).dtype
    dtype('bool')
    """
    for name, shape in (("q_shape", q_shape), ("k_shape", k_shape)):
        if not isinstance(shape, (tuple, list)) or len(shape) < 2 \
                or not all(isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape):
            raise TypeError(f"{name} must be a shape: a tuple of at least 2 non-negative ints, got {shape!r:.60}")
    try:
        batch = tuple(np.broadcast_shapes(tuple(q_shape[:-2]), tuple(k_shape[:-2])))
    except ValueError:
        raise ValueError(f"the leading dimensions of q_shape {tuple(q_shape)} and k_shape {tuple(k_shape)} "
                         "do not broadcast") from None
    scores_shape = batch + (int(q_shape[-2]), int(k_shape[-2]))
    return _bool_mask(mask, scores_shape, f"the attention scores' shape (..., query_len, key_len) of q_shape "
                                          f"{tuple(q_shape)} and k_shape {tuple(k_shape)}:")


# ---------------------------------------------------------------------------------------------- masks


def causal_mask(query_len: int, key_len: int | None = None) -> np.ndarray:
    """(query_len, key_len) bool: query i sees keys 0..i (the future is hidden). Aligned at the end when the
    query is shorter than the keys (the last query sees every key), as when decoding with a cache.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    query_len = int_in_range(query_len, "query_len")
    key_len = query_len if key_len is None else int_in_range(key_len, "key_len")
    _check_size((query_len, key_len), "the causal mask (query_len x key_len)")
    offset = key_len - query_len
    return np.tril(np.ones((query_len, key_len), dtype=bool), k=offset)


def padding_mask(token_ids, pad_id: int = 0) -> np.ndarray:
    """(batch, 1, 1, key_len) bool from (batch, key_len) token ids: False where the key is padding.

    The two singleton axes broadcast over heads and queries: padding hides keys, never queries.

    >>> padding_mask([[5, 7, 0]]).astype(int).tolist()
    [[[[1, 1, 0]]]]
    """
    ids = as_array(token_ids, "token_ids")
    if ids.ndim != 2:
        raise ValueError(f"token_ids must be (batch, key_len), got shape {ids.shape}")
    if not np.issubdtype(ids.dtype, np.integer) or isinstance(pad_id, bool) \
            or not isinstance(pad_id, (int, np.integer)):
        raise TypeError(f"token_ids and pad_id must be integer token ids, got token_ids of dtype {ids.dtype} "
                        f"and pad_id={pad_id!r}")
    return (ids != pad_id)[:, None, None, :]


def lengths_mask(lengths, key_len: int) -> np.ndarray:
    """(batch, 1, 1, key_len) bool from each sequence's true length: key j is visible when j < length.

    >>> lengths_mask([2, 3], 3).astype(int)[:, 0, 0].tolist()
    [[1, 1, 0], [1, 1, 1]]
    """
    key_len = int_in_range(key_len, "key_len")
    lengths = as_array(lengths, "lengths")
    if lengths.ndim != 1 or not np.issubdtype(lengths.dtype, np.integer) or (lengths < 0).any() \
            or (lengths > key_len).any():
        raise ValueError(f"lengths must be a 1-D list of ints in [0, key_len={key_len}], got {lengths.tolist()!r:.80}")
    _check_size((len(lengths), key_len), "the lengths mask (batch x key_len)")
    return (np.arange(key_len)[None, :] < lengths[:, None])[:, None, None, :]


# ---------------------------------------------------------------------------------------------- NumPy


def masked_softmax(scores: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Softmax over the last axis, ignoring hidden entries; a row with nothing visible becomes all zeros.

    >>> masked_softmax(np.array([[0.0, 0.0], [1.0, 2.0]]), np.array([[False, False], [True, False]])).tolist()
    [[0.0, 0.0], [1.0, 0.0]]
    """
    scores = real_array(scores, "scores", minus_inf=True)
    if scores.ndim < 1 or scores.shape[-1] == 0:
        raise ValueError(f"scores must have at least one entry per row (last axis), got shape {scores.shape}")
    if mask is not None:
        scores = np.where(_bool_mask(mask, scores.shape, "the scores' shape"), scores, -np.inf)
    row_max = scores.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)     # all hidden: avoid (-inf) - (-inf) = NaN
    exps = np.exp(scores - row_max)                             # hidden entries: exp(-inf) = 0
    totals = exps.sum(axis=-1, keepdims=True)
    return exps / np.where(totals == 0, 1.0, totals)


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q kᵀ / sqrt(depth)) v in NumPy. Returns ``(output, weights)``.

    q (..., query_len, depth), k (..., key_len, depth), v (..., key_len, depth_v); mask bool broadcastable to
    (..., query_len, key_len), True = visible. Rows with no visible key give zero weights and zero output.

    >>> out, w = scaled_dot_product_attention(np.ones((1, 3, 4)), np.ones((1, 5, 4)), np.ones((1, 5, 2)))
    >>> out.shape, w.shape, float(w.sum(-1).max())
    ((1, 3, 2), (1, 3, 5), 1.0)
    """
    q, k, v = real_array(q, "q"), real_array(k, "k"), real_array(v, "v")     # finite numbers, else a clear error
    check_qkv(q, k, v)
    if mask is not None:
        mask = check_mask(mask, q.shape, k.shape)
    depth = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(depth)      # (..., query_len, key_len)
    weights = masked_softmax(scores, mask)
    return weights @ v, weights


def split_heads(x: np.ndarray, num_heads: int) -> np.ndarray:
    """(batch, seq, heads * depth) -> (batch, heads, seq, depth): each head gets its own slice of features.

    >>> split_heads(np.zeros((2, 5, 12)), 3).shape
    (2, 3, 5, 4)
    """
    x, num_heads = as_array(x, "x"), int_in_range(num_heads, "num_heads")
    if x.ndim != 3:
        raise ValueError(f"x must be (batch, seq, heads * depth), got shape {x.shape}")
    batch, seq, width = x.shape
    if width % num_heads:
        raise ValueError(f"the feature size {width} of x {x.shape} does not split into {num_heads} heads "
                         f"(num_heads={num_heads})")
    return x.reshape(batch, seq, num_heads, width // num_heads).transpose(0, 2, 1, 3)


def merge_heads(x: np.ndarray) -> np.ndarray:
    """(batch, heads, seq, depth) -> (batch, seq, heads * depth): the inverse of :func:`split_heads`.

    >>> merge_heads(np.zeros((2, 3, 5, 4))).shape
    (2, 5, 12)
    """
    x = as_array(x, "x")
    if x.ndim != 4:
        raise ValueError(f"x must be (batch, heads, seq, depth), got shape {x.shape}")
    batch, heads, seq, depth = x.shape
    return x.transpose(0, 2, 1, 3).reshape(batch, seq, heads * depth)


def init_mha_params(model_dim: int, num_heads: int, head_dim: int | None = None, seed: int = 0) -> dict:
    """Random projection weights for :func:`multi_head_attention` (Glorot-uniform kernels, small biases).

    Keys: ``wq, wk, wv`` (model_dim, heads * head_dim), ``bq, bk, bv`` (heads * head_dim,),
    ``wo`` (heads * head_dim, model_dim), ``bo`` (model_dim,). head_dim defaults to model_dim // num_heads.

    >>> init_mha_params(8, 2)["wq"].shape
    (8, 8)
    """
    model_dim, num_heads = int_in_range(model_dim, "model_dim"), int_in_range(num_heads, "num_heads")
    head_dim = model_dim // num_heads if head_dim is None else int_in_range(head_dim, "head_dim")
    if head_dim < 1:
        raise ValueError(f"model_dim={model_dim} with num_heads={num_heads} leaves no features per head")
    inner = num_heads * head_dim
    _check_size((model_dim, inner), "a projection (model_dim x num_heads * head_dim)")
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise TypeError(f"seed must be a non-negative int (or None), got {seed!r:.40}") from None

    def glorot(fan_in, fan_out):
        limit = math.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))

    params = {name: glorot(model_dim, inner) for name in ("wq", "wk", "wv")}
    params.update({name: rng.normal(0, 0.1, size=inner) for name in ("bq", "bk", "bv")})
    params["wo"], params["bo"] = glorot(inner, model_dim), rng.normal(0, 0.1, size=model_dim)
    params["num_heads"] = num_heads
    return params


def multi_head_attention(query, key, value, params: dict, mask=None):
    """Multi-head attention in NumPy: project, split into heads, attend per head, merge, project back.

    query (batch, query_len, model_dim); key and value (batch, key_len, model_dim); params from
    :func:`init_mha_params`; mask broadcastable to (batch, heads, query_len, key_len).
    Returns ``(output (batch, query_len, model_dim), weights (batch, heads, query_len, key_len))``.

    >>> p = init_mha_params(8, 2)
    >>> out, w = multi_head_attention(np.ones((1, 3, 8)), np.ones((1, 4, 8)), np.ones((1, 4, 8)), p)
    >>> out.shape, w.shape
    ((1, 3, 8), (1, 2, 3, 4))
    """
    _check_params(params)
    query, key, value = real_array(query, "query"), real_array(key, "key"), real_array(value, "value")
    for name, x in (("query", query), ("key", key), ("value", value)):
        if x.ndim != 3 or x.shape[-1] != params["wq"].shape[0]:
            raise ValueError(f"{name} must be (batch, seq, {params['wq'].shape[0]}) to match the projections, "
                             f"got {x.shape}")
    heads = params["num_heads"]
    q = split_heads(query @ params["wq"] + params["bq"], heads)
    k = split_heads(key @ params["wk"] + params["bk"], heads)
    v = split_heads(value @ params["wv"] + params["bv"], heads)
    per_head, weights = scaled_dot_product_attention(q, k, v, mask)
    return merge_heads(per_head) @ params["wo"] + params["bo"], weights


_PARAM_KEYS = ("wq", "wk", "wv", "bq", "bk", "bv", "wo", "bo")


def _check_params(params) -> None:
    """Raise unless ``params`` is a consistent :func:`init_mha_params` dict (names the bad entry)."""
    if not isinstance(params, dict) or not set(_PARAM_KEYS) | {"num_heads"} <= set(params):
        raise TypeError("params must be the dict init_mha_params returns, with keys "
                        f"{', '.join(_PARAM_KEYS)} and num_heads; got {type(params).__name__}"
                        + (f" with keys {sorted(map(str, params))}" if isinstance(params, dict) else ""))
    heads = int_in_range(params["num_heads"], "params['num_heads']")
    arrays = {key: real_array(params[key], f"params[{key!r}]") for key in _PARAM_KEYS}
    model_dim, inner = arrays["wq"].shape if arrays["wq"].ndim == 2 else (0, 0)
    expected = {"wq": (model_dim, inner), "wk": (model_dim, inner), "wv": (model_dim, inner), "bq": (inner,),
                "bk": (inner,), "bv": (inner,), "wo": (inner, model_dim), "bo": (model_dim,)}
    for key, shape in expected.items():
        if arrays[key].shape != shape or not model_dim or inner % heads:
            raise ValueError(f"params[{key!r}] has shape {arrays[key].shape}; with params['wq'] of shape "
                             f"{arrays['wq'].shape} and {heads} heads the projections must be wq, wk, wv (model_dim, "
                             "heads * head_dim), biases (heads * head_dim,), wo (heads * head_dim, model_dim), "
                             "bo (model_dim,): build them with init_mha_params")


def set_keras_mha_weights(layer, params: dict) -> None:
    """Copy :func:`init_mha_params` weights into a built ``keras.layers.MultiHeadAttention``.

    Keras keeps the heads as a separate kernel axis: query kernel (model_dim, heads, head_dim), output kernel
    (heads, head_dim, model_dim). Build the layer first by calling it once.

    >>> layer = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4); layer(x, x)   # doctest: +SKIP
    >>> set_keras_mha_weights(layer, init_mha_params(8, 2))                            # doctest: +SKIP
    """
    heads = params["num_heads"]
    model_dim, inner = params["wq"].shape
    head_dim = inner // heads
    for dense, w, b in ((layer._query_dense, "wq", "bq"), (layer._key_dense, "wk", "bk"),
                        (layer._value_dense, "wv", "bv")):
        dense.set_weights([params[w].reshape(model_dim, heads, head_dim), params[b].reshape(heads, head_dim)])
    layer._output_dense.set_weights([params["wo"].reshape(heads, head_dim, model_dim), params["bo"]])


# ---------------------------------------------------------------------------------------------- Keras


def keras_attention(q, k, v, mask=None):
    """The NumPy computation in ``keras.ops`` (runs on TensorFlow, JAX or PyTorch). Returns (output, weights).

    >>> out, w = keras_attention(np.ones((1, 3, 4)), np.ones((1, 5, 4)), np.ones((1, 5, 2)))   # doctest: +SKIP
    """
    from keras import ops

    check_qkv(q, k, v)
    if mask is not None:
        mask = check_mask(mask, _shape(q), _shape(k))
    q, k, v = ops.convert_to_tensor(q), ops.convert_to_tensor(k), ops.convert_to_tensor(v)
    scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / math.sqrt(_shape(q)[-1])
    if mask is not None:
        visible = ops.convert_to_tensor(mask)
        scores = ops.where(visible, scores, ops.cast(-1e30, scores.dtype))   # -inf would give NaN rows
        weights = ops.softmax(scores, axis=-1)
        weights = ops.where(visible, weights, ops.zeros_like(weights))       # rows with nothing visible -> 0
    else:
        weights = ops.softmax(scores, axis=-1)
    return ops.matmul(weights, v), weights


# ---------------------------------------------------------------------------------------------- PyTorch


def _to_torch(x, like=None):
    import torch

    if isinstance(x, torch.Tensor):
        return x
    tensor = torch.from_numpy(np.ascontiguousarray(x))
    return tensor.to(like.dtype) if like is not None and tensor.is_floating_point() else tensor


def torch_attention_explicit(q, k, v, mask=None):
    """The NumPy computation written out in PyTorch. Returns (output, weights) as tensors.

    >>> out, w = torch_attention_explicit(np.ones((1, 3, 4)), np.ones((1, 5, 4)), np.ones((1, 5, 2)))  # doctest: +SKIP
    """
    import torch

    check_qkv(q, k, v)
    if mask is not None:
        mask = check_mask(mask.cpu().numpy() if hasattr(mask, "cpu") else mask, _shape(q), _shape(k))
    q = _to_torch(q)
    k, v = _to_torch(k, q), _to_torch(v, q)
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if mask is not None:
        visible = torch.from_numpy(mask).to(q.device)
        scores = scores.masked_fill(~visible, float("-inf"))
        weights = torch.softmax(scores, dim=-1).nan_to_num(0.0)   # softmax of an all -inf row is NaN -> 0
    else:
        weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def torch_attention(q, k, v, mask=None):
    """PyTorch's fused ``torch.nn.functional.scaled_dot_product_attention`` behind labkit's conventions.

    On a GPU the backend (flash, cuDNN, memory-efficient, math) is the fastest one measured for the shape
    (:func:`labkit.perf.sdpa`); with a mask, or on a CPU, PyTorch chooses (on a CPU: its fused kernel where the
    inputs allow, else the math one).

    Same inputs as :func:`scaled_dot_product_attention` (NumPy arrays or tensors); returns the output tensor
    only: the fused kernels never materialise the weights. Rows with no visible key are set to zero whatever
    the backend does with them.

    >>> torch_attention(np.ones((1, 3, 4)), np.ones((1, 5, 4)), np.ones((1, 5, 2))).shape   # doctest: +SKIP
    torch.Size([1, 3, 2])
    """
    import torch

    from labkit.perf import sdpa  # the fastest SDPA backend for this shape on a GPU (timed once, cached)

    check_qkv(q, k, v)
    q = _to_torch(q)
    k, v = _to_torch(k, q), _to_torch(v, q)
    if mask is None:
        return sdpa(q, k, v)
    visible = check_mask(mask.cpu().numpy() if hasattr(mask, "cpu") else mask, _shape(q), _shape(k))
    # PyTorch's boolean attn_mask uses labkit's convention (True = may attend); it must broadcast to the
    # scores' shape, so give it the scores' number of dimensions.
    visible = torch.from_numpy(np.ascontiguousarray(visible)).to(q.device)
    while visible.dim() < q.dim():
        visible = visible.unsqueeze(0)
    out = sdpa(q, k, v, attn_mask=visible)
    has_visible_key = visible.any(dim=-1, keepdim=True)
    return torch.where(has_visible_key, out, torch.zeros((), dtype=out.dtype, device=out.device))


# ---------------------------------------------------------------------------------------------- plots


def plot_attention(weights, query_tokens=None, key_tokens=None, ax=None, title: str | None = None):
    """Heatmap of one (query_len, key_len) weight matrix; rows are queries, columns the keys they look at.

    >>> plot_attention(np.eye(3), ["a", "b", "c"], ["a", "b", "c"])     # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    weights = real_array(weights, "weights")
    if weights.ndim != 2 or not weights.size:
        raise ValueError(f"plot_attention takes one (query_len, key_len) matrix, got shape {weights.shape}; "
                         "pick a batch item and a head first, e.g. weights[0, 0]")
    for name, tokens, count in (("query_tokens", query_tokens, weights.shape[0]),
                                ("key_tokens", key_tokens, weights.shape[1])):
        if tokens is not None and (isinstance(tokens, str) or not hasattr(tokens, "__len__")
                                   or len(tokens) != count or not all(isinstance(t, str) for t in tokens)):
            raise ValueError(f"{name} must be a list of {count} token strings (one per row / column of weights), "
                             f"got {tokens!r:.60}")
    ax = ax or plt.subplots(figsize=(0.45 * weights.shape[1] + 2, 0.45 * weights.shape[0] + 1.5))[1]
    image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=max(float(weights.max()), 1e-9))
    if key_tokens is not None:
        ax.set_xticks(range(len(key_tokens)), key_tokens, rotation=60, ha="right")
    if query_tokens is not None:
        ax.set_yticks(range(len(query_tokens)), query_tokens)
    ax.set_xlabel("key (looked at)")
    ax.set_ylabel("query (looking)")
    if title:
        ax.set_title(title)
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    return ax
