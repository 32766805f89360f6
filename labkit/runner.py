"""Run labs headless and write a report: what ``make run`` / ``labkit run`` do.

Each notebook executes in a fresh kernel in its own folder; each app and use case runs its self-test command.
The executed notebooks land in ``build/run/``; ``build/report.html`` (and ``report.json``) give per lab: status,
duration against its budget, and the first error.

>>> from labkit.runner import budget_seconds
>>> budget_seconds("04-2"), budget_seconds("01-1")
(120, 60)
"""
from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from labkit.env import write_text_atomic
from labkit.labs import Lab

SLOW_LABS = {"04-2", "04-3", "04-4"}


def budget_seconds(lab_id: str) -> int:
    """The tiny-profile time budget of a lab (architecture.md): 120 s for the pre-training labs, else 60 s."""
    return 120 if lab_id in SLOW_LABS else 60


@dataclass
class Result:
    lab: str
    title: str
    path: str
    status: str            # passed | failed
    seconds: float
    budget: int
    error: str = ""
    output: str = ""


def _kernel_env(profile: str) -> dict[str, str]:
    env = dict(os.environ)
    env["LABKIT_PROFILE"] = profile
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env.setdefault("TRANSFORMERS_VERBOSITY", "error")
    env.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    env.setdefault("HF_DATASETS_DISABLE_PROGRESS_BARS", "1")
    env.setdefault("MPLBACKEND", "Agg")
    if profile == "tiny":
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("HF_DATASETS_OFFLINE", "1")
    return env


def _first_error(nb) -> str:
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i}: {out.get('ename')}: {out.get('evalue')}"[:2000]
    return ""


def run_notebook(lab: Lab, root: Path, out_dir: Path, profile: str, cell_timeout: int) -> Result:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    src = root / lab.path
    nb = nbformat.read(str(src), as_version=4)
    start = time.perf_counter()
    status, error = "passed", ""
    target = out_dir / lab.path
    target.parent.mkdir(parents=True, exist_ok=True)
    # the kernel's own stderr (TensorFlow and ScaNN C++ logging, Jupyter warnings) goes to a log beside the executed
    # notebook, not over the progress bar; cell outputs, errors included, stay in the notebook
    with open(target.with_suffix(".kernel.log"), "w") as kernel_log:
        try:
            client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(src.parent)}})
            client.execute(env=_kernel_env(profile), stderr=kernel_log)   # the kernel's environment, not ours
        except CellTimeoutError as exc:
            status, error = "failed", f"a cell ran past {cell_timeout} s: {str(exc)[:500]}"
        except (CellExecutionError, DeadKernelError) as exc:
            status, error = "failed", _first_error(nb) or str(exc)[:2000]
        except Exception as exc:  # noqa: BLE001  the report must record any failure, whatever raised it
            status, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
    seconds = time.perf_counter() - start
    write_text_atomic(target, nbformat.writes(nb))
    return Result(lab.id, lab.title, lab.path, status, seconds, budget_seconds(lab.id), error)


def command_for(lab: Lab) -> list[str]:
    """The self-test command of an app or use case."""
    if lab.kind == "app":
        return [sys.executable, lab.path, "--selftest"]
    return ["bash", f"{lab.path}/run.sh"]


def run_command(lab: Lab, root: Path, profile: str, timeout: int) -> Result:
    start = time.perf_counter()
    try:
        proc = subprocess.run(command_for(lab), cwd=root, env=_kernel_env(profile), capture_output=True,
                              text=True, timeout=timeout)
        status = "passed" if proc.returncode == 0 else "failed"
        tail = (proc.stdout + proc.stderr)[-3000:]
        error = "" if status == "passed" else f"exit {proc.returncode}: {tail[-1500:]}"
    except subprocess.TimeoutExpired:
        status, error, tail = "failed", f"ran past {timeout} s", ""
    return Result(lab.id, lab.title, lab.path, status, time.perf_counter() - start, 300, error, tail)


def run(labs: list[Lab], root: Path, out_dir: Path, profile: str = "tiny", jobs: int = 1,
        cell_timeout: int = 600, progress: bool = True) -> list[Result]:
    """Run ``labs`` (``jobs`` at a time) and write ``out_dir/report.html`` and ``report.json``."""
    from tqdm.auto import tqdm

    if profile not in ("tiny", "full"):
        raise ValueError(f"profile {profile!r} is not one of tiny, full")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []

    def one(lab: Lab) -> Result:
        if lab.kind == "notebook":
            return run_notebook(lab, root, out_dir / "run", profile, cell_timeout)
        return run_command(lab, root, profile, cell_timeout)

    bar = tqdm(total=len(labs), desc="labs", unit="lab", disable=not progress, file=sys.stderr)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(one, lab): lab for lab in labs}
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            bar.set_postfix_str(f"{result.lab} {result.status} {result.seconds:.0f}s")
            bar.update()
    bar.close()
    order = {lab.id: i for i, lab in enumerate(labs)}
    results.sort(key=lambda r: order[r.lab])
    write_report(results, out_dir, profile)
    return results


def write_report(results: list[Result], out_dir: Path, profile: str) -> Path:
    """Write ``report.json`` and ``report.html`` atomically; returns the HTML path."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    payload = {"profile": profile, "date": stamp, "results": [asdict(r) for r in results]}
    write_text_atomic(out_dir / "report.json", json.dumps(payload, indent=1))
    passed = sum(r.status == "passed" for r in results)
    total_s = sum(r.seconds for r in results)
    rows = []
    for r in results:
        over = r.seconds > r.budget
        colour = "#e6f4ea" if r.status == "passed" and not over else ("#fff4e5" if r.status == "passed" else "#fde8e8")
        rows.append(
            f"<tr style='background:{colour}'><td>{html.escape(r.lab)}</td><td>{html.escape(r.title)}</td>"
            f"<td>{r.status}</td><td style='text-align:right'>{r.seconds:.1f}</td>"
            f"<td style='text-align:right'>{r.budget}{' (over)' if over else ''}</td>"
            f"<td><pre style='white-space:pre-wrap;margin:0'>{html.escape(r.error)}</pre></td></tr>")
    page = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Labs report</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top}}</style></head><body>
<h1>Transformers and NLP labs: run report</h1>
<p>Profile <b>{profile}</b>, {stamp}. <b>{passed} of {len(results)} passed</b>, {total_s:.0f} s of lab time.</p>
<table><tr><th>lab</th><th>title</th><th>status</th><th>seconds</th><th>budget (s)</th><th>first error</th></tr>
{''.join(rows)}
</table></body></html>
"""
    target = out_dir / "report.html"
    write_text_atomic(target, page)
    return target


