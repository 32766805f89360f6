"""The teaching attention against every PyTorch SDPA backend, forward and forward + backward, bf16.

Columns: ``teaching``, ``cudnn``, ``flash``, ``efficient``, ``math``, ``fa4`` (FlashAttention-4, only where the
optional ``flash-attn-4`` package is installed) and ``labkit``.

The teaching attention is the formula of lab 03-2 spelled out in PyTorch: ``softmax(q k^T / sqrt(d)) v`` (three
kernels and a full ``(s, s)`` score matrix in memory). Each SDPA backend (cuDNN, flash, memory-efficient, math)
is forced with ``torch.nn.attention.sdpa_kernel``; ``labkit`` is :func:`labkit.perf.sdpa`, which picks the fastest
backend automatically (timed once per shape, cached). Shapes keep ``batch x seq`` = 16,384 tokens and
``heads x depth`` = 2,048 (``d`` 128: 16 heads; ``d`` 64: 32 heads), non-causal.

FLOPs (the FlashAttention convention): forward ``4 b h s^2 d`` (two matrix products); forward + backward
``3.5 x`` that (the backward does five products of the same size: 2.5 x the forward).

    python bench/attention.py                  # the full sweep on a GPU
    python bench/attention.py --tiny           # a few small shapes on the CPU (the test suite runs this)
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from labkit import perf  # noqa: E402


def teaching_attention(q, k, v, bias=None, dropout: float = 0.0):
    """softmax(q k^T / sqrt(d) + bias) v, as written on the board (dropout on the probabilities when training)."""
    import torch

    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if bias is not None:
        scores = scores + bias
    probs = torch.softmax(scores, dim=-1)
    if dropout:
        probs = torch.nn.functional.dropout(probs, dropout)
    return probs @ v


def _timed(fn, sync, min_iters: int, min_seconds: float) -> float:
    """Seconds per call of ``fn``: two warm-up calls, then batches of calls with **one** ``sync`` per batch.

    The batch starts at ``min_iters`` calls and doubles until one batch lasts ``min_seconds``. Calls inside a batch
    queue on the GPU as they do in a training step, so the host's time to launch the next call overlaps the GPU's
    work on the last one. (Until 2026-11-30 this synchronised after every call once ``min_iters`` were done, which
    added the launch latency to every call: a 0.2 ms forward read up to 13% slow.)
    """
    fn()
    fn()
    sync()
    iters = min_iters
    while True:
        start = time.perf_counter()
        for _ in range(iters):
            fn()
        sync()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / iters
        iters *= 2


def make_input(b: int, h: int, s: int, d: int, layout: str, device, dtype, requires_grad: bool):
    """A random (b, h, s, d) tensor; with ``layout="bshd"`` it is stored as (b, s, h, d) and transposed (a view)."""
    import torch

    if layout == "bshd":
        x = torch.randn(b, s, h, d, device=device, dtype=dtype).transpose(1, 2)
        return x.detach().requires_grad_(requires_grad)
    return torch.randn(b, h, s, d, device=device, dtype=dtype, requires_grad=requires_grad)


def methods():
    """name -> function(q, k, v, bias=None, dropout=0.0) for the teaching attention, each kernel and labkit's choice.

    Every kernel runs through :func:`labkit.perf.sdpa` with that kernel forced: the SDPA backends, and
    FlashAttention-4 (``fa4``) where flash-attn-4 is installed. ``labkit`` lets it choose.
    """
    kernels = {backend.name.split("_")[0].lower(): backend for backend in perf.sdpa_backends()}
    fa4 = perf.flash_attention_4()            # FlashAttention-4, where flash-attn-4 is installed (GPU only)
    if fa4 is not None:
        kernels["fa4"] = fa4
    out = {"teaching": teaching_attention}
    for name, backend in kernels.items():
        out[name] = lambda q, k, v, bias=None, dropout=0.0, backend=backend: perf.sdpa(
            q, k, v, bias, dropout_p=dropout, backend=backend)
    out["labkit"] = lambda q, k, v, bias=None, dropout=0.0: perf.sdpa(q, k, v, bias, dropout_p=dropout)
    return out


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--depths", default="64,128")
    parser.add_argument("--seqs", default="512,1024,2048,4096,8192")
    parser.add_argument("--tokens", type=int, default=16384, help="batch x sequence")
    parser.add_argument("--width", type=int, default=2048, help="heads x depth")
    parser.add_argument("--layout", choices=("bhsd", "bshd"), default="bhsd",
                        help="memory layout of q, k, v: contiguous (batch, heads, seq, depth), or (batch, seq, heads, "
                             "depth) seen through a transpose, as a model's projections produce them")
    parser.add_argument("--bias", choices=("none", "shared", "batch"), default="none",
                        help="an additive float bias on the scores, as T5's learned relative position bias: shared = "
                             "(1, heads, s, s), batch = (batch, heads, s, s) (what a padding mask combined with it "
                             "gives); it gets a gradient in fwd+bwd")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout on the attention probabilities")
    parser.add_argument("--methods", default="", help="comma-separated columns to time (default: all)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="time every cell this many times, the methods interleaved, and report the median")
    parser.add_argument("--json", default=None)
    options = parser.parse_args(argv)
    if options.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {options.rounds}")

    import torch

    cuda = torch.cuda.is_available() and not options.tiny
    device = "cuda" if cuda else "cpu"
    dtype = torch.bfloat16 if cuda else torch.float32
    if options.tiny:
        options.depths, options.seqs, options.tokens, options.width = "8,16", "32,64", 128, 32
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    min_iters, min_seconds = (1, 0.0) if options.tiny else (3, 0.2)
    def time_cell(name, fn, backward, b, h, s, d, row):
        """TFLOP/s of one method in one mode (None if it refuses the shape; the error goes into row["errors"])."""
        q, k, v = (make_input(b, h, s, d, options.layout, device, dtype, backward) for _ in range(3))
        grad = torch.randn(b, h, s, d, device=device, dtype=dtype)
        bias = None
        if options.bias != "none":
            bias = torch.randn(1 if options.bias == "shared" else b, h, s, s, device=device, dtype=dtype,
                               requires_grad=backward)
        extra = {"bias": bias, "dropout": options.dropout} if (bias is not None or options.dropout) else {}

        def step():
            if backward:
                q.grad = k.grad = v.grad = None
                fn(q, k, v, **extra).backward(grad)
            else:
                with torch.no_grad():
                    fn(q, k, v, **{**extra, "dropout": 0.0} if extra else {})
        try:
            seconds = _timed(step, sync, min_iters, min_seconds)
            return 4 * b * h * s * s * d * (3.5 if backward else 1.0) / seconds / 1e12
        except (RuntimeError, ValueError, torch.OutOfMemoryError) as error:
            row.setdefault("errors", {})[f"{name} {'fwd+bwd' if backward else 'fwd'}"] = \
                str(error).splitlines()[0][:100]
            return None

    info = perf.device_info()
    setup = {"dtype": str(dtype), "layout": options.layout, "bias": options.bias, "dropout": options.dropout}
    print(json.dumps({"device": info, **setup}), flush=True)
    results = []
    for d in [int(x) for x in options.depths.split(",")]:
        for s in [int(x) for x in options.seqs.split(",")]:
            b, h = max(1, options.tokens // s), max(1, options.width // d)
            row = {"depth": d, "seq": s, "batch": b, "heads": h}
            wanted = [m.strip() for m in options.methods.split(",") if m.strip()]
            timings: dict[str, list] = {}
            for _ in range(options.rounds):           # rounds interleave the methods, so GPU clock drift hits all
                for name, fn in methods().items():
                    if wanted and name not in wanted:
                        continue
                    for mode in ("fwd", "fwd+bwd"):
                        value = time_cell(name, fn, mode == "fwd+bwd", b, h, s, d, row)
                        timings.setdefault(f"{name} | {mode}", []).append(value)
                        if cuda:
                            torch.cuda.empty_cache()        # the cell's tensors are gone once time_cell returns
            for key, values in timings.items():
                done = sorted(v for v in values if v is not None)
                row[key] = done[len(done) // 2] if done else None          # the median round (upper median)
                if options.rounds > 1:
                    row[f"{key} | rounds"] = values
            for backward in (False, True):
                chosen = perf.fastest_sdpa_backend((b, h, s, d), dtype=dtype, device=device, backward=backward)
                row[f"chosen {'fwd+bwd' if backward else 'fwd'}"] = chosen.name
            results.append(row)
            cells = [f"{key.split(' | ')[0]} {key.split(' | ')[1]} "
                     f"{'-' if val is None else format(val, '.0f' if val >= 10 else '.3g')}"
                     for key, val in row.items() if key.count(" | ") == 1]
            print(f"d={d} s={s} b={b} h={h} [TFLOP/s] " + "; ".join(cells)
                  + f"; chosen fwd {row['chosen fwd']}, fwd+bwd {row['chosen fwd+bwd']}", flush=True)
    if options.json:
        with open(options.json, "w") as handle:
            json.dump({"device": info, **setup, "rows": results}, handle, indent=1)
    return results


if __name__ == "__main__":
    main()
