"""The chunked LM loss alone: each chunk's softmax and gradient from PyTorch operations or from Triton kernels.

:func:`labkit.perf.chunked_lm_loss` (forward, which also computes both gradients, and backward) under
``torch.compile`` with ``kernel="torch"`` (PyTorch operations, which Inductor fuses) and ``kernel="triton"``
(:mod:`labkit.lm_loss_kernel`), at mT5-small's shape by default: 65,536 rows (batch 512 x 128 targets), width 512,
a 250,112-word vocabulary, 8192 rows a chunk, bf16 autocast, fp32 weights, one row in 7 ignored. Times are the best
of ``--rounds`` rounds of 5 calls, the two kernels interleaved (``labkit.perf._time_interleaved``); the losses and
the gradients of the two are compared; ``--profile`` adds the GPU kernels of 3 calls of each. ``--no-grad`` times
the evaluation path instead (no gradients: each chunk's loss only; the Triton path runs the first kernel alone).

    python bench/lm_loss.py --profile --json $OUT/lm_loss.json      # on a GPU
    python bench/lm_loss.py --no-grad --json $OUT/lm_loss.json      # evaluation
    python bench/lm_loss.py --tiny                                   # the CPU: PyTorch operations only (tests)
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from labkit import lm_loss_kernel, perf  # noqa: E402


def top_kernels(fn, calls: int = 3, top: int = 6) -> list[dict]:
    """The ``top`` GPU kernels of ``calls`` calls of ``fn`` by total time: name, ms per call, launches per call."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for _ in range(calls):
            fn()
        torch.cuda.synchronize()
    events = sorted(prof.key_averages(), key=lambda e: -e.device_time_total)[:top]
    return [{"kernel": e.key[:120], "ms_per_call": round(e.device_time_total / calls / 1000, 3),
             "launches_per_call": e.count // calls} for e in events]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="a small shape on the CPU, PyTorch operations only")
    parser.add_argument("--rows", type=int, default=65536)
    parser.add_argument("--chunk", type=int, default=8192)
    parser.add_argument("--vocab", type=int, default=250112)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="list the GPU kernels of each (CUDA only)")
    parser.add_argument("--no-grad", action="store_true", help="time the evaluation path (no gradients)")
    parser.add_argument("--json", default=None)
    options = parser.parse_args(argv)
    for name in ("rows", "chunk", "vocab", "width", "rounds"):
        if getattr(options, name) < 1:
            parser.error(f"--{name} must be at least 1, got {getattr(options, name)}")

    import torch

    cuda = torch.cuda.is_available() and not options.tiny
    if options.tiny:
        options.rows, options.chunk, options.vocab, options.width, options.rounds = 96, 40, 300, 16, 1
    device = "cuda" if cuda else "cpu"
    kernels = ["torch"] + (["triton"] if cuda and lm_loss_kernel.available() else [])
    torch.manual_seed(0)
    train = not options.no_grad
    hidden = (torch.randn(options.rows, options.width, device=device) * 0.05).requires_grad_(train)
    weight = (torch.randn(options.vocab, options.width, device=device) * 0.05).requires_grad_(train)
    labels = torch.randint(0, options.vocab, (options.rows,), device=device)
    labels[::7] = -100
    perf._lm_loss_function()                  # the autograd Function and the kernels' operator, before compiling

    def make(kernel):
        def step():
            with torch.autocast(device, dtype=torch.bfloat16, enabled=cuda), torch.set_grad_enabled(train):
                loss = perf.chunked_lm_loss(hidden, weight, labels, chunk=options.chunk, kernel=kernel)
            if train:
                loss.backward()
            return loss
        return torch.compile(step) if cuda else step

    steps, first, outputs = {}, {}, {}
    for kernel in kernels:
        steps[kernel] = make(kernel)
        hidden.grad = weight.grad = None
        start = time.perf_counter()
        loss = steps[kernel]()
        first[kernel] = time.perf_counter() - start
        outputs[kernel] = (loss.item(), *((hidden.grad.float().clone(), weight.grad.float().clone()) if train else ()))
    reference = torch.nn.functional.cross_entropy(hidden.detach().float() @ weight.detach().float().T, labels).item()

    def timed(fn):
        def call():
            hidden.grad = weight.grad = None
            fn()
        return call

    sync = torch.cuda.synchronize if cuda else (lambda: None)
    seconds = perf._time_interleaved({k: timed(fn) for k, fn in steps.items()}, iters=5, repeats=options.rounds,
                                     errors=(), sync=sync)
    rows = []
    for kernel in kernels:
        loss = outputs[kernel][0]
        row = dict(kernel=kernel, mode="train" if train else "no grad", ms_per_call=seconds[kernel] * 1e3,
                   first_call_s=first[kernel], loss=loss, fp32_reference_loss=reference)
        if train:
            (grad_h, grad_w), (base_h, base_w) = outputs[kernel][1:], outputs["torch"][1:]
            row.update(grad_hidden_rel_diff=float((grad_h - base_h).norm() / base_h.norm()),
                       grad_weight_rel_diff=float((grad_w - base_w).norm() / base_w.norm()))
        if options.profile and cuda:
            row["kernels"] = top_kernels(timed(steps[kernel]))
        rows.append(row)
        gradients = (f"  gradients vs torch: hidden {row['grad_hidden_rel_diff']:.1e}, weight "
                     f"{row['grad_weight_rel_diff']:.1e}" if train else "  (no gradients)")
        print(f"{kernel:7s} {row['ms_per_call']:9.2f} ms per call (best of {options.rounds} x 5)  first call "
              f"{row['first_call_s']:6.1f} s  loss {loss:.5f} (fp32 {reference:.5f}){gradients}")
        for k in row.get("kernels", []):
            print(f"    {k['ms_per_call']:8.2f} ms x{k['launches_per_call']:3d}  {k['kernel']}")
    if len(rows) == 2:
        print(f"torch / triton: {rows[0]['ms_per_call'] / rows[1]['ms_per_call']:.3f}x")
    result = {"device": perf.device_info(), "rows": options.rows, "chunk": options.chunk, "vocab": options.vocab,
              "width": options.width, "rounds": options.rounds, "mode": "train" if train else "no grad",
              "results": rows}
    if options.json:
        with open(options.json, "a") as f:
            f.write(json.dumps(result) + "\n")
    return result


if __name__ == "__main__":
    main()
