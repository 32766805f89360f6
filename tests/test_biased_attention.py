"""labkit.biased_attention: cuDNN's fused attention with a learned bias and its gradient.

The CUDA tests need the optional nvidia-cudnn-frontend package and a GPU (they run on the benchmark machine); the
CPU tests check the clear errors and that labkit's T5 attention falls back to the math path where cuDNN cannot
take a call.
"""
import copy

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from labkit import biased_attention, perf  # noqa: E402

CUDA = torch.cuda.is_available() and biased_attention.available()
needs_cuda = pytest.mark.skipif(not CUDA, reason="needs a CUDA GPU and nvidia-cudnn-frontend")


def _qkvb(b=2, h=3, s=64, d=64, bias_batch=1, seed=0, dtype=torch.bfloat16, device="cuda"):
    g = torch.Generator(device=device).manual_seed(seed)
    # T5's layout: (batch, seq, heads, depth) in memory, viewed as (batch, heads, seq, depth)
    q, k, v = (torch.randn(b, s, h, d, generator=g, device=device).to(dtype).transpose(1, 2) for _ in range(3))
    bias = torch.randn(bias_batch, h, s, s, generator=g, device=device) * 2
    return q, k, v, bias


def _reference(q, k, v, bias, mask=None, scale=1.0, causal=False):
    scores = scale * q.float() @ k.float().transpose(-1, -2)
    if bias is not None:
        scores = scores + bias.float()
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    if causal:
        sq, sk = scores.shape[-2:]
        scores = scores.masked_fill(~torch.ones(sq, sk, dtype=torch.bool, device=q.device).tril(), float("-inf"))
    return scores.softmax(-1) @ v.float()


def _right_padded(lengths, s, device="cuda"):
    keys = torch.arange(s, device=device)[None, :] < torch.tensor(lengths, device=device)[:, None]
    return keys[:, None, None, :].expand(len(lengths), 1, s, s)


# ------------------------------------------------------------------------------------------ CPU: errors, fallback

def test_supported_needs_cuda_and_shapes():
    ok = dict(q_shape=(2, 6, 128, 64), bias_shape=(1, 6, 128, 128), dtype=torch.bfloat16)
    assert not biased_attention.supported(device_type="cpu", **ok)
    assert not biased_attention.supported(device_type="cuda", **{**ok, "dtype": torch.float32})
    if biased_attention.available():
        assert biased_attention.supported(device_type="cuda", **ok)
        assert not biased_attention.supported(device_type="cuda", **{**ok, "q_shape": (2, 6, 128, 12)})
        assert not biased_attention.supported(device_type="cuda", **{**ok, "bias_shape": (3, 6, 128, 128)})


def test_biased_attention_refuses_what_it_cannot_run(monkeypatch):
    q, k, v, bias = _qkvb(device="cpu")
    monkeypatch.setattr(biased_attention, "_available", False)
    with pytest.raises(RuntimeError, match="nvidia-cudnn-frontend"):
        biased_attention.biased_attention(q, k, v, bias)
    monkeypatch.setattr(biased_attention, "_available", True)
    with pytest.raises(ValueError, match=r"bf16/fp16 CUDA tensors.*on cpu"):
        biased_attention.biased_attention(q, k, v, bias)
    with pytest.raises(TypeError, match="bias must be a 4-d torch.Tensor or None, got a 2-d tensor"):
        biased_attention.biased_attention(q, k, v, bias[0, 0])
    with pytest.raises(TypeError, match="q must be a 4-d torch.Tensor, got a list"):
        biased_attention.biased_attention([1.0], k, v, bias)
    with pytest.raises(ValueError, match=r"k and v must be .*v \(2, 3, 32, 64\)"):
        biased_attention.biased_attention(q, k, v[:, :, :32], bias)
    assert not biased_attention.supported(q_shape=(2, 64), bias_shape=(1, 1, 2, 2), dtype=torch.bfloat16,
                                          device_type="cuda")


def test_key_lengths_check_right_padding_on_the_cpu():
    # the mask -> per-row key counts step is plain torch; the check refuses left padding, empty rows and rows that
    # differ between queries, and check_padding=False reads the first query's row only (no check, no host sync)
    lengths = biased_attention._key_lengths(_right_padded([5, 3], 6, "cpu"), 2, 6)
    assert lengths.flatten().tolist() == [5, 3] and lengths.dtype == torch.int32
    for bad in (_right_padded([5, 3], 6, "cpu").flip(-1), _right_padded([5, 0], 6, "cpu")):
        with pytest.raises(ValueError, match="right-padded"):
            biased_attention._key_lengths(bad, 2, 6)
    rows_differ = _right_padded([5, 3], 6, "cpu").clone()            # materialised, not broadcast from one row
    rows_differ[0, 0, 4, 1] = False
    with pytest.raises(ValueError, match="right-padded"):
        biased_attention._key_lengths(rows_differ, 2, 6)
    assert biased_attention._key_lengths(rows_differ, 2, 6, check=False).flatten().tolist() == [5, 3]
    with pytest.raises(ValueError, match=r"\(batch=2, 1, queries or 1, keys=7\)"):
        biased_attention._key_lengths(rows_differ, 2, 7)


def test_graph_cache_keeps_the_newest(monkeypatch):
    monkeypatch.setattr(biased_attention, "_graphs", {})
    monkeypatch.setattr(biased_attention, "MAX_GRAPHS", 3)
    built = []
    for key in [1, 2, 3, 1, 4, 5]:
        biased_attention._graph(key, lambda key=key: built.append(key) or f"graph {key}")
    assert built == [1, 2, 3, 4, 5]                          # 1 was reused, not rebuilt
    assert list(biased_attention._graphs) == [3, 4, 5]
    assert biased_attention._graph(5, lambda: "rebuilt") == "graph 5"


def _t5_pair(d_kv=8):
    torch.manual_seed(0)
    config = transformers.MT5Config(vocab_size=60, d_model=24, d_kv=d_kv, d_ff=32, num_layers=2, num_decoder_layers=2,
                                    num_heads=3, dropout_rate=0.0, decoder_start_token_id=0, tie_word_embeddings=False)
    config._attn_implementation = "sdpa"
    ref = transformers.MT5ForConditionalGeneration(config)
    return ref, copy.deepcopy(ref)


def test_t5_cudnn_needs_the_package(monkeypatch):
    _, model = _t5_pair()
    monkeypatch.setattr(biased_attention, "_available", False)
    with pytest.raises(ValueError, match="nvidia-cudnn-frontend.*biased='math'"):
        perf.t5_fast_attention(model, biased="cudnn")


def test_t5_cudnn_chooses_per_attention(monkeypatch):
    monkeypatch.setattr(biased_attention, "_available", True)
    for parts, want in ((perf.T5_ATTENTIONS, {"encoder": "cudnn", "decoder": "cudnn", "cross": "cudnn"}),
                        (("encoder",), {"encoder": "cudnn", "decoder": "math", "cross": "sdpa"}),
                        ("cross", {"encoder": "math", "decoder": "math", "cross": "cudnn"})):
        _, model = _t5_pair()
        perf.t5_fast_attention(model, biased="cudnn", cudnn=parts)
        modules = [m for m in model.modules() if hasattr(m, "_labkit_kernel")]
        assert {m._labkit_role: m._labkit_kernel for m in modules} == want
        # the first layer of each stack checks the padding mask, the others reuse it unchecked
        first = {id(model.encoder.block[0].layer[0].SelfAttention), id(model.decoder.block[0].layer[0].SelfAttention),
                 id(model.decoder.block[0].layer[1].EncDecAttention)}
        assert {id(m) for m in modules if m._labkit_checks_mask} == first and len(modules) == 6
    with pytest.raises(ValueError, match=r"cudnn must name some of \('encoder', 'decoder', 'cross'\), got \('self',\)"):
        perf.t5_fast_attention(model, biased="cudnn", cudnn=("self",))


def test_t5_stacks_hand_one_mask_to_every_layer():
    # what lets only the first layer check the padding mask: T5's stacks pass the same mask object to all their
    # layers (the encoder's to its self-attentions, the decoder's encoder mask to its cross-attentions), and the
    # decoder's self-attention gets no mask when there is no decoder padding (causal only)
    from transformers import AttentionInterface

    _, model = _t5_pair()
    perf.t5_fast_attention(model, biased="math")
    seen = []
    real = perf._t5_attention_forward

    def spy(module, query, key, value, attention_mask, **kwargs):
        seen.append((module._labkit_role, attention_mask))
        return real(module, query, key, value, attention_mask, **kwargs)

    AttentionInterface.register(perf.T5_ATTENTION, spy)
    try:
        ids = torch.randint(2, 60, (2, 16), generator=torch.Generator().manual_seed(1))
        mask = torch.ones_like(ids)
        mask[1, 10:] = 0
        model(input_ids=ids, attention_mask=mask, labels=ids[:, :6].clone())
    finally:
        AttentionInterface.register(perf.T5_ATTENTION, real)
    by_role = {role: [m for r, m in seen if r == role] for role in perf.T5_ATTENTIONS}
    assert [len(v) for v in by_role.values()] == [2, 2, 2]
    for role in ("encoder", "cross"):
        first, second = by_role[role]
        assert first is second and first.dtype == torch.bool
    assert by_role["decoder"] == [None, None]


def test_t5_cudnn_takes_the_calls_it_can(monkeypatch):
    # which T5 calls go to cuDNN and with what (the kernel itself faked: this runs on a CPU)
    calls = []

    def fake(q, k, v, bias, **kw):
        calls.append((bias, kw))
        return torch.zeros(q.shape[0], q.shape[1], q.shape[2], v.shape[-1])

    monkeypatch.setattr(biased_attention, "supported", lambda **kw: True)
    monkeypatch.setattr(biased_attention, "biased_attention", fake)

    class Attention(torch.nn.Module):
        def __init__(self, role, first=True):
            super().__init__()
            self._labkit_role, self._labkit_checks_mask, self.is_causal = role, first, role == "decoder"

    def qkv(sq, sk):
        return torch.zeros(2, 3, sq, 8), torch.zeros(2, 3, sk, 8), torch.zeros(2, 3, sk, 8)

    keys = torch.ones(2, 1, 1, 12, dtype=torch.bool)
    bias = torch.zeros(1, 3, 5, 5)
    run = perf._t5_cudnn_attention
    assert run(Attention("decoder"), *qkv(5, 5), None, 0.1, None, bias).shape == (2, 5, 3, 8)
    assert calls[-1][0] is bias and calls[-1][1]["causal"] and calls[-1][1]["dropout_p"] == 0.1
    n = len(calls)
    assert run(Attention("decoder"), *qkv(1, 5), None, 0.0, None, bias[:, :, :1]) is None      # cached step
    assert run(Attention("decoder"), *qkv(5, 5), torch.ones(2, 1, 5, 5, dtype=torch.bool), 0.0, None, bias) is None
    assert run(Attention("encoder"), *qkv(12, 12), keys.float(), 0.0, None, torch.zeros(1, 3, 12, 12)) is None
    assert len(calls) == n                                    # none of the three reached cuDNN
    run(Attention("cross", first=False), *qkv(5, 12), keys.expand(2, 1, 5, 12), 0.1, 0.5, None)
    bias_given, kw = calls[-1]
    assert bias_given is None and not kw["causal"] and kw["check_padding"] is False and kw["scale"] == 0.5
    run(Attention("encoder"), *qkv(12, 12), keys, 0.0, None, torch.zeros(1, 3, 12, 12))
    assert calls[-1][1]["check_padding"] is True and calls[-1][1]["key_padding_mask"] is keys


def test_t5_cudnn_falls_back_to_math_on_the_cpu(monkeypatch):
    # with the package "installed" but a CPU model, every call must fall back to SDPA and agree with it
    monkeypatch.setattr(biased_attention, "_available", True)
    ref, fast = _t5_pair()
    perf.t5_fast_attention(fast, biased="cudnn")
    assert {m._labkit_kernel for m in fast.modules() if hasattr(m, "_labkit_kernel")} == {"cudnn"}
    ids = torch.randint(2, 60, (2, 16), generator=torch.Generator().manual_seed(1))
    labels = ids[:, :6].clone()
    for model in (ref, fast):
        model(input_ids=ids, labels=labels).loss.backward()
    grads = dict(fast.named_parameters())
    for name, p in ref.named_parameters():
        torch.testing.assert_close(grads[name].grad, p.grad, atol=1e-5, rtol=1e-4, msg=name)


# ------------------------------------------------------------------------------------------ CUDA: the kernel itself

@needs_cuda
@pytest.mark.parametrize("bias_batch", [1, 2])
@pytest.mark.parametrize("padded", [False, True])
@pytest.mark.parametrize("s", [64, 100])
def test_matches_reference_with_gradients(bias_batch, padded, s):
    q, k, v, bias = _qkvb(s=s, bias_batch=bias_batch)
    mask = _right_padded([s, s - 17], s) if padded else None
    leaves = [x.detach().requires_grad_() for x in (q, k, v, bias)]
    refs = [x.detach().float().requires_grad_() for x in (q, k, v, bias)]
    out = biased_attention.biased_attention(*leaves, key_padding_mask=mask)
    ref = _reference(*refs, mask=mask)
    assert out.shape == ref.shape and out.transpose(1, 2).is_contiguous()
    torch.testing.assert_close(out.float(), ref, atol=2e-2, rtol=2e-2)
    grad = torch.randn_like(ref)
    out.backward(grad.to(out.dtype))
    ref.backward(grad)
    for name, a, b in zip("q k v bias".split(), leaves, refs):
        assert a.grad.dtype == a.dtype and a.grad.shape == a.shape
        err = (a.grad.float() - b.grad).norm() / b.grad.norm()
        assert err < 2e-2, (name, err.item())


@needs_cuda
@pytest.mark.parametrize("case", ["no bias, padded keys", "no bias", "bias, causal", "bias, causal, 100 tokens"])
def test_without_bias_and_causal_match_reference(case):
    # T5's cross-attention (no bias, more keys than queries, the encoder's padding) and decoder self-attention
    # (bias, causal)
    g = torch.Generator(device="cuda").manual_seed(3)
    b, h, d = 2, 3, 64
    sq, sk = (100, 100) if "100" in case else (64, 64) if "causal" in case else (40, 96)
    q = torch.randn(b, sq, h, d, generator=g, device="cuda").bfloat16().transpose(1, 2)
    k, v = (torch.randn(b, sk, h, d, generator=g, device="cuda").bfloat16().transpose(1, 2) for _ in range(2))
    bias = torch.randn(1, h, sq, sk, generator=g, device="cuda") * 2 if case.startswith("bias") else None
    mask = None
    if "padded" in case:
        keys = torch.arange(sk, device="cuda")[None, :] < torch.tensor([sk, sk - 30], device="cuda")[:, None]
        mask = keys[:, None, None, :].expand(b, 1, sq, sk)
    causal = "causal" in case
    given = [x if x is None else x.detach().requires_grad_() for x in (q, k, v, bias)]
    refs = [x if x is None else x.detach().float().requires_grad_() for x in (q, k, v, bias)]
    out = biased_attention.biased_attention(*given, key_padding_mask=mask, causal=causal)
    ref = _reference(*refs, mask=mask, causal=causal)
    torch.testing.assert_close(out.float(), ref, atol=2e-2, rtol=2e-2)
    grad = torch.randn_like(ref)
    out.backward(grad.to(out.dtype))
    ref.backward(grad)
    for name, a, r in zip("q k v bias".split(), given, refs):
        if a is None:
            continue
        err = (a.grad.float() - r.grad).norm() / r.grad.norm()
        assert err < 2e-2, (name, err.item())
    if causal:                                               # the causal mask is applied: the first query sees key 0
        torch.testing.assert_close(out[:, :, 0].float(), v[:, :, 0].float(), atol=1e-2, rtol=1e-2)


@needs_cuda
def test_dropout_mask_is_the_same_in_forward_and_backward():
    # out = P_drop @ v is linear in v, so for the same dropout mask <grad_out, out(v + dv) - out(v)> = <grad_v, dv>;
    # a backward that drew other masks than the forward would break this by far more than bf16 rounding
    q, k, v, bias = _qkvb(s=128)
    v = v.detach().requires_grad_()
    grad_out = torch.randn(2, 3, 128, 64, device="cuda")
    torch.manual_seed(7)
    out = biased_attention.biased_attention(q, k, v, bias, dropout_p=0.5)
    out.backward(grad_out.to(out.dtype))
    dv = torch.randn_like(v, dtype=torch.float32) * 0.5
    torch.manual_seed(7)
    out2 = biased_attention.biased_attention(q, k, (v.detach().float() + dv).to(v.dtype), bias, dropout_p=0.5)
    lhs = (grad_out * (out2.float() - out.detach().float())).sum()
    rhs = (v.grad.float() * dv).sum()
    assert abs(lhs - rhs) / abs(rhs) < 3e-2, (lhs.item(), rhs.item())
    # and dropout is on: another seed gives another output
    torch.manual_seed(8)
    out3 = biased_attention.biased_attention(q, k, v.detach(), bias, dropout_p=0.5)
    assert (out3.float() - out.detach().float()).abs().max() > 0.1


@needs_cuda
def test_left_padding_is_refused():
    q, k, v, bias = _qkvb()
    mask = _right_padded([64, 40], 64).flip(-1)
    with pytest.raises(ValueError, match="right-padded"):
        biased_attention.biased_attention(q, k, v, bias, key_padding_mask=mask)


@needs_cuda
def test_compiles_without_graph_breaks():
    q, k, v, bias = _qkvb(s=128)
    leaves = [x.detach().requires_grad_() for x in (q, k, v, bias)]

    def attend(q, k, v, bias):
        return biased_attention.biased_attention(q, k, v, bias * 1.0) * 2.0

    compiled = torch.compile(attend, fullgraph=True)              # fullgraph: a graph break is an error
    out = compiled(*leaves)
    out.float().sum().backward()
    eager = [x.detach().requires_grad_() for x in (q, k, v, bias)]
    ref = attend(*eager)
    ref.float().sum().backward()
    torch.testing.assert_close(out, ref)
    for a, b in zip(leaves, eager):
        torch.testing.assert_close(a.grad, b.grad)


@needs_cuda
@pytest.mark.parametrize("padded", [False, True])
@pytest.mark.parametrize("parts", [("encoder",), perf.T5_ATTENTIONS])
def test_t5_runs_cudnn_and_trains_like_sdpa(parts, padded, monkeypatch):
    ref, fast = _t5_pair(d_kv=64)
    ref, fast = ref.cuda(), perf.t5_fast_attention(fast.cuda(), biased="cudnn", cudnn=parts)
    calls = []
    real = biased_attention.biased_attention
    monkeypatch.setattr(biased_attention, "biased_attention", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(2, 60, (2, 32), generator=g).cuda()
    mask = torch.ones_like(ids)
    if padded:
        mask[1, 20:] = 0
    labels = torch.randint(2, 60, (2, 8), generator=g).cuda()
    losses = []
    for model in (ref, fast):
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward()
        losses.append(loss.item())
    assert len(calls) == 2 * len(parts)                      # each chosen attention in both layers, once each
    assert abs(losses[0] - losses[1]) < 2e-2 * abs(losses[0])
    grads = dict(fast.named_parameters())
    for name, p in ref.named_parameters():
        if "relative_attention_bias" in name or "EncDecAttention.q" in name or "SelfAttention.k" in name:
            a, b = grads[name].grad, p.grad
            assert b.abs().max() > 0 and (a - b).norm() / b.norm() < 5e-2, name


@needs_cuda
def test_t5_generates_like_sdpa_with_a_cache():
    # Generation with the key/value cache: the encoder and cross-attention in cuDNN, the decoder's one-query
    # cached steps on SDPA (perf._t5_cudnn_attention sends them there); greedy tokens as transformers' own path.
    ref, fast = _t5_pair(d_kv=64)
    ref, fast = ref.cuda().eval(), perf.t5_fast_attention(fast.cuda(), biased="cudnn").eval()
    g = torch.Generator().manual_seed(2)
    ids = torch.randint(2, 60, (2, 32), generator=g).cuda()
    mask = torch.ones_like(ids)
    mask[1, 24:] = 0
    outputs = []
    for model in (ref, fast):
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
            outputs.append(model.generate(input_ids=ids, attention_mask=mask, max_new_tokens=6, min_new_tokens=6,
                                          do_sample=False, use_cache=True))
    assert outputs[0].shape == outputs[1].shape and outputs[0].shape[1] > 1
    assert (outputs[0] == outputs[1]).float().mean() > 0.9           # bf16 ties may flip a token, not many
