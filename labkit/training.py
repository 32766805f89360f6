"""Training helpers shared by the Keras labs, the Hugging Face labs, the use cases and the GPU benchmarks.

Four groups, each usable on its own::

    >>> from labkit import training
    >>> training.check_mask_probability(0.15)
    0.15

- **Checks** the labs run before training: :func:`check_mask_probability`, :func:`check_max_length`,
  :func:`check_not_empty` and :func:`check_vocab` (the tokenizer and the model must agree on the vocabulary).
- **Hugging Face**: :func:`training_arguments` (``TrainingArguments`` sized for the profile and the hardware),
  :func:`model_kwargs` (``from_pretrained`` arguments: SDPA attention, bf16 for inference on a GPU),
  :func:`last_checkpoint`, and two callbacks: :class:`ThroughputCallback` (samples/s, tokens/s, model FLOP
  utilisation) and :class:`StopAfterSteps` (an interruption, for showing and testing resumption).
- **Keras**: :func:`keras_callbacks` (early stopping, best-weights checkpoint, resumable backup) and :func:`fit`.
- **Plots**: :func:`plot_history` draws a Keras ``History``, a dict of lists or a ``Trainer``'s ``log_history``.

Frameworks are imported inside the functions, so ``import labkit.training`` stays instant. The two callback
classes subclass ``transformers.TrainerCallback``; they are created on first access.
"""
from __future__ import annotations

import difflib
import math
import os
import time
from numbers import Real
from pathlib import Path
from typing import Any, Iterable, Mapping

from labkit.checks import int_in_range

# The peak table, device name, peak lookup and 6N estimate live in labkit.perf (shared with bench/).
from labkit.perf import KNOWN_PEAKS as PEAK_BF16_TFLOPS  # noqa: F401 (re-exported)
from labkit.perf import device_name, flops_per_token, peak_tflops

# ---------------------------------------------------------------------------------------------- checks


def check_mask_probability(probability: float) -> float:
    """The share of tokens a masked-LM masks: a number strictly between 0 and 1 (BERT uses 0.15).

    >>> check_mask_probability(0.15)
    0.15
    """
    if isinstance(probability, bool) or not isinstance(probability, Real):
        raise TypeError(f"mask probability must be a number strictly between 0 and 1 (BERT uses 0.15), "
                        f"got {probability!r} of type {type(probability).__name__}")
    if not 0.0 < float(probability) < 1.0:
        raise ValueError(f"mask probability must be strictly between 0 and 1 (BERT uses 0.15), got {probability!r}: "
                         "0 masks nothing to learn from, 1 leaves no context to predict from")
    return float(probability)


def special_token_count(tokenizer) -> int:
    """How many special tokens the tokenizer adds to one sequence (2 for BERT's ``[CLS] ... [SEP]``).

    >>> special_token_count(None)
    2
    """
    if tokenizer is None:
        return 2
    counter = getattr(tokenizer, "num_special_tokens_to_add", None)
    if counter is None:
        raise TypeError(f"cannot count the special tokens of a {type(tokenizer).__name__}; pass a Hugging Face "
                        "tokenizer or None (BERT's [CLS] and [SEP])")
    return int(counter(pair=False))


def check_max_length(max_length: int, tokenizer=None) -> int:
    """A sequence length that leaves room for at least one real token after the special tokens.

    ``tokenizer`` (a Hugging Face tokenizer) says how many special tokens are added; None means BERT's two.

    >>> check_max_length(64)
    64
    """
    if isinstance(max_length, bool) or not isinstance(max_length, int):
        raise TypeError(f"max length must be an int, got {max_length!r} of type {type(max_length).__name__}")
    specials = special_token_count(tokenizer)
    if max_length <= specials:
        raise ValueError(f"max length {max_length} leaves no room for text: the tokenizer adds {specials} special "
                         f"tokens to every sequence, so use a max length of at least {specials + 1}")
    limit = getattr(tokenizer, "model_max_length", None)
    if isinstance(limit, int) and limit < 10**9 and max_length > limit:
        raise ValueError(f"max length {max_length} exceeds the tokenizer's model_max_length {limit} "
                         "(the model has no position embeddings beyond it)")
    return max_length


def check_not_empty(dataset, name: str = "dataset"):
    """Raise a clear error for an empty dataset (a list, a ``datasets.Dataset``, a NumPy array...).

    >>> check_not_empty([1, 2], "corpus")
    [1, 2]
    """
    try:
        size = len(dataset)
    except TypeError:
        raise TypeError(f"{name} must have a length (a list, an array or a datasets.Dataset), "
                        f"got a {type(dataset).__name__}") from None
    if size == 0:
        raise ValueError(f"{name} is empty: there is nothing to train or evaluate on. Check the split name, "
                         "the filters and the row limit that produced it")
    return dataset


def vocabulary_size(tokenizer) -> int:
    """The number of token ids a tokenizer can produce (Hugging Face, ``tokenizers`` or keras-hub).

    >>> vocabulary_size({"[PAD]": 0, "a": 1})
    2
    """
    if isinstance(tokenizer, Mapping):
        return len(tokenizer)
    if hasattr(tokenizer, "get_vocab_size") and not hasattr(tokenizer, "__len__"):
        return int(tokenizer.get_vocab_size(with_added_tokens=True))      # tokenizers.Tokenizer
    if hasattr(tokenizer, "vocabulary_size"):
        return int(tokenizer.vocabulary_size())                            # keras-hub tokenizers
    if hasattr(tokenizer, "__len__"):
        return len(tokenizer)                                              # transformers (added tokens included)
    raise TypeError(f"cannot read the vocabulary size of a {type(tokenizer).__name__}; pass a transformers, "
                    "tokenizers or keras-hub tokenizer, or a token -> id dict")


def _config_vocab(config) -> tuple[int, str]:
    if isinstance(config, Mapping):
        for key in ("vocab_size", "vocabulary_size"):
            if key in config:
                return int(config[key]), key
    else:
        for key in ("vocab_size", "vocabulary_size"):
            if isinstance(getattr(config, key, None), int):
                return int(getattr(config, key)), f"{type(config).__name__}.{key}"
        get_config = getattr(config, "get_config", None)            # a Keras backbone
        if callable(get_config):
            return _config_vocab(get_config())
    raise TypeError(f"cannot find a vocabulary size in {type(config).__name__}; pass a transformers config "
                    "(vocab_size), a keras-hub backbone or its config dict (vocabulary_size)")


def check_vocab(tokenizer, config) -> int:
    """Raise unless the tokenizer's vocabulary and the model config's vocabulary size agree; return the size.

    A retrained tokenizer paired with a model of another vocabulary size either crashes (ids past the embedding
    table) or silently wastes rows: build the config with ``vocab_size=len(tokenizer)``, or call
    ``model.resize_token_embeddings(len(tokenizer))`` on a pre-trained model.

    >>> check_vocab({"[PAD]": 0, "a": 1}, {"vocab_size": 2})
    2
    """
    tokens = vocabulary_size(tokenizer)
    size, where = _config_vocab(config)
    if tokens != size:
        raise ValueError(f"the tokenizer has {tokens:,} tokens but {where} is {size:,}: they must agree. Build the "
                         f"config with vocab_size={tokens} (vocab_size=len(tokenizer)), or resize a pre-trained "
                         f"model's embeddings with model.resize_token_embeddings({tokens})")
    return tokens


# ---------------------------------------------------------------------------------------------- hardware

def bf16_supported() -> bool:
    """True on a CUDA GPU with bf16 (Ampere or newer) or on a TPU.

    >>> isinstance(bf16_supported(), bool)
    True
    """
    from labkit.env import detect_accelerator

    accelerator = detect_accelerator()
    if accelerator == "tpu":
        return True
    if accelerator != "cuda":
        return False
    import torch

    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


# ---------------------------------------------------------------------------------------------- Hugging Face

#: Old argument names (transformers 4) and what replaced them, for a helpful error.
_RENAMED = {"evaluation_strategy": "eval_strategy", "tokenizer": "processing_class (a Trainer argument)",
            "no_cuda": "use_cpu", "overwrite_output_dir": "(removed: the output folder is reused)",
            "logging_dir": "(removed: set the TENSORBOARD_LOGGING_DIR environment variable)"}


def _resolve_profile(profile):
    from labkit.env import Profile, current, resolve_profile

    if profile is None:
        return current()
    if isinstance(profile, Profile):
        return profile
    if isinstance(profile, str):
        return resolve_profile(profile)
    raise TypeError(f"profile must be a labkit Profile, 'tiny', 'full' or None, got {profile!r}")


def training_arguments(output_dir: str | os.PathLike, profile=None, *, seq2seq: bool = False,
                       compile: bool | None = None, **overrides):
    """``TrainingArguments`` (``Seq2SeqTrainingArguments`` with ``seq2seq=True``) for the profile and hardware.

    tiny: seconds on a CPU: the profile's batch size and epochs, no workers, no mixed precision, no
    checkpoints, a log line every 5 steps. full: bf16 where the device supports it (TF32 matmuls on CUDA),
    fused AdamW, dataloader workers that persist between epochs, a checkpoint every 500 steps (two kept), and
    ``torch.compile`` on CUDA (measured fastest in ``docs/benchmarks.md``; ``compile=`` overrides). Both: the
    profile's seed, no progress bars, no reporting services,
    input tokens counted (for :class:`ThroughputCallback`). Any ``TrainingArguments`` field can be overridden.

    >>> args = training_arguments("build/mlm", "tiny", max_steps=20, eval_strategy="epoch")  # doctest: +SKIP
    """
    from transformers import Seq2SeqTrainingArguments, TrainingArguments

    profile = _resolve_profile(profile)
    cls = Seq2SeqTrainingArguments if seq2seq else TrainingArguments
    fields = set(cls.__dataclass_fields__)
    for key in overrides:
        if key in _RENAMED:
            raise TypeError(f"{key!r} is not a TrainingArguments field in transformers 5: use {_RENAMED[key]}")
        if key not in fields:
            close = difflib.get_close_matches(key, sorted(fields), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise TypeError(f"{key!r} is not a {cls.__name__} field{hint}")
    kwargs: dict[str, Any] = dict(
        output_dir=str(output_dir), seed=profile.seed, report_to="none", disable_tqdm=True,
        per_device_train_batch_size=profile.batch_size, per_device_eval_batch_size=profile.batch_size,
        num_train_epochs=profile.epochs, include_num_input_tokens_seen="all", logging_first_step=True,
    )
    kwargs.update(hardware_arguments(profile, compile=compile))
    if seq2seq:
        kwargs.update(predict_with_generate=True)
    kwargs.update(overrides)
    return cls(**kwargs)


def hardware_arguments(profile=None, *, compile: bool | None = None) -> dict[str, Any]:
    """The ``TrainingArguments`` fields that depend on the profile and the device (see :func:`training_arguments`).

    >>> hardware_arguments("tiny")["dataloader_num_workers"]
    0
    """
    profile = _resolve_profile(profile)
    on_cuda = profile.accelerator == "cuda"
    if profile.tiny:
        return dict(logging_steps=5, save_strategy="no", dataloader_num_workers=0, dataloader_pin_memory=False,
                    optim="adamw_torch", bf16=False, fp16=False, use_cpu=not on_cuda)
    if on_cuda:
        # What the H200 measurements in docs/benchmarks.md showed fastest (bf16 + TF32, fused AdamW, compiled,
        # pinned memory, persistent workers); the batch size stays the lab's choice.
        from labkit.perf import full_training_settings

        kwargs = full_training_settings("cuda")["training_arguments"]
        kwargs.pop("per_device_train_batch_size")
        bf16 = bf16_supported()
        kwargs.update(logging_steps=50, save_strategy="steps", save_steps=500, save_total_limit=2, bf16=bf16,
                      fp16=not bf16, torch_compile=kwargs["torch_compile"] if compile is None else compile)
        if bf16:
            kwargs["tf32"] = True                   # Ampere or newer; older GPUs reject the flag
        else:
            kwargs.pop("tf32", None)
        return kwargs
    workers = min(4, max(0, (os.cpu_count() or 1) - 1))          # a TPU host, an Apple GPU or a CPU
    kwargs: dict[str, Any] = dict(
        logging_steps=50, save_strategy="steps", save_steps=500, save_total_limit=2, bf16=bf16_supported(),
        fp16=False, optim="adamw_torch", dataloader_num_workers=workers, dataloader_persistent_workers=workers > 0,
        dataloader_pin_memory=False, use_cpu=profile.accelerator == "cpu")
    if compile:
        kwargs["torch_compile"] = True
    return kwargs


def model_kwargs(profile=None, *, inference: bool = False) -> dict[str, Any]:
    """Keyword arguments for ``from_pretrained``: SDPA attention, and bf16 weights for GPU inference (full).

    Training keeps fp32 weights (``training_arguments`` turns on bf16 *autocast*), so ``dtype`` is set only for
    inference.

    >>> model_kwargs("tiny")
    {'attn_implementation': 'sdpa'}
    """
    profile = _resolve_profile(profile)
    kwargs: dict[str, Any] = {"attn_implementation": "sdpa"}
    if inference and profile.full and bf16_supported():
        import torch

        kwargs["dtype"] = torch.bfloat16
    return kwargs


def last_checkpoint(output_dir: str | os.PathLike) -> str | None:
    """The newest ``checkpoint-N`` folder under ``output_dir``, or None (also when the folder does not exist).

    Pass it to ``trainer.train(resume_from_checkpoint=...)``: None starts from scratch.

    >>> last_checkpoint("no/such/folder") is None
    True
    """
    if not Path(output_dir).is_dir():
        return None
    from transformers.trainer_utils import get_last_checkpoint

    return get_last_checkpoint(str(output_dir))


def count_parameters(model, trainable_only: bool = True) -> int:
    """Parameters of a PyTorch or Keras model (trainable ones by default): the N of the 6N FLOPs per token.

    >>> count_parameters(BertForMaskedLM(BertConfig()))          # doctest: +SKIP
    109514298
    """
    if hasattr(model, "parameters") and callable(model.parameters):
        return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
    weights = model.trainable_weights if trainable_only else model.weights
    return int(sum(math.prod(w.shape) for w in weights))


class _ThroughputMixin:
    """The logic of :class:`ThroughputCallback`, kept free of transformers so it can be read and tested."""

    def __init__(self, seq_len: int | None = None, flops_per_token: int | None = None,
                 peak_tflops: float | None = None, warmup_steps: int = 1, verbose: bool = True):
        if warmup_steps < 0:
            raise ValueError(f"warmup_steps must be >= 0, got {warmup_steps}")
        self.seq_len, self.fixed_flops, self.fixed_peak = seq_len, flops_per_token, peak_tflops
        self.warmup_steps, self.verbose = warmup_steps, verbose
        self.history: list[dict[str, Any]] = []
        self._start = self._start_step = self._start_tokens = None
        self.flops_per_token = flops_per_token
        self.peak, self.peak_source, self.device = None, "", "cpu"

    def _sync(self):
        import sys

        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available():
            torch.cuda.synchronize()

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        if self.fixed_flops is None and model is not None:
            self.flops_per_token = flops_per_token(count_parameters(model))
        self.device = device_name()
        if self.fixed_peak is not None:
            self.peak, self.peak_source = float(self.fixed_peak), "given"
        else:
            self.peak, self.peak_source = peak_tflops(self.device)
        self._start = None
        self._start_step = state.global_step

    def on_step_end(self, args, state, control, **kwargs):
        # The clock starts after the warm-up steps (kernel selection, compilation, first allocations).
        if self._start is None and state.global_step - self._start_step >= self.warmup_steps:
            self._sync()
            self._start, self._start_step = time.perf_counter(), state.global_step
            self._start_tokens = state.num_input_tokens_seen

    def _samples_per_step(self, args) -> int:
        return args.per_device_train_batch_size * args.gradient_accumulation_steps * max(1, args.world_size)

    def measure(self, args, state) -> dict[str, Any] | None:
        """Throughput since the clock started, or None before any timed step."""
        if self._start is None or state.global_step <= self._start_step:
            return None
        self._sync()
        seconds = time.perf_counter() - self._start
        steps = state.global_step - self._start_step
        samples = steps * self._samples_per_step(args)
        tokens = state.num_input_tokens_seen - (self._start_tokens or 0)
        if not tokens and self.seq_len:
            tokens = samples * self.seq_len
        record: dict[str, Any] = {"step": state.global_step, "seconds": seconds, "samples_per_s": samples / seconds,
                                  "tokens_per_s": tokens / seconds if tokens else None, "mfu": None,
                                  "model_tflops_per_s": None}
        if tokens and self.flops_per_token:
            achieved = record["tokens_per_s"] * self.flops_per_token / 1e12
            record["model_tflops_per_s"] = achieved
            if self.peak:
                record["mfu"] = achieved / self.peak
        return record

    def on_log(self, args, state, control, logs=None, **kwargs):
        record = self.measure(args, state)
        if record is not None:
            self.history.append(record)

    def on_train_end(self, args, state, control, **kwargs):
        record = self.measure(args, state)
        if record is not None:
            self.history.append(record)
            if self.verbose:
                print(self.describe(record))

    def describe(self, record: Mapping[str, Any] | None = None) -> str:
        """One line: samples/s, tokens/s, achieved model TFLOP/s and MFU with the peak it was computed against."""
        record = record or (self.history[-1] if self.history else None)
        if record is None:
            return "throughput: no timed steps yet"
        parts = [f"{record['samples_per_s']:,.1f} samples/s"]
        if record["tokens_per_s"]:
            parts.append(f"{record['tokens_per_s']:,.0f} tokens/s")
        if record["model_tflops_per_s"] is not None:
            parts.append(f"{record['model_tflops_per_s']:.3g} model TFLOP/s (6N = {self.flops_per_token:,} "
                         "FLOPs per token)")
        if record["mfu"] is not None:
            parts.append(f"MFU {record['mfu']:.1%} of {self.peak:g} TFLOP/s ({self.peak_source})")
        else:
            parts.append(f"MFU unknown on {self.device}: {self.peak_source or 'no stated peak'}")
        return "throughput: " + ", ".join(parts)


class _StopAfterMixin:
    def __init__(self, steps: int, save: bool = True):
        steps = int_in_range(steps, "steps")
        self.steps, self.save = steps, save

    def on_step_end(self, args, state, control, **kwargs):
        if state.global_step >= self.steps:
            control.should_training_stop = True
            if self.save:
                control.should_save = True
        return control


_CALLBACK_DOCS = {
    "ThroughputCallback": (_ThroughputMixin, """A ``TrainerCallback`` that measures samples/s, tokens/s and MFU.

    MFU (model FLOP utilisation) = achieved model FLOP/s / the device's peak, where model FLOP/s =
    tokens/s x FLOPs per token, and FLOPs per token = 6 N for training (N = trainable parameters; pass
    ``flops_per_token`` to state another). The peak is the table :data:`PEAK_BF16_TFLOPS` (the measured bf16
    matmul peak on an H200, about 790 TFLOP/s; datasheet values elsewhere) or ``peak_tflops``; on a CPU, MFU is
    reported as unknown. Tokens come from ``state.num_input_tokens_seen`` (``training_arguments`` turns it on),
    else ``seq_len`` x samples. The first ``warmup_steps`` steps are not timed.

    >>> meter = ThroughputCallback()                      # doctest: +SKIP
    >>> Trainer(..., callbacks=[meter]).train(); print(meter.describe())   # doctest: +SKIP
    """),
    "StopAfterSteps": (_StopAfterMixin, """A ``TrainerCallback`` that stops training after ``steps`` optimizer steps.

    It stands for an interruption (a preempted VM, a closed laptop): with ``save=True`` a checkpoint is written
    at the stop, as a preemption handler would, and ``trainer.train(resume_from_checkpoint=...)`` continues.

    >>> Trainer(..., callbacks=[StopAfterSteps(10)]).train()   # doctest: +SKIP
    """),
}
_callback_classes: dict[str, type] = {}


def __getattr__(name: str):
    if name in _CALLBACK_DOCS:
        if name not in _callback_classes:
            from transformers import TrainerCallback

            mixin, doc = _CALLBACK_DOCS[name]
            _callback_classes[name] = type(name, (mixin, TrainerCallback), {"__doc__": doc, "__module__": __name__})
        return _callback_classes[name]
    raise AttributeError(f"module 'labkit.training' has no attribute {name!r}")


def _batch_seed(examples, seed: int) -> int:
    import hashlib

    import numpy as np

    digest = hashlib.blake2b(str(seed).encode(), digest_size=8)
    for example in examples:
        ids = example["input_ids"] if isinstance(example, Mapping) else example
        digest.update(np.asarray(ids, dtype=np.int64).tobytes())
        digest.update(b"|")
    return int.from_bytes(digest.digest(), "little") & 0x7FFF_FFFF_FFFF_FFFF


def masked_lm_collator(tokenizer, mlm_probability: float = 0.15, *, seed: int | None = None, **kwargs):
    """BERT's dynamic masking (``DataCollatorForLanguageModeling``) with masks that survive a resume.

    The stock collator draws masks from the global (or its own) random generator, and ``Trainer`` restores the
    generators of a checkpoint only after the first batch of the resumed run was drawn, so a resumed run masks
    differently from an uninterrupted one. Here each batch's masks are drawn from a generator seeded by the
    batch's token ids and ``seed`` (default: the profile's seed): the same batch gets the same masks, in every
    process and every worker, while batches of a reshuffled epoch get new ones. 80% of the chosen tokens become
    ``[MASK]``, 10% a random token, 10% stay, as in BERT.

    >>> collator = masked_lm_collator(tokenizer, 0.15)     # doctest: +SKIP
    """
    from transformers import DataCollatorForLanguageModeling

    check_mask_probability(mlm_probability)
    if getattr(tokenizer, "mask_token", None) is None:
        raise ValueError(f"{type(tokenizer).__name__} has no mask token; masked-LM training needs one ([MASK])")
    if seed is None:
        seed = _resolve_profile(None).seed

    class ResumableMaskedLMCollator(DataCollatorForLanguageModeling):
        def torch_call(self, examples):
            import torch

            self.generator = torch.Generator().manual_seed(_batch_seed(examples, self.seed))
            self._generator_pid = os.getpid()
            return super().torch_call(examples)

    return ResumableMaskedLMCollator(tokenizer=tokenizer, mlm=True, mlm_probability=mlm_probability, seed=seed,
                                     return_tensors="pt", **kwargs)


# ---------------------------------------------------------------------------------------------- Keras

def keras_callbacks(checkpoint_dir: str | os.PathLike | None = None, *, monitor: str = "val_loss",
                    patience: int | None = None, resume: bool = True) -> list:
    """The callbacks the Keras labs share.

    - ``patience``: ``EarlyStopping`` on ``monitor`` that restores the best weights.
    - ``checkpoint_dir``: ``ModelCheckpoint`` of the best weights (``best.weights.h5``), and with ``resume``
      a ``BackupAndRestore`` backup, so a fit that is interrupted continues from its last finished epoch
      when the same call runs again.

    >>> keras_callbacks(patience=2)           # doctest: +SKIP
    [<keras.src.callbacks.early_stopping.EarlyStopping ...>]
    """
    import keras

    callbacks = []
    if patience is not None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be a non-negative int or None, got {patience!r}")
        callbacks.append(keras.callbacks.EarlyStopping(monitor=monitor, patience=patience,
                                                       restore_best_weights=True, verbose=1))
    if checkpoint_dir is not None:
        folder = Path(checkpoint_dir)
        folder.mkdir(parents=True, exist_ok=True)
        callbacks.append(keras.callbacks.ModelCheckpoint(str(folder / "best.weights.h5"), monitor=monitor,
                                                         save_best_only=True, save_weights_only=True))
        if resume:
            callbacks.append(keras.callbacks.BackupAndRestore(str(folder / "backup")))
    return callbacks


class _EpochTimer:
    """Seconds per epoch, recorded into the history as ``epoch_seconds``."""

    @staticmethod
    def make():
        import keras

        class EpochTimer(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                if logs is not None:
                    logs["epoch_seconds"] = time.perf_counter() - self._start

        return EpochTimer()


def fit(model, train, *, validation=None, epochs: int, checkpoint_dir: str | os.PathLike | None = None,
        patience: int | None = None, monitor: str | None = None, verbose: int = 2, callbacks: Iterable = (),
        **fit_kwargs):
    """``model.fit`` with the shared callbacks and one log line per epoch; returns the Keras ``History``.

    ``monitor`` defaults to ``val_loss`` with validation data, else ``loss``. The history also records
    ``epoch_seconds``. With ``checkpoint_dir``, an interrupted fit resumes from its last epoch when rerun.

    >>> history = fit(model, train_ds, validation=val_ds, epochs=5, patience=2)   # doctest: +SKIP
    """
    epochs = int_in_range(epochs, "epochs")
    monitor = monitor or ("val_loss" if validation is not None else "loss")
    if monitor.startswith("val_") and validation is None:
        raise ValueError(f"monitor={monitor!r} needs validation data; pass validation=... or monitor='loss'")
    shared = keras_callbacks(checkpoint_dir, monitor=monitor, patience=patience)
    all_callbacks = [_EpochTimer.make(), *shared, *callbacks]
    return model.fit(train, validation_data=validation, epochs=epochs, callbacks=all_callbacks, verbose=verbose,
                     **fit_kwargs)


# ---------------------------------------------------------------------------------------------- plots

def history_series(history) -> dict[str, tuple[list[float], list[float]]]:
    """``{name: (x, y)}`` from a Keras ``History``, a dict of lists (x = epoch) or HF ``log_history`` (x = step).

    >>> history_series({"loss": [2.0, 1.0]})
    {'loss': ([1, 2], [2.0, 1.0])}
    """
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if isinstance(history, Mapping):
        return {k: (list(range(1, len(v) + 1)), [float(x) for x in v]) for k, v in history.items()
                if isinstance(v, (list, tuple)) and v}
    if isinstance(history, (list, tuple)) and all(isinstance(r, Mapping) for r in history):
        series: dict[str, tuple[list[float], list[float]]] = {}
        for record in history:
            step = record.get("step")
            for key, value in record.items():
                if key in {"step", "epoch"} or not isinstance(value, Real) or step is None:
                    continue
                xs, ys = series.setdefault(key, ([], []))
                xs.append(step)
                ys.append(float(value))
        return series
    raise TypeError(f"cannot read a training history from a {type(history).__name__}: pass a Keras History, "
                    "a dict of lists, or a Trainer's state.log_history")


def plot_history(history, metrics: Iterable[str] = ("loss",), *, ax=None, title: str | None = None,
                 label: str | None = None):
    """Plot training curves: each metric and its validation twin (``val_loss`` / ``eval_loss``) on one axis.

    Returns the matplotlib axis, so several runs can share one: ``plot_history(h2, ax=ax, label="scratch")``.

    >>> ax = plot_history({"loss": [2.0, 1.5, 1.2], "val_loss": [2.1, 1.7, 1.6]})   # doctest: +SKIP
    """
    import matplotlib.pyplot as plt

    series = history_series(history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    drawn = 0
    for metric in metrics:
        for key in (metric, f"val_{metric}", f"eval_{metric}"):
            if key in series:
                xs, ys = series[key]
                name = f"{label}: {key}" if label else key
                ax.plot(xs, ys, marker="o" if len(xs) < 30 else None, markersize=3, label=name,
                        linestyle="--" if key != metric else "-")
                drawn += 1
    if not drawn:
        raise ValueError(f"none of {list(metrics)} is in the history; it holds {sorted(series)}")
    is_steps = isinstance(history, (list, tuple))
    ax.set_xlabel("step" if is_steps else "epoch")
    ax.set_ylabel(", ".join(metrics))
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax
