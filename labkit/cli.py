"""The ``labkit`` command line.

    labkit list                      the curriculum, with what is present on disk
    labkit run [LAB ...] [--jobs N]  run labs headless and write build/report.html (what `make run` calls)
    labkit doctor                    versions, profile, accelerator, offline state, caches: paste it in bug reports
    labkit prepare [ID ...]          build the tiny profile's stand-in models ahead of time
    labkit notebooks [--fix]         check (or clean) every lab notebook
    labkit readme [--write]          check (or rewrite) the README's curriculum table
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from labkit import labs as _labs
from labkit.env import repo_root

README_START, README_END = "<!-- curriculum:start -->", "<!-- curriculum:end -->"


def cmd_list(args) -> int:
    present = {lab.id for lab in _labs.present()}
    module = None
    for lab in _labs.everything():
        if lab.module != module:
            module = lab.module
            print(f"\n{_labs.MODULES[module]}")
        mark = "x" if lab.id in present else " "
        print(f"  [{mark}] {lab.id:<46} {lab.title}")
    print(f"\n[x] = present in this checkout ({len(present)} of {len(_labs.everything())})")
    return 0


def select(names: list[str]) -> list[_labs.Lab]:
    """Labs named on the command line or in $LAB (space or comma separated); all present ones by default."""
    names = list(names) or os.environ.get("LAB", "").replace(",", " ").split()
    if not names:
        return _labs.present()
    chosen = []
    for name in names:
        lab = _labs.find(name)
        if not (repo_root() / lab.path).exists():
            raise SystemExit(f"lab {lab.id} ({lab.path}) is not in this checkout yet")
        chosen.append(lab)
    return chosen


def cmd_run(args) -> int:
    from labkit.runner import run

    profile = args.profile or os.environ.get("LABKIT_PROFILE") or "tiny"
    chosen = select(args.labs)
    out = Path(args.out)
    start = time.perf_counter()
    results = run(chosen, repo_root(), out, profile=profile, jobs=args.jobs, cell_timeout=args.cell_timeout)
    failed = [r for r in results if r.status != "passed"]
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed in {time.perf_counter() - start:.0f} s "
          f"(profile {profile}); report: {out / 'report.html'}")
    for r in results:
        print(f"  {r.lab:<8} {r.status:<7} {r.seconds:6.1f} s" + (f"  {r.error.splitlines()[0]}" if r.error else ""))
    return 1 if failed else 0


def cmd_doctor(args) -> int:
    from labkit import env, hub

    print(f"labkit {__import__('labkit').__version__} at {Path(__file__).parent}")
    print(f"python {sys.version.split()[0]} ({sys.executable})")
    for name, version in env.versions(("numpy", "tensorflow", "tensorflow-text", "keras", "keras-hub", "torch",
                                       "transformers", "tokenizers", "datasets", "accelerate", "scann", "tiktoken",
                                       "gradio", "google-genai", "google-cloud-aiplatform", "jax")).items():
        print(f"  {name:<24} {version}")
    online = env.hub_reachable()
    try:
        profile = env.resolve_profile(online=online)
        print(f"profile      {profile.name} ({profile.reason})")
    except ValueError as exc:
        print(f"profile      ERROR: {exc}")
    print(f"accelerator  {env.detect_accelerator()}")
    print(f"network      {'hub reachable' if online else 'offline (hub unreachable or HF_HUB_OFFLINE set)'}")
    for var in ("LABKIT_PROFILE", "HF_HUB_OFFLINE", "HF_HOME", "HF_HUB_CACHE", "KERAS_BACKEND", "LABKIT_CACHE"):
        print(f"  {var:<16} {os.environ.get(var, '(unset)')}")
    print(f"labkit cache {env.cache_dir()}")
    built = [m for m in sorted(hub.MODELS) if _safe(hub.cached_snapshot, m)]
    print(f"stand-ins    {len(built)} of {len(hub.MODELS)} built" + (f": {', '.join(built)}" if built else ""))
    print(f"in Colab     {env.in_colab()}")
    return 0


def _safe(fn, *a):
    try:
        return fn(*a)
    except Exception:  # noqa: BLE001  doctor reports, it never crashes
        return None


def cmd_prepare(args) -> int:
    from labkit import hub

    ids = args.ids or sorted(hub.MODELS)
    for model_id in ids:
        start = time.perf_counter()
        try:
            hub.build(model_id)
        except NotImplementedError as exc:
            if args.ids:
                raise
            print(f"not built     {model_id}: {exc}")
            continue
        print(f"{hub.announce(model_id)} [{time.perf_counter() - start:.1f} s]")
    return 0


def notebook_paths() -> list[tuple[_labs.Lab, Path]]:
    return [(lab, repo_root() / lab.path) for lab in _labs.present(kinds=("notebook",))]


def cmd_notebooks(args) -> int:
    from labkit import nbtools

    bad = 0
    for lab_id in args.record:
        lab = _labs.find(lab_id)
        record_outputs(repo_root() / lab.path)
        print(f"{lab.path}: executed; outputs of the {nbtools.CHECK_MARK} cells recorded")
    for lab, path in notebook_paths():
        if args.fix:
            nbtools.write(nbtools.clean(nbtools.read(path)), path)
        problems = nbtools.check(path, lab.id)
        for problem in problems:
            print(f"{lab.path}: {problem}")
        bad += bool(problems)
    print(f"{len(notebook_paths()) - bad} notebooks follow the conventions, {bad} do not")
    return 1 if bad else 0


def record_outputs(path: Path, timeout: int = 600) -> None:
    """Execute a notebook (tiny profile) and keep the outputs of its NBVAL_CHECK_OUTPUT cells, which nbval then
    compares on every run. Everything else is cleaned as usual."""
    from nbclient import NotebookClient

    from labkit import nbtools
    from labkit.runner import _kernel_env

    nb = nbtools.read(path)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=_kernel_env("tiny"))
    nbtools.write(nbtools.clean(nb), path)


def readme_table() -> str:
    rows = []
    for lab in _labs.present():
        if lab.kind == "usecase":
            continue
        link = f"[{lab.id}]({lab.path})"
        colab = _labs.colab_badge(lab.path) if lab.kind == "notebook" else f"`python {lab.path}`"
        rows.append(f"| {link} | {lab.title} | {lab.summary} | {colab} |")
    table = ["| lab | title | what it covers | run |", "|---|---|---|---|", *rows]
    cases = [lab for lab in _labs.present(kinds=("usecase",))]
    if cases:
        table += ["", "| use case | what it does | run |", "|---|---|---|"]
        table += [f"| [{c.id}]({c.path}/README.md) | {c.summary} | `bash {c.path}/run.sh` |" for c in cases]
    return "\n".join(table)


def cmd_readme(args) -> int:
    readme = repo_root() / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        print(f"README.md lacks the {README_START} / {README_END} markers")
        return 1
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    new = f"{head}{README_START}\n{readme_table()}\n{README_END}{tail}"
    if new == text:
        print("README curriculum table matches the labs on disk")
        return 0
    if args.write:
        readme.write_text(new, encoding="utf-8")
        print("README curriculum table rewritten")
        return 0
    print("README curriculum table does not match the labs on disk: run `labkit readme --write`")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="labkit", description="Transformers and NLP labs helper")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="the curriculum").set_defaults(fn=cmd_list)
    p = sub.add_parser("run", help="run labs headless and write a report")
    p.add_argument("labs", nargs="*", help="lab ids (default: $LAB, else every lab present)")
    p.add_argument("--profile", choices=("tiny", "full"), help="default: $LABKIT_PROFILE, else tiny")
    p.add_argument("--jobs", "-j", type=int, default=int(os.environ.get("JOBS", "2")))
    p.add_argument("--out", default=str(repo_root() / "build"))
    p.add_argument("--cell-timeout", type=int, default=600)
    p.set_defaults(fn=cmd_run)
    sub.add_parser("doctor", help="environment report").set_defaults(fn=cmd_doctor)
    p = sub.add_parser("prepare", help="build stand-in models")
    p.add_argument("ids", nargs="*")
    p.set_defaults(fn=cmd_prepare)
    p = sub.add_parser("notebooks", help="check notebook conventions")
    p.add_argument("--fix", action="store_true", help="clean outputs and metadata first")
    p.add_argument("--record", nargs="*", default=[], metavar="LAB",
                   help="execute these labs and store the outputs of their NBVAL_CHECK_OUTPUT cells")
    p.set_defaults(fn=cmd_notebooks)
    p = sub.add_parser("readme", help="check the README curriculum table")
    p.add_argument("--write", action="store_true")
    p.set_defaults(fn=cmd_readme)
    _extensions(sub)
    args = parser.parse_args(argv)
    try:
        return args.fn(args)
    except (ValueError, LookupError, OSError, NotImplementedError) as exc:
        print(f"labkit {args.command}: {exc}", file=sys.stderr)
        return 2


def _extensions(sub) -> None:
    """Sub-commands contributed by other labkit modules (``vertex``, ``app``, ``student``): each such module
    has an ``add_cli(subparsers)`` that registers its parsers with ``set_defaults(fn=...)``. Their heavy imports
    stay inside the command functions."""
    import importlib.util

    for module in ("labkit.vertex", "labkit.apps", "labkit.exercises"):
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module).add_cli(sub)


if __name__ == "__main__":
    raise SystemExit(main())
