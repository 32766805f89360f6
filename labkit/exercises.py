"""Exercises: student versions and autograding of the labs, on otter-grader.

The lab notebooks are the complete versions (solutions between otter's markers, tests as assert cells). From them:

    labkit student              # build/student/<module>/<lab>.ipynb and build/autograder/<lab>.zip
    labkit grade SUBMISSIONS/   # grade a folder of submitted notebooks into build/grades.csv

Students run ``grader.check("q1_...")`` in their notebook for instant feedback (the tests travel inside the
notebook's metadata, so this works in Colab with nothing else). Instructors grade a folder: each submission runs in
its own sandbox (bubblewrap when available: no network, read-only system, writes only to a temporary folder) under
a time limit; a submission that crashes, loops or is not a notebook scores zero on the affected questions with the
reason recorded, and the grader carries on.

>>> from labkit.exercises import has_exercises
>>> has_exercises("01-embeddings-tokenizers/01-1-intro-tokenizers.ipynb")      # doctest: +SKIP
True
"""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from labkit.env import repo_root, write_text_atomic
from labkit.labs import Lab, present

CONFIG_MARK = "# ASSIGNMENT CONFIG"
DEFAULT_TIME_LIMIT = 600


def _otter() -> list[str]:
    exe = Path(sys.executable).with_name("otter")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "otter"]


def has_exercises(path) -> bool:
    """True when the notebook carries otter's assignment configuration cell."""
    from labkit.nbtools import read, source

    return any(c.cell_type == "raw" and source(c).lstrip().startswith(CONFIG_MARK) for c in read(path).cells)


def questions(path) -> list[str]:
    """The question names of a lab notebook, in order."""
    import yaml

    from labkit.nbtools import read, source

    names = []
    for cell in read(path).cells:
        text = source(cell).lstrip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            names.append(yaml.safe_load(text.split("\n", 1)[1] or "{}")["name"])
    return names


def labs_with_exercises(root: Path | None = None) -> list[Lab]:
    root = root or repo_root()
    return [lab for lab in present(root, kinds=("notebook",)) if has_exercises(root / lab.path)]


def assign(lab: Lab, student_dir: Path, autograder_dir: Path, root: Path | None = None) -> tuple[Path, Path]:
    """Run ``otter assign`` on one lab; returns (student notebook, autograder zip)."""
    root = root or repo_root()
    src = root / lab.path
    with tempfile.TemporaryDirectory(prefix="labkit-assign-") as tmp:
        work = Path(tmp) / src.name
        shutil.copy(src, work)
        proc = subprocess.run([*_otter(), "assign", "--no-run-tests", work.name, "dist"], cwd=tmp,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"otter assign failed on {lab.path}:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        student = student_dir / lab.path
        student.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(Path(tmp) / "dist" / "student" / src.name, student)
        zips = sorted((Path(tmp) / "dist" / "autograder").glob("*.zip"))
        autograder_dir.mkdir(parents=True, exist_ok=True)
        bundle = autograder_dir / f"{src.stem}.zip"
        shutil.copy(zips[-1], bundle)
    return student, bundle


def build_student(labs: list[Lab] | None = None, out: Path | None = None) -> list[tuple[Path, Path]]:
    """Student notebooks and autograder bundles for ``labs`` (default: every lab with exercises)."""
    out = out or repo_root() / "build"
    labs = labs if labs is not None else labs_with_exercises()
    return [assign(lab, out / "student", out / "autograder") for lab in labs]


# ---------------------------------------------------------------------------------------------- grading

@dataclass
class Grade:
    submission: str
    lab: str
    scores: dict[str, float] = field(default_factory=dict)
    possible: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    details: str = ""          # the failing checks' own messages, for the instructor (not in the CSV total)

    @property
    def total(self) -> float:
        return sum(self.scores.values())


def bundle_assignment(bundle: Path) -> str:
    """The assignment name an autograder bundle grades (from its otter_config.json)."""
    with zipfile.ZipFile(bundle) as zf:
        return json.loads(zf.read("otter_config.json"))["assignment_name"]


def _bundle_questions(bundle: Path) -> dict[str, float]:
    """{question: points} read from the autograder bundle's test files."""
    out = {}
    with zipfile.ZipFile(bundle) as zf:
        for name in sorted(zf.namelist()):
            if name.startswith("tests/") and name.endswith(".py"):
                scope: dict = {}
                exec(zf.read(name).decode(), scope)           # otter test files are plain data assignments
                out[scope["test"]["name"]] = float(scope["test"].get("points") or 1)
    return out


def sandbox_prefix(workdir: Path) -> list[str]:
    """bubblewrap arguments isolating a grading run: no network, read-only system, writable ``workdir`` only."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return []
    # /tmp is replaced by an empty tmpfs (a submission must not read other submissions' temporary folders), so
    # whatever grading needs that lives under /tmp (a checkout cloned there, its .venv, the caches) is bound back
    # read-only; the submission's own folder is bound writable last.
    tmp = Path("/tmp").resolve()
    needed = []
    for path in _paths_grading_reads():
        real = Path(path).expanduser().resolve()
        if real != tmp and real.is_relative_to(tmp) and real.exists() and str(real) not in needed:
            needed.append(str(real))
    back = [arg for path in needed for arg in ("--ro-bind", path, path)]
    return [bwrap, "--unshare-net", "--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/",
            "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", *back, "--bind", str(workdir), str(workdir),
            "--chdir", str(workdir)]


def _paths_grading_reads() -> list[str]:
    """Folders a grading run reads: the interpreter and its environment, the checkout, labkit's and HF's caches."""
    from labkit.env import cache_dir

    paths = [sys.prefix, sys.base_prefix, os.path.dirname(sys.executable), str(repo_root()), str(cache_dir())]
    paths += [os.environ[name] for name in ("HF_HOME", "HF_DATASETS_CACHE", "XDG_CACHE_HOME", "KERAS_HOME")
              if os.environ.get(name)]
    return paths


def sandbox_works() -> bool:
    """True when bubblewrap is installed and can create a sandbox here."""
    with tempfile.TemporaryDirectory() as tmp:
        prefix = sandbox_prefix(Path(tmp))
        if not prefix:
            return False
        return subprocess.run([*prefix, "true"], capture_output=True).returncode == 0


def grade_one(submission: Path, bundle: Path, time_limit: int = DEFAULT_TIME_LIMIT,
              assignment_name: str | None = None) -> Grade:
    """Grade one submission against one autograder bundle; never raises for a bad submission.

    assignment_name: grade a notebook without otter's student metadata (a complete lab) as this assignment.
    """
    possible = _bundle_questions(bundle)
    grade = Grade(submission.name, bundle.stem, {q: 0.0 for q in possible}, possible)
    try:
        json.loads(submission.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        grade.reason = f"not a notebook ({type(exc).__name__})"
        return grade
    with tempfile.TemporaryDirectory(prefix="labkit-grade-") as tmp:
        work = Path(tmp)
        notebook = json.loads(submission.read_text(encoding="utf-8"))
        if assignment_name and not notebook.get("metadata", {}).get("otter", {}).get("assignment_name"):
            # a complete lab (the instructor's own notebook) has no student metadata: grade it as this lab
            notebook.setdefault("metadata", {}).setdefault("otter", {})["assignment_name"] = assignment_name
        (work / "submission.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        shutil.copy(bundle, work / "autograder.zip")
        env = {**os.environ, "HOME": str(work), "MPLCONFIGDIR": str(work / ".mpl"), "LABKIT_PROFILE": "tiny",
               "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "IPYTHONDIR": str(work / ".ipython"),
               "LABKIT_CACHE": os.environ.get("LABKIT_CACHE") or str(Path.home() / ".cache" / "labkit"),
               "JUPYTER_RUNTIME_DIR": str(work / ".jupyter")}
        cmd = [*sandbox_prefix(work), *_otter(), "run", "--no-logo", "-a", "autograder.zip", "-o", str(work),
               "submission.ipynb"]
        try:
            proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=time_limit)
        except subprocess.TimeoutExpired:
            grade.reason = f"time limit of {time_limit} s exceeded"
            return grade
        results = work / "results.json"
        if not results.exists():
            grade.reason = f"the grader could not run the notebook: {(proc.stderr or proc.stdout)[-300:].strip()}"
            return grade
        payload = json.loads(results.read_text())          # Gradescope format: {"tests": [{name, score}]}
        failures, details = [], []
        for result in payload.get("tests", []):
            name = result.get("name")
            if name in grade.scores:
                grade.scores[name] = float(result.get("score") or 0.0)
                if grade.scores[name] < grade.possible[name]:
                    failures.append(name)
                    detail = " ".join(str(result.get("output") or "").split())
                    if detail:
                        details.append(f"{name}: {detail[-1000:]}")
        if failures:
            grade.reason = "failed: " + ", ".join(failures)
            grade.details = "\n".join(details)
    return grade


def grade_folder(submissions: Path, bundles: Path, out_csv: Path, time_limit: int = DEFAULT_TIME_LIMIT) -> list[Grade]:
    """Grade every ``*.ipynb`` (and stray file) in ``submissions`` into ``out_csv``.

    A submission is matched to the bundle whose lab name its file name starts with (``01-1-intro-tokenizers``
    for ``01-1-intro-tokenizers-alice.ipynb``); with a single bundle every submission uses it.
    """
    bundle_files = sorted(Path(bundles).glob("*.zip")) if Path(bundles).is_dir() else [Path(bundles)]
    if not bundle_files:
        raise ValueError(f"no autograder bundles (*.zip) in {bundles}; build them with `labkit student`")
    grades = []
    for submission in sorted(p for p in Path(submissions).iterdir() if p.is_file()):
        matches = [b for b in bundle_files if submission.stem.startswith(b.stem)]
        bundle = matches[0] if matches else (bundle_files[0] if len(bundle_files) == 1 else None)
        if bundle is None:
            grades.append(Grade(submission.name, "?", reason="no autograder bundle matches this file name"))
            continue
        grades.append(grade_one(submission, bundle, time_limit))
    write_csv(grades, out_csv)
    return grades


def write_csv(grades: list[Grade], out_csv: Path) -> Path:
    qnames = sorted({q for g in grades for q in g.possible})
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    writer.writerow(["submission", "lab", *qnames, "total", "possible", "reason"])
    for g in grades:
        writer.writerow([g.submission, g.lab, *[g.scores.get(q, "") for q in qnames], g.total,
                         sum(g.possible.values()), g.reason])
    return write_text_atomic(out_csv, handle.getvalue())


# ---------------------------------------------------------------------------------------------- CLI

def add_cli(sub) -> None:
    p = sub.add_parser("student", help="build student notebooks and autograder bundles into build/")
    p.add_argument("labs", nargs="*", help="lab ids (default: every lab with exercises)")
    p.set_defaults(fn=_cmd_student)
    p = sub.add_parser("grade", help="grade a folder of submitted notebooks into a CSV")
    p.add_argument("submissions", help="folder of submitted .ipynb files")
    p.add_argument("--autograder", default=str(repo_root() / "build" / "autograder"),
                   help="an autograder zip or a folder of them (default: build/autograder)")
    p.add_argument("--out", default=str(repo_root() / "build" / "grades.csv"))
    p.add_argument("--time-limit", type=int, default=DEFAULT_TIME_LIMIT, help="seconds per submission")
    p.set_defaults(fn=_cmd_grade)


def _cmd_student(args) -> int:
    from labkit.labs import find

    labs = [find(x) for x in args.labs] or None
    start = time.perf_counter()
    built = build_student(labs)
    for student, bundle in built:
        print(f"{student.relative_to(repo_root())}  +  {bundle.relative_to(repo_root())}")
    print(f"{len(built)} student notebooks in {time.perf_counter() - start:.0f} s")
    return 0


def _cmd_grade(args) -> int:
    isolation = "bubblewrap sandbox (no network, read-only system)" if sandbox_works() else \
        "NO sandbox (bubblewrap unavailable): submissions run with your permissions"
    print(f"grading with {isolation}, {args.time_limit} s per submission")
    grades = grade_folder(Path(args.submissions), Path(args.autograder), Path(args.out), args.time_limit)
    for g in grades:
        print(f"{g.submission:<40} {g.total:g}/{sum(g.possible.values()):g}  {g.reason}")
    print(f"wrote {args.out}")
    return 0
