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


def test_sdpa_cpu_leaves_the_choice_to_pytorch_and_matches_formula():
    from torch.nn.attention import SDPBackend, sdpa_kernel

    assert perf.fastest_sdpa_backend((2, 3, 8, 4), device="cpu") is perf.PYTORCH_DEFAULT
    q, k, v = (torch.randn(2, 3, 64, 16) for _ in range(3))
    reference = torch.softmax(q @ k.transpose(-2, -1) / 4.0, dim=-1) @ v
    out = perf.sdpa(q, k, v)
    torch.testing.assert_close(out, reference, atol=1e-5, rtol=1e-5)
    # the very kernel PyTorch picks by itself (bit for bit), which is not the forced math kernel's arithmetic
    assert torch.equal(out, torch.nn.functional.scaled_dot_product_attention(q, k, v))
    with sdpa_kernel(SDPBackend.MATH):
        forced_math = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    assert not torch.equal(out, forced_math)
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
    assert gpu["logging_nan_inf_filter"] is False and gpu["accelerator_config"] == {"non_blocking": True}
    assert "logging_nan_inf_filter" not in cpu["training_arguments"]        # the CPU keeps Trainer's defaults
    host = {k: gpu[k] for k in ("logging_nan_inf_filter", "accelerator_config")}
    built = transformers.TrainingArguments(output_dir=str(tmp_path), **host)
    assert built.logging_nan_inf_filter is False and built.accelerator_config.non_blocking is True
    if job == "mlm":                        # DDP settings (measured on two GPUs) build, and are GPU-only
        assert gpu["ddp_find_unused_parameters"] is False and gpu["ddp_bucket_cap_mb"] >= 512
        built = transformers.TrainingArguments(output_dir=str(tmp_path), ddp_find_unused_parameters=False,
                                               ddp_bucket_cap_mb=gpu["ddp_bucket_cap_mb"])
        assert built.ddp_bucket_cap_mb == gpu["ddp_bucket_cap_mb"]
    assert not any(k.startswith("ddp_") for k in cpu["training_arguments"])
    assert perf.full_training_settings("cuda", job)["bf16_math_attention"] is (job == "seq2seq")
    assert cpu["bf16_math_attention"] is False
    t5 = perf.full_training_settings("cuda", job)["t5_attention"]
    assert (t5 in perf.T5_BIASED_KERNELS) if job == "seq2seq" else t5 is None
    assert cpu["t5_attention"] is None
    with pytest.raises(ValueError):
        perf.full_training_settings("cpu", "vision")


def test_bf16_math_attention_is_scoped():
    allowed = torch.backends.cuda.fp16_bf16_reduction_math_sdp_allowed
    assert allowed() is False
    with pytest.raises(RuntimeError, match="inside"):
        with perf.bf16_math_attention():
            assert allowed() is True
            raise RuntimeError("inside")
    assert allowed() is False                                       # restored after an error too
    with perf.bf16_math_attention(False):
        assert allowed() is False
    torch.backends.cuda.allow_fp16_bf16_reduction_math_sdp(True)
    try:
        with perf.bf16_math_attention(False):                       # enabled=False leaves a caller's choice alone
            assert allowed() is True
        assert allowed() is True
    finally:
        torch.backends.cuda.allow_fp16_bf16_reduction_math_sdp(False)


def test_device_info_has_versions():
    info = perf.device_info()
    assert info["torch"] == torch.__version__ and info["transformers"] == transformers.__version__


# ---------------------------------------------------------------------------------------------- chunked LM loss

def _tiny_seq2seq(kind="mt5", untie=True):
    common = dict(vocab_size=97, d_model=16, d_kv=4, d_ff=32, num_layers=2, num_decoder_layers=2, num_heads=4,
                  dropout_rate=0.0, decoder_start_token_id=0, pad_token_id=0, eos_token_id=1)
    torch.manual_seed(0)
    if kind == "mt5":
        model = transformers.MT5ForConditionalGeneration(
            transformers.MT5Config(feed_forward_proj="gated-gelu", **common))
    else:
        model = transformers.T5ForConditionalGeneration(transformers.T5Config(**common))
    if untie and model.lm_head.weight.data_ptr() == model.shared.weight.data_ptr():
        model.lm_head.weight = torch.nn.Parameter(model.shared.weight.detach().clone())
    return model


def _batch():
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(2, 97, (3, 11), generator=g)
    mask = torch.ones_like(ids)
    mask[0, -3:] = 0                                            # some padding in the encoder input
    labels = torch.randint(2, 97, (3, 7), generator=g)
    labels[1, -2:] = -100                                       # and ignored target positions
    return ids, mask, labels


def _loss_and_grads(model, forward):
    model.zero_grad(set_to_none=True)
    loss = forward()
    loss.backward()
    return loss.detach(), {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


@pytest.mark.parametrize("kind,untie", [("mt5", True), ("mt5", False), ("t5", False), ("t5", True)])
@pytest.mark.parametrize("chunk", [1, 5, 21, 4096])
def test_chunked_seq2seq_loss_and_grads_equal_plain_model(kind, untie, chunk):
    model = _tiny_seq2seq(kind, untie).train()
    ids, mask, labels = _batch()
    plain, plain_grads = _loss_and_grads(
        model, lambda: model(input_ids=ids, attention_mask=mask, labels=labels).loss)
    wrapped = perf.chunked_lm_loss_seq2seq(model, chunk=chunk)
    chunked, chunked_grads = _loss_and_grads(
        model, lambda: wrapped(input_ids=ids, attention_mask=mask, labels=labels)["loss"])
    torch.testing.assert_close(chunked, plain, atol=1e-5, rtol=1e-5)
    assert chunked_grads.keys() == plain_grads.keys() and model.lm_head.weight.grad is not None
    for name, grad in plain_grads.items():
        torch.testing.assert_close(chunked_grads[name], grad, atol=1e-5, rtol=1e-4, msg=name)


def test_chunked_seq2seq_wrapper_applies_t5_decoder_scaling():
    from labkit.perf import _decoder_output_scale

    t5, mt5 = _tiny_seq2seq("t5", untie=False), _tiny_seq2seq("mt5")
    assert _decoder_output_scale(mt5) is None                   # transformers 5: mT5 never rescales
    expected = 16 ** -0.5 if getattr(t5.config, "scale_decoder_outputs", t5.config.tie_word_embeddings) else None
    assert _decoder_output_scale(t5) == expected


def test_chunked_lm_loss_matches_cross_entropy_with_num_items():
    torch.manual_seed(0)
    h = torch.randn(4, 6, 8, requires_grad=True)
    w = torch.randn(50, 8, requires_grad=True)
    y = torch.randint(0, 50, (4, 6))
    y[0, :3] = -100
    summed = torch.nn.functional.cross_entropy((h @ w.T).flatten(0, 1), y.flatten(), reduction="sum")
    ref_h, ref_w = torch.autograd.grad(summed / 30, (h, w))
    loss = perf.chunked_lm_loss(h, w, y, chunk=7, num_items=torch.tensor(30))
    torch.testing.assert_close(loss, summed / 30)
    got_h, got_w = torch.autograd.grad(loss * 3.0, (h, w))     # the backward scales by the incoming gradient
    torch.testing.assert_close(got_h, 3.0 * ref_h, atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(got_w, 3.0 * ref_w, atol=1e-6, rtol=1e-5)
    with torch.no_grad():                                       # evaluation path: no gradients computed
        torch.testing.assert_close(perf.chunked_lm_loss(h, w, y, chunk=5), torch.nn.functional.cross_entropy(
            (h @ w.T).flatten(0, 1), y.flatten()))


def test_chunked_lm_loss_under_torch_compile():
    torch.manual_seed(0)
    h = torch.randn(2, 5, 8, requires_grad=True)
    w = torch.randn(30, 8, requires_grad=True)
    y = torch.randint(0, 30, (2, 5))
    compiled = torch.compile(lambda a, b, c: perf.chunked_lm_loss(a, b, c, chunk=3), backend="aot_eager",
                             fullgraph=True)
    loss = compiled(h, w, y)
    loss.backward()
    ref = torch.nn.functional.cross_entropy((h @ w.T).flatten(0, 1), y.flatten())
    torch.testing.assert_close(loss, ref)
    torch.testing.assert_close(w.grad, torch.autograd.grad(ref, w)[0], atol=1e-6, rtol=1e-5)


def test_chunked_lm_loss_bad_arguments_name_the_argument():
    h, w, y = torch.randn(2, 3, 4), torch.randn(10, 4), torch.zeros(2, 3, dtype=torch.long)
    for chunk in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="chunk"):
            perf.chunked_lm_loss(h, w, y, chunk=chunk)
    with pytest.raises(ValueError, match="labels"):
        perf.chunked_lm_loss(h, w, torch.zeros(2, 4, dtype=torch.long))
    with pytest.raises(ValueError, match="lm_head_weight"):
        perf.chunked_lm_loss(h, torch.randn(10, 5), y)
    for label in (10, -1):
        with pytest.raises(ValueError, match=rf"labels must be in \[0, 10\).*ignore_index \(-100\), got {label}"):
            perf.chunked_lm_loss(h, w, torch.full((2, 3), label))
    with pytest.raises(ValueError, match="chunk"):
        perf.chunked_lm_loss_seq2seq(_tiny_seq2seq(), chunk=0)
    with pytest.raises(ValueError, match="model"):
        perf.chunked_lm_loss_seq2seq(torch.nn.Linear(2, 2))
    wrapped = perf.chunked_lm_loss_seq2seq(_tiny_seq2seq())
    ids, mask, labels = _batch()
    with pytest.raises(ValueError, match="labels"):
        wrapped(input_ids=ids, attention_mask=mask, labels=labels[:, :-1].reshape(-1))


def test_chunked_seq2seq_wrapper_compiles_without_graph_breaks(monkeypatch):
    monkeypatch.setattr(perf, "_LM_LOSS_FN", None)            # as in a fresh process
    wrapped = perf.chunked_lm_loss_seq2seq(_tiny_seq2seq())
    ids, mask, labels = _batch()
    torch._dynamo.reset()
    explained = torch._dynamo.explain(wrapped)(input_ids=ids, attention_mask=mask, labels=labels,
                                               num_items_in_batch=torch.tensor(19))
    torch._dynamo.reset()
    assert explained.graph_break_count == 0, explained.break_reasons


def _fake_flash_attn_func(q, k, v, softmax_scale=None, causal=False):
    """Stands in for flash_attn.cute.flash_attn_func: (batch, seq, heads, depth) in and out, returns (out, lse)."""
    out = torch.nn.functional.scaled_dot_product_attention(q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2),
                                                           is_causal=causal, scale=softmax_scale)
    return out.transpose(1, 2), None


@pytest.mark.parametrize("causal", [False, True])
def test_flash_attention_4_candidate_transposes_to_its_layout(causal):
    # FlashAttention-4 takes (batch, seq, heads, depth); labkit passes SDPA's (batch, heads, seq, depth) as views.
    fa4 = perf.FlashAttention4(_fake_flash_attn_func)
    q, k, v = (torch.randn(2, 3, 8, 4) for _ in range(3))
    reference = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=causal)
    torch.testing.assert_close(perf.sdpa(q, k, v, is_causal=causal, backend=fa4), reference)
    with pytest.raises(ValueError, match="no attn_mask and no dropout"):
        perf.sdpa(q, k, v, attn_mask=torch.ones(8, 8, dtype=torch.bool), backend=fa4)


def test_flash_attention_4_is_never_offered_on_a_cpu():
    assert perf.flash_attention_4("cpu") is None
    q, k, v = (torch.randn(1, 2, 8, 4) for _ in range(3))
    mask = torch.tril(torch.ones(8, 8, dtype=torch.bool))
    reference = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.0)
    torch.testing.assert_close(perf.sdpa(q, k, v, attn_mask=mask), reference)


def test_backend_timer_interleaves_candidates_and_drops_refusals():
    calls, now = [], [0.0]
    cost = {"slow": 3.0, "fast": 1.0}

    def make(name):
        def fn():
            calls.append(name)
            now[0] += cost[name]
        return fn

    def refuses():
        raise RuntimeError("no kernel for this shape")

    times = perf._time_interleaved({"slow": make("slow"), "fast": make("fast"), "refuses": refuses},
                                   iters=2, repeats=3, errors=(RuntimeError,), sync=lambda: None,
                                   clock=lambda: now[0])
    assert times == {"slow": 3.0, "fast": 1.0}                 # means per call; the refusing candidate is left out
    timed = calls[4:]                                           # after two warm-up calls each
    assert timed == (["slow"] * 2 + ["fast"] * 2) * 3           # rounds alternate the candidates


def test_backend_timer_lets_unexpected_errors_through():
    def broken():
        raise KeyError("a bug, not a refusal")

    with pytest.raises(KeyError):
        perf._time_interleaved({"broken": broken}, errors=(RuntimeError,), sync=lambda: None)


def test_bf16_math_attention_trains_like_bf16_without_it():
    """The loss check behind the seq2seq full profile's bf16 math attention, on the CPU: T5 attention forced onto
    SDPA's math path under bf16 autocast follows the fp32 loss curve as closely with the flag as without it."""
    from torch.nn.attention import SDPBackend, sdpa_kernel

    def losses(autocast, flag, steps=15):
        torch.manual_seed(0)
        config = transformers.MT5Config(vocab_size=256, d_model=64, d_kv=16, d_ff=128, num_layers=2,
                                        num_decoder_layers=1, num_heads=4, dropout_rate=0.0,
                                        decoder_start_token_id=0, tie_word_embeddings=False)
        config._attn_implementation = "sdpa"
        model = transformers.MT5ForConditionalGeneration(config)
        optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3)
        g = torch.Generator().manual_seed(1)
        out = []
        with perf.bf16_math_attention(flag):
            for _ in range(steps):
                ids = torch.randint(2, 256, (4, 128), generator=g)
                labels = ids[:, :16].flip(1).clone()                   # learnable: the first 16 tokens reversed
                with sdpa_kernel(SDPBackend.MATH), torch.autocast("cpu", torch.bfloat16, enabled=autocast):
                    loss = model(input_ids=ids, labels=labels).loss
                loss.backward()
                optimizer.step()
                optimizer.zero_grad()
                out.append(loss.item())
        return out

    fp32, off, on = losses(False, False), losses(True, False), losses(True, True)
    gap = lambda a, b: max(abs(x - y) for x, y in zip(a, b))          # noqa: E731
    assert on[-1] < on[0] / 2                                           # it trains
    assert gap(on, off) > 0                                             # the flag reached the math path
    assert gap(on, fp32) <= 2 * gap(off, fp32) + 1e-3


def test_seq2seq_profile_follows_the_cudnn_frontend(monkeypatch):
    # with the optional package the measured profile is cuDNN attention + chunked loss (8192 rows) + batch 512;
    # without it the math profile; a CPU gets neither
    from labkit import biased_attention

    def pick(device):
        s = perf.full_training_settings(device, "seq2seq")
        return (s["t5_attention"], s["chunked_lm_loss"], s["lm_loss_chunk"],
                s["training_arguments"]["per_device_train_batch_size"], s)

    monkeypatch.setattr(biased_attention, "_available", True)
    *with_it, settings = pick("cuda")
    assert with_it == ["cudnn", True, 8192, 512] and "without" not in settings["source"]
    assert pick("cpu")[:4] == (None, False, None, 8)
    monkeypatch.setattr(biased_attention, "_available", False)
    *without, settings = pick("cuda")
    assert without == ["math", False, None, 128] and "without nvidia-cudnn-frontend" in settings["source"]
    assert perf.full_training_settings("cuda", "mlm")["training_arguments"]["per_device_train_batch_size"] == 512
