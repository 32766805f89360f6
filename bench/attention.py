"""The teaching attention against every PyTorch SDPA backend, forward and forward + backward, bf16.

Columns: ``teaching``, ``cudnn``, ``flash``, ``efficient``, ``math`` and ``labkit``.

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


def teaching_attention(q, k, v):
    """softmax(q k^T / sqrt(d)) v, as written on the board."""
    import torch

    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    return torch.softmax(scores, dim=-1) @ v


def _timed(fn, sync, min_iters: int, min_seconds: float) -> float:
    fn()
    fn()
    sync()
    iters, start = 0, time.perf_counter()
    while True:
        fn()
        iters += 1
        if iters >= min_iters:
            sync()
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                return elapsed / iters


def methods():
    """name -> function(q, k, v) for the teaching attention, each SDPA backend and labkit's choice."""
    import torch
    from torch.nn.attention import sdpa_kernel

    out = {"teaching": teaching_attention}
    for backend in perf.sdpa_backends():
        def fn(q, k, v, backend=backend):
            with sdpa_kernel(backend):
                return torch.nn.functional.scaled_dot_product_attention(q, k, v)
        out[backend.name.split("_")[0].lower()] = fn
    out["labkit"] = lambda q, k, v: perf.sdpa(q, k, v)
    return out


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--depths", default="64,128")
    parser.add_argument("--seqs", default="512,1024,2048,4096,8192")
    parser.add_argument("--tokens", type=int, default=16384, help="batch x sequence")
    parser.add_argument("--width", type=int, default=2048, help="heads x depth")
    parser.add_argument("--json", default=None)
    options = parser.parse_args(argv)

    import torch

    cuda = torch.cuda.is_available() and not options.tiny
    device = "cuda" if cuda else "cpu"
    dtype = torch.bfloat16 if cuda else torch.float32
    if options.tiny:
        options.depths, options.seqs, options.tokens, options.width = "8,16", "32,64", 128, 32
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    min_iters, min_seconds = (3, 0.2) if cuda else (1, 0.0)
    info = perf.device_info()
    print(json.dumps({"device": info, "dtype": str(dtype)}), flush=True)
    results = []
    for d in [int(x) for x in options.depths.split(",")]:
        for s in [int(x) for x in options.seqs.split(",")]:
            b, h = max(1, options.tokens // s), max(1, options.width // d)
            fwd_flops = 4 * b * h * s * s * d
            row = {"depth": d, "seq": s, "batch": b, "heads": h}
            for name, fn in methods().items():
                for mode in ("fwd", "fwd+bwd"):
                    backward = mode == "fwd+bwd"
                    q, k, v = (torch.randn(b, h, s, d, device=device, dtype=dtype, requires_grad=backward)
                               for _ in range(3))
                    grad = torch.randn(b, h, s, d, device=device, dtype=dtype)

                    def step(fn=fn, q=q, k=k, v=v, grad=grad, backward=backward):
                        if backward:
                            q.grad = k.grad = v.grad = None
                            fn(q, k, v).backward(grad)
                        else:
                            with torch.no_grad():
                                fn(q, k, v)
                    try:
                        seconds = _timed(step, sync, min_iters, min_seconds)
                        flops = fwd_flops * (3.5 if backward else 1.0)
                        value = flops / seconds / 1e12
                    except (RuntimeError, torch.OutOfMemoryError) as error:
                        value = None
                        row.setdefault("errors", {})[f"{name} {mode}"] = str(error).splitlines()[0][:100]
                    row[f"{name} | {mode}"] = value
                    del q, k, v, grad
                    if cuda:
                        torch.cuda.empty_cache()
            for backward in (False, True):
                chosen = perf.fastest_sdpa_backend((b, h, s, d), dtype=dtype, device=device, backward=backward)
                row[f"chosen {'fwd+bwd' if backward else 'fwd'}"] = chosen.name
            results.append(row)
            cells = [f"{key.split(' | ')[0]} {key.split(' | ')[1]} "
                     f"{'-' if val is None else format(val, '.0f')}" for key, val in row.items() if " | " in key]
            print(f"d={d} s={s} b={b} h={h} [TFLOP/s] " + "; ".join(cells)
                  + f"; chosen fwd {row['chosen fwd']}, fwd+bwd {row['chosen fwd+bwd']}", flush=True)
    if options.json:
        with open(options.json, "w") as handle:
            json.dump({"device": info, "dtype": str(dtype), "rows": results}, handle, indent=1)
    return results


if __name__ == "__main__":
    main()
