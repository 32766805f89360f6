"""labkit.perf.t5_fast_attention: the same outputs and gradients as transformers' SDPA path, with a bias SDPA's
memory-efficient kernel can take (contiguous, in the query's dtype)."""
import copy

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from labkit import perf  # noqa: E402

#: The SDPA kernels; "cudnn" (its own kernel, an optional package) is tested in test_biased_attention.py.
SDPA_KERNELS = [k for k in perf.T5_BIASED_KERNELS if k != "cudnn"]


def _pair(dropout=0.0, device="cpu", biased="math"):
    torch.manual_seed(0)
    config = transformers.MT5Config(vocab_size=60, d_model=16, d_kv=4, d_ff=32, num_layers=2, num_decoder_layers=2,
                                    num_heads=3, dropout_rate=dropout, decoder_start_token_id=0,
                                    tie_word_embeddings=False)
    config._attn_implementation = "sdpa"
    ref = transformers.MT5ForConditionalGeneration(config).to(device)
    return ref, perf.t5_fast_attention(copy.deepcopy(ref), biased=biased)


def _batch(device="cpu"):
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(2, 60, (3, 12), generator=g)
    labels = torch.randint(2, 60, (3, 5), generator=g)
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0                                       # one padded row
    return ids.to(device), mask.to(device), labels.to(device)


def test_roles_and_registration():
    ref, fast = _pair()
    assert fast.config._attn_implementation == perf.T5_ATTENTION
    assert ref.config._attn_implementation == "sdpa"         # the copy, not the original, was changed
    roles = {m._labkit_role for m in fast.modules() if hasattr(m, "_labkit_role")}
    assert roles == {"encoder", "decoder", "cross"}


def test_every_attention_runs_through_labkit():
    # guards the equality tests: if dispatch silently stayed on "sdpa", fast and ref would agree trivially
    from transformers import AttentionInterface

    _, fast = _pair()
    seen = []
    real = perf._t5_attention_forward

    def spy(module, *args, **kwargs):
        seen.append(module._labkit_role)
        return real(module, *args, **kwargs)

    AttentionInterface.register(perf.T5_ATTENTION, spy)
    try:
        fast.eval()
        ids, mask, labels = _batch()
        with torch.no_grad():
            fast(input_ids=ids, attention_mask=mask, labels=labels)
    finally:
        AttentionInterface.register(perf.T5_ATTENTION, real)
    # 2 encoder layers; 2 decoder layers with self- and cross-attention
    assert sorted(seen) == sorted(["encoder"] * 2 + ["decoder"] * 2 + ["cross"] * 2)
    configs = {id(m.config): m.config._attn_implementation for m in fast.modules() if hasattr(m, "config")}
    assert set(configs.values()) == {perf.T5_ATTENTION} and len(configs) >= 3        # model, encoder, decoder


@pytest.mark.parametrize("biased", SDPA_KERNELS)
@pytest.mark.parametrize("padded", [False, True])
def test_same_outputs_as_sdpa(padded, biased):
    ref, fast = _pair(dropout=0.1, biased=biased)
    ref.eval(), fast.eval()                                 # eval: no dropout anywhere, so the paths must agree
    ids, mask, labels = _batch()
    with torch.no_grad():
        a = ref(input_ids=ids, attention_mask=mask if padded else None, labels=labels)
        b = fast(input_ids=ids, attention_mask=mask if padded else None, labels=labels)
    torch.testing.assert_close(b.logits, a.logits, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(b.loss, a.loss, atol=1e-5, rtol=1e-5)


def test_padding_changes_the_output():
    # guards the test above: if the mask were ignored, padded and unpadded runs would agree
    _, fast = _pair()
    fast.eval()
    ids, mask, labels = _batch()
    with torch.no_grad():
        full = fast(input_ids=ids, labels=labels).logits
        padded = fast(input_ids=ids, attention_mask=mask, labels=labels).logits
    assert (full[1] - padded[1]).abs().max() > 1e-3
    torch.testing.assert_close(full[0], padded[0])


def test_rejects_other_models():
    config = transformers.BertConfig(vocab_size=20, hidden_size=8, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=16)
    with pytest.raises(ValueError, match="T5/mT5"):
        perf.t5_fast_attention(transformers.BertModel(config))


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("biased", SDPA_KERNELS)
@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("padded", [False, True])
def test_same_gradients(padded, device, biased):
    ref, fast = _pair(device=device, biased=biased)                        # dropout 0: training-mode paths must agree exactly
    ids, mask, labels = _batch(device)
    for model in (ref, fast):
        model.train()
        model(input_ids=ids, attention_mask=mask if padded else None, labels=labels).loss.backward()
    grads = {n: p.grad for n, p in fast.named_parameters()}
    for part in ("encoder", "decoder"):                      # the position biases are still learned
        assert grads[f"{part}.block.0.layer.0.SelfAttention.relative_attention_bias.weight"].abs().max() > 0
    for name, p in ref.named_parameters():
        torch.testing.assert_close(grads[name], p.grad, atol=1e-4, rtol=1e-3, msg=name)


@pytest.mark.parametrize("biased", SDPA_KERNELS)
@pytest.mark.parametrize("padded", [False, True])
def test_each_attention_gets_the_chosen_kernel(padded, biased, monkeypatch):
    # math: the biased self-attentions run with every SDPA backend but MATH switched off (and only they: the
    # cross-attention keeps them all); efficient: the bias arrives contiguous, the layout that kernel needs
    # (transformers 5.17 passed a permuted view, which sent SDPA to the math path)
    ref, fast = _pair(biased=biased)
    real = torch.nn.functional.scaled_dot_product_attention
    calls = []

    def spy(q, k, v, attn_mask=None, **kwargs):
        calls.append(((q.shape[-2], k.shape[-2]), attn_mask, torch.backends.cuda.flash_sdp_enabled(),
                      torch.backends.cuda.mem_efficient_sdp_enabled(), torch.backends.cuda.math_sdp_enabled()))
        return real(q, k, v, attn_mask=attn_mask, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", spy)
    ids, mask, labels = _batch()
    fast.train()
    fast(input_ids=ids, attention_mask=mask if padded else None, labels=labels).loss.backward()
    biased_calls = [c for c in calls if c[1] is not None and c[1].is_floating_point()]
    cross = [c for c in calls if c[0] == (5, 12)]
    assert len(biased_calls) == 4 and len(cross) == 2        # 2 encoder + 2 decoder self-attentions; 2 cross
    for _, m, flash, efficient, math in biased_calls:
        assert m.requires_grad and m.dtype == torch.float32
        if biased == "math":
            assert (flash, efficient, math) == (False, False, True)
        else:
            assert m.stride(-1) == 1 and m.is_contiguous() and (flash, efficient, math) == (True, True, True)
    for _, m, flash, efficient, math in cross:
        assert (m is None or m.dtype == torch.bool) and (flash, efficient, math) == (True, True, True)
    assert torch.backends.cuda.flash_sdp_enabled()           # restored after the forward


def test_rejects_an_unknown_kernel():
    config = transformers.MT5Config(vocab_size=40, d_model=8, d_kv=4, d_ff=16, num_layers=1, num_heads=2,
                                    decoder_start_token_id=0)
    with pytest.raises(ValueError, match="biased must be one of .*'math'.*got 'flash'"):
        perf.t5_fast_attention(transformers.MT5ForConditionalGeneration(config), biased="flash")


@pytest.mark.parametrize("kernel", [None, "efficient"])
def test_fine_tune_gives_a_t5_model_the_profiles_kernel(kernel, tmp_path, monkeypatch):
    # labkit.seq2seq.fine_tune reads the kernel from full_training_settings (None on a CPU; "cudnn" or "math" on a
    # GPU, by whether nvidia-cudnn-frontend is installed)
    pytest.importorskip("datasets")                          # fine_tune tokenizes into a datasets.Dataset
    from labkit import hub, seq2seq

    snap = hub.build("google/mt5-small")
    tokenizer = transformers.AutoTokenizer.from_pretrained(snap)
    model = transformers.AutoModelForSeq2SeqLM.from_pretrained(snap)
    real = perf.full_training_settings
    monkeypatch.setattr(perf, "full_training_settings",
                        lambda device=None, job="mlm": {**real("cpu", job), "t5_attention": kernel})
    trainer = seq2seq.fine_tune(model, tokenizer, ["uno dos tres", "cuatro cinco"], ["one two", "four"],
                                output_dir=tmp_path, profile="tiny", max_steps=2, max_source_length=16,
                                max_target_length=8)
    assert trainer.state.global_step == 2
    kernels = {getattr(m, "_labkit_kernel", None) for m in model.modules()}
    if kernel is None:
        assert model.config._attn_implementation != perf.T5_ATTENTION and kernels == {None}
    else:
        assert model.config._attn_implementation == perf.T5_ATTENTION and kernel in kernels
