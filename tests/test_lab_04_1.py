"""Lab 04-1 (model hubs): the exercise solutions agree with huggingface_hub on a real cache layout."""
from __future__ import annotations

from pathlib import Path

import pytest

from labkit.labs import find
from labkit.nbtools import import_definitions

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lab():
    return import_definitions(ROOT / find("04-1").path)


@pytest.mark.parametrize("repo_id, repo_type", [("google-bert/bert-base-uncased", "model"),
                                                ("stanfordnlp/imdb", "dataset"), ("gradio/hello", "space"),
                                                ("gpt2", "model")])
def test_cache_folder_name_matches_huggingface_hub(lab, repo_id, repo_type):
    from huggingface_hub.file_download import repo_folder_name

    assert lab.cache_folder_name(repo_id, repo_type) == repo_folder_name(repo_id=repo_id, repo_type=repo_type)


def test_snapshot_for_reads_refs_like_the_hub_client(lab, tmp_path):
    """A hand-built cache with two revisions: the client and the lab's function pick the same snapshot."""
    from huggingface_hub import try_to_load_from_cache

    repo = tmp_path / "models--org--tiny"
    for commit in ("a" * 40, "b" * 40):
        (repo / "snapshots" / commit).mkdir(parents=True)
        (repo / "snapshots" / commit / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("b" * 40)
    (repo / "refs" / "v1").write_text("a" * 40)
    for ref in ("main", "v1"):
        expected = Path(try_to_load_from_cache("org/tiny", "config.json", cache_dir=tmp_path, revision=ref)).parent
        assert lab.snapshot_for(repo, ref) == expected
    with pytest.raises(FileNotFoundError, match="'v2'"):
        lab.snapshot_for(repo, "v2")
