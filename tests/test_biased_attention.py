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


def _reference(q, k, v, bias, mask=None, scale=1.0):
    scores = scale * q.float() @ k.float().transpose(-1, -2) + bias.float()
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
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
    with pytest.raises(TypeError, match="bias must be a 4-d torch.Tensor, got a 2-d tensor"):
        biased_attention.biased_attention(q, k, v, bias[0, 0])
    with pytest.raises(TypeError, match="q must be a 4-d torch.Tensor, got a list"):
        biased_attention.biased_attention([1.0], k, v, bias)
    with pytest.raises(ValueError, match=r"k and v must be .*v \(2, 3, 32, 64\)"):
        biased_attention.biased_attention(q, k, v[:, :, :32], bias)
    assert not biased_attention.supported(q_shape=(2, 64), bias_shape=(1, 1, 2, 2), dtype=torch.bfloat16,
                                          device_type="cuda")


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


def test_t5_cudnn_falls_back_to_math_on_the_cpu(monkeypatch):
    # with the package "installed" but a CPU model, every biased call must take the math path and agree with SDPA
    monkeypatch.setattr(biased_attention, "_available", True)
    ref, fast = _t5_pair()
    perf.t5_fast_attention(fast, biased="cudnn")
    kernels = {m._labkit_role: m._labkit_biased_kernel for m in fast.modules() if hasattr(m, "_labkit_biased_kernel")}
    assert kernels == {"encoder": "cudnn", "decoder": "math"}
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
def test_t5_encoder_runs_cudnn_and_trains_like_sdpa(padded, monkeypatch):
    ref, fast = _t5_pair(d_kv=64)
    ref, fast = ref.cuda(), perf.t5_fast_attention(fast.cuda(), biased="cudnn")
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
    assert len(calls) == 2                                   # both encoder layers, once each
    assert abs(losses[0] - losses[1]) < 2e-2 * abs(losses[0])
    name = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight"
    a, b = dict(fast.named_parameters())[name].grad, dict(ref.named_parameters())[name].grad
    assert b.abs().max() > 0 and (a - b).norm() / b.norm() < 5e-2
