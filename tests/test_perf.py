"""labkit.perf: FLOP formulas, peaks, SDPA backend choice, masked-positions MLM head, full-profile settings (CPU)."""
import doctest

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from labkit import perf  # noqa: E402


def test_doctests():
    failures, tried = doctest.testmod(perf, optionflags=doctest.ELLIPSIS)
    assert tried > 5 and failures == 0


def test_peak_table_and_override(monkeypatch):
    assert perf.peak_tflops("NVIDIA H200")[0] == 790.0
    assert perf.peak_tflops("NVIDIA A100-SXM4-80GB")[0] == 312.0
    assert perf.peak_tflops("Some New GPU")[0] is None
    monkeypatch.setenv("LABKIT_PEAK_TFLOPS", "123")
    assert perf.peak_tflops("cpu") == (123.0, "LABKIT_PEAK_TFLOPS")


def test_encoder_flops_is_6n():
    assert perf.flops_per_token(1000) == 6000
    with pytest.raises(ValueError):
        perf.flops_per_token(0)


def test_bert_base_matrix_flops_close_to_6n():
    config = transformers.BertConfig()
    six_n = perf.flops_per_token(109_514_298) * 128
    full = perf.mlm_matrix_flops_per_sample(config, 128)
    masked = perf.mlm_matrix_flops_per_sample(config, 128, predicted=18)
    assert 0.9 * six_n < full < 1.1 * six_n          # embeddings are look-ups; the head's V x d counts once
    assert masked < 0.85 * full                        # the head on 18 of 128 positions saves > 15%


def test_mt5_small_matrix_flops():
    config = transformers.MT5Config(vocab_size=250112, d_model=512, d_kv=64, d_ff=1024, num_layers=8,
                                    num_decoder_layers=8, num_heads=6, feed_forward_proj="gated-gelu")
    flops = perf.seq2seq_matrix_flops_per_sample(config, 1024, 128)
    head = 6 * 128 * 512 * 250112
    assert 2.9e11 < flops < 3.0e11
    assert 0.3 < head / flops < 0.36                    # the vocabulary projection is a third of the work


def test_sdpa_cpu_uses_math_and_matches_formula():
    from torch.nn.attention import SDPBackend

    assert perf.fastest_sdpa_backend((2, 3, 8, 4), device="cpu") == SDPBackend.MATH
    q, k, v = (torch.randn(2, 3, 8, 4) for _ in range(3))
    reference = torch.softmax(q @ k.transpose(-2, -1) / 2.0, dim=-1) @ v
    torch.testing.assert_close(perf.sdpa(q, k, v), reference, atol=1e-5, rtol=1e-5)
    assert [b.name for b in perf.sdpa_backends()][-1] == "MATH"


def test_masked_positions_head_matches_full_head_loss():
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=32)
    model = transformers.BertForMaskedLM(config).eval()
    ids = torch.randint(5, 50, (3, 12))
    positions = torch.tensor([[1, 4, 7], [2, 3, 9], [5, 6, 10]])
    targets = torch.gather(ids, 1, positions)
    labels = torch.full_like(ids, -100).scatter(1, positions, targets)
    full = model(input_ids=ids, labels=labels).loss
    wrapped = perf.masked_positions_mlm(model)
    out = wrapped(input_ids=ids, masked_positions=positions, masked_labels=targets)
    torch.testing.assert_close(out["loss"], full, atol=1e-5, rtol=1e-5)
    assert out["logits"].shape == (3, 3, 50)


@pytest.mark.parametrize("job", ["mlm", "seq2seq"])
def test_full_training_settings_build_training_arguments(tmp_path, job):
    cpu = perf.full_training_settings("cpu", job)
    args = transformers.TrainingArguments(output_dir=str(tmp_path), **cpu["training_arguments"])
    assert args.bf16 is False and args.torch_compile is False
    assert cpu["model_kwargs"] == {"attn_implementation": "sdpa"}
    gpu = perf.full_training_settings("cuda", job)["training_arguments"]
    assert gpu["torch_compile"] is True and gpu["optim"] == "adamw_torch_fused"
    assert gpu["per_device_train_batch_size"] >= 128
    with pytest.raises(ValueError):
        perf.full_training_settings("cpu", "vision")


def test_device_info_has_versions():
    info = perf.device_info()
    assert info["torch"] == torch.__version__ and info["transformers"] == transformers.__version__
