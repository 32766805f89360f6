"""GPU-side helpers shared by ``bench/`` and :mod:`labkit.training`: device, peak, FLOPs, SDPA backend, settings.

- **Device and peak**: :func:`device_info` (name, capability, library versions), :func:`peak_tflops` (a table of
  known dense bf16 peaks, or a measurement with :func:`measure_matmul_tflops` when ``measure=True``).
- **Model FLOPs**: :func:`flops_per_token` (``6 N``), :func:`mlm_matrix_flops_per_sample` and
  :func:`seq2seq_matrix_flops_per_sample` (the real matrix FLOPs, stated in their docstrings), :func:`mfu`.
- **Attention**: :func:`fastest_sdpa_backend` times every SDPA backend (and FlashAttention-4 where the optional
  ``flash-attn-4`` package is installed) once for a shape, the candidates interleaved, and caches the winner;
  :func:`sdpa` runs attention with it. On a CPU PyTorch chooses (:data:`PYTORCH_DEFAULT`), untimed.
- **T5 attention**: :func:`t5_fast_attention` fixes which SDPA kernel runs T5/mT5's biased attention (math or
  memory-efficient; transformers 5.17 and 5.24 differ) and gives cross-attention no all-zero bias.
- **Settings**: :func:`full_training_settings` returns what the GPU measurements in ``docs/benchmarks.md`` showed
  fastest, as ``TrainingArguments`` fields, ``from_pretrained`` keyword arguments and a few flags.
- **Masked positions only**: :func:`masked_positions_mlm` wraps a ``BertForMaskedLM`` so that the vocabulary
  projection and the loss run only on the masked positions (a fixed number per sequence, so shapes stay static).
- **Chunked LM loss**: :func:`chunked_lm_loss` is the cross-entropy of ``hidden @ lm_head_weight.T`` computed a
  chunk of rows at a time, so the ``(rows x vocab)`` logits (16 GB in fp32 for mT5's 250k vocabulary at batch 128 x
  128 targets) never exist at once; :func:`chunked_lm_loss_seq2seq` makes a T5/mT5 model train with it. On a CUDA
  GPU each chunk's loss and logit gradient come from two Triton kernels (:mod:`labkit.lm_loss_kernel`; without
  gradients, as in evaluation, the first alone).

Frameworks are imported inside the functions: ``import labkit.perf`` stays instant.
"""
from __future__ import annotations

import contextlib
import functools
import os
import time
from typing import Any, Mapping

from labkit import lm_loss_kernel
from labkit.checks import int_in_range

#: Dense bf16 matmul peaks, TFLOP/s, by device-name substring (first match wins, so "GH200" precedes "H200"),
#: with where each comes from. MFU divides achieved model FLOP/s by this number, so say which one was used.
KNOWN_PEAKS: tuple[tuple[str, float, str], ...] = (
    ("GH200", 989.0, "datasheet, dense"),
    ("H200", 790.0, "measured: 8192^3 bf16 torch.matmul on an H200 (datasheet dense: 989)"),
    ("H100 PCIe", 756.0, "datasheet, dense"),
    ("H100", 989.0, "datasheet (SXM), dense"),
    ("A100", 312.0, "datasheet, dense"),
    ("L40S", 362.0, "datasheet, dense"),
    ("L4", 121.0, "datasheet, dense"),
    ("A10G", 70.0, "datasheet, dense"),
    ("A10", 125.0, "datasheet, dense"),
    ("RTX 4090", 165.0, "datasheet, dense, fp32 accumulate"),
    ("V100", 125.0, "datasheet fp16 tensor cores (no bf16)"),
    ("T4", 65.0, "datasheet fp16 tensor cores (no bf16)"),
)


def _torch():
    import torch

    return torch


def device_info() -> dict[str, Any]:
    """Name, compute capability, memory and the library versions of the device benchmarks run on.

    >>> device_info()["device"] in {"cpu", "cuda"}
    True
    """
    import platform

    torch = _torch()
    info: dict[str, Any] = {"python": platform.python_version(), "torch": torch.__version__}
    try:
        import transformers

        info["transformers"] = transformers.__version__
    except ImportError:                                          # pragma: no cover
        info["transformers"] = None
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        info.update(device="cuda", name=props.name, capability=f"{props.major}.{props.minor}",
                    memory_gib=round(props.total_memory / 2**30, 1), count=torch.cuda.device_count(),
                    cuda=torch.version.cuda, cudnn=torch.backends.cudnn.version())
    else:
        info.update(device="cpu", name=platform.processor() or platform.machine(), count=os.cpu_count())
    return info


def measure_matmul_tflops(n: int = 8192, iters: int = 10, dtype=None) -> float:
    """TFLOP/s of an ``n x n x n`` matrix product (bf16 on a GPU), mean of ``iters`` after 3 warm-ups.

    >>> measure_matmul_tflops(64, iters=1) > 0
    True
    """
    torch = _torch()
    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    dtype = dtype or (torch.bfloat16 if cuda else torch.float32)
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    for _ in range(3):
        a @ b
    if cuda:
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(iters):
        a @ b
    if cuda:
        torch.cuda.synchronize()
    return 2 * n**3 * iters / (time.perf_counter() - start) / 1e12


def device_name() -> str:
    """The name of the device training runs on: the CUDA device's name, ``"mps"``, or ``"cpu"``.

    Does not import torch when no CUDA device is visible and torch is not loaded yet.

    >>> isinstance(device_name(), str)
    True
    """
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        from labkit.env import detect_accelerator

        if detect_accelerator() != "cuda":
            return "cpu"
        torch = _torch()
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def peak_tflops(name: str | None = None, *, measure: bool = False) -> tuple[float | None, str]:
    """(dense bf16 peak in TFLOP/s, its source) for a device; ``(None, why)`` when unknown (CPUs).

    ``measure=True`` times a large bf16 matmul on the current GPU instead of reading the table.
    ``$LABKIT_PEAK_TFLOPS`` overrides both.

    >>> peak_tflops("NVIDIA H200")[0]
    790.0
    >>> peak_tflops("cpu")[0] is None
    True
    """
    override = os.environ.get("LABKIT_PEAK_TFLOPS")
    if override:
        try:
            return float(override), "LABKIT_PEAK_TFLOPS"
        except ValueError:
            raise ValueError(f"LABKIT_PEAK_TFLOPS={override!r} is not a number of TFLOP/s (e.g. 312)") from None
    if measure:
        torch = _torch()
        if torch.cuda.is_available():
            return measure_matmul_tflops(), f"measured now: 8192^3 bf16 matmul on {torch.cuda.get_device_name(0)}"
    name = device_name() if name is None else name
    for key, peak, source in KNOWN_PEAKS:
        if key.lower() in name.lower():
            return peak, source
    return None, f"no known bf16 peak for {name!r} (set LABKIT_PEAK_TFLOPS to compute MFU)"


# ---------------------------------------------------------------------------------------------- FLOPs

def flops_per_token(parameters: int, training: bool = True) -> int:
    """Model FLOPs per token: ``6 N`` for training (forward 2N + backward 4N), ``2 N`` for inference.

    The standard estimate (Kaplan et al. 2020) for a dense transformer with N parameters; it ignores the
    attention score FLOPs, which are small next to 6N at BERT's sequence lengths.

    >>> flops_per_token(110_000_000)
    660000000
    """
    parameters = int_in_range(parameters, "parameters")
    return (6 if training else 2) * parameters


def _get(config, *names):
    for name in names:
        value = config.get(name) if isinstance(config, Mapping) else getattr(config, name, None)
        if value is not None:
            return value
    raise ValueError(f"config has none of {names}")


def mlm_matrix_flops_per_sample(config, seq_len: int, predicted: int | None = None) -> int:
    """Training matrix FLOPs of one BERT masked-LM sample: ``3 x 2 x`` multiply-adds of the forward pass.

    Per layer and token: Q, K, V, O projections ``4 d^2``, FFN ``2 d f``, scores and weighted sum ``2 s d``.
    Head: transform ``d^2`` and vocabulary projection ``d V`` on ``predicted`` positions (all ``seq_len`` by
    default; masked-positions-only heads predict ~15%). Embedding look-ups, norms and softmax are not counted.

    >>> mlm_matrix_flops_per_sample({"hidden_size": 4, "intermediate_size": 8, "num_hidden_layers": 1,
    ...                              "vocab_size": 10}, seq_len=2)
    2400
    """
    d, f = _get(config, "hidden_size"), _get(config, "intermediate_size")
    layers, vocab = _get(config, "num_hidden_layers"), _get(config, "vocab_size")
    predicted = seq_len if predicted is None else predicted
    macs = seq_len * layers * (4 * d * d + 2 * d * f + 2 * seq_len * d) + predicted * (d * d + d * vocab)
    return 6 * macs


def seq2seq_matrix_flops_per_sample(config, source_len: int, target_len: int) -> int:
    """Training matrix FLOPs of one T5/mT5 sample: ``6 x`` the forward multiply-adds (forward 2, backward 4).

    With ``d`` = d_model, ``i`` = heads x d_kv, ``f`` = d_ff, ``S``/``T`` = source/target lengths, ``V`` = vocab,
    multiply-adds per forward pass:

    - encoder, per layer and source token: ``4 d i`` (Q K V O) + ``2 S i`` (scores, weighted sum) + ``m d f``
      (``m`` = 3 for gated-GELU FFNs as in mT5, 2 otherwise);
    - decoder, per layer and target token: self-attention ``4 d i + 2 T i``, cross-attention ``2 d i`` (Q, O) +
      ``2 S i``, FFN ``m d f``; plus per layer and *source* token ``2 d i`` (cross-attention K, V);
    - LM head ``d V`` per target token.

    6N would charge the 250k-row vocabulary matrices to every source token too; this charges the output
    projection only to the target tokens that use it (the input embedding is a look-up, no FLOPs).

    >>> seq2seq_matrix_flops_per_sample({"d_model": 2, "d_kv": 1, "num_heads": 2, "d_ff": 4, "num_layers": 1,
    ...     "num_decoder_layers": 1, "vocab_size": 10, "feed_forward_proj": "relu"}, 2, 1)
    1008
    """
    d, i = _get(config, "d_model"), _get(config, "d_kv") * _get(config, "num_heads")
    f, vocab = _get(config, "d_ff"), _get(config, "vocab_size")
    enc = _get(config, "num_layers")
    dec = _get(config, "num_decoder_layers", "num_layers")
    proj = config.get("feed_forward_proj", "relu") if isinstance(config, Mapping) else getattr(
        config, "feed_forward_proj", "relu")
    m = 3 if str(proj).startswith("gated") else 2
    S, T = source_len, target_len
    encoder = enc * S * (4 * d * i + 2 * S * i + m * d * f)
    decoder = dec * (T * (4 * d * i + 2 * T * i + 2 * d * i + 2 * S * i + m * d * f) + S * 2 * d * i)
    head = T * d * vocab
    return 6 * (encoder + decoder + head)


def mfu(flops_per_second: float, peak: float | None) -> float | None:
    """Model FLOP utilisation: achieved model FLOP/s / peak FLOP/s (peak in TFLOP/s); None without a peak.

    >>> round(mfu(395e12, 790.0), 2)
    0.5
    """
    return None if not peak else flops_per_second / (peak * 1e12)


# ---------------------------------------------------------------------------------------------- attention

_BACKEND_NAMES = ("CUDNN_ATTENTION", "FLASH_ATTENTION", "EFFICIENT_ATTENTION", "MATH")
_backend_cache: dict[tuple, Any] = {}


def sdpa_backends() -> list:
    """The ``SDPBackend`` members this PyTorch has, fastest-first by reputation (cuDNN, flash, efficient, math)."""
    from torch.nn.attention import SDPBackend

    return [getattr(SDPBackend, n) for n in _BACKEND_NAMES if hasattr(SDPBackend, n)]


class FlashAttention4:
    """FlashAttention-4 (``pip install flash-attn-4``), a candidate beside the SDPA backends where it is installed.

    Called directly through ``flash_attn.cute.flash_attn_func`` on ``(batch, seq, heads, depth)`` views of the
    ``(batch, heads, seq, depth)`` tensors SDPA takes (PyTorch 2.11's own FA4 hook,
    ``activate_flash_attention_impl("FA4")``, fails with flash-attn-4 4.0.0b36: its forward returns more values
    than the hook unpacks). No mask, no dropout; causal or not. Only timed on Hopper / Blackwell GPUs.
    """

    name = "FLASH_ATTENTION_4"

    def __init__(self, function):
        self.function = function

    def __call__(self, q, k, v, *, is_causal: bool = False, scale: float | None = None):
        out = self.function(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2), softmax_scale=scale,
                            causal=is_causal)
        return (out[0] if isinstance(out, tuple) else out).transpose(1, 2)

    def __repr__(self):
        return "FlashAttention4()"


class PyTorchChoice:
    """PyTorch's own choice of SDPA kernel (no ``sdpa_kernel`` context): what :func:`fastest_sdpa_backend` gives off
    CUDA GPUs. On a CPU PyTorch runs its fused flash kernel where the inputs allow (1.5-3.1x the math kernel forward,
    1.1-1.9x forward + backward, fp32, 2 cores; ``docs/benchmarks.md``), else the math one. Use :data:`PYTORCH_DEFAULT`.
    """

    name = "PYTORCH_DEFAULT"

    def __repr__(self):
        return "PYTORCH_DEFAULT"


PYTORCH_DEFAULT = PyTorchChoice()


@functools.cache
def _flash_attention_4_installed():
    try:
        from flash_attn.cute import flash_attn_func
    except Exception:                            # noqa: BLE001  (not installed, or its CUDA libraries are missing)
        return None
    return FlashAttention4(flash_attn_func)


def flash_attention_4(device=None):
    """:class:`FlashAttention4` if flash-attn-4 imports and ``device`` is a Hopper or Blackwell GPU, else None.

    >>> flash_attention_4("cpu") is None
    True
    """
    torch = _torch()
    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type != "cuda" or torch.cuda.get_device_capability(device)[0] not in (9, 10):
        return None
    return _flash_attention_4_installed()


def _time_interleaved(steps: dict, iters: int = 10, repeats: int = 3, *, errors=(Exception,), sync=None,
                      clock=time.perf_counter) -> dict:
    """``{key: best of repeats means over iters calls}`` for each function in ``steps``, the candidates interleaved.

    Two warm-up calls each first (kernel plans, autotuning); a candidate whose warm-up raises one of ``errors`` is
    left out. Then ``repeats`` rounds, each timing ``iters`` calls of every candidate in turn, so that a GPU that
    slows down as it heats (an H200 reaches its power cap within seconds) slows every candidate alike instead of
    favouring whichever is timed first. ``sync`` waits for queued GPU work (default: ``torch.cuda.synchronize``).

    >>> sorted(_time_interleaved({"a": lambda: None, "b": lambda: 1 / 0}, sync=lambda: None))
    ['a']
    """
    sync = sync or _torch().cuda.synchronize
    ready = {}
    for key, fn in steps.items():
        try:
            fn()
            fn()
            sync()
        except errors:
            continue
        ready[key] = fn
    best = {key: float("inf") for key in ready}
    for _ in range(repeats):
        for key, fn in ready.items():
            start = clock()
            for _ in range(iters):
                fn()
            sync()
            best[key] = min(best[key], (clock() - start) / iters)
    return best


def fastest_sdpa_backend(shape, *, dtype=None, device=None, is_causal: bool = False, backward: bool = False,
                         kv_shape=None):
    """The fastest attention for q of ``shape`` (batch, heads, length, depth); timed once, then cached.

    Candidates: every ``SDPBackend``, and :func:`flash_attention_4` where it is installed, timed interleaved
    (:func:`_time_interleaved`). Returns the
    ``SDPBackend`` or the :class:`FlashAttention4` that won (both have ``.name``); :func:`sdpa` runs either.
    On a CPU (or any non-CUDA device) returns :data:`PYTORCH_DEFAULT` without timing: PyTorch's own choice, its
    fused CPU kernel where it can (forcing the math kernel, as labkit did until 2026-11-30, was up to 3x slower).
    Backends that refuse the shape or dtype are skipped. ``backward=True`` times forward + backward (training).

    >>> fastest_sdpa_backend((1, 2, 8, 4), device="cpu").name
    'PYTORCH_DEFAULT'
    """
    torch = _torch()
    from torch.nn.attention import SDPBackend

    device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type != "cuda":
        return PYTORCH_DEFAULT
    dtype = dtype or torch.bfloat16
    kv_shape = tuple(kv_shape or shape)
    key = (tuple(shape), kv_shape, str(dtype), device.index, is_causal, backward)
    if key in _backend_cache:
        return _backend_cache[key]
    q = torch.randn(shape, device=device, dtype=dtype, requires_grad=backward)
    k = torch.randn(kv_shape, device=device, dtype=dtype, requires_grad=backward)
    v = torch.randn(kv_shape, device=device, dtype=dtype, requires_grad=backward)
    grad = torch.randn(shape, device=device, dtype=dtype) if backward else None
    fa4 = flash_attention_4(device)
    candidates = ([fa4] if fa4 is not None else []) + list(sdpa_backends())

    def step(backend):
        out = _run_attention(backend, q, k, v, None, is_causal, 0.0)
        if backward:
            out.backward(grad)
    timings = _time_interleaved({backend: functools.partial(step, backend) for backend in candidates},
                                errors=(RuntimeError, ValueError, NotImplementedError, torch.OutOfMemoryError))
    best = min(timings, key=timings.get) if timings else SDPBackend.MATH
    _backend_cache[key] = best
    return best


def _run_attention(backend, q, k, v, attn_mask, is_causal: bool, dropout_p: float):
    torch = _torch()
    from torch.nn.attention import sdpa_kernel

    if isinstance(backend, FlashAttention4):
        return backend(q, k, v, is_causal=is_causal)
    kwargs = dict(attn_mask=attn_mask, is_causal=is_causal, dropout_p=dropout_p)
    if backend is None or backend is PYTORCH_DEFAULT:
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)
    with sdpa_kernel(backend):
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)


def sdpa(q, k, v, attn_mask=None, *, is_causal: bool = False, dropout_p: float = 0.0, backend=None):
    """``scaled_dot_product_attention`` under the fastest backend for these tensors (see above).

    With a mask or dropout, PyTorch chooses among the SDPA backends that accept them (FlashAttention-4 takes
    neither).

    >>> import torch
    >>> sdpa(torch.ones(1, 1, 2, 4), torch.ones(1, 1, 2, 4), torch.ones(1, 1, 2, 4)).shape
    torch.Size([1, 1, 2, 4])
    """
    if backend is None and attn_mask is None and not dropout_p:
        backend = fastest_sdpa_backend(tuple(q.shape), dtype=q.dtype, device=q.device, is_causal=is_causal,
                                       backward=q.requires_grad, kv_shape=tuple(k.shape))
    if isinstance(backend, FlashAttention4) and (attn_mask is not None or dropout_p):
        raise ValueError("FlashAttention-4 takes no attn_mask and no dropout: pass backend=None to let PyTorch choose")
    return _run_attention(backend, q, k, v, attn_mask, is_causal, dropout_p)


# ---------------------------------------------------------------------------------------------- masked-LM head

def masked_positions_mlm(model):
    """Wrap a ``BertForMaskedLM`` so the MLM head and loss run on the masked positions only.

    The wrapper's ``forward(input_ids, masked_positions, masked_labels, attention_mask=None, ...)`` takes the
    positions as a ``(batch, P)`` index tensor and their labels ``(batch, P)`` (``-100`` = padding slot), and
    returns ``{"loss", "logits"}`` with logits of shape ``(batch, P, vocab)``. With P fixed (BERT's
    ``max_predictions_per_seq``) shapes are static, so ``torch.compile`` compiles once. The vocabulary
    projection, the largest matrix of BERT-base, then runs on P = 20 positions instead of 128.
    """
    torch = _torch()
    from torch import nn

    class MaskedPositionsMLM(nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner
            self.config = inner.config

        def forward(self, input_ids, masked_positions, masked_labels, attention_mask=None, token_type_ids=None,
                    **kwargs):
            hidden = self.inner.bert(input_ids=input_ids, attention_mask=attention_mask,
                                     token_type_ids=token_type_ids).last_hidden_state
            index = masked_positions.unsqueeze(-1).expand(-1, -1, hidden.shape[-1])
            logits = self.inner.cls(torch.gather(hidden, 1, index))
            loss = nn.functional.cross_entropy(logits.flatten(0, 1).float(), masked_labels.flatten(),
                                               ignore_index=-100)
            return {"loss": loss, "logits": logits}

    return MaskedPositionsMLM(model)


# ---------------------------------------------------------------------------------------------- chunked LM loss

def _check_lm_loss_args(hidden, lm_head_weight, labels, chunk) -> None:
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk <= 0:
        raise ValueError(f"chunk must be a positive int (rows per chunk), got {chunk!r}")
    if hidden.dim() < 2:
        raise ValueError(f"hidden must be (..., d_model), got shape {tuple(hidden.shape)}")
    if lm_head_weight.dim() != 2 or lm_head_weight.shape[1] != hidden.shape[-1]:
        raise ValueError(f"lm_head_weight must be (vocab, {hidden.shape[-1]}) to match hidden's last dimension, "
                         f"got shape {tuple(lm_head_weight.shape)}")
    if tuple(labels.shape) != tuple(hidden.shape[:-1]):
        raise ValueError(f"labels must have hidden's shape without its last dimension, {tuple(hidden.shape[:-1])}, "
                         f"got {tuple(labels.shape)}")


def _chunked_lm_loss_no_grad(hidden, weight, labels, chunk, ignore_index, denominator, triton_kernel=False):
    torch = _torch()
    total = hidden.new_zeros((), dtype=torch.float32)
    for start in range(0, hidden.shape[0], chunk):
        y = labels[start:start + chunk]
        logits16 = torch.nn.functional.linear(hidden[start:start + chunk], weight)     # bf16 under autocast
        if triton_kernel:                       # labkit.lm_loss_kernel's first kernel: one read of the bf16 logits
            total = total + lm_loss_kernel.row_loss(logits16, y, ignore_index).sum()
        else:                                   # PyTorch: the logits in fp32, then log-sum-exp and the label's logit
            logits = logits16.float()
            valid = y != ignore_index
            target = logits.gather(1, torch.where(valid, y, 0).unsqueeze(1)).squeeze(1)
            total = total + ((torch.logsumexp(logits, dim=-1) - target) * valid).sum()
    return total / denominator


def _lm_loss_function():
    """The autograd Function, built on first use so that ``import labkit.perf`` does not import torch.

    The first call also registers :mod:`labkit.lm_loss_kernel`'s operator where its kernels can run. Call it once
    before ``torch.compile`` traces the loss: defining a class (or registering an operator) inside a trace breaks it.
    """
    global _LM_LOSS_FN
    if _LM_LOSS_FN is not None:
        return _LM_LOSS_FN
    torch = _torch()
    if lm_loss_kernel.available():
        lm_loss_kernel.ensure_registered()

    class ChunkedLMLoss(torch.autograd.Function):
        """Loss and both gradients in one pass over the chunks (no recomputation, no stored logits).

        The forward computes, per chunk, the logits, their log-sum-exp, the loss, and at once the gradient of the
        loss with respect to the logits, ``(softmax - one_hot) / denominator``, which it turns into the chunk's
        gradient for ``hidden`` (``g @ W``) and adds into the gradient for ``W`` (``g^T @ h``). Only those two
        gradients are kept for the backward, which scales them by the incoming gradient. The matrix FLOPs are
        those of the plain head (forward 2, backward 4 per multiply-add), with a ``(chunk x vocab)`` transient.
        """

        @staticmethod
        def forward(ctx, hidden, weight, labels, chunk, ignore_index, denominator, triton_kernel):
            total = hidden.new_zeros((), dtype=torch.float32)
            grad_hidden = torch.empty_like(hidden)
            grad_weight = torch.zeros(weight.shape, dtype=torch.float32, device=weight.device)
            for start in range(0, hidden.shape[0], chunk):
                h = hidden[start:start + chunk]
                y = labels[start:start + chunk]
                logits16 = torch.nn.functional.linear(h, weight)       # bf16 under autocast
                valid = y != ignore_index
                if triton_kernel:                                       # labkit.lm_loss_kernel: 2 reads, 1 write
                    rows_loss, grad = lm_loss_kernel.loss_and_grad(logits16, y, valid.float() / denominator,
                                                                   ignore_index)
                    total = total + rows_loss.sum()
                else:
                    logits = logits16.float()
                    safe = torch.where(valid, y, 0).unsqueeze(1)
                    lse = torch.logsumexp(logits, dim=-1)
                    target = logits.gather(1, safe).squeeze(1)
                    total = total + ((lse - target) * valid).sum()
                    grad = torch.exp(logits - lse.unsqueeze(1))              # softmax
                    grad = grad.scatter_add(1, safe, torch.full_like(target, -1.0).unsqueeze(1))
                    grad = (grad * (valid.float() / denominator).unsqueeze(1)).to(logits16.dtype)
                grad_hidden[start:start + chunk] = grad @ weight.to(grad.dtype)
                grad_weight += grad.t() @ h.to(grad.dtype)
            ctx.save_for_backward(grad_hidden, grad_weight)
            ctx.weight_dtype = weight.dtype
            return total / denominator

        @staticmethod
        def backward(ctx, grad_output):
            grad_hidden, grad_weight = ctx.saved_tensors
            return (grad_hidden * grad_output.to(grad_hidden.dtype),
                    (grad_weight * grad_output).to(ctx.weight_dtype), None, None, None, None, None)

    _LM_LOSS_FN = ChunkedLMLoss
    return ChunkedLMLoss


_LM_LOSS_FN = None


#: What :func:`chunked_lm_loss`'s ``kernel`` accepts.
LM_LOSS_KERNELS = ("auto", "triton", "torch")


def _lm_loss_kernel(kernel: str, device) -> bool:
    """True for the Triton kernels (:mod:`labkit.lm_loss_kernel`), False for PyTorch operations."""
    if kernel not in LM_LOSS_KERNELS:
        raise ValueError(f"kernel must be one of {LM_LOSS_KERNELS}, got {kernel!r}")
    on_gpu = getattr(device, "type", str(device).split(":")[0]) == "cuda"
    if kernel == "triton" and not (on_gpu and lm_loss_kernel.available()):
        raise ValueError(f"kernel='triton' needs the triton package and a CUDA GPU (tensors on {device}); "
                         "use kernel='auto' or 'torch'")
    return kernel == "triton" or (kernel == "auto" and on_gpu and lm_loss_kernel.available())


def chunked_lm_loss(hidden, lm_head_weight, labels, chunk: int = 4096, *, ignore_index: int = -100,
                    num_items=None, kernel: str = "auto"):
    """Cross-entropy of ``hidden @ lm_head_weight.T`` against ``labels``, ``chunk`` rows at a time.

    ``hidden`` is ``(..., d)`` (e.g. the decoder output, ``batch x target_len x d``), ``lm_head_weight`` is
    ``(vocab, d)`` and ``labels`` has ``hidden``'s shape without ``d``; ``ignore_index`` labels do not count.
    Returns the mean over the counted labels, as ``nn.CrossEntropyLoss`` does, or the sum divided by ``num_items``
    when given (what ``Trainer`` passes as ``num_items_in_batch``).

    Only a ``(chunk x vocab)`` block of logits exists at any time: the matmul runs in the ambient dtype (bf16
    under autocast), the log-softmax in fp32. With gradients enabled, the loss's gradients for ``hidden`` and
    ``lm_head_weight`` are computed chunk by chunk during the forward (``(softmax - one_hot) @ W`` and its
    transpose product) and kept for the backward, so the logits are neither stored nor recomputed. Memory: the
    ``(chunk x vocab)`` transient (fp32: 4 GB at 4096 x 250,112) and a fp32 gradient of ``lm_head_weight``,
    instead of the full logits and their gradient. Under ``torch.compile``, call it once outside the compiled code
    first (:func:`chunked_lm_loss_seq2seq` does): its first call defines the autograd Function, a graph break.
    ``kernel``: how each chunk's loss and logit gradient are computed once its logits exist: ``"triton"``, two
    Triton kernels (:mod:`labkit.lm_loss_kernel`: two reads and one write of the logits; without gradients, as in
    evaluation, the first kernel alone: one read of the bf16 logits, no fp32 copy), ``"torch"``, PyTorch
    operations (what ``torch.compile`` fuses as it can), or ``"auto"`` (default): Triton on a CUDA GPU where it
    imports, else PyTorch. The results agree to bf16 rounding (tests compare them on a GPU). A label outside
    ``[0, vocab)`` other than ``ignore_index`` is a ``ValueError`` when called eagerly (a host sync); under
    ``torch.compile`` it is not checked (the Triton kernels then give a NaN loss).

    >>> import torch
    >>> h, w = torch.randn(2, 3, 4, requires_grad=True), torch.randn(10, 4, requires_grad=True)
    >>> y = torch.tensor([[1, 2, -100], [3, 4, 5]])
    >>> loss = chunked_lm_loss(h, w, y, chunk=4)
    >>> plain = torch.nn.functional.cross_entropy((h @ w.T).flatten(0, 1), y.flatten())
    >>> torch.allclose(loss, plain)
    True
    >>> loss.backward(); h.grad.shape, w.grad.shape
    (torch.Size([2, 3, 4]), torch.Size([10, 4]))
    """
    torch = _torch()
    _check_lm_loss_args(hidden, lm_head_weight, labels, chunk)
    triton_kernel = _lm_loss_kernel(kernel, hidden.device)
    d = hidden.shape[-1]
    flat_hidden = hidden.reshape(-1, d)
    flat_labels = labels.reshape(-1).to(flat_hidden.device)
    if not torch.compiler.is_compiling():        # eager: name a bad label (a host sync); compiled: no sync (the
        vocab = lm_head_weight.shape[0]          # Triton kernels give a NaN loss, PyTorch's gather an index error)
        bad = flat_labels[((flat_labels < 0) | (flat_labels >= vocab)) & (flat_labels != ignore_index)]
        if bad.numel():
            raise ValueError(f"labels must be in [0, {vocab}) (the vocabulary) or ignore_index ({ignore_index}), "
                             f"got {bad[0].item()}")
    if num_items is None:
        denominator = (flat_labels != ignore_index).sum().float()
    else:
        denominator = torch.as_tensor(num_items, device=flat_hidden.device).float()
    if torch.is_grad_enabled() and (hidden.requires_grad or lm_head_weight.requires_grad):
        loss = _lm_loss_function().apply(flat_hidden, lm_head_weight, flat_labels, chunk, ignore_index,
                                         denominator, triton_kernel)
    else:
        loss = _chunked_lm_loss_no_grad(flat_hidden, lm_head_weight, flat_labels, chunk, ignore_index,
                                        denominator, triton_kernel)
    return loss


def _decoder_output_scale(model) -> float | None:
    """The factor T5-family models apply to the decoder output before ``lm_head``, or None (read from their code).

    transformers 5: T5 scales by ``d_model ** -0.5`` when ``config.scale_decoder_outputs``; mT5 never does; older
    versions (and UMT5) scale when ``config.tie_word_embeddings``.
    """
    import inspect

    try:
        source = inspect.getsource(type(model).forward).replace(" ", "")
    except (OSError, TypeError):                                 # pragma: no cover
        source = ""
    if "model_dim**-0.5" not in source:
        return None
    flag = "scale_decoder_outputs" if "scale_decoder_outputs" in source else "tie_word_embeddings"
    return model.model_dim ** -0.5 if getattr(model.config, flag, False) else None


def chunked_lm_loss_seq2seq(model, chunk: int = 4096, kernel: str = "auto"):
    """Wrap a ``T5ForConditionalGeneration`` / ``MT5ForConditionalGeneration`` to train with :func:`chunked_lm_loss`.

    The wrapper's ``forward(input_ids, attention_mask=None, labels=None, decoder_input_ids=None,
    decoder_attention_mask=None, num_items_in_batch=None)`` runs the model's encoder and decoder exactly as its own
    forward does (decoder inputs = labels shifted right, the decoder output scaled before ``lm_head`` where the
    model does so), then returns ``{"loss"}`` from the chunked loss over ``lm_head``: the full
    ``(batch x target_len x vocab)`` logits are never built. Without ``labels`` it returns ``{"logits"}`` (full).
    ``Trainer`` can train it as it is (it passes ``num_items_in_batch``). ``kernel`` is :func:`chunked_lm_loss`'s.

    >>> import torch, transformers
    >>> config = transformers.MT5Config(vocab_size=40, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2,
    ...                                 dropout_rate=0.0, decoder_start_token_id=0)
    >>> model = transformers.MT5ForConditionalGeneration(config)
    >>> ids, labels = torch.randint(2, 40, (2, 6)), torch.randint(2, 40, (2, 3))
    >>> out = chunked_lm_loss_seq2seq(model, chunk=4)(input_ids=ids, labels=labels)
    >>> torch.allclose(out["loss"], model(input_ids=ids, labels=labels).loss, atol=1e-5)
    True
    """
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk <= 0:
        raise ValueError(f"chunk must be a positive int (rows per chunk), got {chunk!r}")
    if kernel not in LM_LOSS_KERNELS:
        raise ValueError(f"kernel must be one of {LM_LOSS_KERNELS}, got {kernel!r}")
    for part in ("encoder", "decoder", "lm_head"):
        if not hasattr(model, part):
            raise ValueError(f"model must be a T5/mT5 ForConditionalGeneration (with .{part}), "
                             f"got {type(model).__name__}")
    from torch import nn

    scale = _decoder_output_scale(model)
    _lm_loss_function()          # build the autograd.Function (and the kernels' operator) now, before any trace

    class ChunkedLossSeq2Seq(nn.Module):
        accepts_loss_kwargs = True                               # Trainer: we divide by num_items_in_batch

        def __init__(self, inner):
            super().__init__()
            self.inner = inner
            self.config = inner.config
            self.chunk, self.kernel = chunk, kernel

        def forward(self, input_ids, attention_mask=None, labels=None, decoder_input_ids=None,
                    decoder_attention_mask=None, num_items_in_batch=None, **kwargs):
            inner = self.inner
            if labels is not None and (labels.dim() != 2 or labels.shape[0] != input_ids.shape[0]):
                raise ValueError(f"labels must be (batch, target_len) with input_ids' batch {input_ids.shape[0]}, "
                                 f"got shape {tuple(labels.shape)}")
            encoded = inner.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
            if decoder_input_ids is None:
                if labels is None:
                    raise ValueError("labels (or decoder_input_ids) are required")
                decoder_input_ids = inner._shift_right(labels)
            decoded = inner.decoder(input_ids=decoder_input_ids, attention_mask=decoder_attention_mask,
                                    encoder_hidden_states=encoded, encoder_attention_mask=attention_mask,
                                    use_cache=False)[0]
            if scale is not None:
                decoded = decoded * scale
            if labels is None:
                return {"logits": inner.lm_head(decoded)}
            loss = chunked_lm_loss(decoded, inner.lm_head.weight, labels, self.chunk, num_items=num_items_in_batch,
                                   kernel=self.kernel)
            return {"loss": loss}

    return ChunkedLossSeq2Seq(model)


# ---------------------------------------------------------------------------------------------- T5 attention

T5_ATTENTION = "labkit_t5"
#: The kernels :func:`t5_fast_attention` can give T5's biased self-attention ("cudnn": cuDNN's fused kernel through
#: :mod:`labkit.biased_attention`; needs the optional nvidia-cudnn-frontend package).
T5_BIASED_KERNELS = ("math", "efficient", "cudnn")
#: T5's three attentions, as :func:`t5_fast_attention`'s ``cudnn`` argument names them.
T5_ATTENTIONS = ("encoder", "decoder", "cross")


def _t5_cudnn_attention(module, query, key, value, attention_mask, dropout, scaling, position_bias):
    """One T5 attention call in cuDNN's fused kernel, or None where cuDNN cannot take it (the caller falls back).

    The encoder's self-attention: bias and key padding. The decoder's: bias and the causal mask, taken only when
    transformers passes no mask (no decoder padding; it then means "causal") and queries and keys are the same
    tokens, more than one (training); a cached generation step (one query, a key length that grows every step,
    so a new cuDNN graph each step) stays on SDPA. The cross-attention: no bias, the encoder's key padding. The
    right-padding check (a host sync) runs in the first layer of each stack only: T5's stacks hand one mask object
    to all their layers (a test checks it).
    """
    torch = _torch()
    from labkit import biased_attention

    role, (sq, sk) = module._labkit_role, (query.shape[2], key.shape[2])
    causal = role == "decoder"
    if causal and (attention_mask is not None or sq == 1 or sq != sk or not getattr(module, "is_causal", True)):
        return None
    mask = attention_mask
    if mask is not None and not (mask.dtype == torch.bool and mask.dim() == 4 and mask.shape[1] == 1):
        return None
    if not biased_attention.supported(q_shape=tuple(query.shape), k_shape=tuple(key.shape),
                                      bias_shape=None if position_bias is None else tuple(position_bias.shape),
                                      dtype=query.dtype, device_type=query.device.type):
        return None
    out = biased_attention.biased_attention(query, key, value, position_bias, key_padding_mask=mask,
                                            dropout_p=dropout, scale=1.0 if scaling is None else scaling,
                                            causal=causal, check_padding=getattr(module, "_labkit_checks_mask", True))
    return out.transpose(1, 2)


def _t5_attention_forward(module, query, key, value, attention_mask, dropout: float = 0.0, scaling=None,
                          position_bias=None, **kwargs):
    """transformers attention function (registered as ``labkit_t5``): T5's attention with the kernel chosen.

    By the module's ``_labkit_kernel`` (set by :func:`t5_fast_attention`):

    - ``"math"`` (the biased self-attentions) runs SDPA's math path (under ``torch.compile``, matrix products plus
      one fused softmax/dropout kernel; in bf16 inside :func:`bf16_math_attention`);
    - ``"efficient"`` hands SDPA the bias contiguous and in the query's dtype, the layout its memory-efficient kernel
      needs (transformers 5.17 passed a permuted view, so SDPA fell back to the math path; 5.24 passes it
      contiguous);
    - ``"cudnn"`` runs cuDNN's fused kernel (:func:`labkit.biased_attention.biased_attention`, bias gradient
      included) where it can take the call (CUDA, bf16/fp16, a boolean padding mask or none; see
      :func:`_t5_cudnn_attention`), else SDPA's math path (biased) or SDPA's own choice (cross-attention);
    - ``"sdpa"`` (cross-attention): SDPA chooses. T5 gives cross-attention an all-zero bias; none is passed, so
      SDPA can use cuDNN or flash.

    The arithmetic is transformers' own SDPA path (``sdpa_attention_forward``) or cuDNN's fused version of the same
    formula; only the kernel choice changes.
    """
    from transformers.integrations.sdpa_attention import sdpa_attention_forward

    role = getattr(module, "_labkit_role", None)
    if role == "cross":
        position_bias = None
    kernel = getattr(module, "_labkit_kernel", "math")
    if kernel == "cudnn":
        out = _t5_cudnn_attention(module, query, key, value, attention_mask, dropout, scaling, position_bias)
        if out is not None:
            return out, None
        kernel = "math"
    if position_bias is None or role not in ("encoder", "decoder"):
        kernel = "sdpa"
    if kernel == "efficient":
        position_bias = position_bias.to(dtype=query.dtype, memory_format=_torch().contiguous_format)
    choice = contextlib.nullcontext()
    if kernel == "math":
        from torch.nn.attention import SDPBackend, sdpa_kernel

        choice = sdpa_kernel([SDPBackend.MATH])      # torch.compile traces this choice (no graph break)
    with choice:
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout, scaling=scaling,
                                      position_bias=position_bias, **kwargs)


def is_t5(model) -> bool:
    """Whether ``model`` is laid out like transformers' T5 / mT5 (``.encoder.block`` and ``.decoder.block``).

    >>> is_t5(object())
    False
    """
    return all(hasattr(getattr(model, part, None), "block") for part in ("encoder", "decoder"))


def t5_fast_attention(model, biased: str = "math", cudnn=T5_ATTENTIONS):
    """Make a T5 / mT5 model use :func:`_t5_attention_forward` (registered as ``"labkit_t5"``); returns the model.

    Exact (the same SDPA arithmetic as transformers' ``"sdpa"`` implementation, or cuDNN's fused version of it);
    what it fixes is which kernel runs, so that the choice no longer depends on the transformers version.
    ``biased`` picks the kernel for the self-attentions that carry T5's learned relative position bias:

    - ``"math"`` (default): SDPA's math path. Measured fastest among SDPA's kernels for mT5-small in training on an
      H200 under ``torch.compile`` and :func:`bf16_math_attention` (docs/benchmarks.md), though it keeps the full
      score matrix (80 GiB at batch 128);
    - ``"efficient"``: SDPA's memory-efficient kernel (bias gradient and dropout included): 30 GiB less memory,
      slower there;
    - ``"cudnn"``: cuDNN's fused kernel with the bias gradient (:mod:`labkit.biased_attention`, optional
      ``nvidia-cudnn-frontend`` package; a ValueError if it is missing) for the attentions named in ``cudnn``
      (default all three of :data:`T5_ATTENTIONS`: the encoder's self-attention, the decoder's causal
      self-attention, and the cross-attention, which has no bias); the others stay on the math path (biased) or
      SDPA's choice (cross), and so does any call cuDNN cannot take (a CPU, fp32, head depth not a multiple of 8,
      a non-boolean mask, a decoder padding mask).

    Cross-attention gets no bias (T5's is all zeros), so cuDNN or flash can take it. (An earlier version sent the
    encoder to ``flex_attention``: 26% slower in training, replaced.)

    >>> import transformers
    >>> config = transformers.MT5Config(vocab_size=40, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2,
    ...                                 decoder_start_token_id=0)
    >>> t5_fast_attention(transformers.MT5ForConditionalGeneration(config)).config._attn_implementation
    'labkit_t5'
    """
    if not is_t5(model):
        raise ValueError(f"model must be a T5/mT5 model with .encoder.block and .decoder.block, "
                         f"got {type(model).__name__}")
    if biased not in T5_BIASED_KERNELS:
        raise ValueError(f"biased must be one of {T5_BIASED_KERNELS}, got {biased!r}")
    cudnn = (cudnn,) if isinstance(cudnn, str) else tuple(cudnn)
    if any(part not in T5_ATTENTIONS for part in cudnn):
        raise ValueError(f"cudnn must name some of {T5_ATTENTIONS}, got {cudnn!r}")
    if biased == "cudnn":
        from labkit import biased_attention

        if not biased_attention.available():
            raise ValueError("biased='cudnn' needs the optional nvidia-cudnn-frontend package "
                             "(pip install nvidia-cudnn-frontend); without it use biased='math'")
        biased_attention.ensure_registered()          # before torch.compile traces the model
    else:
        cudnn = ()
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, sdpa_mask

    AttentionInterface.register(T5_ATTENTION, _t5_attention_forward)
    ALL_MASK_ATTENTION_FUNCTIONS.register(T5_ATTENTION, sdpa_mask)
    # the kernel of each attention not sent to cuDNN: SDPA's own choice for cross-attention (no bias), else the
    # biased kernel asked for ("math" for the biased ones cuDNN is not given)
    otherwise = {"encoder": "math" if biased == "cudnn" else biased, "cross": "sdpa"}
    otherwise["decoder"] = otherwise["encoder"]
    for stack, attentions in ((model.encoder, [("encoder", 0, "SelfAttention")]),
                              (model.decoder, [("decoder", 0, "SelfAttention"), ("cross", 1, "EncDecAttention")])):
        for i, block in enumerate(stack.block):
            for role, sub, name in attentions:
                module = getattr(block.layer[sub], name)
                module._labkit_role = role
                module._labkit_kernel = "cudnn" if role in cudnn else otherwise[role]
                module._labkit_checks_mask = i == 0           # the stack's first layer checks its padding mask
    model.set_attn_implementation(T5_ATTENTION)
    # T5 gives its encoder and decoder stacks deep copies of the config, and transformers 5.17's
    # set_attn_implementation skips sub-models whose config has the model's own class: without this loop the
    # stacks keep "sdpa" there and the labkit function is never called (measured on the GPU, 2026-11-29).
    for module in model.modules():
        config = getattr(module, "config", None)
        if config is not None and hasattr(config, "_attn_implementation"):
            config._attn_implementation = T5_ATTENTION
    return model


# ---------------------------------------------------------------------------------------------- settings

#: What the H200 measurements chose (docs/benchmarks.md, "GPU training throughput"); per job.
_MEASURED = {
    "mlm": dict(batch_size=512, torch_compile=True, masked_positions_only=True, attn_implementation="sdpa",
                padding_mask=True, bf16_math_attention=False,
                # Several GPUs (DDP): no per-step search for unused parameters (Trainer asks for it by default), and
                # one gradient bucket for a BERT-base-sized model, so torch.compile keeps the backward in one graph.
                ddp=dict(ddp_find_unused_parameters=False, ddp_bucket_cap_mb=1024)),
    # mT5-small on an H200: T5's three attentions in cuDNN's fused kernel, the biased ones with the bias gradient
    # (labkit.biased_attention); it stores no score tensors, so the batch can grow; with the chunked loss (8192 rows
    # a chunk, each chunk's softmax and gradient in labkit.lm_loss_kernel's Triton kernels where Triton imports) the
    # logits never exist whole either. 940-962 samples/s at batch 512, against 674-688 for the math profile below.
    "seq2seq": dict(batch_size=512, torch_compile=True, attn_implementation="sdpa", padding_mask=True,
                    chunked_lm_loss=True, lm_loss_chunk=8192, bf16_math_attention=True, ddp={}, t5_attention="cudnn",
                    # without the optional nvidia-cudnn-frontend package: T5's biased attention on SDPA's math path
                    # in bf16 whatever transformers would pick (5.24 picks the memory-efficient kernel: 597 against
                    # 688 samples/s), the plain loss, batch 128 (192 was slower, 256 does not fit)
                    without_cudnn=dict(batch_size=128, chunked_lm_loss=False, t5_attention="math")),
}


@contextlib.contextmanager
def bf16_math_attention(enabled: bool = True):
    """Inside the block, SDPA's math path may keep bf16/fp16 inputs in their dtype (restored on exit).

    By default the math path (the one T5's learned position bias takes under ``torch.compile``) upcasts q, k, v and
    the mask to fp32: fp32 score tensors and TF32 matrix products. ``enabled=False`` leaves the setting alone.
    Measured: mT5-small, 1024/128 tokens, batch 128 on an H200, 607 -> 688 samples/s (docs/benchmarks.md).

    >>> import torch
    >>> with bf16_math_attention():
    ...     torch.backends.cuda.fp16_bf16_reduction_math_sdp_allowed()
    True
    >>> torch.backends.cuda.fp16_bf16_reduction_math_sdp_allowed()
    False
    """
    torch = _torch()
    before = torch.backends.cuda.fp16_bf16_reduction_math_sdp_allowed()
    torch.backends.cuda.allow_fp16_bf16_reduction_math_sdp(bool(enabled) or before)
    try:
        yield
    finally:
        torch.backends.cuda.allow_fp16_bf16_reduction_math_sdp(before)


def full_training_settings(device=None, job: str = "mlm") -> dict[str, Any]:
    """The settings the GPU measurements showed fastest, for ``job`` ``"mlm"`` (BERT) or ``"seq2seq"`` (mT5).

    Returns ``{"training_arguments": {...}, "model_kwargs": {...}, "masked_positions_only": bool,
    "chunked_lm_loss": bool, "lm_loss_chunk": int | None, "padding_mask": bool, "bf16_math_attention": bool,
    "t5_attention": str | None, "source": str}``: the first two can be passed to ``TrainingArguments(**...)`` and
    ``from_pretrained(**...)``; ``chunked_lm_loss`` means: wrap the seq2seq model with
    :func:`chunked_lm_loss_seq2seq`, ``lm_loss_chunk`` rows at a time; ``bf16_math_attention`` means: train inside
    :func:`bf16_math_attention` (T5's biased attention runs SDPA's math path under ``torch.compile``, which
    otherwise upcasts to fp32); ``t5_attention`` means: give a T5/mT5 model :func:`t5_fast_attention` with that
    kernel for its biased attention (``None``: leave the model alone). On a GPU: bf16 + TF32, fused AdamW,
    ``torch.compile``, pinned memory with persistent loader workers, non-blocking batch copies, no per-step NaN
    check of the loss (a host sync), and for ``"mlm"`` the DDP settings measured on two GPUs. For ``"seq2seq"``
    the profile depends on the optional ``nvidia-cudnn-frontend`` package: with it, T5's three attentions in
    cuDNN (``t5_attention="cudnn"``), the chunked loss (8192 rows a chunk) and batch 512 (112 GiB on an H200);
    without it, the math profile (``"math"``, plain loss, batch 128). On a CPU (``device="cpu"``), compile and
    bf16 are off and the batch is small.

    >>> full_training_settings("cpu")["training_arguments"]["bf16"]
    False
    """
    if job not in _MEASURED:
        raise ValueError(f"job must be one of {sorted(_MEASURED)}, got {job!r}")
    torch = _torch()
    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    cuda = str(device).startswith("cuda")
    measured = _MEASURED[job]
    without_cudnn = False                        # the job has a cuDNN profile that this machine cannot use
    if "without_cudnn" in measured:
        from labkit import biased_attention

        if not (cuda and biased_attention.available()):
            measured, without_cudnn = {**measured, **measured["without_cudnn"]}, cuda
    bf16 = bool(cuda and torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    args: dict[str, Any] = dict(
        per_device_train_batch_size=measured["batch_size"] if cuda else 8,
        bf16=bf16, tf32=bool(cuda and bf16),
        optim="adamw_torch_fused" if cuda else "adamw_torch",
        torch_compile=bool(cuda and measured["torch_compile"]),
        dataloader_pin_memory=cuda, dataloader_num_workers=2 if cuda else 0,
        dataloader_persistent_workers=cuda, use_cpu=not cuda,
    )
    if cuda:
        # Let the host run ahead of the GPU (measured +6.7% BERT, +2.4% mT5 on an H200): Trainer's default checks
        # each step's loss for NaN/inf with a Python `if` on a GPU tensor, which waits for the step to finish (with
        # the check off a NaN loss shows up as NaN in the logs instead of being replaced), and copies batches with
        # blocking copies.
        args.update(logging_nan_inf_filter=False, accelerator_config={"non_blocking": True}, **measured["ddp"])
    else:
        args.pop("tf32")
    return {"training_arguments": args,
            "model_kwargs": {"attn_implementation": measured["attn_implementation"]},
            "masked_positions_only": bool(measured.get("masked_positions_only", False)),
            "chunked_lm_loss": bool(cuda and measured.get("chunked_lm_loss", False)),
            "lm_loss_chunk": measured.get("lm_loss_chunk") if cuda and measured.get("chunked_lm_loss") else None,
            "padding_mask": measured["padding_mask"],
            "bf16_math_attention": bool(cuda and measured["bf16_math_attention"]),
            "t5_attention": measured.get("t5_attention") if cuda else None,
            "source": ("docs/benchmarks.md (GPU training throughput, H200)"
                       + (", without nvidia-cudnn-frontend" if without_cudnn else "")) if cuda else "CPU defaults"}
