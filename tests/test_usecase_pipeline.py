"""vertex-pipelines-tpu: the KFP v2 pipeline compiles to YAML with CPU/memory requests and a TPU node selector."""
import importlib.util

import yaml

from labkit.env import repo_root

HERE = repo_root() / "usecases" / "vertex-pipelines-tpu"


def _pipeline():
    spec = importlib.util.spec_from_file_location("tpu_pipeline", HERE / "pipeline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pipeline_compiles_with_resources_and_a_tpu_selector(tmp_path):
    module = _pipeline()
    out = module.compile_pipeline(str(tmp_path / "pipeline.yaml"))
    spec = yaml.safe_load(open(out))
    assert spec["pipelineInfo"]["name"] == "t5x-tr-en-tpu"
    executors = spec["deploymentSpec"]["executors"]
    prepare = next(e for k, e in executors.items() if "prepare" in k)["container"]["resources"]
    assert (prepare["resourceCpuRequest"], prepare["resourceMemoryRequest"]) == ("2", "8G")
    assert (prepare["resourceCpuLimit"], prepare["resourceMemoryLimit"]) == ("4", "16G")
    train = next(e for k, e in executors.items() if "t5x" in k)["container"]
    assert train["resources"]["accelerator"]["resourceType"] == "tpu-v5-lite-podslice"
    assert train["resources"]["accelerator"]["resourceCount"] == "4"
    assert train["resources"]["resourceCpuRequest"] == "8"
    assert train["command"] == ["python", "-m", "t5x.train"] and "[your-project-id]" in train["image"]
    assert set(spec["root"]["inputDefinitions"]["parameters"]) == {"raw_file", "eval_size", "model_dir"}


def test_readme_explains_the_multihost_collision_and_the_alternative():
    text = (HERE / "README.md").read_text()
    assert "multi-host" in text and "custom job" in text.lower() and "worker pool" in text
