"""The GPU benchmarks run on the CPU in --tiny mode, so they cannot rot (tiny models, a few steps)."""
import importlib.util
import json
import os
import subprocess
import sys
import time
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
    import torch

    from labkit import perf

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
    full_mt5 = next(r for r in results if r["job"] == "mt5" and r["run"] == "full")
    no_math = next(r for r in results if r["job"] == "mt5" and r["run"] == "full - bf16 math attention")
    assert full_mt5["bf16_math_sdp"] is True and no_math["bf16_math_sdp"] is False and not full_bert["bf16_math_sdp"]
    assert torch.backends.cuda.fp16_bf16_reduction_math_sdp_allowed() is False      # restored after the run
    no_t5 = next(r for r in results if r["job"] == "mt5" and r["run"] == "full - labkit T5 attention")
    gpu_t5 = perf.full_training_settings("cuda", "seq2seq")["t5_attention"]     # "math" without cudnn-frontend
    assert full_mt5["t5_fast_attention"] == gpu_t5 and no_t5["t5_fast_attention"] is None
    math_only = next(r for r in results if r["job"] == "mt5" and r["run"] == "full + math SDPA only")
    assert math_only["sdpa_only"] == ["MATH"] and full_mt5["sdpa_only"] == []
    assert torch.backends.cuda.flash_sdp_enabled() and torch.backends.cuda.mem_efficient_sdp_enabled()  # restored


def test_train_throughput_repeat_and_bad_names(capsys):
    module = load("train_throughput")
    results = module.main(["--tiny", "--jobs", "bert", "--runs", "full;full - compile", "--repeat", "2"])
    assert [r["run"] for r in results] == ["full", "full - compile"] * 2
    for argv, message in ((["--runs", "ful"], "no run named ['ful']"), (["--repeat", "0"], "--repeat takes"),
                          (["--jobs", "gpt"], "unknown job 'gpt'")):
        with pytest.raises(SystemExit):
            module.main(["--tiny", *argv])
        assert message in capsys.readouterr().err


def test_compile_caches_are_off_inside_and_restored():
    import torch._functorch.config
    import torch._inductor.config

    module = load("train_throughput")
    before = (torch._inductor.config.fx_graph_cache, torch._functorch.config.enable_autograd_cache)
    with module.compile_caches(False):
        assert not torch._inductor.config.fx_graph_cache and not torch._functorch.config.enable_autograd_cache
    assert (torch._inductor.config.fx_graph_cache, torch._functorch.config.enable_autograd_cache) == before


def test_train_throughput_data_parallel_tiny(tmp_path):
    """Two CPU processes under torchrun (gloo): Trainer's DDP with its defaults and with the GPU profile's DDP
    settings (no unused-parameter search, one bucket), which would raise if a parameter went unused."""
    out = tmp_path / "ddp.jsonl"
    script = Path(__file__).resolve().parents[1] / "bench" / "train_throughput.py"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(script),
               "--tiny", "--jobs", "bert", "--runs", "full;full + GPU DDP settings", "--json", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]          # rank 0 writes
    assert [r["run"] for r in rows] == ["full", "full + GPU DDP settings"]
    assert all(r["world_size"] == 2 and r["samples_per_s"] > 0 for r in rows)
    assert rows[1]["settings"]["ddp_find_unused_parameters"] is False
    assert rows[1]["settings"]["ddp_bucket_cap_mb"] >= 512 and "ddp_bucket_cap_mb" not in rows[0]["settings"]


def test_train_throughput_profile_tiny():
    bench = load("train_throughput")
    results = bench.main(["--tiny", "--jobs", "bert", "--runs", "full", "--profile", "2"])
    profile = results[0]["profile"]
    assert profile["steps"] == 2 and results[0]["timed_steps"] == 3          # profiled steps come after the timed ones
    assert profile["wall_ms_per_step"] > 0 and 0 < profile["busy_share"]
    assert abs(sum(profile["groups_ms_per_step"].values()) - profile["busy_ms_per_step"]) < 1e-6
    assert "matrix products" in profile["groups_ms_per_step"] and len(profile["top"]) == bench.TOP_KERNELS


def test_train_throughput_rejects_negative_profile(capsys):
    with pytest.raises(SystemExit):
        load("train_throughput").main(["--tiny", "--profile", "-1"])
    assert "--profile takes a number of steps >= 0, got -1" in capsys.readouterr().err


def test_kernel_groups():
    group = load("train_throughput").kernel_group
    assert group("sm90_xmma_gemm_bf16bf16_bf16f32_f32_tn_n_tilesize128x256x64") == "matrix products"
    assert group("nvjet_hsh_256x128_64x4_2x1_v_bz_coopB_NTN") == "matrix products"
    assert group("cudnn_generated_fort_native_sdpa_sm90_flash_fprop_wgmma_f16") == "attention"
    assert group("fmha_cutlassF_bf16_aligned_64x128_rf_sm80") == "attention"
    assert group("triton_per_fused_add_native_layer_norm_3") == "fused element-wise (Inductor)"
    assert group("multi_tensor_apply_kernel<FusedAdamMathFunctor>") == "optimizer"
    assert group("Memcpy HtoD (Pinned -> Device)") == "copies and fills"
    assert group("void at::native::elementwise_kernel<128, 2>") == "other"
    assert group("_row_loss_kernel") == group("_grad_kernel") == "LM loss (labkit.lm_loss_kernel)"


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
        assert row["chosen fwd"] == "PYTORCH_DEFAULT"


def test_attention_timer_syncs_once_per_batch():
    """The timer queues a whole batch before waiting (as a training step does), doubling it until it lasts long enough."""
    calls, syncs = [], []

    def fn():
        calls.append(1)
        time.sleep(0.002)
    per_call = load("attention")._timed(fn, lambda: syncs.append(len(calls)), min_iters=3, min_seconds=0.02)
    batches = [b - a for a, b in zip(syncs, syncs[1:])]
    assert syncs[0] == 2                                        # the two warm-up calls, then one wait
    assert batches == [3 * 2 ** i for i in range(len(batches))]  # 3, 6, 12, ...: one wait per batch
    assert batches[-1] * 0.002 >= 0.02 and len(batches) >= 2     # stopped at the first batch lasting 20 ms
    assert 0.002 <= per_call < 0.02


def test_attention_rejects_zero_rounds(capsys):
    with pytest.raises(SystemExit):
        load("attention").main(["--tiny", "--rounds", "0"])
    assert "--rounds must be at least 1, got 0" in capsys.readouterr().err


def test_lm_loss_tiny(tmp_path):
    out = tmp_path / "lm_loss.json"
    result = load("lm_loss").main(["--tiny", "--json", str(out)])
    assert json.loads(out.read_text())["rows"] == result["rows"] == 96
    (row,) = result["results"]                                  # the CPU: PyTorch operations only
    assert row["kernel"] == "torch" and row["ms_per_call"] > 0
    assert abs(row["loss"] - row["fp32_reference_loss"]) < 1e-4 * row["fp32_reference_loss"]
    assert row["grad_hidden_rel_diff"] == row["grad_weight_rel_diff"] == 0.0        # compared with itself


def test_lm_loss_tiny_no_grad():
    result = load("lm_loss").main(["--tiny", "--no-grad"])
    (row,) = result["results"]
    assert result["mode"] == row["mode"] == "no grad" and "grad_hidden_rel_diff" not in row
    assert abs(row["loss"] - row["fp32_reference_loss"]) < 1e-4 * row["fp32_reference_loss"]


def test_lm_loss_rejects_bad_sizes(capsys):
    with pytest.raises(SystemExit):
        load("lm_loss").main(["--chunk", "0"])
    assert "--chunk must be at least 1, got 0" in capsys.readouterr().err


def test_teaching_attention_matches_sdpa():
    import torch

    module = load("attention")
    q, k, v = (torch.randn(2, 2, 16, 8) for _ in range(3))
    torch.testing.assert_close(module.teaching_attention(q, k, v),
                               torch.nn.functional.scaled_dot_product_attention(q, k, v), atol=1e-5, rtol=1e-5)


def test_train_throughput_gpu_runs_are_named_for_the_cli():
    module = load("train_throughput")
    specs = module.run_specs("mt5", tiny=False)
    assert {"full", "math profile", "math profile + chunked CE, batch 256", "full batch 384"} <= set(specs)
    assert not any(";" in name for name in specs)                # --runs splits on ';'
    spec = specs["math profile + chunked CE, batch 256"]
    assert spec["chunked_ce"] is True and spec["args"]["per_device_train_batch_size"] == 256
    # the math-profile ablations keep their base whatever `full` is (with or without cudnn-frontend)
    for name, spec in specs.items():
        if name.startswith("math profile") and "chunked CE" not in name:
            assert spec["chunked_ce"] is False, name
        if name.startswith("math profile") and "T5 attention" not in name and "labkit T5" not in name:
            assert spec["t5_fast"] == "math", name
    cudnn = specs["full, cuDNN encoder only, plain CE, batch 256"]
    assert (cudnn["t5_fast"], cudnn["chunked_ce"], cudnn["args"]["per_device_train_batch_size"]) == ("cudnn", False, 256)
    assert cudnn["cudnn_parts"] == ("encoder",)
    cross = specs["full batch 384, chunk 4096, cuDNN encoder + cross"]
    assert (cross["cudnn_parts"], cross["chunk_rows"], cross["args"]["per_device_train_batch_size"]) == (
        ("encoder", "cross"), 4096, 384)
    assert specs["full + coordinate descent tuning"]["inductor"] == {"coordinate_descent_tuning": True}
    assert specs["math profile + chunked CE"]["chunk_rows"] is None                 # the bench's 4096, as measured
