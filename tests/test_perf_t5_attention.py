"""labkit.perf.t5_fast_attention: the same outputs as transformers' SDPA path (CPU) and the same gradients (CUDA)."""
import copy

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from labkit import perf  # noqa: E402


def _pair(dropout=0.0, device="cpu"):
    torch.manual_seed(0)
    config = transformers.MT5Config(vocab_size=60, d_model=16, d_kv=4, d_ff=32, num_layers=2, num_decoder_layers=2,
                                    num_heads=3, dropout_rate=dropout, decoder_start_token_id=0,
                                    tie_word_embeddings=False)
    config._attn_implementation = "sdpa"
    ref = transformers.MT5ForConditionalGeneration(config).to(device)
    return ref, perf.t5_fast_attention(copy.deepcopy(ref))


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


@pytest.mark.parametrize("padded", [False, True])
def test_same_outputs_as_sdpa(padded):
    ref, fast = _pair(dropout=0.1)
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


@pytest.mark.skipif(not torch.cuda.is_available(), reason="flex_attention has no backward on a CPU")
@pytest.mark.parametrize("padded", [False, True])
def test_same_gradients_on_cuda(padded):
    ref, fast = _pair(device="cuda")                        # dropout 0: training-mode paths must agree exactly
    ids, mask, labels = _batch("cuda")
    for model in (ref, fast):
        model.train()
        model(input_ids=ids, attention_mask=mask if padded else None, labels=labels).loss.backward()
    bias = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"
    grads = {n: p.grad for n, p in fast.named_parameters()}
    assert grads[bias].abs().max() > 0                       # the position bias is learned through flex_attention
    for name, p in ref.named_parameters():
        torch.testing.assert_close(grads[name], p.grad, atol=1e-4, rtol=1e-3, msg=name)
