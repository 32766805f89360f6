"""Cross-entropy over a block of logits in two Triton kernels: the loss per row and its gradient, in one read each.

:func:`labkit.perf.chunked_lm_loss` computes, for each chunk of rows, the logits ``h @ W^T`` (bf16 under autocast),
then the loss ``logsumexp(logits) - logits[label]`` and, at once, the gradient of the loss with respect to the
logits, ``(softmax(logits) - one_hot(label)) * scale`` (``scale`` is ``1 / number of counted labels``, 0 for an
ignored row). For mT5's 250,112-word vocabulary a chunk of 8192 rows holds 4 GB of bf16 logits, so this step is
memory-bound: what costs is how many times the block is read and written. Here:

1. ``_row_loss_kernel``, one program per row, reads the row once, keeping a running maximum ``m`` and a running
   ``s = sum(exp(x - m))`` (when the maximum grows, ``s`` is rescaled by ``exp(old m - new m)``: the "online
   softmax"), so ``logsumexp = m + log(s)``; it also reads the label's logit and writes the row's loss.
2. ``_grad_kernel``, one program per (row, block of columns), reads the block again, writes
   ``exp(x - logsumexp) * scale``, minus ``scale`` at the label's column, in the logits' dtype.

Two reads and one write of the block: 12 GB for a 4 GB chunk. The same computation written with PyTorch operations
(``labkit.perf``'s fallback) is what ``torch.compile`` fused before: on an H200, for mT5-small's 65,536 target rows
(batch 512) in 8 chunks, its kernels took 65 ms a step (a fused softmax pass, 43 ms, and a cast-and-scale pass per
chunk), these two 32 ms (with the block sizes first tried; the ones below make the loss kernel 1.5x faster again),
and the whole training step went from 884-891 to 940-952 samples/s (``docs/benchmarks.md``).

A label outside ``[0, vocab)`` that is not ``ignore_index`` gives that row a NaN loss (no silent wrong answer, and
no device-side assert that would end the CUDA context).

:func:`available` says whether the kernels can run (Triton importable, a CUDA GPU); :func:`loss_and_grad` is the
entry point for training and :func:`row_loss` (the first kernel alone) for evaluation, each a ``torch.library``
custom operator so that ``torch.compile`` calls it as it is.

>>> import labkit.lm_loss_kernel as k
>>> k.available() in (True, False)
True
"""

import functools

#: Columns per step of the loss kernel's row loop, and its warps; the same for the gradient kernel's programs.
#: Chosen on an H200 (8192 x 250,112 bf16 logits, best of 3 x 20 calls): the loss kernel reads 3.84 TB/s at
#: 2048 / 4 warps against 2.53 at 4096 / 16, the gradient kernel 3.96 TB/s (read + write; ``copy_`` does 4.3).
ROW_BLOCK, ROW_WARPS = 2048, 4
GRAD_BLOCK, GRAD_WARPS = 2048, 4


_AVAILABLE: bool | None = None
_OPS = None


def available() -> bool:
    """True when Triton imports and a CUDA GPU is present (the kernels run on nothing else). Checked once."""
    global _AVAILABLE
    if _AVAILABLE is None:
        try:
            import torch
            import triton  # noqa: F401
        except ImportError:
            _AVAILABLE = False
        else:
            _AVAILABLE = bool(torch.cuda.is_available())
    return _AVAILABLE


@functools.lru_cache(maxsize=1)
def _kernels():
    import triton
    import triton.language as tl

    @triton.jit
    def _row_loss_kernel(logits, labels, lse_out, loss_out, vocab, stride, ignore_index, BLOCK: tl.constexpr):
        row = tl.program_id(0).to(tl.int64)
        base = logits + row * stride
        cols = tl.arange(0, BLOCK)
        m = tl.full((), float("-inf"), tl.float32)
        s = tl.full((), 0.0, tl.float32)
        for start in range(0, vocab, BLOCK):
            x = tl.load(base + start + cols, mask=start + cols < vocab, other=float("-inf")).to(tl.float32)
            new_m = tl.maximum(m, tl.max(x, 0))
            s = s * tl.exp(m - new_m) + tl.sum(tl.exp(x - new_m), 0)
            m = new_m
        lse = m + tl.log(s)
        y = tl.load(labels + row)
        in_range = (y >= 0) & (y < vocab)
        target = tl.load(base + tl.where(in_range, y, 0)).to(tl.float32)
        loss = tl.where(in_range, lse - target, float("nan"))
        loss = tl.where(y == ignore_index, 0.0, loss)
        tl.store(lse_out + row, lse)
        tl.store(loss_out + row, loss)

    @triton.jit
    def _grad_kernel(logits, labels, lse, scale, grad, vocab, stride, grad_stride, BLOCK: tl.constexpr):
        row = tl.program_id(0).to(tl.int64)
        cols = tl.program_id(1) * BLOCK + tl.arange(0, BLOCK)
        inside = cols < vocab
        x = tl.load(logits + row * stride + cols, mask=inside, other=0.0).to(tl.float32)
        c = tl.load(scale + row)
        g = tl.exp(x - tl.load(lse + row)) * c
        g = tl.where(cols == tl.load(labels + row), g - c, g)
        tl.store(grad + row * grad_stride + cols, g.to(grad.dtype.element_ty), mask=inside)

    return triton, _row_loss_kernel, _grad_kernel


def _row_pass(logits, labels, ignore_index: int):
    """The first kernel: ``(loss, logsumexp)`` per row, fp32."""
    import torch

    _, row_loss_kernel, _ = _kernels()
    rows, vocab = logits.shape
    lse = torch.empty(rows, device=logits.device, dtype=torch.float32)
    loss = torch.empty(rows, device=logits.device, dtype=torch.float32)
    if rows:
        row_loss_kernel[(rows,)](logits, labels, lse, loss, vocab, logits.stride(0), ignore_index, BLOCK=ROW_BLOCK,
                                 num_warps=ROW_WARPS)
    return loss, lse


def _launch(logits, labels, scale, ignore_index: int):
    import torch

    triton, _, grad_kernel = _kernels()
    rows, vocab = logits.shape
    loss, lse = _row_pass(logits, labels, ignore_index)
    grad = torch.empty_like(logits)
    if rows:
        grad_kernel[(rows, triton.cdiv(vocab, GRAD_BLOCK))](logits, labels, lse, scale, grad, vocab, logits.stride(0),
                                                           grad.stride(0), BLOCK=GRAD_BLOCK, num_warps=GRAD_WARPS)
    return loss, grad


def _register():
    import torch
    from torch import Tensor

    @torch.library.custom_op("labkit::lm_loss_and_grad", mutates_args=(), device_types="cuda")
    def op(logits: Tensor, labels: Tensor, scale: Tensor, ignore_index: int) -> tuple[Tensor, Tensor]:
        return _launch(logits, labels, scale, ignore_index)

    @op.register_fake
    def _(logits, labels, scale, ignore_index):
        return logits.new_empty(logits.shape[0], dtype=torch.float32), torch.empty_like(logits)

    @torch.library.custom_op("labkit::lm_loss_rows", mutates_args=(), device_types="cuda")
    def rows_op(logits: Tensor, labels: Tensor, ignore_index: int) -> Tensor:
        return _row_pass(logits, labels, ignore_index)[0]

    @rows_op.register_fake
    def _(logits, labels, ignore_index):
        return logits.new_empty(logits.shape[0], dtype=torch.float32)

    return op, rows_op


def ensure_registered():
    """Register the two custom operators (once): ``(loss and gradient, loss only)``. Call it before
    ``torch.compile`` traces code that uses them."""
    global _OPS
    if _OPS is None:
        _OPS = _register()
    return _OPS


def loss_and_grad(logits, labels, scale, ignore_index: int = -100):
    """Per-row cross-entropy of ``logits`` and its gradient with respect to them, scaled per row.

    ``logits``: ``(rows, vocab)`` on a CUDA GPU, bf16, fp16 or fp32, unit stride along the vocabulary;
    ``labels``: ``(rows,)`` integers, ``ignore_index`` for a row that does not count; ``scale``: ``(rows,)`` fp32,
    the factor of each row's gradient (``1 / counted labels``, and 0 for an ignored row). Returns ``(loss, grad)``:
    ``loss`` fp32 ``(rows,)`` (0 for an ignored row, NaN for a label outside ``[0, vocab)``), ``grad`` like
    ``logits``: ``(softmax(logits) - one_hot(labels)) * scale[:, None]``.

    On a GPU (not run here: the doctests run on a CPU):

        loss, grad = loss_and_grad(logits, labels, torch.full((rows,), 1 / rows, device="cuda"))
    """
    _check(logits, labels, scale=scale)
    return (_OPS or ensure_registered())[0](logits, labels.contiguous(), scale.float().contiguous(), int(ignore_index))


def row_loss(logits, labels, ignore_index: int = -100):
    """Per-row cross-entropy of ``logits`` alone (evaluation: no gradient), one read of the logits.

    Arguments and ``loss`` as :func:`loss_and_grad`'s (0 for an ignored row, NaN for a label outside
    ``[0, vocab)``); only the first kernel runs.
    """
    _check(logits, labels)
    return (_OPS or ensure_registered())[1](logits, labels.contiguous(), int(ignore_index))


def _check(logits, labels, **per_row):
    import torch

    if not isinstance(logits, torch.Tensor) or logits.dim() != 2 or logits.device.type != "cuda":
        raise ValueError("logits must be a (rows, vocab) tensor on a CUDA GPU, got "
                         + (f"shape {tuple(logits.shape)} on {logits.device}" if isinstance(logits, torch.Tensor)
                            else type(logits).__name__))
    if logits.dtype not in (torch.bfloat16, torch.float16, torch.float32):
        raise ValueError(f"logits must be bf16, fp16 or fp32, got {logits.dtype}")
    if logits.stride(1) != 1:
        raise ValueError(f"logits must have unit stride along the vocabulary, got strides {logits.stride()}")
    rows = logits.shape[0]
    for name, t in (("labels", labels), *per_row.items()):
        if tuple(t.shape) != (rows,) or t.device != logits.device:
            raise ValueError(f"{name} must be ({rows},) on {logits.device} to match logits, "
                             f"got shape {tuple(t.shape)} on {t.device}")
    if labels.dtype not in (torch.int32, torch.int64):
        raise ValueError(f"labels must be int32 or int64, got {labels.dtype}")
