"""Repository checks: the README table matches the labs, notebooks follow the conventions, requirements agree."""
import re
from pathlib import Path

import pytest

from labkit import cli, labs, nbtools
from labkit.env import repo_root

ROOT = repo_root()
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("0[1-5]-*/*.ipynb"))


def test_readme_table_matches_the_labs_on_disk():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split(cli.README_START)[1].split(cli.README_END)[0].strip()
    assert block == cli.readme_table(), "run `labkit readme --write`"
    for lab in labs.present():
        assert f"]({lab.path}" in block


def test_every_notebook_on_disk_is_in_the_curriculum():
    known = {lab.path for lab in labs.CURRICULUM}
    assert [nb for nb in NOTEBOOKS if nb not in known] == []


def test_every_app_and_script_in_lab_folders_is_in_the_curriculum():
    known = {lab.path for lab in labs.CURRICULUM}
    apps = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("05-llm/*.py"))
    assert [a for a in apps if a not in known] == []


def test_every_usecase_folder_is_in_the_curriculum():
    known = {lab.path for lab in labs.USECASES}
    folders = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "usecases").glob("*") if p.is_dir()) \
        if (ROOT / "usecases").exists() else []
    assert [f for f in folders if f not in known and not f.endswith("__pycache__")] == []


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_conventions(path):
    assert nbtools.check(ROOT / path) == []


def test_requirements_are_all_pinned_in_constraints():
    def names(file):
        out = set()
        for line in (ROOT / file).read_text().splitlines():
            line = line.split("#")[0].strip()
            if line and not line.startswith("-"):
                out.add(re.split(r"[<>=!~\[ ;]", line, maxsplit=1)[0].lower().replace("_", "-"))
        return out

    pinned = names("constraints.txt")
    missing = (names("requirements.txt") | names("requirements-dev.txt")) - pinned
    assert missing == set(), f"add these to constraints.txt (make constraints): {sorted(missing)}"


def test_no_author_paths_in_committed_text():
    offenders = []
    candidates = [p for p in ROOT.glob("labkit/*.py") if p.name != "nbtools.py"]   # nbtools defines the patterns
    for path in candidates + list(ROOT.glob("0[1-5]-*/*")) + [ROOT / "README.md"]:
        if path.is_file() and path.suffix in {".py", ".md", ".ipynb"}:
            for match in nbtools.AUTHOR_PATHS.finditer(path.read_text(encoding="utf-8")):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_curriculum_paths_are_unique_and_ids_resolve():
    entries = labs.everything()
    assert len({e.path for e in entries}) == len(entries)
    for entry in entries:
        assert labs.find(entry.id) is entry
    with pytest.raises(ValueError, match="unknown lab '09-9'"):
        labs.find("09-9")


def test_badge_derives_from_the_path():
    assert labs.colab_url("01-embeddings-tokenizers/01-1-intro-tokenizers.ipynb").endswith(
        "/blob/main/01-embeddings-tokenizers/01-1-intro-tokenizers.ipynb")
    assert Path(labs.find("01-1").path).suffix == ".ipynb"
