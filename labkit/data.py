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
import os
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
    """Add (or replace) a registry entry.

    >>> register(DATASETS["movie_reviews"]).name
    'movie_reviews'
    """
    if not isinstance(spec, DatasetSpec):
        raise TypeError(f"spec must be a labkit.data.DatasetSpec, got {type(spec).__name__}")
    DATASETS[spec.name] = spec
    return spec


register(DatasetSpec(
    "movie_reviews", "movie reviews labelled negative / positive", ("01-4", "03-4", "03-5", "04-2", "04-3"),
    {"text": "string", "label": "class"},
    {"train": ("movie_reviews/train.jsonl", "a1598709ea15f5536723317a620981f89d8919bd29f25646b2357e56383515d2"),
     "test": ("movie_reviews/test.jsonl", "64c216901e53a196793f8dc17ab143c5e28731c37eb449b4a78d99a3ccd8a25f")},
    FullSource(hub_id="stanfordnlp/imdb", config="plain_text", splits={"train": "train", "test": "test"}),
    label_names=("neg", "pos")))
register(DatasetSpec(
    "programming_questions", "programming questions labelled by language (4 classes)", ("01-3", "02-3", "03-1"),
    {"text": "string", "label": "class"},
    {"train": ("programming_questions/train.jsonl", "30a81c4b26a38c39f6cbc2b3e04a4758ba3572076ca697b9c57fde13e902d1bf"),
     "test": ("programming_questions/test.jsonl", "6baf4c301518e7b189346830fd0af031f456286ce01fe7c0b9fb09cb7fcd349c")},
    FullSource(url="https://storage.googleapis.com/download.tensorflow.org/data/stack_overflow_16k.tar.gz",
               note="folder-per-class archive (train/ and test/ folders); read with "
                    "keras.utils.text_dataset_from_directory"),
    label_names=("csharp", "java", "javascript", "python")))
register(DatasetSpec(
    "english_corpus", "English encyclopedic paragraphs", ("01-1", "01-6", "04-2", "04-3", "04-4"),
    {"title": "string", "text": "string"},
    {"train": ("english_corpus/train.jsonl", "bf7f8d5242bdb44ee1bfced4e58978404a2b8f48b5c23dfa3c555f951bd8954d"),
     "validation": ("english_corpus/validation.jsonl",
                    "9319c8da2e7f273f27d0118b2526d599169c242e6c1a23adcfc9e1afb68785a8")},
    FullSource(hub_id="Salesforce/wikitext", config="wikitext-103-raw-v1",
               splits={"train": "train", "validation": "validation"})))
register(DatasetSpec(
    "passages", "encyclopedic passages for semantic search", ("01-5",),
    {"id": "int", "title": "string", "text": "string"},
    {"train": ("passages/passages.jsonl", "a556232a3fc55966133e8f39ecc879651e4513da46bac6fcba32ffc25e48b305")},
    FullSource(hub_id="sentence-transformers/natural-questions", config="pair", splits={"train": "train"},
               rename={"answer": "text"}, note="answers are the passages, questions the queries")))
register(DatasetSpec(
    "passage_queries", "questions over the passages, with the ids of the relevant passages", ("01-5",),
    {"id": "int", "text": "string", "relevant": "list[int]"},
    {"test": ("passages/queries.jsonl", "0f96089ba34cb0b47b6aa88446dc213a78b6786f2d8c5ceadfa29be402f4547a")},
    FullSource(hub_id="sentence-transformers/natural-questions", config="pair", splits={"test": "train[:1000]"},
               rename={"query": "text"})))


# Lab 01-2 (written by tools/make_sentences.py)
register(DatasetSpec(
    "sentences", "short sentences in English, Spanish and Turkish, plus lines of code", ("01-2",),
    {"text": "string", "lang": "string"},
    {"train": ("sentences/train.jsonl", "af1cfb0f2ee4ad9b46d2d94ecda442365c8aba175f1d3a4c7829f19b0393a8c5")},
    FullSource(note="bundled in both profiles: the comparison needs the same texts everywhere")))


# Module 04 (written by tools/make_module04_data.py)
register(DatasetSpec(
    "financial_headlines", "financial news sentences labelled negative / neutral / positive", ("04-6",),
    {"text": "string", "label": "class"},
    {"train": ("financial_headlines/train.jsonl", "f3c1b14a4d01b060272f7215cb65691a72737230ec1b059211a2a9687f19d8bc"),
     "test": ("financial_headlines/test.jsonl", "d4b22343fb4960d4630c51592a4d11532803cbffa4e5720244b47b90555fa030")},
    FullSource(hub_id="takala/financial_phrasebank", config="sentences_allagree", revision="refs/convert/parquet",
               splits={"train": "train[:80%]", "test": "train[80%:]"}, rename={"sentence": "text"},
               note="the hub repo has a loading script; its Parquet conversion (refs/convert/parquet) loads "
                    "without it. Not checked from this offline machine."),
    label_names=("negative", "neutral", "positive")))
register(DatasetSpec(
    "bills", "legislative bills with one-paragraph summaries", ("04-5",),
    {"title": "string", "text": "string", "summary": "string"},
    {"train": ("bills/train.jsonl", "5e90286ac019ec7c2632a297761a35811239ed0953b63aa15c25284f8fab9f53"),
     "test": ("bills/test.jsonl", "7decca844b4d8496d9ddd5d3f52e854266ab7548feea2ebaaa10519d757b03dc")},
    FullSource(hub_id="FiscalNote/billsum", splits={"train": "train", "test": "test"})))
register(DatasetSpec(
    "spanish_legal", "Spanish legal sentences from five areas of law", ("04-7",),
    {"text": "string", "area": "string"},
    {"train": ("spanish_legal/train.jsonl", "d970e266deaa11a25787fd4cdf85a4af775ea2a74b95cb133a93b13e424205bd")},
    FullSource(note="bundled in both profiles (curriculum: same bundled file)")))
register(DatasetSpec(
    "es_de_pairs", "Spanish-German sentence pairs", ("04-8",),
    {"es": "string", "de": "string"},
    {"train": ("es_de_pairs/train.jsonl", "982afb17af41c430814ae463af291fdc5b594c1e4e32d3c7f333acceb4dbce5a"),
     "test": ("es_de_pairs/test.jsonl", "9a70c32c1e9c56a1faa7adaaced484d233f8b329463fcfc341666fc4f8aae087")},
    FullSource(hub_id="Helsinki-NLP/tatoeba_mt", config="deu-spa", revision="refs/convert/parquet",
               splits={"train": "validation", "test": "test"}, rename={"sourceString": "de", "targetString": "es"},
               note="Tatoeba test set (deu-spa); Parquet conversion, not checked from this offline machine.")))

# Module 05 evaluation (written by tools/make_eval_data.py)
register(DatasetSpec(
    "emotions", "short first-person sentences labelled with one of six emotions", ("05-5",),
    {"text": "string", "label": "class"},
    {"train": ("emotions/train.jsonl", "56d8fdf24f365e3c1e85c03fa712b387daa01b4f8f8f4d3fa05659f4be733399"),
     "test": ("emotions/test.jsonl", "7dbce58758002bb6650b82a7340acf6fcada60a4d2ed43eed1fec6e158f6d82b")},
    FullSource(hub_id="dair-ai/emotion", config="split", splits={"train": "train", "test": "test"},
               note="same columns and label order; not checked from this offline machine"),
    label_names=("sadness", "joy", "love", "anger", "fear", "surprise")))
register(DatasetSpec(
    "summaries", "news-style documents in English, Spanish and Turkish with reference summaries", ("05-6",),
    {"lang": "string", "document": "string", "summary": "string"},
    {"test": ("summaries/test.jsonl", "c4f2fa00fdd691c569c6b2e46a2ddce4c5d002f3a258e0cd3894a2f4b5ab360a")},
    FullSource(note="bundled in both profiles (curriculum: bundled benchmark)")))
register(DatasetSpec(
    "generations", "restaurant records with two reference descriptions and two systems' outputs", ("05-7",),
    {"data": "string", "references": "list[str]", "system_a": "string", "system_b": "string"},
    {"test": ("generations/test.jsonl", "63883286bf95f16cabda361ad6113e099939ff6c6cb63cc4ae7a23ec3029fd54")},
    FullSource(note="bundled in both profiles (curriculum: bundled benchmark)")))
register(DatasetSpec(
    "qa_contexts", "questions over short contexts, some unanswerable (answers = [])", ("05-8",),
    {"id": "string", "context": "string", "question": "string", "answers": "list[str]"},
    {"test": ("qa_contexts/test.jsonl", "d556d1e00ac9173752e64ba9f60106c3de5cb0eb398833ac08f66df86193e49d")},
    FullSource(hub_id="rajpurkar/squad_v2", splits={"test": "validation"},
               note="on the hub, answers is a dict {'text': [...], 'answer_start': [...]}: the lab reads "
                    "answers['text']; not checked from this offline machine")))

# Module 05 apps (written by tools/make_chat_data.py): trains the tiny Qwen2 chat stand-in
register(DatasetSpec(
    "chat", "short dialogues (turns alternate user, assistant) about the course topics, with Python code replies",
    ("05-1", "05-2", "05-3"),
    {"id": "int", "topic": "string", "turns": "list[str]", "text": "string"},
    {"train": ("chat/train.jsonl", "ccafde9f3455ed4bc624c273a6b4e7d78bd0a1b96e4887d6c86b73862a0c36c1")},
    FullSource(note="bundled in both profiles; only the tiny stand-in trains on it (the full profile uses the real "
                    "instruct model)")))

# Use cases: classification (written by tools/make_nli_data.py): trains the facebook/bart-large-mnli stand-in
register(DatasetSpec(
    "nli", "premise / hypothesis pairs labelled contradiction / neutral / entailment (topics and sentiment)",
    ("classification-bart-infer-vertex", "03-6"),
    {"premise": "string", "hypothesis": "string", "label": "class", "topic": "string"},
    {"train": ("nli/train.jsonl", "60629a7ef3d1f50ea7cf0a677e8ec027b07baeb931b36d1faa11768c368fa0eb"),
     "test": ("nli/test.jsonl", "a4f4a0b220d75f06ebb0ba340dca7fcaea1ad1b0480c56597e5e201e424f5277")},
    FullSource(note="bundled in both profiles; only the tiny stand-in trains on it (the full profile serves the "
                    "real bart-large-mnli, trained on MultiNLI, nyu-mll/multi_nli, whose label ids run "
                    "entailment=0 .. contradiction=2, the reverse of this set: map labels by name)"),
    label_names=("contradiction", "neutral", "entailment")))

# Use cases: summarization and translation (written by tools/make_news_data.py and tools/make_tr_en_data.py)
register(DatasetSpec(
    "news_highlights", "English news stories with two or three highlight lines (joined by newlines)",
    ("summarization-bart",),
    {"article": "string", "highlights": "string"},
    {"train": ("news_highlights/train.jsonl", "9017c65cf328504936a41f083fada5c8af9af4575ac0967c65eaae2f900a3995"),
     "test": ("news_highlights/test.jsonl", "bbcbe0e4ac8d0f90b249f123c543c4eab2db81d82899338ba30b8940467f7577")},
    FullSource(hub_id="abisee/cnn_dailymail", config="3.0.0", splits={"train": "train", "test": "test"},
               note="Parquet files on the hub (no loading script); columns article, highlights, id")))
register(DatasetSpec(
    "spanish_news", "Spanish news stories with a one-sentence summary", ("summarization-mt5-xlsum-spanish",),
    {"title": "string", "text": "string", "summary": "string"},
    {"train": ("spanish_news/train.jsonl", "a7a3f3aadb4f00eb306b7e5ed09ac89bdd24f09d62b4e6964c206dedaaae30b3"),
     "test": ("spanish_news/test.jsonl", "39a0acfb24b01a8a321fce87f66471c55c7813f7dfd313e02860df8fe214fb09")},
    FullSource(hub_id="csebuetnlp/xlsum", config="spanish", revision="refs/convert/parquet",
               splits={"train": "train", "test": "test"},
               note="the hub repo has a loading script; its Parquet conversion loads without it. Not checked from "
                    "this offline machine.")))
register(DatasetSpec(
    "tr_en_pairs", "Turkish-English sentence pairs (the records of data/dataset_raw_tr_en.txt)",
    ("translation-tr-en-infer", "translation-tr-en-finetuning-vertex", "translation-tr-en-mt5-finetuning",
     "translation-tr-en-t5x"),
    {"tr": "string", "en": "string"},
    {"train": ("tr_en_pairs/train.jsonl", "031e20c6b82c1a669c923daaf8a469e09ca58b2d2ecd7928b4a1ea29988d2319"),
     "test": ("tr_en_pairs/test.jsonl", "d4027555c12faf256b6d763a1c2a5571275fcc682e33c3571e6f8d94b8510f56")},
    FullSource(hub_id="wmt/wmt16", config="tr-en", splits={"train": "train", "test": "test"},
               note="rows are {'translation': {'tr': ..., 'en': ...}}: flatten with "
                    "ds.map(lambda r: r['translation'], remove_columns=['translation'])")))
#: The parallel file the translation use cases and T5X read; its records are tr_en_pairs (train, then test).
TR_EN_RAW = ("dataset_raw_tr_en.txt", "e20b2aa59eae924caf8abefe6d67dfa0ac8d4c37fcba727b9090639d1b9f7cc7")

# ---------------------------------------------------------------------------------------------- files

def data_dir() -> Path:
    """The bundled data folder (``$LABKIT_DATA`` or ``data/`` beside labkit)."""
    from labkit.env import repo_root

    return Path(os.environ.get("LABKIT_DATA") or repo_root() / "data")


def get(name: str) -> DatasetSpec:
    """The registry entry for ``name``; an unknown name lists the known ones."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a dataset name (a str such as 'movie_reviews'), got {type(name).__name__}")
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; known datasets: {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


def _tiny_entry(name: str, split: str) -> tuple[str, str]:
    spec = get(name)
    if not isinstance(split, str):
        raise TypeError(f"split must be a str such as 'train', got {type(split).__name__}")
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
    """The sha256 hex digest of ``file``'s bytes.

    >>> len(sha256(__file__))
    64
    """
    if not isinstance(file, (str, os.PathLike)):      # an int would be read as an open file descriptor
        raise TypeError(f"file must be a path (str or pathlib.Path), got {type(file).__name__} {file!r:.60}")
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


def _profile(profile):
    """``profile``, or the current one when None; anything but a labkit Profile is refused."""
    from labkit.env import Profile, current

    if profile is None:
        return current()
    if not isinstance(profile, Profile):
        raise TypeError(f"profile must be a labkit Profile (labkit.setup() returns one) or None, got "
                        f"{type(profile).__name__} {profile!r:.40}")
    return profile


def verify(name: str, profile=None) -> None:
    """Check that ``name`` can be loaded in ``profile``: bundled files and checksums (tiny)."""
    profile = _profile(profile)
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
             "list[int]": datasets.Sequence(datasets.Value("int64")),
             "list[str]": datasets.Sequence(datasets.Value("string"))}
    feats = {}
    for column, kind in spec.columns.items():
        feats[column] = datasets.ClassLabel(names=list(spec.label_names)) if kind == "class" else types[kind]
    return datasets.Features(feats)


def load(name: str, split: str = "train", profile=None, limit: int | None = None):
    """``datasets.Dataset`` for ``name``/``split``: bundled in tiny, the pinned hub source in full.

    limit: keep the first ``limit`` rows (after a seeded shuffle in full, so it is a sample, not a prefix).
    """
    import datasets

    profile = _profile(profile)
    spec = get(name)
    if not isinstance(split, str):
        raise TypeError(f"split must be a str such as 'train', got {type(split).__name__}")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive int or None, got {limit!r}")
    if profile.tiny:
        rows = read_rows(name, split)
        ds = datasets.Dataset.from_list(rows, features=features(name))
        return ds.select(range(min(limit, len(ds)))) if limit else ds
    return _load_full(spec, split, profile, limit)


def _load_full(spec: DatasetSpec, split: str, profile, limit):
    import datasets

    full = spec.full
    if full.hub_id is None and full.url is None:       # bundled in both profiles
        ds = datasets.Dataset.from_list(read_rows(spec.name, split), features=features(spec.name))
        return ds.select(range(min(limit, len(ds)))) if limit else ds
    if full.hub_id is None:
        raise NotImplementedError(f"dataset {spec.name!r} comes from an archive in the full profile ({full.url}); "
                                  f"{full.note}")
    if split not in full.splits:
        raise ValueError(f"dataset {spec.name!r} has no split {split!r}; splits: {', '.join(full.splits)}")
    if profile.online:
        ds = datasets.load_dataset(full.hub_id, full.config, split=full.splits[split], revision=full.revision)
    else:
        ds = _from_cache_only(full, split)
        if ds is None:
            raise OSError(f"dataset {spec.name!r} needs {full.hub_id} from the Hugging Face Hub, which is "
                          "unreachable, and it is not in your datasets cache. Connect once (it is then cached) or "
                          "use the tiny profile: LABKIT_PROFILE=tiny.")
    if full.rename:
        ds = ds.rename_columns({k: v for k, v in full.rename.items() if k in ds.column_names})
    if limit:
        ds = ds.shuffle(seed=profile.seed).select(range(min(limit, len(ds))))
    return ds


def _from_cache_only(full: FullSource, split: str):
    """The hub dataset from the local datasets cache with every network call switched off, or None if absent.

    Offline mode is forced for the call whatever the environment says, so this never waits on the network.
    """
    import datasets
    import datasets.config
    from huggingface_hub import constants

    saved = (datasets.config.HF_HUB_OFFLINE, datasets.config.HF_DATASETS_OFFLINE, constants.HF_HUB_OFFLINE)
    datasets.config.HF_HUB_OFFLINE = datasets.config.HF_DATASETS_OFFLINE = constants.HF_HUB_OFFLINE = True
    try:
        return datasets.load_dataset(full.hub_id, full.config, split=full.splits[split], revision=full.revision)
    except (OSError, ValueError):           # ConnectionError / DatasetNotFoundError: not cached
        return None
    finally:
        datasets.config.HF_HUB_OFFLINE, datasets.config.HF_DATASETS_OFFLINE, constants.HF_HUB_OFFLINE = saved
