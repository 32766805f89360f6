"""Attention with a learned additive bias *and its gradient* in cuDNN's fused kernel (T5's relative position bias).

T5 and mT5 add a learned bias to every encoder attention score. In PyTorch's SDPA only the math path and the
memory-efficient kernel (an sm80 design) give that bias a gradient; SDPA's cuDNN backend takes a bias in the
forward only. The cuDNN library itself computes the bias gradient (its ``sdpa_backward`` graph has a ``dBias``
output), and NVIDIA's ``nvidia-cudnn-frontend`` package builds such graphs from Python. This module wraps the
forward and backward graphs as one PyTorch custom operator with autograd, so ``torch.compile`` keeps it whole.

- :func:`available` says whether the optional package imports (``pip install nvidia-cudnn-frontend``);
- :func:`biased_attention` is the operator: ``softmax(scale * q k^T + bias) v`` with dropout, an optional
  right-padding key mask, an optional causal mask, and the gradients of ``q``, ``k``, ``v`` and ``bias``; with
  ``bias=None`` it is plain attention in the same kernel (T5's cross-attention, whose bias is all zeros);
- :func:`supported` is the static part of "can cuDNN run this call" (device, dtype, shapes), so a caller can fall
  back to SDPA without a graph break.

Measured on an H200 at mT5-small's encoder shape (batch 128, 6 heads, 1,024 tokens, depth 64, bf16, dropout 0.1):
forward + backward 5.8 ms, against 11.5 ms for SDPA's compiled math path and 12.5 ms for its memory-efficient
kernel; in mT5-small's full training step 753 against 679 samples/s at batch 128 with 30 GiB less memory, and
874-899 at batch 512 with the chunked loss and T5's three attentions here, 940-952 once the loss ran in
:mod:`labkit.lm_loss_kernel` (docs/benchmarks.md, "Fifth session" to "Seventh session"). Dropout uses cuDNN's own
random numbers (seeded from PyTorch's CUDA generator, so ``torch.manual_seed`` makes runs repeatable); the masks
differ from SDPA's, not their distribution.

    >>> from labkit import biased_attention
    >>> biased_attention.supported(q_shape=(2, 6, 128, 64), bias_shape=(1, 6, 128, 128), dtype="torch.bfloat16",
    ...                            device_type="cpu")
    False
"""
import threading
from typing import Any

#: What :func:`supported` accepts; the cuDNN library may still decline a graph (then a clear error names the call).
DTYPES = ("torch.bfloat16", "torch.float16")
MAX_HEAD_DIM = 128

_lock = threading.Lock()
_graphs: dict[tuple, Any] = {}                   # built graphs by shape, strides, dtype, options (oldest first)
MAX_GRAPHS = 64                                  # each padded batch length is a new shape: keep the newest only
_handles = threading.local()


_available: bool | None = None                   # a plain global, not functools.cache: torch.compile reads it
_OP = None                                       # the custom operator, registered by ensure_registered()


def available() -> bool:
    """Whether the optional ``nvidia-cudnn-frontend`` package imports (it also needs a CUDA build of PyTorch)."""
    global _available
    if _available is None:
        try:
            import cudnn  # noqa: F401
            _available = True
        except Exception:                        # noqa: BLE001  (not installed, or its CUDA libraries are missing)
            _available = False
    return _available


def supported(*, q_shape, bias_shape, dtype, device_type: str, k_shape=None) -> bool:
    """Whether :func:`biased_attention` can take this call, judged from shapes, dtype and device only.

    ``q_shape`` is ``(batch, heads, queries, depth)``; ``bias_shape`` ``(1 or batch, heads, queries, keys)``, or
    None for no bias.
    Shapes and dtype are what ``torch.compile`` knows while tracing, so a caller can decide here and fall back to
    SDPA without a graph break.
    """
    if device_type != "cuda" or str(dtype) not in DTYPES or len(q_shape) != 4 or not available():
        return False
    b, h, sq, d = q_shape
    sk = (k_shape or q_shape)[2]
    bias_ok = bias_shape is None or (len(bias_shape) == 4 and bias_shape[0] in (1, b)
                                     and tuple(bias_shape[1:]) == (h, sq, sk))
    return bias_ok and d % 8 == 0 and d <= MAX_HEAD_DIM


def _handle(device):
    import cudnn
    import torch

    handles = getattr(_handles, "by_device", None)
    if handles is None:
        handles = _handles.by_device = {}
    if device not in handles:
        with torch.cuda.device(device):
            handles[device] = cudnn.create_handle()
    cudnn.set_stream(handle=handles[device], stream=torch.cuda.current_stream(device).cuda_stream)
    return handles[device]


def _graph(key, build):
    with _lock:
        if key not in _graphs:
            _graphs[key] = build()
            while len(_graphs) > MAX_GRAPHS:
                _graphs.pop(next(iter(_graphs)))
        return _graphs[key]


def _describe(q, k, bias, padded, dropout_p, causal=False):
    return (f"q {tuple(q.shape)} {q.dtype}, k {tuple(k.shape)}, "
            f"bias {tuple(bias.shape) if bias is not None else None}, "
            f"{'key padding, ' if padded else ''}{'causal, ' if causal else ''}dropout {dropout_p}")


def _build(which, q, k, v, bias, padded, dropout_p, scale, handle, causal=False):
    """One cuDNN graph (``which``: "forward" or "backward"); returns ``(graph, tensors by name, workspace size)``."""
    import cudnn
    import torch

    io = {torch.bfloat16: cudnn.data_type.BFLOAT16, torch.float16: cudnn.data_type.HALF}[q.dtype]
    f32, i32, i64 = cudnn.data_type.FLOAT, cudnn.data_type.INT32, cudnn.data_type.INT64
    g = cudnn.pygraph(handle=handle, io_data_type=io, intermediate_data_type=f32, compute_data_type=f32)
    t = {}

    def new(name, like, data_type=io, shape=None, stride=None):
        t[name] = g.tensor(name=name, dim=list(shape or like.shape), stride=list(stride or like.stride()),
                           data_type=data_type)
        return t[name]

    b, h, sq, d = q.shape
    o_stride = (sq * h * d, d, h * d, 1)                 # (batch, queries, heads, depth) in memory
    one = [1, 1, 1, 1]
    kw: dict[str, Any] = dict(attn_scale=scale)
    if bias is not None:
        kw["bias"] = new("bias", bias)
    if causal:
        kw["use_causal_mask"] = True                    # top-left aligned, as SDPA's is_causal
    if padded:
        kw.update(use_padding_mask=True, seq_len_q=new("seq_len_q", None, i32, [b, 1, 1, 1], one),
                  seq_len_kv=new("seq_len_kv", None, i32, [b, 1, 1, 1], one))
    if dropout_p > 0:
        kw["dropout"] = (dropout_p, new("seed", None, i64, one, one), new("offset", None, i64, one, one))
    inputs = [new("q", q), new("k", k), new("v", v)]
    if which == "forward":
        o, stats = g.sdpa(name="forward", q=inputs[0], k=inputs[1], v=inputs[2], generate_stats=True, **kw)
        outputs = {"o": (o, q.shape, o_stride, io), "stats": (stats, (b, h, sq, 1), (h * sq, sq, 1, 1), f32)}
    else:
        o = new("o", None, io, q.shape, o_stride)
        do = new("do", None, io, q.shape, o_stride)
        stats = new("stats", None, f32, (b, h, sq, 1), (h * sq, sq, 1, 1))
        if bias is not None:
            kw["dBias"] = new("dbias", bias)
        dq, dk, dv = g.sdpa_backward(name="backward", q=inputs[0], k=inputs[1], v=inputs[2], o=o, dO=do,
                                     stats=stats, **kw)
        outputs = {"dq": (dq, q.shape, q.stride(), io), "dk": (dk, k.shape, k.stride(), io),
                   "dv": (dv, v.shape, v.stride(), io)}
    for name, (tensor, shape, stride, data_type) in outputs.items():
        tensor.set_output(True).set_dim(list(shape)).set_stride(list(stride)).set_data_type(data_type)
        t[name] = tensor
    g.validate()
    g.build_operation_graph()
    g.create_execution_plans([cudnn.heur_mode.A, cudnn.heur_mode.FALLBACK])
    g.check_support()
    g.build_plans()
    return g, t, g.get_workspace_size()


def _planned(which, q, k, v, bias, padded, dropout_p, scale, causal):
    handle = _handle(q.device)
    key = (which, q.device, q.dtype, tuple(q.shape), q.stride(), tuple(k.shape), k.stride(), v.stride(),
           None if bias is None else tuple(bias.shape), padded, float(dropout_p), float(scale), bool(causal))
    try:
        return handle, _graph(key, lambda: _build(which, q, k, v, bias, padded, dropout_p, scale, handle, causal))
    except Exception as error:                   # noqa: BLE001  (cudnnGraphNotSupportedError and friends)
        call = _describe(q, k, bias, padded, dropout_p, causal)
        raise RuntimeError(f"cuDNN cannot run this biased attention {which} ({call}): "
                           f"{str(error).splitlines()[0][:300]}. Use SDPA instead (for T5: "
                           f"labkit.perf.t5_fast_attention(model, biased='math')).") from None


def _key_lengths(key_padding_mask, b, sk, check: bool = True):
    """Per-row key counts of a right-padded ``(batch, 1, q or 1, keys)`` boolean mask; ValueError for any other.

    ``check=False`` reads the first query's row only and skips the check (and its host sync).
    """
    import torch

    mask = key_padding_mask
    if mask.dim() != 4 or mask.shape[0] != b or mask.shape[1] != 1 or mask.shape[-1] != sk:
        raise ValueError(f"key_padding_mask must be a boolean (batch={b}, 1, queries or 1, keys={sk}) mask, "
                         f"got shape {tuple(mask.shape)}")
    keys = mask[:, 0, 0, :]
    lengths = keys.sum(-1, dtype=torch.int32)
    if not check:
        return lengths.view(b, 1, 1, 1)
    right_padded = keys == (torch.arange(sk, device=keys.device) < lengths[:, None])
    ok = right_padded.all() & (lengths > 0).all()
    if mask.shape[2] > 1 and mask.stride(2) != 0:    # rows not broadcast from one: each must equal the first
        ok = ok & (mask == keys[:, None, None, :]).all()
    if not bool(ok):                             # one host sync per call
        raise ValueError("cuDNN's biased attention takes right-padded batches only (each row's mask: True for its "
                         "tokens, then False, at least one True, the same for every query); this mask is not. "
                         "Pad on the right (tokenizer.padding_side = 'right'), or use SDPA (for T5: "
                         "labkit.perf.t5_fast_attention(model, biased='math')).")
    return lengths.view(b, 1, 1, 1)


def _register():
    import torch
    from torch import Tensor

    @torch.library.custom_op("labkit::cudnn_biased_attention", mutates_args=(), device_types="cuda")
    def forward(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | None, key_padding_mask: Tensor | None,
                dropout_p: float, scale: float, causal: bool,
                check_padding: bool) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        b, h, sq, d = q.shape
        padded = key_padding_mask is not None
        handle, (graph, t, workspace) = _planned("forward", q, k, v, bias, padded, dropout_p, scale, causal)
        o = torch.empty(b, sq, h, d, device=q.device, dtype=q.dtype).transpose(1, 2)
        stats = torch.empty(b, h, sq, 1, device=q.device, dtype=torch.float32)
        seed = (torch.randint(0, 2**62, (1, 1, 1, 1), device=q.device, dtype=torch.int64) if dropout_p > 0
                else torch.zeros(1, 1, 1, 1, device=q.device, dtype=torch.int64))    # no dropout: no RNG drawn
        lengths = (_key_lengths(key_padding_mask, b, k.shape[2], check_padding) if padded
                   else torch.empty(0, device=q.device, dtype=torch.int32))
        binds = {t["q"]: q, t["k"]: k, t["v"]: v, t["o"]: o, t["stats"]: stats}
        _bind_extras(binds, t, q, bias, lengths, seed, padded, dropout_p)
        graph.execute(binds, torch.empty(max(workspace, 1), device=q.device, dtype=torch.uint8), handle=handle)
        return o, stats, seed, lengths

    @forward.register_fake
    def _(q, k, v, bias, key_padding_mask, dropout_p, scale, causal, check_padding):
        b, h, sq, d = q.shape
        return (q.new_empty(b, sq, h, d).transpose(1, 2), q.new_empty(b, h, sq, 1, dtype=torch.float32),
                q.new_empty(1, 1, 1, 1, dtype=torch.int64),
                q.new_empty((b, 1, 1, 1) if key_padding_mask is not None else (0,), dtype=torch.int32))

    @torch.library.custom_op("labkit::cudnn_biased_attention_backward", mutates_args=(), device_types="cuda")
    def backward(grad_out: Tensor, q: Tensor, k: Tensor, v: Tensor, o: Tensor, stats: Tensor, bias: Tensor | None,
                 seed: Tensor, lengths: Tensor, dropout_p: float, scale: float,
                 causal: bool) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        padded = lengths.numel() > 0
        handle, (graph, t, workspace) = _planned("backward", q, k, v, bias, padded, dropout_p, scale, causal)
        if grad_out.stride() != o.stride():
            grad_out = grad_out.transpose(1, 2).contiguous().transpose(1, 2)
        dq, dk, dv = (torch.empty_like(x) for x in (q, k, v))
        dbias = torch.empty_like(bias) if bias is not None else q.new_empty(0)     # no bias: an empty placeholder
        binds = {t["q"]: q, t["k"]: k, t["v"]: v, t["o"]: o, t["do"]: grad_out, t["stats"]: stats,
                 t["dq"]: dq, t["dk"]: dk, t["dv"]: dv}
        if bias is not None:
            binds[t["dbias"]] = dbias
        _bind_extras(binds, t, q, bias, lengths, seed, padded, dropout_p)
        graph.execute(binds, torch.empty(max(workspace, 1), device=q.device, dtype=torch.uint8), handle=handle)
        return dq, dk, dv, dbias

    @backward.register_fake
    def _(grad_out, q, k, v, o, stats, bias, seed, lengths, dropout_p, scale, causal):
        return (*(torch.empty_like(x) for x in (q, k, v)),
                torch.empty_like(bias) if bias is not None else q.new_empty(0))

    def setup_context(ctx, inputs, output):
        q, k, v, bias, _, dropout_p, scale, causal, _ = inputs
        o, stats, seed, lengths = output
        ctx.has_bias = bias is not None
        ctx.save_for_backward(q, k, v, o, stats, bias if bias is not None else q.new_empty(0), seed, lengths)
        ctx.dropout_p, ctx.scale, ctx.causal = dropout_p, scale, causal

    def grad(ctx, grad_o, *_):
        q, k, v, o, stats, bias, seed, lengths = ctx.saved_tensors
        dq, dk, dv, dbias = backward(grad_o, q, k, v, o, stats, bias if ctx.has_bias else None, seed, lengths,
                                     ctx.dropout_p, ctx.scale, ctx.causal)
        return dq, dk, dv, dbias if ctx.has_bias else None, None, None, None, None, None

    forward.register_autograd(grad, setup_context=setup_context)
    return forward


def _bind_extras(binds, t, q, bias, lengths, seed, padded, dropout_p):
    import torch

    if bias is not None:
        binds[t["bias"]] = bias
    if padded:
        b, _, sq, _ = q.shape
        binds[t["seq_len_q"]] = torch.full((b, 1, 1, 1), sq, device=q.device, dtype=torch.int32)
        binds[t["seq_len_kv"]] = lengths
    if dropout_p > 0:
        binds[t["seed"]] = seed
        binds[t["offset"]] = torch.zeros_like(seed)


def ensure_registered():
    """Register the two custom operators (once). Call it before ``torch.compile`` traces a model that uses them."""
    global _OP
    if _OP is None:
        _OP = _register()
    return _OP


def biased_attention(q, k, v, bias, *, key_padding_mask=None, dropout_p: float = 0.0, scale: float = 1.0,
                     causal: bool = False, check_padding: bool = True):
    """``softmax(scale * q @ k^T + bias) @ v`` with dropout on the probabilities, in cuDNN's fused kernel.

    ``q``: ``(batch, heads, queries, depth)``, ``k`` and ``v``: ``(batch, heads, keys, depth)``, bf16 or fp16 on a
    CUDA GPU; ``bias``: ``(1 or batch, heads, queries, keys)``, cast to ``q``'s dtype (its gradient comes back in
    the bias's own dtype through autograd), or None for none. ``key_padding_mask``: None, or a boolean ``(batch, 1,
    queries or 1, keys)`` mask that is True for each row's tokens and then False (right padding; checked, one host
    sync; ``check_padding=False`` skips the check and reads the first query's row only: for a mask an earlier call
    already checked, e.g. the later layers of a stack that passes one mask to every layer). ``causal``: query ``i``
    sees keys ``0..i`` (top-left aligned, as SDPA's ``is_causal``).
    Returns ``(batch, heads, queries, depth)``, laid out in memory as ``(batch, queries, heads, depth)`` so that
    ``.transpose(1, 2)`` is contiguous. T5 uses ``scale=1.0`` (its query projection is scaled at initialisation).
    """
    import torch

    for name, x in (("q", q), ("k", k), ("v", v), ("bias", bias)):
        if name == "bias" and x is None:
            continue
        if not isinstance(x, torch.Tensor) or x.dim() != 4:
            got = f"{x.dim()}-d tensor" if isinstance(x, torch.Tensor) else type(x).__name__
            raise TypeError(f"{name} must be a 4-d torch.Tensor{' or None' if name == 'bias' else ''}, got a {got}")
    if k.shape != v.shape or k.shape[:2] != q.shape[:2] or k.shape[-1] != q.shape[-1]:
        raise ValueError(f"k and v must be (batch, heads, keys, depth) with q's batch, heads and depth: q "
                         f"{tuple(q.shape)}, k {tuple(k.shape)}, v {tuple(v.shape)}")
    if not available():
        raise RuntimeError("biased_attention needs the optional nvidia-cudnn-frontend package "
                           "(pip install nvidia-cudnn-frontend) and a CUDA build of PyTorch")
    if not supported(q_shape=tuple(q.shape), k_shape=tuple(k.shape),
                     bias_shape=None if bias is None else tuple(bias.shape), dtype=q.dtype,
                     device_type=q.device.type):
        raise ValueError(f"biased_attention takes bf16/fp16 CUDA tensors, q (batch, heads, queries, depth <= "
                         f"{MAX_HEAD_DIM}, a multiple of 8) and bias (1 or batch, heads, queries, keys) or None; got "
                         f"{_describe(q, k, bias, key_padding_mask is not None, dropout_p, causal)} on {q.device}")
    if not 0.0 <= float(dropout_p) < 1.0:
        raise ValueError(f"dropout_p must be in [0, 1), got {dropout_p!r}")
    if key_padding_mask is not None and key_padding_mask.dtype != torch.bool:
        raise ValueError(f"key_padding_mask must be boolean, got {key_padding_mask.dtype}")
    if bias is not None:
        bias = bias.to(dtype=q.dtype, memory_format=torch.contiguous_format)
    # dense in (b, h, s, d) or (b, s, h, d) order, as cuDNN's strides and the gradients' empty_like need
    q, k, v = (x if x.is_contiguous() or x.transpose(1, 2).is_contiguous() else x.contiguous() for x in (q, k, v))
    ensure_registered()
    return torch.ops.labkit.cudnn_biased_attention.default(q, k, v, bias, key_padding_mask, float(dropout_p),
                                                           float(scale), bool(causal), bool(check_padding))[0]
