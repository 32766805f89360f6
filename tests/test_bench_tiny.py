"""The GPU benchmarks run on the CPU in --tiny mode, so they cannot rot (tiny models, a few steps)."""
import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_train_throughput_tiny(tmp_path):
    out = tmp_path / "train.jsonl"
    results = load("train_throughput").main(["--tiny", "--json", str(out)])
    runs = {(r["job"], r["run"]) for r in results}
    assert {("bert", "default"), ("bert", "full"), ("mt5", "default"), ("mt5", "full")} <= runs
    for r in results:
        assert "error" not in r, r
        assert r["samples_per_s"] > 0 and r["tokens_per_s"] > 0 and r["timed_steps"] == 3
        assert r["matrix_flops_per_sample"] > 0
    full_bert = next(r for r in results if r["job"] == "bert" and r["run"] == "full")
    assert full_bert["masked_positions_only"] is True
    chunked = next(r for r in results if r["job"] == "mt5" and r["run"] == "full + chunked CE")
    assert chunked["chunked_lm_loss"] is True and chunked["chunk_rows"] < chunked["batch"] * 8   # several chunks
    assert len(out.read_text().splitlines()) == len(results)


def test_train_throughput_mt5_head_is_untied():
    module = load("train_throughput")
    model, config = module.build_model("mt5", tiny=True)
    assert model.lm_head.weight.data_ptr() != model.shared.weight.data_ptr()


def test_attention_tiny(tmp_path):
    out = tmp_path / "attention.json"
    rows = load("attention").main(["--tiny", "--json", str(out)])
    assert len(rows) == 4 and out.exists()
    for row in rows:
        assert row["teaching | fwd"] > 0 and row["labkit | fwd+bwd"] > 0
        assert row["chosen fwd"] == "MATH"


def test_teaching_attention_matches_sdpa():
    import torch

    module = load("attention")
    q, k, v = (torch.randn(2, 2, 16, 8) for _ in range(3))
    torch.testing.assert_close(module.teaching_attention(q, k, v),
                               torch.nn.functional.scaled_dot_product_attention(q, k, v), atol=1e-5, rtol=1e-5)


def test_train_throughput_gpu_runs_are_named_for_the_cli():
    module = load("train_throughput")
    names = list(module.run_specs("mt5", tiny=False))
    assert {"full", "full + chunked CE", "full + chunked CE, batch 256"} <= set(names)
    assert not any(";" in name for name in names)                # --runs splits on ';'
    spec = module.run_specs("mt5", tiny=False)["full + chunked CE, batch 256"]
    assert spec["chunked_ce"] is True and spec["args"]["per_device_train_batch_size"] == 256
