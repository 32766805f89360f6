"""The dataset registry: every dataset the labs use, bundled (tiny) and on the hub (full).

``load(name, split)`` returns a ``datasets.Dataset`` of the same shape in both profiles::

    >>> import labkit
    >>> train = labkit.data.load("movie_reviews", split="train")        # doctest: +SKIP
    >>> train.features["label"].names                                   # doctest: +SKIP
    ['neg', 'pos']

Tiny files live in ``data/`` beside labkit, each registered with its sha256: a missing or changed file fails
with both hashes rather than silently training on something else.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any


class ChecksumError(ValueError):
    """A bundled data file whose content is not the registered one."""


@dataclass(frozen=True)
class FullSource:
    """Where the full profile reads a dataset: a hub dataset (pinned revision) or an archive (url + sha256)."""

    hub_id: str | None = None
    config: str | None = None
    revision: str | None = None
    splits: dict[str, str] = field(default_factory=dict)     # our split name -> hub split expression
    rename: dict[str, str] = field(default_factory=dict)     # hub column -> our column
    url: str | None = None
    sha256: str | None = None
    note: str = ""


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    description: str
    labs: tuple[str, ...]
    columns: dict[str, str]                 # column -> type ("string", "int", "class", "list[int]")
    tiny: dict[str, tuple[str, str]]        # split -> (path under data/, sha256)
    full: FullSource
    label_names: tuple[str, ...] = ()


DATASETS: dict[str, DatasetSpec] = {}


def register(spec: DatasetSpec) -> DatasetSpec:
    DATASETS[spec.name] = spec
    return spec


register(DatasetSpec(
    "movie_reviews", "movie reviews labelled negative / positive", ("01-4", "03-4", "03-5", "04-2", "04-3"),
    {"text": "string", "label": "class"},
    {"train": ("movie_reviews/train.jsonl", "PENDING"), "test": ("movie_reviews/test.jsonl", "PENDING")},
    FullSource(hub_id="stanfordnlp/imdb", config="plain_text", splits={"train": "train", "test": "test"}),
    label_names=("neg", "pos")))
register(DatasetSpec(
    "programming_questions", "programming questions labelled by language (4 classes)", ("01-3", "02-3", "03-1"),
    {"text": "string", "label": "class"},
    {"train": ("programming_questions/train.jsonl", "PENDING"),
     "test": ("programming_questions/test.jsonl", "PENDING")},
    FullSource(url="https://storage.googleapis.com/download.tensorflow.org/data/stack_overflow_16k.tar.gz",
               note="folder-per-class archive (train/ and test/ folders); read with "
                    "keras.utils.text_dataset_from_directory"),
    label_names=("csharp", "java", "javascript", "python")))
register(DatasetSpec(
    "english_corpus", "English encyclopedic paragraphs", ("01-1", "01-6", "04-2", "04-3", "04-4"),
    {"title": "string", "text": "string"},
    {"train": ("english_corpus/train.jsonl", "PENDING"),
     "validation": ("english_corpus/validation.jsonl", "PENDING")},
    FullSource(hub_id="Salesforce/wikitext", config="wikitext-103-raw-v1",
               splits={"train": "train", "validation": "validation"})))
register(DatasetSpec(
    "passages", "encyclopedic passages for semantic search", ("01-5",),
    {"id": "int", "title": "string", "text": "string"},
    {"train": ("passages/passages.jsonl", "PENDING")},
    FullSource(hub_id="sentence-transformers/natural-questions", config="pair", splits={"train": "train"},
               rename={"answer": "text"}, note="answers are the passages, questions the queries")))
register(DatasetSpec(
    "passage_queries", "questions over the passages, with the ids of the relevant passages", ("01-5",),
    {"id": "int", "text": "string", "relevant": "list[int]"},
    {"test": ("passages/queries.jsonl", "PENDING")},
    FullSource(hub_id="sentence-transformers/natural-questions", config="pair", splits={"test": "train[:1000]"},
               rename={"query": "text"})))


# ---------------------------------------------------------------------------------------------- files

def data_dir() -> Path:
    """The bundled data folder (``$LABKIT_DATA`` or ``data/`` beside labkit)."""
    import os

    from labkit.env import repo_root

    return Path(os.environ.get("LABKIT_DATA") or repo_root() / "data")


def get(name: str) -> DatasetSpec:
    """The registry entry for ``name``; an unknown name lists the known ones."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known datasets: {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


def _tiny_entry(name: str, split: str) -> tuple[str, str]:
    spec = get(name)
    if split not in spec.tiny:
        raise ValueError(f"dataset {name!r} has no split {split!r}; splits: {', '.join(spec.tiny)}")
    return spec.tiny[split]


def path(name: str, split: str = "train") -> Path:
    """The bundled file of ``name``/``split``, checked against its registered sha256."""
    rel, expected = _tiny_entry(name, split)
    file = data_dir() / rel
    if not file.is_file():
        raise FileNotFoundError(f"bundled data file {file} for dataset {name!r} ({split}) is missing; "
                                "restore it with `git checkout -- data/` (or set LABKIT_DATA to the data folder)")
    actual = sha256(file)
    if actual != expected:
        raise ChecksumError(f"{file} (dataset {name!r}, split {split!r}) has sha256 {actual}, but the registry "
                            f"expects {expected}. Restore the file with `git checkout -- {file.name}`, or if you "
                            "changed it on purpose, update labkit/data.py and data/README.md.")
    return file


def checksum(name: str, split: str) -> str:
    """The registered sha256 of a bundled file (no I/O)."""
    return _tiny_entry(name, split)[1]


def sha256(file: Path | str) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=64)
def _rows_cached(file: str, mtime: float) -> tuple[dict, ...]:
    with open(file, encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def read_rows(name: str, split: str = "train") -> list[dict[str, Any]]:
    """The bundled records of ``name``/``split`` as dicts (checksum verified)."""
    file = path(name, split)
    return [dict(row) for row in _rows_cached(str(file), file.stat().st_mtime)]


def verify(name: str, profile=None) -> None:
    """Check that ``name`` can be loaded in ``profile``: bundled files and checksums (tiny)."""
    from labkit.env import current

    profile = profile or current()
    spec = get(name)
    if profile.tiny:
        for split in spec.tiny:
            path(name, split)


# ---------------------------------------------------------------------------------------------- loading

def features(name: str):
    """The ``datasets.Features`` every split of ``name`` has, in both profiles."""
    import datasets

    spec = get(name)
    types = {"string": datasets.Value("string"), "int": datasets.Value("int64"),
             "list[int]": datasets.Sequence(datasets.Value("int64"))}
    feats = {}
    for column, kind in spec.columns.items():
        feats[column] = datasets.ClassLabel(names=list(spec.label_names)) if kind == "class" else types[kind]
    return datasets.Features(feats)


def load(name: str, split: str = "train", profile=None, limit: int | None = None):
    """``datasets.Dataset`` for ``name``/``split``: bundled in tiny, the pinned hub source in full.

    limit: keep the first ``limit`` rows (after a seeded shuffle in full, so it is a sample, not a prefix).
    """
    import datasets

    from labkit.env import current

    profile = profile or current()
    spec = get(name)
    if limit is not None and (not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int or None, got {limit!r}")
    if profile.tiny:
        rows = read_rows(name, split)
        ds = datasets.Dataset.from_list(rows, features=features(name))
        return ds.select(range(min(limit, len(ds)))) if limit else ds
    return _load_full(spec, split, profile, limit)


def _load_full(spec: DatasetSpec, split: str, profile, limit):
    import datasets

    full = spec.full
    if full.hub_id is None:
        raise NotImplementedError(f"dataset {spec.name!r} comes from an archive in the full profile ({full.url}); "
                                  f"{full.note}")
    if not profile.online:
        raise OSError(f"dataset {spec.name!r} needs {full.hub_id} from the Hugging Face Hub, which is unreachable. "
                      "Connect once (it is then cached) or use the tiny profile: LABKIT_PROFILE=tiny.")
    if split not in full.splits:
        raise ValueError(f"dataset {spec.name!r} has no split {split!r}; splits: {', '.join(full.splits)}")
    ds = datasets.load_dataset(full.hub_id, full.config, split=full.splits[split], revision=full.revision)
    if full.rename:
        ds = ds.rename_columns({k: v for k, v in full.rename.items() if k in ds.column_names})
    if limit:
        ds = ds.shuffle(seed=profile.seed).select(range(min(limit, len(ds))))
    return ds
