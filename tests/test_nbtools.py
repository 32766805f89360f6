import nbformat
import pytest

from labkit import nbtools


def _notebook(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


def test_clean_keeps_checked_outputs_only():
    checked = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)")
    checked.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    other = nbformat.v4.new_code_cell("print(2)", execution_count=3)
    other.outputs = [nbformat.v4.new_output("stream", text="2\n")]
    nb = _notebook([checked, other])
    nb.metadata["widgets"] = {"state": {}}
    cleaned = nbtools.clean(nb)
    assert cleaned.cells[0].outputs and not cleaned.cells[1].outputs
    assert cleaned.cells[1].execution_count is None
    assert "widgets" not in cleaned.metadata and cleaned.metadata["kernelspec"]["name"] == "python3"


def test_import_definitions_runs_defs_not_training(tmp_path):
    nb = _notebook([
        nbformat.v4.new_code_cell("import math\nSCALE = 2\ndef double(x):\n    return SCALE * x"),
        nbformat.v4.new_code_cell("raise RuntimeError('a training cell must not run')"),
        nbformat.v4.new_code_cell("%matplotlib inline\nclass Box:\n    size = 3\nresult = double(4)"),
    ])
    path = tmp_path / "lab.ipynb"
    nbformat.write(nb, str(path))
    lab = nbtools.import_definitions(path)
    assert lab.double(5) == 10 and lab.Box.size == 3 and lab.math.pi > 3
    assert not hasattr(lab, "result")


def test_setup_cell_points_at_the_configured_repository():
    from labkit.env import GITHUB_REPO

    src = nbtools.setup_cell_source("01-1", 'models=["x"]')
    assert f"https://github.com/{GITHUB_REPO}" in src and 'labkit.setup("01-1", models=["x"])' in src
    compile(src, "setup", "exec")


@pytest.mark.parametrize("path", ["/home/alice/data.csv", "/tmp/x.txt", "/Users/bob/x"])
def test_author_paths_are_detected(path):
    assert nbtools.AUTHOR_PATHS.search(f"open('{path}')")
