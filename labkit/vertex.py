"""Vertex AI launch helpers: job specs as plain data, validated offline, rendered, submitted, or run locally.

    >>> from labkit.vertex import JobSpec, validate
    >>> spec = JobSpec("bert-imdb", machine_type="g2-standard-8", accelerator_type="NVIDIA_L4", accelerator_count=1,
    ...                container_image="us-docker.pkg.dev/vertex-ai/training/pytorch-gpu.2-4.py310:latest",
    ...                command=["python", "-m", "trainer.task"])
    >>> validate(spec).machine_type             # raises ValueError with the valid choices when a field is wrong
    'g2-standard-8'
    >>> from labkit.vertex import render_gcloud
    >>> render_gcloud(spec).startswith("gcloud ai custom-jobs create")
    True

Vertex checks machine types and TPU topologies only on the server, after you have paid for a round trip; the
table below (``MACHINES``) lets labkit reject a bad combination before any API call. ``submit`` is a dry run
unless told otherwise; ``local_run`` runs the same entry point here with the environment Vertex would provide.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from labkit.checks import int_in_range

PROJECT_PLACEHOLDER = "[your-project-id]"
BUCKET_PLACEHOLDER = "gs://[your-bucket]"
DEFAULT_REGION = "us-central1"

# ---------------------------------------------------------------------------------------------- the table

#: machine type (or family prefix ending in "-") -> accelerators it takes and the counts allowed.
#: GPU counts follow Vertex's machine families; TPU machine types imply their accelerator and list topologies.
GPU_MACHINES: dict[str, dict[str, tuple[int, ...]]] = {
    "n1-": {"NVIDIA_TESLA_T4": (1, 2, 4), "NVIDIA_TESLA_V100": (1, 2, 4, 8), "NVIDIA_TESLA_P100": (1, 2, 4),
            "NVIDIA_TESLA_P4": (1, 2, 4)},
    **{f"g2-standard-{n}": {"NVIDIA_L4": (1,)} for n in (4, 8, 12, 16, 32)},
    "g2-standard-24": {"NVIDIA_L4": (2,)}, "g2-standard-48": {"NVIDIA_L4": (4,)},
    "g2-standard-96": {"NVIDIA_L4": (8,)},
    **{f"a2-highgpu-{n}g": {"NVIDIA_TESLA_A100": (n,)} for n in (1, 2, 4, 8)},
    "a2-megagpu-16g": {"NVIDIA_TESLA_A100": (16,)},
    **{f"a2-ultragpu-{n}g": {"NVIDIA_A100_80GB": (n,)} for n in (1, 2, 4, 8)},
    "a3-highgpu-8g": {"NVIDIA_H100_80GB": (8,)},
    "a3-megagpu-8g": {"NVIDIA_H100_MEGA_80GB": (8,)},
    "a3-ultragpu-8g": {"NVIDIA_H200_141GB": (8,)},
}

#: TPU machine types -> (accelerator enum or None when implied, chips per host, allowed topologies).
TPU_MACHINES: dict[str, tuple[str | None, int, tuple[str, ...]]] = {
    "cloud-tpu": ("legacy", 8, ()),                                   # TPU_V2 / TPU_V3 x 8, no topology
    "ct5lp-hightpu-1t": ("TPU_V5_LITEPOD", 1, ("1x1",)),
    "ct5lp-hightpu-4t": ("TPU_V5_LITEPOD", 4, ("2x2", "2x4", "4x4", "4x8", "8x8", "8x16", "16x16")),
    "ct5lp-hightpu-8t": ("TPU_V5_LITEPOD", 8, ("2x4",)),
    "ct5p-hightpu-4t": (None, 4, ("2x2x1", "2x2x2", "2x2x4", "2x4x4", "4x4x4", "4x4x8")),
    "ct6e-standard-1t": (None, 1, ("1x1",)),
    "ct6e-standard-4t": (None, 4, ("2x2", "2x4", "4x4", "4x8", "8x8", "8x16", "16x16")),
    "ct6e-standard-8t": (None, 8, ("2x4",)),
}
LEGACY_TPUS = {"TPU_V2": (8,), "TPU_V3": (8,)}
TPU_ENUMS = {"TPU_V2", "TPU_V3", "TPU_V4_POD", "TPU_V5_LITEPOD"}
CPU_PREFIXES = ("n1-", "n2-", "e2-", "c2-", "n2d-", "c3-")


def _gpu_entry(machine_type: str) -> dict[str, tuple[int, ...]] | None:
    if machine_type in GPU_MACHINES:
        return GPU_MACHINES[machine_type]
    for prefix, accelerators in GPU_MACHINES.items():
        if prefix.endswith("-") and machine_type.startswith(prefix):
            return accelerators
    return None


# ---------------------------------------------------------------------------------------------- the spec

@dataclass
class JobSpec:
    """One Vertex AI custom job (a single worker pool), as plain data."""

    display_name: str
    machine_type: str = "n1-standard-8"
    accelerator_type: str | None = None
    accelerator_count: int = 0
    tpu_topology: str | None = None
    replica_count: int = 1
    container_image: str = "us-docker.pkg.dev/vertex-ai/training/pytorch-gpu.2-4.py310:latest"
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    region: str = DEFAULT_REGION
    output_dir: str = f"{BUCKET_PLACEHOLDER}/jobs"

    def to_dict(self) -> dict:
        return asdict(self)


def validate(spec: JobSpec) -> JobSpec:
    """Check ``spec`` against the table of valid combinations; raise ValueError naming the field and choices."""
    _check_spec(spec)
    for name in ("display_name", "machine_type", "container_image", "region", "output_dir"):
        value = getattr(spec, name)
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string, got {value!r:.60}"
                             + (" (container_image: a training container URI)" if name == "container_image" else ""))
    for name in ("accelerator_type", "tpu_topology"):
        if getattr(spec, name) is not None and not isinstance(getattr(spec, name), str):
            raise TypeError(f"{name} must be a string or None, got {getattr(spec, name)!r:.60}")
    int_in_range(spec.replica_count, "replica_count")
    int_in_range(spec.accelerator_count, "accelerator_count", 0)
    for name in ("command", "args"):
        value = getattr(spec, name)
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            raise TypeError(f"{name} must be a list of strings (one per word, e.g. ['python', '-m', 'trainer.task'])"
                            f", got {value!r:.60}")
    if not isinstance(spec.env, dict) or not all(isinstance(k, str) and k and isinstance(v, (str, int, float))
                                                 for k, v in spec.env.items()):
        raise TypeError(f"env must be a dict of variable names to string values, got {spec.env!r:.60}")
    machine, acc, count = spec.machine_type, spec.accelerator_type, spec.accelerator_count
    if machine in TPU_MACHINES:
        implied, _, topologies = TPU_MACHINES[machine]
        if implied == "legacy":
            if acc not in LEGACY_TPUS:
                raise ValueError(f"machine type cloud-tpu takes accelerator_type TPU_V2 or TPU_V3, got {acc!r}")
            if count not in LEGACY_TPUS[acc]:
                raise ValueError(f"{acc} on cloud-tpu takes accelerator_count 8, got {count!r}")
            if spec.tpu_topology:
                raise ValueError("cloud-tpu (TPU v2/v3) takes no tpu_topology")
            return spec
        if acc not in (None, implied):
            raise ValueError(f"machine type {machine} implies accelerator {implied or 'its own TPU'}; "
                             f"accelerator_type {acc!r} is not valid here (leave it unset)")
        if spec.tpu_topology not in topologies:
            raise ValueError(f"tpu_topology {spec.tpu_topology!r} is not valid for {machine}; "
                             f"valid: {', '.join(topologies)}")
        return spec
    if acc in TPU_ENUMS:
        tpu_machines = ", ".join(TPU_MACHINES)
        raise ValueError(f"accelerator_type {acc} is a TPU and cannot attach to machine type {machine}; "
                         f"TPU machine types: {tpu_machines}")
    gpus = _gpu_entry(machine)
    if acc is None:
        if count:
            raise ValueError(f"accelerator_count={count} needs an accelerator_type")
        if spec.tpu_topology:
            raise ValueError(f"tpu_topology is only for TPU machine types, not {machine}")
        if gpus is None and not machine.startswith(CPU_PREFIXES):
            raise ValueError(f"unknown machine type {machine!r}; known GPU families: "
                             f"{', '.join(sorted(GPU_MACHINES))}; TPU: {', '.join(TPU_MACHINES)}")
        if machine.startswith(("a2-", "a3-", "g2-")):
            accelerators = ", ".join(f"{a} x {'/'.join(map(str, c))}" for a, c in gpus.items())
            raise ValueError(f"machine type {machine} comes with GPUs: set accelerator_type and count ({accelerators})")
        return spec
    if gpus is None:
        raise ValueError(f"machine type {machine!r} takes no accelerators; GPU machine types: "
                         f"{', '.join(sorted(GPU_MACHINES))}")
    if acc not in gpus:
        raise ValueError(f"accelerator_type {acc!r} is not available on {machine}; valid: {', '.join(sorted(gpus))}")
    if count not in gpus[acc]:
        raise ValueError(f"accelerator_count {count!r} is not valid for {acc} on {machine}; "
                         f"valid counts: {', '.join(map(str, gpus[acc]))}")
    if spec.tpu_topology:
        raise ValueError(f"tpu_topology is only for TPU machine types, not {machine}")
    return spec


def _check_spec(spec) -> None:
    if not isinstance(spec, JobSpec):
        raise TypeError(f"spec must be a labkit.vertex.JobSpec, got {type(spec).__name__}")


def _check_path(value, name: str) -> Path:
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise TypeError(f"{name} must be a folder path (a non-empty str or pathlib.Path), got {value!r:.60}")
    return Path(value)


# ---------------------------------------------------------------------------------------------- rendering

def worker_pool_specs(spec: JobSpec) -> list[dict]:
    """The ``worker_pool_specs`` list Vertex's CustomJob takes (after validation)."""
    validate(spec)
    machine = {"machine_type": spec.machine_type}
    if spec.accelerator_type and spec.accelerator_count:
        machine.update(accelerator_type=spec.accelerator_type, accelerator_count=spec.accelerator_count)
    if spec.tpu_topology:
        machine["tpu_topology"] = spec.tpu_topology
    container = {"image_uri": spec.container_image}
    if spec.command:
        container["command"] = list(spec.command)
    if spec.args:
        container["args"] = list(spec.args)
    if spec.env:
        container["env"] = [{"name": k, "value": str(v)} for k, v in sorted(spec.env.items())]
    return [{"machine_spec": machine, "replica_count": spec.replica_count, "container_spec": container}]


def render_yaml(spec: JobSpec) -> str:
    """The job as the YAML config ``gcloud ai custom-jobs create --config`` reads (camelCase keys)."""
    import yaml

    def camel(obj):
        if isinstance(obj, dict):
            return {"".join(w.capitalize() if i else w for i, w in enumerate(k.split("_"))): camel(v)
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [camel(v) for v in obj]
        return obj

    body = {"workerPoolSpecs": camel(worker_pool_specs(spec)),
            "baseOutputDirectory": {"outputUriPrefix": spec.output_dir}}
    return yaml.safe_dump(body, sort_keys=False)


def render_gcloud(spec: JobSpec, config_path: str = "job.yaml", project: str = PROJECT_PLACEHOLDER) -> str:
    """The equivalent gcloud command (it reads the YAML from :func:`render_yaml` saved at ``config_path``)."""
    validate(spec)
    return (f"gcloud ai custom-jobs create --project={project} --region={spec.region} "
            f"--display-name={spec.display_name} --config={config_path}")


def to_custom_job(spec: JobSpec, project: str, staging_bucket: str, credentials=None):
    """A ``google.cloud.aiplatform.CustomJob`` (not submitted). Offline, pass anonymous credentials."""
    from google.cloud import aiplatform

    aiplatform.init(project=project, location=spec.region, staging_bucket=staging_bucket, credentials=credentials)
    return aiplatform.CustomJob(display_name=spec.display_name, worker_pool_specs=worker_pool_specs(spec),
                                base_output_dir=spec.output_dir, project=project, location=spec.region,
                                staging_bucket=staging_bucket, credentials=credentials)


# ---------------------------------------------------------------------------------------------- submit

class SubmitError(RuntimeError):
    """Submitting needs a project, a bucket and credentials; this says which is missing."""


def submit(spec: JobSpec, project: str | None = None, bucket: str | None = None, dry_run: bool = True,
           out=print):
    """Dry run (default): print the spec, its YAML and the gcloud command. Otherwise submit to Vertex AI."""
    validate(spec)
    if not callable(out):
        raise TypeError(f"out must be a function taking one line (print by default), got {type(out).__name__}")
    for name, value in (("project", project), ("bucket", bucket)):
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{name} must be a string or None, got {type(value).__name__} {value!r:.40}")
    project = project or os.environ.get("CLOUD_ML_PROJECT_ID") or os.environ.get("GOOGLE_CLOUD_PROJECT")
    if dry_run:
        out(f"# dry run: nothing is submitted. Job {spec.display_name} in {spec.region}")
        out(render_yaml(spec))
        out(render_gcloud(spec, project=project or PROJECT_PLACEHOLDER))
        return None
    if not project or "[" in project:
        raise SubmitError("no Google Cloud project: pass --project or set GOOGLE_CLOUD_PROJECT")
    if not bucket or "[" in bucket:
        raise SubmitError(f"a staging bucket gs://... is required to submit, got {bucket!r}")
    if not bucket.startswith("gs://"):
        raise ValueError(f"bucket must be a Cloud Storage URI gs://<bucket>, got {bucket!r}")
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _ = google.auth.default()
    except DefaultCredentialsError as exc:
        raise SubmitError("no Google Cloud credentials: run `gcloud auth application-default login` "
                          f"(or set GOOGLE_APPLICATION_CREDENTIALS) and try again ({exc})") from None
    job = to_custom_job(spec, project, bucket, credentials)
    job.submit()
    return job


def variants_cli(variants: dict[str, JobSpec], argv=None, *, extra=None, out=print) -> int:
    """The command line of a use case's ``jobspec.py``: print every variant, or submit one (a dry run by default).

    ``variants`` maps a short name to its :class:`JobSpec`; ``extra`` (optional) returns more text to print after
    the variants (e.g. a tuning job). Returns the exit status.

    >>> spec = JobSpec("demo", machine_type="n1-standard-4", container_image="python:3.12", command=["python"])
    >>> variants_cli({"cpu": spec}, [], out=lambda text: None)
    0
    """
    import argparse

    if not isinstance(variants, dict) or not variants or not all(
            isinstance(k, str) and k and isinstance(v, JobSpec) for k, v in variants.items()):
        raise TypeError(f"variants must be a non-empty dict of name -> JobSpec, got {variants!r:.80}")
    if argv is not None and (not isinstance(argv, (list, tuple)) or not all(isinstance(a, str) for a in argv)):
        raise TypeError(f"argv must be a list of strings (or None: the command line), got {argv!r:.80}")
    if extra is not None and not callable(extra):
        raise TypeError(f"extra must be a function or None, got {type(extra).__name__} {extra!r:.40}")
    if not callable(out):
        raise TypeError(f"out must be a function taking one text, got {type(out).__name__} {out!r:.40}")
    parser = argparse.ArgumentParser(description="render or submit this use case's Vertex AI jobs")
    parser.add_argument("--submit", choices=sorted(variants), help="submit one variant (a dry run unless --no-dry-run)")
    parser.add_argument("--no-dry-run", action="store_true")
    parser.add_argument("--project")
    parser.add_argument("--bucket")
    args = parser.parse_args(argv)
    if args.submit:
        submit(variants[args.submit], args.project, args.bucket, dry_run=not args.no_dry_run, out=out)
        return 0
    for name, spec in variants.items():
        out(f"# --- {name}\n{render_yaml(spec)}{render_gcloud(spec, config_path=f'{name}.yaml')}\n")
    if extra is not None:
        out(extra())
    return 0


# ---------------------------------------------------------------------------------------------- local run

def vertex_environment(workdir: Path, spec: JobSpec | None = None, project: str = "local-project") -> dict[str, str]:
    """The variables a Vertex custom job sees, pointed at local folders under ``workdir``."""
    workdir = _check_path(workdir, "workdir").resolve()
    if spec is not None:
        _check_spec(spec)
    if not isinstance(project, str) or not project:
        raise TypeError(f"project must be a non-empty string, got {project!r:.40}")
    dirs = {"AIP_MODEL_DIR": workdir / "model", "AIP_CHECKPOINT_DIR": workdir / "checkpoints",
            "AIP_TENSORBOARD_LOG_DIR": workdir / "logs"}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    env = {k: str(v) + "/" for k, v in dirs.items()}
    env.update(CLOUD_ML_PROJECT_ID=project, CLOUD_ML_JOB_ID=f"local-{int(time.time())}",
               CLOUD_ML_REGION=(spec.region if spec else DEFAULT_REGION),
               CLUSTER_SPEC=json.dumps({"cluster": {"workerpool0": ["localhost:2222"]},
                                        "task": {"type": "workerpool0", "index": 0}}))
    if spec:
        env.update({k: str(v) for k, v in spec.env.items()})
    return env


def gcs_fuse_path(uri: str) -> str:
    """``gs://bucket/path`` as the Cloud Storage FUSE path Vertex mounts in every job (``/gcs/bucket/path``).

    Trainers write with ordinary file APIs (``save_pretrained``, ``model.save``); other paths are returned as is.

    >>> gcs_fuse_path("gs://my-bucket/jobs/model/")
    '/gcs/my-bucket/jobs/model/'
    """
    if not isinstance(uri, str) or not uri:
        raise ValueError(f"uri: expected a folder path or gs:// URI, got {uri!r:.60}")
    return "/gcs/" + uri[len("gs://"):] if uri.startswith("gs://") else uri


def job_dir(variable: str = "AIP_MODEL_DIR", default: str | os.PathLike = "build/model") -> Path:
    """The folder a trainer writes to: ``$AIP_MODEL_DIR`` (or another ``AIP_*_DIR``) as Vertex sets it, mapped
    through :func:`gcs_fuse_path`; ``default`` when the variable is unset (a plain local run). Created if needed.

    >>> job_dir("AIP_MODEL_DIR", "build/model")          # doctest: +SKIP
    PosixPath('build/model')
    """
    if not isinstance(variable, str) or not variable:
        raise TypeError(f"variable must be an environment variable name such as 'AIP_MODEL_DIR', got {variable!r:.40}")
    folder = Path(gcs_fuse_path(os.environ.get(variable) or os.fspath(_check_path(default, "default"))))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def local_run(command: list[str], workdir: Path, spec: JobSpec | None = None, cwd: Path | None = None,
              timeout: int | None = None) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    """Run ``command`` here with the Vertex environment (what ``gcloud ai custom-jobs local-run`` does, without
    Docker). Returns the finished process and the environment it saw."""
    if isinstance(command, str) or not isinstance(command, (list, tuple)) or not command \
            or not all(isinstance(c, (str, os.PathLike)) for c in command):
        raise ValueError(f"command must be a non-empty list of strings, e.g. ['python', '-m', 'trainer.task'], "
                         f"got {command!r:.60}")
    if cwd is not None:
        _check_path(cwd, "cwd")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float))
                                or not 0 < timeout < float("inf")):
        raise ValueError(f"timeout must be None or a positive number of seconds, got {timeout!r:.40}")
    if spec is not None:
        validate(spec)
    env = vertex_environment(workdir, spec)
    command = [sys.executable if c in ("python", "python3") else c for c in command]
    proc = subprocess.run(command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=timeout)
    return proc, env


# ---------------------------------------------------------------------------------------------- CLI

def load_spec(path: str) -> JobSpec:
    """A JobSpec from a JSON or YAML file, or ``module:NAME`` for a JobSpec defined in Python."""
    import importlib

    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
        raise TypeError(f"path must be a spec file (.json / .yaml) or 'module:NAME', got {path!r:.60}")
    path = os.fspath(path)
    if Path(path).is_dir():
        raise ValueError(f"path {path} is a folder; give the spec file (.json / .yaml) inside it")

    if ":" in path and not Path(path).exists():
        module, _, name = path.partition(":")
        spec = getattr(importlib.import_module(module), name)
        return spec() if callable(spec) else spec
    import yaml

    data = yaml.safe_load(Path(path).read_text())
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a job spec mapping")
    unknown = set(data) - set(JobSpec.__dataclass_fields__)
    if unknown:
        raise ValueError(f"{path}: unknown fields {sorted(unknown)}; fields: {', '.join(JobSpec.__dataclass_fields__)}")
    return JobSpec(**data)


def add_cli(sub) -> None:
    p = sub.add_parser("vertex", help="render, submit or locally run a Vertex AI job spec")
    vsub = p.add_subparsers(dest="vertex_command", required=True)
    r = vsub.add_parser("render", help="validate and print the YAML and gcloud command")
    r.add_argument("spec", help="spec file (.json/.yaml) or module:NAME")
    r.set_defaults(fn=_cmd_render)
    s = vsub.add_parser("submit", help="dry run unless --no-dry-run")
    s.add_argument("spec")
    s.add_argument("--project")
    s.add_argument("--bucket")
    s.add_argument("--no-dry-run", action="store_true")
    s.set_defaults(fn=_cmd_submit)
    lr = vsub.add_parser("local-run", help="run the entry point here with the Vertex environment")
    lr.add_argument("spec")
    lr.add_argument("--workdir", default="build/vertex-local")
    lr.set_defaults(fn=_cmd_local_run)


def _cmd_render(args) -> int:
    spec = load_spec(args.spec)
    print(render_yaml(spec))
    print(render_gcloud(spec))
    return 0


def _cmd_submit(args) -> int:
    try:
        submit(load_spec(args.spec), args.project, args.bucket, dry_run=not args.no_dry_run)
    except SubmitError as exc:
        print(f"labkit vertex submit: {exc}", file=sys.stderr)
        return 2
    return 0


def _cmd_local_run(args) -> int:
    spec = load_spec(args.spec)
    proc, env = local_run([*spec.command, *spec.args], Path(args.workdir), spec)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    print(f"model written under {env['AIP_MODEL_DIR']}")
    return proc.returncode
