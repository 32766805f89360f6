"""labkit.lm_loss_kernel (the chunked LM loss's Triton kernels) and how labkit.perf.chunked_lm_loss chooses them.

The kernels run only on a CUDA GPU; the CPU tests check the arguments, the choice, and the loss's use of the
kernel's outputs (with the kernel replaced by its PyTorch definition)."""
import pytest

torch = pytest.importorskip("torch")

from labkit import lm_loss_kernel, perf  # noqa: E402

GPU = torch.cuda.is_available() and lm_loss_kernel.available()
needs_gpu = pytest.mark.skipif(not GPU, reason="needs a CUDA GPU and triton")


def _reference(logits, labels, scale, ignore_index=-100):
    """What the kernels compute, in fp32 PyTorch operations: per-row loss (NaN for a label out of range, 0 for an
    ignored row) and (softmax - one_hot) * scale."""
    x = logits.float()
    vocab = x.shape[1]
    ignored = labels == ignore_index
    in_range = (labels >= 0) & (labels < vocab)
    safe = torch.where(in_range, labels, 0)
    lse = torch.logsumexp(x, dim=-1)
    loss = lse - x.gather(1, safe[:, None])[:, 0]
    loss = torch.where(in_range, loss, torch.full_like(loss, float("nan")))
    loss = torch.where(ignored, torch.zeros_like(loss), loss)
    grad = torch.softmax(x, dim=-1)
    grad = grad - torch.nn.functional.one_hot(safe, vocab).float() * in_range[:, None]
    return loss, (grad * scale[:, None]).to(logits.dtype)


def test_kernel_choice_and_bad_kernel_names():
    assert perf._lm_loss_kernel("torch", "cuda") is False
    assert perf._lm_loss_kernel("auto", "cpu") is False                 # the kernels run on CUDA only
    assert perf._lm_loss_kernel("auto", torch.device("cuda", 0)) is lm_loss_kernel.available()
    with pytest.raises(ValueError, match="kernel must be one of"):
        perf._lm_loss_kernel("fast", "cpu")
    with pytest.raises(ValueError, match="triton"):
        perf._lm_loss_kernel("triton", "cpu")
    h, w, y = torch.randn(2, 3, 4), torch.randn(10, 4), torch.zeros(2, 3, dtype=torch.long)
    with pytest.raises(ValueError, match="kernel"):
        perf.chunked_lm_loss(h, w, y, kernel="Triton")
    with pytest.raises(ValueError, match="kernel"):
        perf.chunked_lm_loss_seq2seq(torch.nn.Linear(2, 2), kernel=None)


def test_operators_register_without_a_gpu():
    ops = lm_loss_kernel.ensure_registered()
    assert ops is lm_loss_kernel.ensure_registered() and len(ops) == 2          # once
    assert torch.ops.labkit.lm_loss_and_grad.default._schema.name == "labkit::lm_loss_and_grad"
    assert torch.ops.labkit.lm_loss_rows.default._schema.name == "labkit::lm_loss_rows"


def test_loss_and_grad_rejects_what_the_kernels_cannot_take():
    with pytest.raises(ValueError, match="CUDA"):
        lm_loss_kernel.loss_and_grad(torch.randn(3, 5), torch.zeros(3, dtype=torch.long), torch.ones(3))
    with pytest.raises(ValueError, match="rows, vocab"):
        lm_loss_kernel.loss_and_grad(torch.randn(5), torch.zeros(3, dtype=torch.long), torch.ones(3))
    with pytest.raises(ValueError, match="logits must be a"):
        lm_loss_kernel.loss_and_grad([[1.0]], torch.zeros(1, dtype=torch.long), torch.ones(1))
    with pytest.raises(ValueError, match="CUDA"):
        lm_loss_kernel.row_loss(torch.randn(3, 5), torch.zeros(3, dtype=torch.long))


def test_chunked_loss_with_the_kernel_path_equals_the_plain_loss(monkeypatch):
    # The kernel path's arithmetic around the kernel (sum of row losses, the gradient products, the scale) with the
    # kernel replaced by its definition: the same loss and gradients as cross_entropy, on a CPU.
    calls = []

    def fake(logits, labels, scale, ignore_index=-100):
        calls.append(tuple(logits.shape))
        return _reference(logits, labels, scale, ignore_index)

    monkeypatch.setattr(lm_loss_kernel, "loss_and_grad", fake)
    monkeypatch.setattr(perf, "_lm_loss_kernel", lambda kernel, device: True)
    torch.manual_seed(0)
    h = torch.randn(3, 5, 8, requires_grad=True)
    w = torch.randn(40, 8, requires_grad=True)
    y = torch.randint(0, 40, (3, 5))
    y[1, 2:] = -100
    loss = perf.chunked_lm_loss(h, w, y, chunk=4)
    ref = torch.nn.functional.cross_entropy((h @ w.T).flatten(0, 1), y.flatten())
    torch.testing.assert_close(loss, ref)
    assert calls == [(4, 40)] * 3 + [(3, 40)]
    got = torch.autograd.grad(loss, (h, w))
    for a, b in zip(got, torch.autograd.grad(ref, (h, w))):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=1e-5)


def test_no_grad_loss_with_the_kernel_path_equals_the_plain_loss(monkeypatch):
    # Evaluation (no gradients): the row kernel replaced by its definition; the sum over chunks and the mean agree
    # with cross_entropy, and the row kernel sees the logits in the matmul's dtype, one chunk at a time.
    calls = []

    def fake(logits, labels, ignore_index=-100):
        calls.append((tuple(logits.shape), logits.dtype))
        return _reference(logits, labels, torch.zeros(len(labels)), ignore_index)[0]

    monkeypatch.setattr(lm_loss_kernel, "row_loss", fake)
    monkeypatch.setattr(perf, "_lm_loss_kernel", lambda kernel, device: True)
    torch.manual_seed(0)
    h, w, y = torch.randn(3, 5, 8), torch.randn(40, 8), torch.randint(0, 40, (3, 5))
    y[0, :3] = -100
    with torch.no_grad():
        loss = perf.chunked_lm_loss(h, w, y, chunk=6)
    torch.testing.assert_close(loss, torch.nn.functional.cross_entropy((h @ w.T).flatten(0, 1), y.flatten()))
    assert calls == [((6, 40), torch.float32)] * 2 + [((3, 40), torch.float32)]


# ---------------------------------------------------------------------------------------------- on a GPU

@needs_gpu
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32])
@pytest.mark.parametrize("rows,vocab", [(1, 1), (5, 100), (33, 4096), (7, 4097), (64, 250_112)])
def test_kernels_equal_the_reference(dtype, rows, vocab):
    g = torch.Generator(device="cuda").manual_seed(rows * vocab)
    logits = (torch.randn(rows, vocab, device="cuda", generator=g) * 4).to(dtype)
    labels = torch.randint(0, vocab, (rows,), device="cuda", generator=g)
    labels[::3] = -100
    scale = (labels != -100).float() / max(1, int((labels != -100).sum()))
    loss, grad = lm_loss_kernel.loss_and_grad(logits, labels, scale)
    ref_loss, ref_grad = _reference(logits, labels, scale)
    assert loss.dtype == torch.float32 and grad.dtype == dtype and grad.shape == logits.shape
    torch.testing.assert_close(loss, ref_loss, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(lm_loss_kernel.row_loss(logits, labels), ref_loss, atol=1e-4, rtol=1e-4)
    tolerance = dict(atol=1e-6, rtol=1e-5) if dtype == torch.float32 else dict(atol=2e-3, rtol=1e-2)
    torch.testing.assert_close(grad.float(), ref_grad.float(), **tolerance)


@needs_gpu
def test_kernels_flag_out_of_range_labels_and_take_a_row_stride():
    wide = torch.randn(6, 300, device="cuda", dtype=torch.bfloat16)
    logits = wide[:, :250]                                   # rows 300 apart: the kernels follow stride(0)
    labels = torch.tensor([0, 249, 250, -1, -100, 7], device="cuda")
    scale = torch.full((6,), 0.2, device="cuda")
    loss, grad = lm_loss_kernel.loss_and_grad(logits, labels, scale)
    ref_loss, ref_grad = _reference(logits, labels, scale)
    assert torch.isnan(loss[2]) and torch.isnan(loss[3]) and loss[4] == 0   # out of range: NaN; ignored: 0
    torch.testing.assert_close(loss, ref_loss, atol=1e-4, rtol=1e-4, equal_nan=True)
    torch.testing.assert_close(lm_loss_kernel.row_loss(logits, labels), ref_loss, atol=1e-4, rtol=1e-4,
                               equal_nan=True)
    torch.testing.assert_close(grad.float(), ref_grad.float(), atol=2e-3, rtol=1e-2)
    with pytest.raises(ValueError, match="unit stride"):
        lm_loss_kernel.loss_and_grad(wide.t(), torch.zeros(300, dtype=torch.long, device="cuda"),
                                     torch.ones(300, device="cuda"))
    with pytest.raises(ValueError, match="labels must be"):
        lm_loss_kernel.loss_and_grad(logits, labels[:5], scale)


@needs_gpu
@pytest.mark.parametrize("compiled", [False, True])
def test_chunked_loss_triton_equals_torch_ops(compiled):
    torch.manual_seed(0)
    h = torch.randn(4, 37, 64, device="cuda", requires_grad=True)
    w = torch.randn(5000, 64, device="cuda", requires_grad=True)
    y = torch.randint(0, 5000, (4, 37), device="cuda")
    y[2, 10:] = -100
    results = {}
    for kernel in ("torch", "triton"):
        def loss_fn(a, b, c, kernel=kernel):
            with torch.autocast("cuda", dtype=torch.bfloat16):
                return perf.chunked_lm_loss(a, b, c, chunk=50, kernel=kernel)
        if compiled:
            perf._lm_loss_function()
            torch._dynamo.reset()
            loss_fn = torch.compile(loss_fn, fullgraph=True)
        loss = loss_fn(h, w, y)
        results[kernel] = (loss.detach(), *torch.autograd.grad(loss, (h, w)))
    for a, b in zip(results["triton"], results["torch"]):
        torch.testing.assert_close(a, b, atol=1e-3, rtol=1e-2)


@needs_gpu
@pytest.mark.parametrize("compiled", [False, True])
def test_no_grad_chunked_loss_triton_equals_torch_ops(compiled):
    torch.manual_seed(0)
    h = torch.randn(4, 37, 64, device="cuda")
    w = torch.randn(5000, 64, device="cuda")
    y = torch.randint(0, 5000, (4, 37), device="cuda")
    y[1, 5:] = -100
    losses = {}
    for kernel in ("torch", "triton"):
        def loss_fn(a, b, c, kernel=kernel):
            with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
                return perf.chunked_lm_loss(a, b, c, chunk=50, kernel=kernel)
        if compiled:
            perf._lm_loss_function()
            torch._dynamo.reset()
            loss_fn = torch.compile(loss_fn, fullgraph=True)
        losses[kernel] = loss_fn(h, w, y)
    assert not losses["triton"].requires_grad
    torch.testing.assert_close(losses["triton"], losses["torch"], atol=1e-4, rtol=1e-4)
