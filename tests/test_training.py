"""labkit.training: input checks, TrainingArguments per profile, the throughput meter, resumable training, Keras."""
from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from labkit import training
from labkit.env import Profile

TINY = Profile("tiny", reason="test", online=False, accelerator="cpu", seed=7)
FULL_CPU = Profile("full", reason="test", online=True, accelerator="cpu", seed=7)
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def word_tokenizer(n_words: int = 45):
    """A BERT-style fast tokenizer over the words w0..w{n-1} (vocabulary = 5 specials + n words)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {t: i for i, t in enumerate(SPECIALS + [f"w{i}" for i in range(n_words)])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    backend.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                           special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return PreTrainedTokenizerFast(tokenizer_object=backend, pad_token="[PAD]", unk_token="[UNK]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]", model_max_length=32)


def tiny_bert(vocab_size: int = 50):
    import torch
    from transformers import BertConfig, BertForMaskedLM

    torch.manual_seed(0)
    config = BertConfig(vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=32)
    return BertForMaskedLM(config)


def synthetic_tokens(rows: int = 64, length: int = 16):
    """Random word ids framed by [CLS] ... [SEP], as a datasets.Dataset."""
    import datasets
    import torch

    ids = torch.randint(5, 50, (rows, length), generator=torch.Generator().manual_seed(0))
    ids[:, 0], ids[:, -1] = 2, 3
    return datasets.Dataset.from_dict({"input_ids": ids.tolist()})


# ---------------------------------------------------------------------------------------------- checks

@pytest.mark.parametrize("value", [0.15, 0.5, 0.999])
def test_mask_probability_accepts_open_interval(value):
    assert training.check_mask_probability(value) == value


@pytest.mark.parametrize("value", [0, 0.0, 1, 1.0, -0.1, 1.5, float("nan")])
def test_mask_probability_outside_open_interval_raises(value):
    with pytest.raises(ValueError, match=r"strictly between 0 and 1.*got"):
        training.check_mask_probability(value)


@pytest.mark.parametrize("value", ["0.15", None, True])
def test_mask_probability_wrong_type_raises(value):
    with pytest.raises(TypeError, match="must be a number"):
        training.check_mask_probability(value)


def test_max_length_below_special_tokens_raises():
    tokenizer = word_tokenizer()
    assert training.special_token_count(tokenizer) == 2
    assert training.check_max_length(3, tokenizer) == 3
    with pytest.raises(ValueError, match=r"max length 2 .* adds 2 special tokens.* at least 3"):
        training.check_max_length(2, tokenizer)
    with pytest.raises(ValueError, match="model_max_length 32"):
        training.check_max_length(33, tokenizer)
    with pytest.raises(TypeError, match="must be an int"):
        training.check_max_length("64", tokenizer)


def test_empty_dataset_raises():
    import datasets

    with pytest.raises(ValueError, match="corpus is empty"):
        training.check_not_empty([], "corpus")
    with pytest.raises(ValueError, match="train split is empty"):
        training.check_not_empty(datasets.Dataset.from_dict({"text": []}), "train split")
    with pytest.raises(TypeError, match="must have a length"):
        training.check_not_empty(iter([1]), "stream")
    assert len(training.check_not_empty(synthetic_tokens(4), "rows")) == 4


def test_check_vocab_agreeing_sizes():
    from transformers import BertConfig

    tokenizer = word_tokenizer(45)
    assert training.check_vocab(tokenizer, BertConfig(vocab_size=50)) == 50
    assert training.check_vocab(tokenizer.backend_tokenizer, BertConfig(vocab_size=50)) == 50
    assert training.check_vocab(tokenizer.get_vocab(), {"vocabulary_size": 50}) == 50


def test_check_vocab_mismatch_raises():
    """The older course retrained a tokenizer and kept a 30,522-row model: that must fail loudly."""
    from transformers import BertConfig

    tokenizer = word_tokenizer(45)
    with pytest.raises(ValueError, match=r"tokenizer has 50 tokens but BertConfig.vocab_size is 30,522"):
        training.check_vocab(tokenizer, BertConfig())
    with pytest.raises(ValueError, match=r"resize_token_embeddings\(50\)"):
        training.check_vocab(tokenizer, BertConfig(vocab_size=49))
    with pytest.raises(TypeError, match="cannot find a vocabulary size"):
        training.check_vocab(tokenizer, object())


# ---------------------------------------------------------------------------------------------- arguments

def test_training_arguments_tiny(tmp_path):
    from transformers import Seq2SeqTrainingArguments, TrainingArguments

    args = training.training_arguments(tmp_path, TINY, eval_strategy="epoch", learning_rate=5e-4)
    assert type(args) is TrainingArguments
    assert (args.per_device_train_batch_size, args.num_train_epochs, args.seed) == (16, 3, 7)
    assert (args.bf16, args.fp16, args.dataloader_num_workers, args.torch_compile) == (False, False, 0, False)
    assert args.save_strategy == "no" and args.eval_strategy == "epoch" and args.learning_rate == 5e-4
    assert args.report_to == [] or args.report_to == "none" or args.report_to == ["none"]
    seq = training.training_arguments(tmp_path, TINY, seq2seq=True, generation_max_length=20)
    assert type(seq) is Seq2SeqTrainingArguments and seq.predict_with_generate and seq.generation_max_length == 20


def test_training_arguments_full_uses_hardware(tmp_path, monkeypatch):
    monkeypatch.setattr(training, "bf16_supported", lambda: False)
    args = training.training_arguments(tmp_path, FULL_CPU, compile=True)
    assert (args.bf16, args.optim.value, args.save_strategy.value, args.save_steps, args.torch_compile) == (
        False, "adamw_torch", "steps", 500, True)
    h200 = Profile("full", reason="test", online=True, accelerator="cuda")
    monkeypatch.setattr(training, "bf16_supported", lambda: True)
    gpu = training.hardware_arguments(h200)
    assert (gpu["bf16"], gpu["fp16"], gpu["tf32"], gpu["optim"], gpu["use_cpu"]) == (
        True, False, True, "adamw_torch_fused", False)
    # compiled by default on CUDA (the benchmarks' fastest setting, labkit.perf), unless the caller says not to
    assert gpu["torch_compile"] is True and gpu["dataloader_pin_memory"] is True
    assert training.hardware_arguments(h200, compile=False)["torch_compile"] is False
    assert gpu["dataloader_persistent_workers"] == (gpu["dataloader_num_workers"] > 0)
    monkeypatch.setattr(training, "bf16_supported", lambda: False)             # a T4 or V100: fp16 instead
    old_gpu = training.hardware_arguments(h200)
    assert (old_gpu["bf16"], old_gpu["fp16"], "tf32" in old_gpu) == (False, True, False)


def test_training_arguments_rejects_old_and_unknown_names(tmp_path):
    with pytest.raises(TypeError, match="use eval_strategy"):
        training.training_arguments(tmp_path, TINY, evaluation_strategy="epoch")
    with pytest.raises(TypeError, match="did you mean learning_rate"):
        training.training_arguments(tmp_path, TINY, learning_rat=1e-3)
    with pytest.raises(TypeError, match="profile must be"):
        training.training_arguments(tmp_path, 3)


def test_model_kwargs_load_sdpa(tmp_path):
    from transformers import BertForMaskedLM

    assert training.model_kwargs(TINY) == {"attn_implementation": "sdpa"}
    assert training.model_kwargs(FULL_CPU, inference=True) == {"attn_implementation": "sdpa"}   # no bf16 on CPU
    tiny_bert().save_pretrained(tmp_path)
    model = BertForMaskedLM.from_pretrained(tmp_path, **training.model_kwargs(TINY))
    assert model.config._attn_implementation == "sdpa"


# ---------------------------------------------------------------------------------------------- throughput

@pytest.mark.parametrize("name, peak", [("NVIDIA H200", 790.0), ("NVIDIA H100 80GB HBM3", 989.0),
                                        ("NVIDIA H100 PCIe", 756.0), ("NVIDIA A100-SXM4-80GB", 312.0),
                                        ("NVIDIA L4", 121.0), ("cpu", None), ("mps", None)])
def test_peak_table(name, peak, monkeypatch):
    monkeypatch.delenv("LABKIT_PEAK_TFLOPS", raising=False)
    assert training.peak_tflops(name)[0] == peak


def test_peak_override(monkeypatch):
    monkeypatch.setenv("LABKIT_PEAK_TFLOPS", "100")
    assert training.peak_tflops("cpu") == (100.0, "LABKIT_PEAK_TFLOPS")
    monkeypatch.setenv("LABKIT_PEAK_TFLOPS", "fast")
    with pytest.raises(ValueError, match="'fast' is not a number"):
        training.peak_tflops("cpu")


def test_flops_per_token():
    assert training.flops_per_token(110_000_000) == 660_000_000
    assert training.flops_per_token(10, training=False) == 20
    with pytest.raises(ValueError, match="positive int"):
        training.flops_per_token(0)


def test_throughput_arithmetic(monkeypatch):
    """Two timed steps of 8 samples x 16 tokens in 2 s, 6N = 600 FLOPs/token, peak 1e-9 TFLOP/s (1000 FLOP/s)."""
    clock = iter([10.0, 12.0])
    monkeypatch.setattr(training.time, "perf_counter", lambda: next(clock))
    meter = training.ThroughputCallback(flops_per_token=600, peak_tflops=1e-9, warmup_steps=1, verbose=False)
    args = SimpleNamespace(per_device_train_batch_size=8, gradient_accumulation_steps=1, world_size=1)
    state = SimpleNamespace(global_step=0, num_input_tokens_seen=0)
    meter.on_train_begin(args, state, None)
    state.global_step, state.num_input_tokens_seen = 1, 128              # warm-up step: not timed
    meter.on_step_end(args, state, None)
    state.global_step, state.num_input_tokens_seen = 3, 384
    record = meter.measure(args, state)
    assert record["samples_per_s"] == pytest.approx(8.0)                # 16 samples / 2 s
    assert record["tokens_per_s"] == pytest.approx(128.0)               # 256 tokens / 2 s
    assert record["model_tflops_per_s"] == pytest.approx(128 * 600 / 1e12)
    assert record["mfu"] == pytest.approx(128 * 600 / 1000)


def test_throughput_callback_in_trainer(tmp_path, capsys):
    from transformers import Trainer

    meter = training.ThroughputCallback(verbose=True)
    args = training.training_arguments(tmp_path, TINY, max_steps=6, per_device_train_batch_size=8,
                                       logging_steps=2)
    model = tiny_bert()
    Trainer(model=model, args=args, train_dataset=synthetic_tokens(),
            data_collator=training.masked_lm_collator(word_tokenizer(), 0.15, seed=0), callbacks=[meter]).train()
    n_params = sum(p.numel() for p in model.parameters())
    assert meter.flops_per_token == 6 * n_params
    record = meter.history[-1]
    assert record["step"] == 6
    assert record["tokens_per_s"] == pytest.approx(record["samples_per_s"] * 16)     # every row is 16 tokens
    assert record["model_tflops_per_s"] == pytest.approx(record["tokens_per_s"] * 6 * n_params / 1e12)
    if training.device_name() == "cpu":
        assert record["mfu"] is None and "MFU unknown on cpu" in capsys.readouterr().out


# ---------------------------------------------------------------------------------------------- masking, resuming

def test_masked_lm_collator_masks_deterministically():
    import torch

    tokenizer = word_tokenizer()
    rows = synthetic_tokens(64, 32)
    examples = [{"input_ids": r} for r in rows["input_ids"]]
    collator = training.masked_lm_collator(tokenizer, 0.15, seed=3)
    first, again = collator(examples), collator(examples)
    assert torch.equal(first["labels"], again["labels"]) and torch.equal(first["input_ids"], again["input_ids"])
    other = training.masked_lm_collator(tokenizer, 0.15, seed=4)(examples)
    assert not torch.equal(first["labels"], other["labels"])
    chosen = first["labels"] != -100
    original = torch.tensor(rows["input_ids"])
    assert torch.equal(first["labels"][chosen], original[chosen]), "labels hold the original ids of masked tokens"
    assert not chosen[:, 0].any() and not chosen[:, -1].any(), "[CLS] and [SEP] are never masked"
    assert abs(chosen.float().sum().item() / (64 * 30) - 0.15) < 0.03
    replaced = (first["input_ids"] == tokenizer.mask_token_id)[chosen].float().mean().item()
    assert abs(replaced - 0.8) < 0.07, "80% of the chosen tokens become [MASK]"
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        training.masked_lm_collator(tokenizer, 1.0)


def test_stop_after_steps_validates():
    with pytest.raises(ValueError, match="positive int"):
        training.StopAfterSteps(0)
    assert training.last_checkpoint("no/such/folder") is None


def test_interrupted_training_resumes_to_the_same_result(tmp_path):
    """Stop after 6 of 12 steps, resume from the checkpoint: same step count, losses and weights as one run."""
    import torch
    from transformers import Trainer

    data, tokenizer = synthetic_tokens(), word_tokenizer()

    def run(output_dir, callbacks=(), resume=False):
        args = training.training_arguments(output_dir, TINY, max_steps=12, per_device_train_batch_size=8,
                                           logging_steps=1, save_strategy="steps", save_steps=4,
                                           learning_rate=1e-3)
        trainer = Trainer(model=tiny_bert(), args=args, train_dataset=data, callbacks=list(callbacks),
                          data_collator=training.masked_lm_collator(tokenizer, 0.15, seed=0))
        trainer.train(resume_from_checkpoint=training.last_checkpoint(output_dir) if resume else None)
        return trainer

    straight = run(tmp_path / "straight")
    interrupted = run(tmp_path / "resumed", callbacks=[training.StopAfterSteps(6)])
    assert interrupted.state.global_step == 6
    assert training.last_checkpoint(tmp_path / "resumed").endswith("checkpoint-6")
    resumed = run(tmp_path / "resumed", resume=True)

    def losses(trainer):
        return [r["loss"] for r in trainer.state.log_history if "loss" in r]

    assert resumed.state.global_step == straight.state.global_step == 12
    assert losses(resumed) == pytest.approx(losses(straight), abs=1e-6)
    for a, b in zip(straight.model.parameters(), resumed.model.parameters()):
        assert torch.allclose(a, b, atol=1e-6)


# ---------------------------------------------------------------------------------------------- Keras, plots

def test_keras_fit_resumes_after_interruption(tmp_path):
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 3.0], dtype="float32"))[:, None]

    def model():
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        m.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
        return m

    class Interrupt(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise KeyboardInterrupt("simulated interruption")

    straight = model()
    history = training.fit(straight, x, y=y, epochs=4, checkpoint_dir=tmp_path / "a", patience=3, verbose=0,
                           monitor="loss", shuffle=False, batch_size=16)
    assert len(history.history["loss"]) == 4 and len(history.history["epoch_seconds"]) == 4
    assert (tmp_path / "a" / "best.weights.h5").exists()
    with pytest.raises(KeyboardInterrupt):
        training.fit(model(), x, y=y, epochs=4, checkpoint_dir=tmp_path / "b", verbose=0, monitor="loss",
                     shuffle=False, batch_size=16, callbacks=[Interrupt()])
    resumed = model()
    rest = training.fit(resumed, x, y=y, epochs=4, checkpoint_dir=tmp_path / "b", verbose=0, monitor="loss",
                        shuffle=False, batch_size=16)
    assert len(rest.history["loss"]) == 2, "the rerun continues with epochs 3 and 4 only"
    assert rest.history["loss"][-1] == pytest.approx(history.history["loss"][-1], rel=1e-5)
    np.testing.assert_allclose(resumed.get_weights()[0], straight.get_weights()[0], rtol=1e-5)
    with pytest.raises(ValueError, match="needs validation data"):
        training.fit(model(), x, y=y, epochs=1, monitor="val_loss")


def test_plot_history_reads_keras_and_trainer_histories():
    import matplotlib

    matplotlib.use("Agg")
    ax = training.plot_history({"loss": [2.0, 1.5, 1.2], "val_loss": [2.1, 1.7, 1.6], "accuracy": [0.5, 0.6, 0.7]})
    assert [line.get_label() for line in ax.lines] == ["loss", "val_loss"]
    assert list(ax.lines[1].get_ydata()) == [2.1, 1.7, 1.6] and ax.get_xlabel() == "epoch"
    log = [{"loss": 3.0, "step": 5}, {"eval_loss": 2.9, "step": 10}, {"loss": 2.5, "step": 10}]
    ax = training.plot_history(log, label="pre-training")
    assert [line.get_label() for line in ax.lines] == ["pre-training: loss", "pre-training: eval_loss"]
    assert list(ax.lines[0].get_xdata()) == [5, 10] and ax.get_xlabel() == "step"
    with pytest.raises(ValueError, match="none of \\['f1'\\]"):
        training.plot_history(log, metrics="f1")
    with pytest.raises(TypeError, match="cannot read a training history"):
        training.plot_history(42)


def test_import_is_light():
    from conftest import run_python

    result = run_python("import sys, labkit.training\n"
                        "print(sorted(m for m in ('torch', 'transformers', 'keras', 'tensorflow') if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    assert math.isclose(training.check_mask_probability(0.15), 0.15)
