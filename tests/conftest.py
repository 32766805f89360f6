"""Shared fixtures: a private labkit cache and a small private data folder, so tests never touch the user's."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_WORDS = ("river valley flows delta harbour stars orbit comet telescope violin melody orchestra bread oven flour "
          "train station rails engine storm cloud rain forecast painter canvas colour museum").split()


def write_corpus(folder: Path, n_rows: int = 120, seed: int = 0) -> str:
    """A small deterministic english_corpus stand-in; returns its sha256."""
    import random

    from labkit.data import sha256

    rng = random.Random(seed)
    target = folder / "english_corpus" / "train.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        for i in range(n_rows):
            text = " ".join(rng.choice(_WORDS) for _ in range(30)).capitalize() + "."
            handle.write(json.dumps({"title": f"Entry {i}", "text": text}) + "\n")
    return sha256(target)


@pytest.fixture
def tiny_world(tmp_path, monkeypatch):
    """A tiny profile with a private cache and a private data folder holding a small english_corpus."""
    from labkit import data, env

    data_dir = tmp_path / "data"
    digest = write_corpus(data_dir)
    monkeypatch.setenv("LABKIT_DATA", str(data_dir))
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("LABKIT_PROFILE", "tiny")
    spec = data.DATASETS["english_corpus"]
    monkeypatch.setitem(data.DATASETS, "english_corpus",
                        replace(spec, tiny={"train": ("english_corpus/train.jsonl", digest)}))
    monkeypatch.setattr(env, "_last_profile", env.Profile("tiny", reason="test", online=False))
    return {"data": data_dir, "cache": tmp_path / "cache", "sha": digest, "tmp": tmp_path}


def run_python(code: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (for anything read at import time, such as HF offline mode)."""
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT)
