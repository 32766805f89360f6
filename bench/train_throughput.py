"""Training throughput of BERT-base masked-LM pre-training and mT5-small fine-tuning with ``Trainer``.

Both models are built from their configs with random weights and fed synthetic tokens (throughput does not depend
on the weights). Every run is one ``Trainer.train()`` of a few warm-up steps (not timed: compilation, kernel
selection, first allocations) and then ``--steps`` timed steps, all in one process:

- ``default``: ``TrainingArguments`` left at their defaults (fp32, batch 8): what a student gets;
- ``full``: :func:`labkit.perf.full_training_settings` (bf16, large batch, fused AdamW, ``torch.compile``, no
  per-step NaN check and non-blocking batch copies, the masked-LM head on masked positions only);
- ablations: ``full`` with one technique taken out (or the batch changed), to show that each one pays;
- mT5 ``full`` uses :func:`labkit.perf.t5_fast_attention`, which fixes the kernel of T5's biased self-attention
  whatever the transformers version would pick, and gives cross-attention no all-zero bias. Where the optional
  ``nvidia-cudnn-frontend`` package is installed, ``full`` runs T5's three attentions in cuDNN's fused kernel, the
  biased ones with the bias gradient (:mod:`labkit.biased_attention`), the LM head and cross-entropy 8192 target
  rows at a time (:func:`labkit.perf.chunked_lm_loss_seq2seq`: the 250k-vocabulary logits never exist whole; each
  chunk's softmax and gradient in :mod:`labkit.lm_loss_kernel`'s Triton kernels, ``full, PyTorch loss ops`` without
  them), at batch 512; without it, ``full`` is the ``math profile``: SDPA's math path in bf16
  (``torch.backends.cuda.allow_fp16_bf16_reduction_math_sdp``, set for the run and restored after it), the plain
  loss, batch 128. The ``math profile ...`` rows are the ablations measured against that profile (the
  memory-efficient kernel, SDPA's own choice, math SDPA for every call, fp32 math attention, the chunked loss);
- ``... no padding mask``: rows without padding, so no mask is built (exact for the synthetic rows);
- BERT ``full`` under ``torchrun`` also sets DDP up as measured (no unused-parameter search, one gradient bucket);
  ``full - DDP tuning`` and the other DDP rows take that apart;
- ``--repeat N`` runs the chosen rows N times, round-robin, to see the run-to-run spread.

Compiled graphs are not cached between runs (Inductor's FX-graph and AOT-autograd caches are off unless
``--compile-cache``): the cache key misses settings such as the math-SDPA flag, so a row could silently reuse the
previous row's graph; and the first step's time is then the real compile time.

With ``--profile STEPS``, ``torch.profiler`` runs over STEPS more steps after the timed ones and the report groups
the GPU kernel time (matrix products, attention, Inductor's fused kernels, optimizer, copies) and says how much of
the wall time the GPU was busy.

Reported: samples/s, tokens/s (BERT: 128 per sample; mT5: inputs + targets), MFU against the device's bf16 peak
(BERT: ``6 N`` x tokens/s, N = all parameters, and the real matrix FLOPs; mT5: the real matrix FLOPs of
:func:`labkit.perf.seq2seq_matrix_flops_per_sample`), peak memory, and the first step's time (compilation).

    python bench/train_throughput.py                      # both jobs, default + full + ablations, on the GPU
    python bench/train_throughput.py --jobs bert --runs 'default;full'
    python bench/train_throughput.py --jobs mt5 --runs full --profile 3      # where the step's GPU time goes
    torchrun --nproc_per_node 2 bench/train_throughput.py --jobs bert --runs 'full;full - DDP tuning' --repeat 2
    python bench/train_throughput.py --tiny               # seconds on a CPU (the test suite runs this)
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from labkit import perf  # noqa: E402

MASK_FRACTION = 0.15


# ---------------------------------------------------------------------------------------------- models and data

def bert_config(tiny: bool):
    from transformers import BertConfig

    if tiny:
        return BertConfig(vocab_size=128, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                          intermediate_size=64, max_position_embeddings=64)
    return BertConfig()                                           # BERT-base: 12 x 768, vocab 30,522


def mt5_config(tiny: bool):
    from transformers import MT5Config

    common = dict(feed_forward_proj="gated-gelu", tie_word_embeddings=False, dropout_rate=0.1,
                  decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    if tiny:
        return MT5Config(vocab_size=256, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2,
                         num_heads=4, **common)
    # google/mt5-small's config.
    return MT5Config(vocab_size=250112, d_model=512, d_kv=64, d_ff=1024, num_layers=8, num_decoder_layers=8,
                     num_heads=6, relative_attention_num_buckets=32, **common)


#: Rows (batch x target positions) per chunk of the chunked LM loss where the profile names none (tiny mode, the
#: math-profile rows): 4096 x 250,112 fp32 = 4 GB transient. The GPU profile's own is ``lm_loss_chunk`` (8192).
CHUNK_ROWS = {True: 16, False: 4096}


def build_model(job: str, tiny: bool, attn_implementation: str = "sdpa", masked_only: bool = False,
                chunked_ce: bool = False, t5_fast: str | None = None, cudnn_parts=perf.T5_ATTENTIONS,
                chunk_rows: int | None = None, loss_kernel: str = "auto"):
    import torch
    from transformers import BertForMaskedLM, MT5ForConditionalGeneration

    if job == "bert":
        config = bert_config(tiny)
        config._attn_implementation = attn_implementation
        model = BertForMaskedLM(config)
        return (perf.masked_positions_mlm(model) if masked_only else model), config
    config = mt5_config(tiny)
    config._attn_implementation = attn_implementation
    model = MT5ForConditionalGeneration(config)
    # MT5Config ties the LM head to the shared embeddings even with tie_word_embeddings=False; mT5-small's
    # checkpoint has its own LM head, so give it one.
    if model.lm_head.weight.data_ptr() == model.shared.weight.data_ptr():
        model.lm_head.weight = torch.nn.Parameter(model.shared.weight.detach().clone())
    assert model.lm_head.weight.data_ptr() != model.shared.weight.data_ptr()
    if t5_fast:
        perf.t5_fast_attention(model, biased=t5_fast, cudnn=cudnn_parts)
    if chunked_ce:
        return perf.chunked_lm_loss_seq2seq(model, chunk=chunk_rows or CHUNK_ROWS[tiny], kernel=loss_kernel), config
    return model, config


class SyntheticRows:
    """A map-style dataset of ``n`` rows of precomputed tensors (a dict of equally long tensors)."""

    def __init__(self, columns: dict):
        self.columns = columns
        self.n = len(next(iter(columns.values())))

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return {k: v[i] for k, v in self.columns.items()}


def bert_rows(n: int, seq_len: int, vocab: int, masked_only: bool, seed: int = 0):
    """Synthetic MLM rows: a fixed number of masked positions per row (round(0.15 x seq_len) - 1)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(5, vocab, (n, seq_len), generator=g)
    ids[:, 0], ids[:, -1] = 2, 3                                  # [CLS] ... [SEP]
    count = max(1, round(MASK_FRACTION * seq_len) - 1)            # 18 of 126 real tokens at seq 128
    positions = torch.argsort(torch.rand(n, seq_len - 2, generator=g), dim=1)[:, :count] + 1
    positions, _ = positions.sort(dim=1)
    targets = torch.gather(ids, 1, positions)
    masked = ids.clone()
    masked.scatter_(1, positions, 4)                              # [MASK] (80/10/10 does not change the cost)
    columns = {"input_ids": masked, "attention_mask": torch.ones_like(ids)}
    if masked_only:
        columns.update(masked_positions=positions, masked_labels=targets)
    else:
        labels = torch.full_like(ids, -100)
        labels.scatter_(1, positions, targets)
        columns["labels"] = labels
    return SyntheticRows(columns)


def mt5_rows(n: int, source_len: int, target_len: int, vocab: int, seed: int = 0):
    import torch

    g = torch.Generator().manual_seed(seed)
    inputs = torch.randint(2, vocab, (n, source_len), generator=g)
    labels = torch.randint(2, vocab, (n, target_len), generator=g)
    inputs[:, -1] = labels[:, -1] = 1                            # </s>
    return SyntheticRows({"input_ids": inputs, "attention_mask": torch.ones_like(inputs), "labels": labels})


def stack_collator(rows):
    import torch

    return {k: torch.stack([r[k] for r in rows]) for k in rows[0]}


# ---------------------------------------------------------------------------------------------- one run

def _sync():
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def make_timer(warmup: int, steps: int):
    """A callback timing the first step (from train begin, compilation included) and steps warmup+1..warmup+steps."""
    from transformers import TrainerCallback

    class StepTimer(TrainerCallback):
        def __init__(self):
            self.begin = self.first = self.start = self.end = None
            self.start_step = self.end_step = 0

        def on_train_begin(self, args, state, control, **kw):
            _sync()
            self.begin = time.perf_counter()

        def on_step_end(self, args, state, control, **kw):
            if state.global_step == 1:
                _sync()
                self.first = time.perf_counter() - self.begin
            if state.global_step == warmup:
                _sync()
                self.start, self.start_step = time.perf_counter(), state.global_step
            if state.global_step == warmup + steps:
                _sync()
                self.end, self.end_step = time.perf_counter(), state.global_step

    return StepTimer()


#: Kernel-name fragments -> the group a profile table reports them under (first match wins).
KERNEL_GROUPS = (
    ("LM loss (labkit.lm_loss_kernel)", ("_row_loss_kernel", "_grad_kernel")),
    ("attention", ("fmha", "flash", "attention", "sdpa", "attn")),
    ("matrix products", ("gemm", "nvjet", "cutlass", "xmma", "wgmma", "cublas", "matmul", "addmm", "mm_")),
    ("optimizer", ("adam", "multi_tensor", "foreach")),
    ("fused element-wise (Inductor)", ("triton",)),
    ("copies and fills", ("copy", "memcpy", "memset", "fill", "cat")),
    ("nccl", ("nccl",)),
)


def kernel_group(name: str) -> str:
    """The group of a kernel (or, on a CPU, an operator) name in :data:`KERNEL_GROUPS`, else 'other'.

    >>> kernel_group("sm90_xmma_gemm_bf16bf16_bf16f32"), kernel_group("triton_per_fused_add_0")
    ('matrix products', 'fused element-wise (Inductor)')
    """
    low = name.lower()
    for group, fragments in KERNEL_GROUPS:
        if any(f in low for f in fragments):
            return group
    return "other"


#: How many of the kernels with most time a profile lists.
TOP_KERNELS = 25


def make_profiler(first_step: int, steps: int):
    """A callback that runs ``torch.profiler`` over steps first_step+1..first_step+steps (after the timed ones).

    After training, ``.summary()`` gives the wall time of those steps, the device time of every kernel grouped by
    :func:`kernel_group`, the share of the wall time the device was busy, and the :data:`TOP_KERNELS` kernels with
    most time.
    On a CPU it reports operators (self CPU time) instead of kernels.
    """
    import torch
    from transformers import TrainerCallback

    class StepProfiler(TrainerCallback):
        def __init__(self):
            activities = [torch.profiler.ProfilerActivity.CPU]
            self.cuda = torch.cuda.is_available()
            if self.cuda:
                activities.append(torch.profiler.ProfilerActivity.CUDA)
            self.profiler = torch.profiler.profile(activities=activities)
            self.wall = None
            self.steps = 0

        def on_step_end(self, args, state, control, **kw):
            if state.global_step == first_step:
                _sync()
                self.profiler.start()
                self.began = time.perf_counter()
            elif state.global_step == first_step + steps:
                _sync()
                self.wall = time.perf_counter() - self.began
                self.profiler.stop()
                self.steps = steps

        def summary(self) -> dict:
            if self.wall is None:
                return {"error": "the profiled steps did not run"}
            events = [e for e in self.profiler.key_averages() if (e.device_type.name == "CUDA") == self.cuda
                      and e.self_device_time_total + e.self_cpu_time_total]
            times = {e.key: (e.self_device_time_total if self.cuda else e.self_cpu_time_total) / 1e6 for e in events}
            busy = sum(times.values())
            groups: dict[str, float] = {}
            for name, seconds in times.items():
                groups[kernel_group(name)] = groups.get(kernel_group(name), 0.0) + seconds
            per_step = 1e3 / self.steps
            return {
                "steps": self.steps, "unit": "kernels" if self.cuda else "CPU operators",
                "wall_ms_per_step": self.wall * per_step, "busy_ms_per_step": busy * per_step,
                "busy_share": busy / self.wall,
                "groups_ms_per_step": {g: t * per_step for g, t in sorted(groups.items(), key=lambda kv: -kv[1])},
                "top": [(name[:90], t * per_step)
                        for name, t in sorted(times.items(), key=lambda kv: -kv[1])[:TOP_KERNELS]],
            }

    return StepProfiler()


#: Row settings that are not TrainingArguments fields.
SPEC_KEYS = ("masked_only", "attn", "padding_mask", "chunked_ce", "chunk_rows", "loss_kernel", "t5_fast",
             "cudnn_parts", "bf16_math_sdp", "bf16_gradients", "sdpa_only", "inductor")


#: Each run: the settings it changes from ``default`` (None) or from ``full``.
def run_specs(job: str, tiny: bool) -> dict[str, dict]:
    full_job = "mlm" if job == "bert" else "seq2seq"
    full = perf.full_training_settings("cpu" if tiny else "cuda", full_job)
    gpu = perf.full_training_settings("cuda", full_job)      # the GPU profile's flags, read in tiny mode too
    base = dict(full["training_arguments"])
    spec = {"default": {"from": "default"},
            "full": {"from": "full", "args": base, "masked_only": full["masked_positions_only"],
                     "attn": full["model_kwargs"]["attn_implementation"], "padding_mask": full["padding_mask"],
                     "chunked_ce": full["chunked_lm_loss"], "chunk_rows": full["lm_loss_chunk"],
                     # the GPU profile's value in tiny mode too: the flag is only read by CUDA math SDPA, and the
                     # tests then see it set and restored
                     "bf16_math_sdp": gpu["bf16_math_attention"], "t5_fast": gpu["t5_attention"]}}
    if tiny:
        spec["full - compile"] = {**spec["full"], "args": {**base, "torch_compile": False}}
        if job == "bert":                 # the GPU profile's DDP settings, for a CPU run under torchrun (gloo)
            ddp = {k: v for k, v in gpu["training_arguments"].items() if k.startswith("ddp_")}
            spec["full + GPU DDP settings"] = {**spec["full"], "args": {**base, **ddp}}
        if job == "mt5":
            spec["full + chunked CE"] = {**spec["full"], "chunked_ce": True}
            spec["full - bf16 math attention"] = {**spec["full"], "bf16_math_sdp": False}
            spec["full + math SDPA only"] = {**spec["full"], "sdpa_only": ("MATH",)}
            spec["full - labkit T5 attention"] = {**spec["full"], "t5_fast": None}
        return spec

    def variant(**changes):
        out = {**spec["full"], "args": {**base}}
        for key, value in changes.items():
            if key in SPEC_KEYS:
                out[key] = value
            else:
                out["args"][key] = value
        return out

    if job == "bert":
        spec.update({
            "full - compile": variant(torch_compile=False),
            "full - masked-positions head": variant(masked_only=False),
            "full - fused AdamW": variant(optim="adamw_torch"),
            "full - bf16 (tf32 only)": variant(bf16=False),
            "full batch 256": variant(per_device_train_batch_size=256),
            "full batch 768": variant(per_device_train_batch_size=768),
            "full batch 1024": variant(per_device_train_batch_size=1024),
            # max-autotune with Trainer's tf32=True stops Inductor ("mix of the legacy and new APIs to set the matmul
            # precision"); under bf16 autocast TF32 only touches the few fp32 matmuls.
            "full + max-autotune": variant(torch_compile_mode="max-autotune-no-cudagraphs", tf32=False),
            "full + no padding mask": variant(padding_mask=False),
            **host_sync_variants(variant),
            **ddp_variants(variant),
        })
    else:
        # The math profile: what `full` is without the optional nvidia-cudnn-frontend package (and was before the
        # cuDNN rows): T5's biased attention on SDPA's math path, batch 128, the plain loss. The ablations that were
        # measured against it keep it as their base.
        def math(**changes):
            return variant(**{"t5_fast": "math", "chunked_ce": False, "chunk_rows": None,
                              "per_device_train_batch_size": 128, **changes})

        # the encoder's biased attention in cuDNN's fused kernel with the bias gradient (labkit.biased_attention);
        # it stores no score tensors, so larger batches fit. Measured first (fifth session) with the encoder alone
        # in cuDNN and the plain loss; `full` now sends all three attentions there.
        cudnn = dict(t5_fast="cudnn", cudnn_parts=("encoder",), chunked_ce=False)
        spec.update({
            "full - compile": variant(torch_compile=False),
            "full - fused AdamW": variant(optim="adamw_torch"),
            "full batch 256": variant(per_device_train_batch_size=256),
            "full batch 384": variant(per_device_train_batch_size=384),
            "full chunk 4096": variant(chunk_rows=4096),
            # each chunk's loss and logit gradient from PyTorch operations (fused by torch.compile) instead of
            # labkit.lm_loss_kernel's two Triton kernels
            "full, PyTorch loss ops": variant(loss_kernel="torch"),
            "full - chunked CE": variant(chunked_ce=False),
            # the sixth session's steps, measured at batch 384 with 4096-row chunks and the PyTorch loss ops
            **{f"full batch 384, chunk 4096{suffix}": variant(per_device_train_batch_size=384, chunk_rows=4096,
                                                                cudnn_parts=parts, loss_kernel="torch")
               for suffix, parts in ((", cuDNN encoder only", ("encoder",)),
                                     (", cuDNN encoder + cross", ("encoder", "cross")),
                                     (", cuDNN encoder + decoder", ("encoder", "decoder")),
                                     ("", perf.T5_ATTENTIONS))},
            # Inductor tunes each generated kernel's launch parameters (block sizes, warps) at compile time
            "full + coordinate descent tuning": variant(inductor={"coordinate_descent_tuning": True}),
            "full, cuDNN encoder only, plain CE, batch 128": variant(**cudnn, per_device_train_batch_size=128),
            "full, cuDNN encoder only, plain CE, batch 192": variant(**cudnn, per_device_train_batch_size=192),
            "full, cuDNN encoder only, plain CE, batch 256": variant(**cudnn, per_device_train_batch_size=256),
            "full, cuDNN encoder only, plain CE, batch 128, no padding mask": variant(
                **cudnn, per_device_train_batch_size=128, padding_mask=False),
            "math profile": math(),
            "math profile batch 64": math(per_device_train_batch_size=64),
            "math profile batch 192": math(per_device_train_batch_size=192),
            "math profile + chunked CE": math(chunked_ce=True),
            "math profile + chunked CE, batch 256": math(chunked_ce=True, per_device_train_batch_size=256),
            "math profile + no padding mask": math(padding_mask=False),
            "math profile + no padding mask, batch 192": math(padding_mask=False, per_device_train_batch_size=192),
            # the kernel SDPA picks by itself for T5's biased attention depends on the transformers version
            "math profile - labkit T5 attention": math(t5_fast=None),
            "math profile, T5 attention efficient": math(t5_fast="efficient"),
            "math profile, T5 attention efficient, batch 256": math(t5_fast="efficient",
                                                                    per_device_train_batch_size=256),
            # Under torch.compile the biased attention on SDPA's math path upcasts q, k, v and the bias to fp32
            # (TF32 matrix products, fp32 score tensors) unless reduced-precision math is allowed.
            "math profile - bf16 math attention": math(bf16_math_sdp=False),
            # SDPA's kernel choice restricted while training (and so while torch.compile traces): MATH only.
            "math profile + math SDPA only": math(sdpa_only=("MATH",)),
            **host_sync_variants(variant),
        })
    return spec


def host_sync_variants(variant) -> dict[str, dict]:
    """Rows that take back what lets the host run ahead of the GPU, or add CUDA graphs. The full profile turns off
    ``Trainer``'s per-step NaN/inf check of the loss (``logging_nan_inf_filter``: a Python ``if`` on a GPU tensor,
    so the host waits for every step) and copies batches with ``non_blocking=True``;
    ``torch_compile_mode="reduce-overhead"`` replays each compiled graph as one CUDA graph."""
    return {
        "full + NaN check": variant(logging_nan_inf_filter=True),
        "full + blocking copies": variant(accelerator_config={"non_blocking": False}),
        "full + NaN check + blocking copies": variant(logging_nan_inf_filter=True,
                                                      accelerator_config={"non_blocking": False}),
        "full + CUDA graphs": variant(torch_compile_mode="reduce-overhead"),
    }


def ddp_variants(variant) -> dict[str, dict]:
    """Rows for data parallelism (``torchrun``); a single process runs them as plain ``full``. DDP all-reduces
    gradients in buckets while the backward runs; under ``torch.compile`` the DDP optimizer also splits the compiled
    graph at each bucket, so the bucket size trades overlap against fusion. ``bf16 gradients`` registers DDP's
    bf16 compression hook (half the bytes on the wire; the averaged gradient is rounded to bf16). ``None`` is
    ``Trainer``'s default (it asks DDP to search for unused parameters on every step)."""
    return {
        "full - DDP tuning": variant(ddp_find_unused_parameters=None, ddp_bucket_cap_mb=None),
        "full - one DDP bucket": variant(ddp_bucket_cap_mb=None),
        "full + DDP unused-parameter search": variant(ddp_find_unused_parameters=True),
        "full + DDP static graph": variant(ddp_static_graph=True),
        "full + DDP bf16 gradients": variant(bf16_gradients=True),
    }


@contextlib.contextmanager
def _sdpa_only(names: tuple):
    """Restrict SDPA to the named ``SDPBackend`` members inside the block (no restriction for ``()``)."""
    if not names:
        yield
        return
    from torch.nn.attention import SDPBackend, sdpa_kernel

    with sdpa_kernel([getattr(SDPBackend, n) for n in names]):
        yield


def run_one(job: str, name: str, spec: dict, *, tiny: bool, steps: int, warmup: int, peak: float | None,
            output_dir: str, profile_steps: int = 0) -> dict:
    import torch
    from transformers import Trainer, TrainingArguments

    cuda = torch.cuda.is_available() and not tiny
    masked_only = spec.get("masked_only", False) and job == "bert"
    chunked_ce = bool(spec.get("chunked_ce", False)) and job == "mt5"
    t5_fast = (spec.get("t5_fast") or None) if job == "mt5" else None
    cudnn_parts = tuple(spec.get("cudnn_parts", perf.T5_ATTENTIONS)) if t5_fast == "cudnn" else ()
    chunk_rows = (spec.get("chunk_rows") or CHUNK_ROWS[tiny]) if chunked_ce else None
    loss_kernel = spec.get("loss_kernel", "auto")
    model, config = build_model(job, tiny, spec.get("attn", "sdpa"), masked_only=masked_only, chunked_ce=chunked_ce,
                                t5_fast=t5_fast, cudnn_parts=cudnn_parts, chunk_rows=chunk_rows,
                                loss_kernel=loss_kernel)
    args = dict(output_dir=output_dir, report_to="none", disable_tqdm=True, save_strategy="no",
                max_steps=warmup + steps + profile_steps, logging_strategy="no", seed=0, use_cpu=not cuda)
    if spec["from"] == "full":
        args.update(spec["args"])
        args["use_cpu"] = not cuda
    if not cuda:
        args.update(bf16=False, torch_compile=False, optim="adamw_torch", dataloader_num_workers=0,
                    dataloader_persistent_workers=False, dataloader_pin_memory=False)
        args.pop("tf32", None)
    arguments = TrainingArguments(**args)
    world = max(1, arguments.world_size)
    batch = arguments.per_device_train_batch_size
    rows = (warmup + steps + profile_steps) * batch * world         # one epoch: no loader restart inside
    if job == "bert":
        seq = 16 if tiny else 128
        data = bert_rows(rows, seq, config.vocab_size, masked_only)
        tokens_per_sample = seq
        n_params = sum(p.numel() for p in model.parameters())
        predicted = data.columns["masked_positions"].shape[1] if masked_only else seq
        matrix = perf.mlm_matrix_flops_per_sample(config, seq, predicted)
        six_n = perf.flops_per_token(n_params) * seq
    else:
        source, target = (32, 8) if tiny else (1024, 128)
        data = mt5_rows(rows, source, target, config.vocab_size)
        tokens_per_sample = source + target
        n_params = sum(p.numel() for p in model.parameters())
        matrix = perf.seq2seq_matrix_flops_per_sample(config, source, target)
        six_n = None
    if not spec.get("padding_mask", True):
        data.columns.pop("attention_mask")          # unpadded rows: no mask, so SDPA may use flash / cuDNN
    timer = make_timer(warmup, steps)
    callbacks = [timer]
    if profile_steps:
        callbacks.append(make_profiler(warmup + steps, profile_steps))
    if cuda:
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()
    trainer = Trainer(model=model, args=arguments, train_dataset=data, data_collator=stack_collator,
                      callbacks=callbacks)
    bf16_gradients = bool(spec.get("bf16_gradients", False)) and world > 1 and cuda
    if bf16_gradients:
        # Trainer has no argument for a DDP communication hook; accelerate registers the one its DDP handler names
        # when train() wraps the model. (The bf16 hook needs NCCL: CUDA only.)
        from accelerate.utils import DDPCommunicationHookType, DistributedDataParallelKwargs

        handler = trainer.accelerator.ddp_handler or DistributedDataParallelKwargs()
        handler.comm_hook = DDPCommunicationHookType.BF16
        trainer.accelerator.ddp_handler = handler
    sdpa_only = tuple(spec.get("sdpa_only") or ())
    inductor = dict(spec.get("inductor") or {})              # torch._inductor.config settings for this run only
    with perf.bf16_math_attention(bool(spec.get("bf16_math_sdp", False))), _sdpa_only(sdpa_only), \
            torch._inductor.config.patch(**inductor):
        trainer.train()
    seconds = timer.end - timer.start
    timed = timer.end_step - timer.start_step
    samples_per_s = timed * batch * world / seconds
    result = dict(job=job, run=name, batch=batch, world_size=world, timed_steps=timed, seconds=round(seconds, 3),
                  samples_per_s=samples_per_s, tokens_per_s=samples_per_s * tokens_per_sample,
                  first_step_s=timer.first, parameters=n_params,
                  matrix_flops_per_sample=matrix,
                  mfu_matrix=perf.mfu(samples_per_s * matrix / world, peak),
                  mfu_6n=perf.mfu(samples_per_s * six_n / world, peak) if six_n else None,
                  peak_memory_gib=torch.cuda.max_memory_allocated() / 2**30 if cuda else None,
                  settings={k: v for k, v in args.items() if k not in ("output_dir",)},
                  masked_positions_only=masked_only, padding_mask=spec.get("padding_mask", True),
                  chunked_lm_loss=chunked_ce, t5_fast_attention=t5_fast, t5_cudnn_attentions=list(cudnn_parts),
                  bf16_math_sdp=bool(spec.get("bf16_math_sdp", False)), bf16_gradients=bf16_gradients,
                  sdpa_only=list(sdpa_only),
                  chunk_rows=chunk_rows, inductor_config=inductor,
                  lm_loss_kernel=(("triton" if perf._lm_loss_kernel(loss_kernel, "cuda" if cuda else "cpu")
                                   else "torch") if chunked_ce else None))
    if profile_steps:
        result["profile"] = callbacks[1].summary()
    del trainer, model, data
    gc.collect()
    if cuda:
        torch.cuda.empty_cache()
        torch._dynamo.reset()
    return result


def format_profile(p: dict) -> str:
    if "error" in p:
        return f"      profile: {p['error']}"
    lines = [f"      profile of {p['steps']} steps: {p['wall_ms_per_step']:.1f} ms/step wall, {p['unit']} busy "
             f"{p['busy_ms_per_step']:.1f} ms ({p['busy_share']:.0%})"]
    lines += [f"        {ms:8.2f} ms  {group}" for group, ms in p["groups_ms_per_step"].items()]
    lines += [f"        {ms:8.2f} ms  top: {name}" for name, ms in p["top"]]
    return "\n".join(lines)


def fmt(value, spec=",.0f"):
    return "-" if value is None else format(value, spec)


@contextlib.contextmanager
def compile_caches(enabled: bool):
    """Inductor's on-disk FX-graph and AOT-autograd caches on or off inside the block (restored after it)."""
    import torch._functorch.config
    import torch._inductor.config

    before = (torch._inductor.config.fx_graph_cache, torch._functorch.config.enable_autograd_cache)
    torch._inductor.config.fx_graph_cache = torch._functorch.config.enable_autograd_cache = bool(enabled)
    try:
        yield
    finally:
        torch._inductor.config.fx_graph_cache, torch._functorch.config.enable_autograd_cache = before


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny models on the CPU, a few steps (tests)")
    parser.add_argument("--jobs", default="bert,mt5")
    parser.add_argument("--runs", default="", help="run names separated by ';' (default: all); e.g. 'default;full'")
    parser.add_argument("--steps", type=int, default=None, help="timed steps per run")
    parser.add_argument("--warmup", type=int, default=None, help="untimed steps per run")
    parser.add_argument("--json", default=None, help="append the results to this JSON-lines file")
    parser.add_argument("--measure-peak", action="store_true", help="measure the bf16 matmul peak now")
    parser.add_argument("--repeat", type=int, default=1, metavar="N", help="run the chosen rows N times, round-robin")
    parser.add_argument("--compile-cache", action="store_true",
                        help="let Inductor reuse compiled graphs from its on-disk caches (off: see the docstring)")
    parser.add_argument("--profile", type=int, default=0, metavar="STEPS",
                        help="after the timed steps, run torch.profiler over STEPS more and report where the time went")
    options = parser.parse_args(argv)
    if options.profile < 0:
        parser.error(f"--profile takes a number of steps >= 0, got {options.profile}")
    if options.repeat < 1:
        parser.error(f"--repeat takes a number of rounds >= 1, got {options.repeat}")

    if "WORLD_SIZE" not in os.environ and "CUDA_VISIBLE_DEVICES" not in os.environ and not options.tiny:
        # Trainer wraps the model in DataParallel when one process sees several GPUs: measure one GPU, and use
        # torchrun for data parallelism.
        os.environ["CUDA_VISIBLE_DEVICES"] = "0"
    import torch

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    rank = int(os.environ.get("RANK", "0"))
    steps = options.steps or (3 if options.tiny else 40)
    warmup = options.warmup or (1 if options.tiny else 5)
    info = perf.device_info()
    peak, source = (None, "tiny mode") if options.tiny else perf.peak_tflops(measure=options.measure_peak)
    if rank == 0:
        print(json.dumps({"device": info, "peak_tflops": peak, "peak_source": source}), flush=True)
    wanted = [r.strip() for r in options.runs.split(";") if r.strip()]
    jobs = [j.strip() for j in options.jobs.split(",") if j.strip()]
    for job in jobs:
        if job not in ("bert", "mt5"):
            parser.error(f"unknown job {job!r}: use bert and/or mt5")
    known = {name for job in jobs for name in run_specs(job, options.tiny)}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        parser.error(f"no run named {unknown} for jobs {jobs} ({'tiny' if options.tiny else 'GPU'} mode); "
                     f"runs: {sorted(known)}")
    results = []
    with tempfile.TemporaryDirectory() as out, compile_caches(options.compile_cache):
        for job in jobs:
            specs = [(n, s) for n, s in run_specs(job, options.tiny).items() if not wanted or n in wanted]
            for name, spec in specs * options.repeat:
                job_warmup = 1 if (name == "default" and not options.tiny) else warmup
                try:
                    result = run_one(job, name, spec, tiny=options.tiny, steps=steps, warmup=max(job_warmup, 1),
                                     peak=peak, output_dir=out, profile_steps=options.profile)
                except torch.OutOfMemoryError as error:
                    result = dict(job=job, run=name, error=f"out of memory: {str(error)[:120]}")
                    gc.collect()
                    torch.cuda.empty_cache()
                except Exception as error:                   # one failing run must not lose the others' numbers
                    if options.tiny:
                        raise
                    result = dict(job=job, run=name, error=f"{type(error).__name__}: {str(error)[:300]}")
                    gc.collect()
                    if torch.cuda.is_available():
                        torch.cuda.empty_cache()
                        torch._dynamo.reset()
                result["device"], result["peak_tflops"] = info, peak
                results.append(result)
                if rank == 0:
                    if "error" in result:
                        print(f"{job:5s} {name:32s} {result['error']}", flush=True)
                    else:
                        print(f"{job:5s} {name:32s} batch {result['batch']:4d} x{result['world_size']}  "
                              f"{fmt(result['samples_per_s'], ',.1f'):>9s} samples/s  "
                              f"{fmt(result['tokens_per_s']):>10s} tokens/s  "
                              f"MFU 6N {fmt(result['mfu_6n'], '.1%'):>6s} matrix {fmt(result['mfu_matrix'], '.1%'):>6s}"
                              f"  peak mem {fmt(result['peak_memory_gib'], '.1f')} GiB  "
                              f"first step {result['first_step_s']:.1f} s", flush=True)
                    if "profile" in result:
                        print(format_profile(result["profile"]), flush=True)
                    if options.json:
                        with open(options.json, "a") as handle:
                            handle.write(json.dumps(result, default=str) + "\n")
    return results


if __name__ == "__main__":
    main()
