"""Fast checks of the exercise markup in every lab (the full autograder round trip is tests/exercises/)."""
import ast

import pytest
import yaml

from labkit import exercises, nbtools
from labkit.env import repo_root
from labkit.labs import present

ROOT = repo_root()
NOTEBOOK_LABS = present(kinds=("notebook",))


def _echoed_expressions(code: str) -> list[str]:
    """Top-level expression statements that are not plain calls (a tuple, a name, a comparison): doctest prints
    their value, so an otter check holding one fails even when the answer is right. Calls are allowed (most
    return None); the round trip in tests/exercises catches a call that returns a value."""
    tree = ast.parse(code)
    return [ast.unparse(node)[:80] for node in tree.body
            if isinstance(node, ast.Expr) and not isinstance(node.value, (ast.Call, ast.Constant, ast.Await))]


def test_echo_check_flags_bare_values_only():
    assert _echoed_expressions("(a.f(), b.g())\nx = 1\nassert x\nprint(x)") == ["(a.f(), b.g())"]


@pytest.mark.parametrize("lab", NOTEBOOK_LABS, ids=lambda lab: lab.id)
def test_every_lab_has_two_to_four_well_formed_exercises(lab):
    nb = nbtools.read(ROOT / lab.path)
    raws = [nbtools.source(c).strip() for c in nb.cells if c.cell_type == "raw"]
    assert raws and raws[0].startswith(exercises.CONFIG_MARK), "the assignment config must be the first raw cell"
    config = yaml.safe_load(raws[0].split("\n", 1)[1])
    assert config.get("init_cell") is True, "students need otter's init cell for grader.check"
    names = exercises.questions(ROOT / lab.path)
    assert 2 <= len(names) <= 4, names
    assert len(set(names)) == len(names)
    # each question: raw BEGIN SOLUTION / END SOLUTION around code that carries the in-cell markers, then tests
    state, solutions, tests = None, 0, 0
    for cell in nb.cells:
        text = nbtools.source(cell).strip()
        if cell.cell_type == "raw":
            head = text.split("\n", 1)[0]
            if head == "# BEGIN QUESTION":
                state, solutions, tests = "question", 0, 0
            elif head == "# BEGIN SOLUTION":
                state = "solution"
            elif head == "# END SOLUTION":
                state = "question"
            elif head == "# BEGIN TESTS":
                state = "tests"
            elif head == "# END TESTS":
                state = "question"
            elif head == "# END QUESTION":
                assert solutions >= 1 and tests >= 1, f"a question in {lab.id} lacks a solution or a test"
                state = None
        elif cell.cell_type == "code" and state == "solution":
            assert "# BEGIN SOLUTION" in text and "# END SOLUTION" in text, \
                f"{lab.id}: solution cell without in-cell markers:\n{text[:200]}"
            solutions += 1
        elif cell.cell_type == "code" and state == "tests":
            assert "assert" in text.lower() or "raises" in text, f"{lab.id}: a test cell that asserts nothing:\n{text[:200]}"
            echoed = _echoed_expressions(text)
            assert not echoed, (f"{lab.id}: otter runs test cells as doctests, where a bare expression's value is "
                                f"printed and fails the check; assign or drop it: {echoed}")
            tests += 1


def test_student_version_hides_solutions_and_keeps_checks(tmp_path):
    lab = present(kinds=("notebook",))[0]
    student, bundle = exercises.assign(lab, tmp_path / "student", tmp_path / "autograder")
    nb = nbtools.read(student)
    text = "\n".join(nbtools.source(c) for c in nb.cells)
    assert "# BEGIN SOLUTION" not in text and "grader.check(" in text and "otter.Notebook(" in text
    assert set(exercises._bundle_questions(bundle)) == set(exercises.questions(ROOT / lab.path))


def test_sandbox_binds_back_what_grading_reads_under_tmp_and_hides_the_rest(tmp_path, monkeypatch):
    """A checkout (and its .venv) cloned under /tmp stays visible, read-only, inside the sandbox's empty /tmp;
    other folders under /tmp (say, another submission's) do not."""
    import subprocess
    import sys

    if not exercises.sandbox_works():
        pytest.skip("bubblewrap is not installed (CI installs it)")
    checkout, other, work = tmp_path / "checkout", tmp_path / "other-submission", tmp_path / "work"
    for folder in (checkout, other, work):
        folder.mkdir()
        (folder / "file.txt").write_text(folder.name)
    reads = exercises._paths_grading_reads()                         # the interpreter's own folders among them
    monkeypatch.setattr(exercises, "_paths_grading_reads", lambda: [*reads, str(checkout)])
    prefix = exercises.sandbox_prefix(work)
    assert prefix[prefix.index("--tmpfs"):].count(str(checkout.resolve())) == 2      # bound back after the tmpfs
    probe = ("import pathlib, sys\n"
             "for name in sys.argv[1:]:\n"
             "    path = pathlib.Path(name)\n"
             "    print(path.read_text() if path.exists() else 'hidden', end=' ')\n"
             "try:\n    pathlib.Path(sys.argv[1]).write_text('x'); print('wrote')\nexcept OSError: print('readonly')\n")
    run = subprocess.run([*prefix, sys.executable, "-I", "-c", probe, str(checkout / "file.txt"),
                          str(other / "file.txt"), str(work / "file.txt")], capture_output=True, text=True)
    assert run.stdout.split() == ["checkout", "hidden", "work", "readonly"], run.stderr[-500:]


def test_grades_csv_is_written_whole(tmp_path):
    import csv

    grades = [exercises.Grade("01-1-alice.ipynb", "01-1", {"q1": 1.0, "q2": 0.0}, {"q1": 1.0, "q2": 2.0}),
              exercises.Grade("01-1-bob.ipynb", "?", reason="no autograder bundle matches this file name")]
    out = exercises.write_csv(grades, tmp_path / "out" / "grades.csv")
    rows = list(csv.reader(out.open(newline="", encoding="utf-8")))
    assert rows[0] == ["submission", "lab", "q1", "q2", "total", "possible", "reason"]
    assert rows[1] == ["01-1-alice.ipynb", "01-1", "1.0", "0.0", "1.0", "3.0", ""]
    assert rows[2][-1] == "no autograder bundle matches this file name" and rows[2][2:4] == ["", ""]
    assert [p.name for p in out.parent.iterdir()] == ["grades.csv"]          # no temporary file left beside it
