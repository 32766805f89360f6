import json

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
