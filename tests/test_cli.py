import json

import pytest

from conftest import run_python
from labkit import cli, runner


def test_list_shows_every_lab(capsys):
    assert cli.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "01-1" in out and "05-8" in out and "translation-tr-en-t5x" in out and "present in this checkout" in out


def test_doctor_reports_profile_and_network(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    for field in ("profile", "accelerator", "network", "labkit cache", "stand-ins", "transformers"):
        assert field in out


def test_unknown_lab_is_a_clear_error(capsys):
    assert cli.main(["run", "09-9"]) == 2
    assert "unknown lab '09-9'" in capsys.readouterr().err


def test_report_is_written_atomically_with_every_result(tmp_path):
    results = [runner.Result("01-1", "Intro tokenizers", "x.ipynb", "passed", 12.5, 60),
               runner.Result("04-2", "BERT", "y.ipynb", "failed", 130.0, 120, "cell 3: ValueError: bad <input>")]
    page = runner.write_report(results, tmp_path, "tiny").read_text()
    assert "1 of 2 passed" in page and "bad &lt;input&gt;" in page and "120 (over)" in page
    payload = json.loads((tmp_path / "report.json").read_text())
    assert [r["status"] for r in payload["results"]] == ["passed", "failed"]
    assert not list(tmp_path.glob("*.tmp"))


def test_labkit_run_executes_a_lab_and_reports_it(tmp_path):
    """A smoke run of the real runner on lab 01-1, as `make run LAB=01-1` does."""
    result = run_python(f"""
        from labkit import cli
        raise SystemExit(cli.main(["run", "01-1", "--out", "{tmp_path}", "--jobs", "1"]))
    """, env={"LABKIT_PROFILE": "tiny"}, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    payload = json.loads((tmp_path / "report.json").read_text())
    assert [(r["lab"], r["status"]) for r in payload["results"]] == [("01-1", "passed")]
    assert (tmp_path / "run" / "01-embeddings-tokenizers" / "01-1-intro-tokenizers.ipynb").is_file()
    # the kernel's stderr went to its log, not over the progress bar
    assert (tmp_path / "run" / "01-embeddings-tokenizers" / "01-1-intro-tokenizers.kernel.log").is_file()
    assert "IPKernelApp" not in result.stderr and "IPKernelApp" not in result.stdout
    assert "1 of 1 passed" in (tmp_path / "report.html").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("code, status", [("x = 6 * 7\nprint(x)", "passed"), ("raise ValueError('bad <input>')", "failed")])
def test_run_notebook_writes_the_executed_notebook_whole(tmp_path, code, status):
    import nbformat

    from labkit.labs import Lab

    src = tmp_path / "src" / "m" / "lab.ipynb"
    src.parent.mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(src))
    result = runner.run_notebook(Lab("01-1", "t", "m/lab.ipynb", "s"), tmp_path / "src", tmp_path / "out", "tiny", 60)
    assert result.status == status
    out = nbformat.read(str(tmp_path / "out" / "m" / "lab.ipynb"), as_version=4)
    outputs = out.cells[0].outputs
    if status == "passed":
        assert outputs[0]["text"] == "42\n" and result.error == ""
    else:
        assert outputs[0]["ename"] == "ValueError" and "ValueError: bad <input>" in result.error
    assert sorted(p.name for p in (tmp_path / "out" / "m").iterdir()) == ["lab.ipynb", "lab.kernel.log"]
