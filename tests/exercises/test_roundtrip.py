"""The exercise round trip (`make test-exercises`): for every lab, the autograder passes the complete notebook
and fails the untouched student version on every question; a folder of submissions grades into a CSV."""
import csv

import pytest

from labkit import exercises, nbtools
from labkit.env import repo_root

ROOT = repo_root()
LABS = exercises.labs_with_exercises()


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.id)
def test_complete_lab_passes_and_student_version_fails(lab, tmp_path):
    student, bundle = exercises.assign(lab, tmp_path / "student", tmp_path / "autograder")
    complete = exercises.grade_one(ROOT / lab.path, bundle, assignment_name=exercises.bundle_assignment(bundle))
    assert complete.reason == "" and complete.scores == complete.possible, complete
    blank = exercises.grade_one(student, bundle)
    assert all(score == 0 for score in blank.scores.values()), f"a check passes without an answer: {blank.scores}"


def _fill(student_nb, complete_nb, questions_to_fill):
    """The student notebook with the solutions of ``questions_to_fill`` copied from the complete lab."""
    complete_cells = [nbtools.source(c) for c in complete_nb.cells if c.cell_type == "code"]
    for cell in student_nb.cells:
        src = nbtools.source(cell)
        if cell.cell_type != "code" or "..." not in src:
            continue
        first = src.splitlines()[0]
        for full in complete_cells:
            if full.splitlines()[0] == first and first in questions_to_fill:
                cell.source = "\n".join(line for line in full.splitlines()
                                         if line.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION"))
    return student_nb


def test_grading_a_folder_of_submissions(tmp_path):
    lab = LABS[0]
    student, bundle = exercises.assign(lab, tmp_path / "student", tmp_path / "autograder")
    complete = nbtools.read(ROOT / lab.path)
    heads = [nbtools.source(c).splitlines()[0] for c in nbtools.read(student).cells
             if c.cell_type == "code" and "    ..." in nbtools.source(c)]
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    stem = bundle.stem
    nbtools.write(_fill(nbtools.read(student), complete, heads), submissions / f"{stem}-right.ipynb")
    nbtools.write(_fill(nbtools.read(student), complete, heads[:1]), submissions / f"{stem}-partly.ipynb")
    nbtools.write(nbtools.read(student), submissions / f"{stem}-blank.ipynb")
    (submissions / f"{stem}-garbage.ipynb").write_text("this is not a notebook")
    out = tmp_path / "grades.csv"
    grades = {g.submission: g for g in exercises.grade_folder(submissions, tmp_path / "autograder", out)}
    n = len(heads)
    assert grades[f"{stem}-right.ipynb"].total == n
    assert grades[f"{stem}-partly.ipynb"].total == 1
    assert grades[f"{stem}-blank.ipynb"].total == 0
    assert grades[f"{stem}-garbage.ipynb"].total == 0 and "not a notebook" in grades[f"{stem}-garbage.ipynb"].reason
    rows = list(csv.DictReader(out.open()))
    assert {r["submission"]: float(r["total"]) for r in rows}[f"{stem}-right.ipynb"] == n


def test_a_submission_that_loops_forever_scores_zero_with_the_reason(tmp_path):
    import nbformat

    lab = LABS[0]
    student, bundle = exercises.assign(lab, tmp_path / "student", tmp_path / "autograder")
    looping = nbtools.read(student)
    looping.cells.insert(1, nbformat.v4.new_code_cell("while True:\n    pass"))
    nbtools.write(looping, tmp_path / "loops.ipynb")
    grade = exercises.grade_one(tmp_path / "loops.ipynb", bundle, time_limit=20)
    assert grade.total == 0 and grade.reason == "time limit of 20 s exceeded"


def test_sandbox_blocks_network_and_writes_outside_the_workdir(tmp_path):
    import subprocess

    if not exercises.sandbox_works():
        pytest.skip("bubblewrap is not installed (CI installs it)")
    prefix = exercises.sandbox_prefix(tmp_path)
    probe = ("import socket, pathlib\n"
             "try:\n    socket.create_connection(('1.1.1.1', 53), timeout=2); print('net')\nexcept OSError: print('nonet')\n"
             "try:\n    pathlib.Path('/etc/labkit-probe').write_text('x'); print('wrote')\nexcept OSError: print('readonly')\n"
             f"pathlib.Path('{tmp_path}/ok').write_text('x'); print('workdir')\n")
    import sys

    out = subprocess.run([*prefix, sys.executable, "-c", probe], capture_output=True, text=True).stdout.split()
    assert out == ["nonet", "readonly", "workdir"], out
