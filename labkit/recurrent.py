"""Text classifiers shared by labs 02-3 and 03-1: reading a folder-per-class dataset, the three 02-3 models
(dense bag of words, LSTM, bidirectional LSTM), fitting with a clock, and the comparison file 03-1 reads.

Lab 02-3 shows this source and walks through it; lab 03-1 reuses it to put its Conv1D model in the same table::

    >>> from labkit import recurrent
    >>> recurrent.MODEL_KINDS
    ('dense_bow', 'lstm', 'bilstm')
    >>> train = recurrent.class_folder_dataset("build/questions/train", batch_size=32)    # doctest: +SKIP

Keras and TensorFlow are imported inside the functions, so ``import labkit.recurrent`` stays instant.
"""
from __future__ import annotations

import json
import math
import os
import statistics
import time
from pathlib import Path
from typing import Any

from labkit.checks import int_in_range

#: The models of lab 02-3, by name: what :func:`build_classifier` accepts.
MODEL_KINDS = ("dense_bow", "lstm", "bilstm")
#: Which TextVectorization output each model reads: word counts for the dense model, token ids for the others.
INPUT_MODES = {"dense_bow": "multi_hot", "lstm": "int", "bilstm": "int"}
#: The largest model :func:`build_classifier` builds (4 GB of float32 weights): a bigger one is a typo.
MAX_PARAMETERS = 10**9


def _check_path(value, name: str) -> Path:
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise TypeError(f"{name} must be a folder or file path (a non-empty str or pathlib.Path), got {value!r:.60}")
    return Path(value)


# ---------------------------------------------------------------------------------------------- data

def check_class_folders(root: str | os.PathLike) -> list[str]:
    """The class names of a folder-per-class text dataset at ``root``, after checking it can be read.

    Raises ``ValueError`` naming the folder when ``root`` does not exist, holds no class folders, or one of
    its class folders holds no files (``text_dataset_from_directory`` would otherwise silently drop the class,
    shift every later label, or fail with a message that does not name the folder).

    >>> check_class_folders(write_class_folders(rows, ["csharp", "java"], tmp))     # doctest: +SKIP
    ['csharp', 'java']
    """
    root = _check_path(root, "root")
    if not root.is_dir():
        raise ValueError(f"dataset folder {root} does not exist (or is not a folder); expected one sub-folder "
                         f"per class, e.g. {root / 'python' / '0.txt'}")
    classes = sorted(child.name for child in root.iterdir() if child.is_dir() and not child.name.startswith("."))
    if not classes:
        raise ValueError(f"dataset folder {root} is empty: it has no class sub-folders; expected one folder per "
                         "class holding .txt files (labkit.text.write_class_folders writes this layout)")
    empty = [name for name in classes if not any(f.is_file() for f in (root / name).iterdir())]
    if empty:
        raise ValueError(f"class folder(s) {', '.join(str(root / name) for name in empty)} hold no files; every "
                         "class needs at least one example, or its label would disappear")
    return classes


def class_folder_dataset(root: str | os.PathLike, *, batch_size: int = 32, seed: int = 42,
                         validation_split: float | None = None, subset: str | None = None, shuffle: bool = True):
    """``keras.utils.text_dataset_from_directory`` after :func:`check_class_folders`: ``(text, label)`` batches.

    With ``validation_split`` and ``subset="training"`` / ``"validation"``, the same ``seed`` gives two disjoint
    parts of the folder. The class names are on the result as ``class_names``.

    >>> train = class_folder_dataset(root, batch_size=32, validation_split=0.2, subset="training")   # doctest: +SKIP
    """
    check_class_folders(root)
    if batch_size is not None and (isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size must be a positive int (or None for no batching), got {batch_size!r:.40}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"seed must be a non-negative int, got {seed!r:.40}")
    if validation_split is not None and (isinstance(validation_split, bool)
                                         or not isinstance(validation_split, (int, float))
                                         or not 0 < validation_split < 1):
        raise ValueError(f"validation_split must be a fraction strictly between 0 and 1, got {validation_split!r:.40}")
    if subset not in (None, "training", "validation", "both") or (subset is None) != (validation_split is None):
        raise ValueError(f"subset must be 'training', 'validation' or 'both' together with a validation_split (and "
                         f"None without one), got subset={subset!r:.40}, validation_split={validation_split!r:.40}")
    import keras

    return keras.utils.text_dataset_from_directory(str(root), batch_size=batch_size, seed=seed, shuffle=shuffle,
                                                   validation_split=validation_split, subset=subset, verbose=False)


def question_folders(workdir: str | os.PathLike, profile=None) -> tuple[Path, Path]:
    """The ``train`` and ``test`` folder-per-class trees of the ``programming_questions`` dataset (lab 01-3's).

    Tiny profile: the bundled rows (checksummed) written under ``workdir`` with ``labkit.text.write_class_folders``.
    Full profile: the Stack Overflow archive of the registry, downloaded once and extracted by Keras.

    >>> train_root, test_root = question_folders(tempfile.mkdtemp())       # doctest: +SKIP
    """
    from labkit import data
    from labkit.text import write_class_folders

    profile = data._profile(profile)
    spec = data.get("programming_questions")
    if profile.tiny:
        workdir = _check_path(workdir, "workdir")
        return tuple(write_class_folders(data.read_rows(spec.name, split), spec.label_names, workdir / split)
                     for split in ("train", "test"))
    if not profile.online:
        # Keras would try the download and fail with a bare "URL fetch failure": say what is missing instead.
        keras_datasets = Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser() / "datasets"
        name = spec.full.url.rsplit("/", 1)[-1]
        if not (keras_datasets / (name + "_archive")).is_file() and not (keras_datasets / name).is_dir():
            raise OSError(f"dataset {spec.name!r} needs {spec.full.url}, and the network is unreachable; it is not "
                          f"in the Keras cache ({keras_datasets}). Connect once (Keras then keeps it there) or use "
                          "the tiny profile: LABKIT_PROFILE=tiny.")
    import keras

    extracted = Path(keras.utils.get_file(origin=spec.full.url, extract=True, file_hash=spec.full.sha256,
                                          cache_subdir="datasets"))
    train_root = next((p for p in [extracted / "train", *extracted.rglob("train")] if p.is_dir()), None)
    if train_root is None:
        raise ValueError(f"no train/ folder inside the extracted archive {extracted}; expected train/ and test/")
    return train_root, train_root.parent / "test"


# ---------------------------------------------------------------------------------------------- models

def build_classifier(kind: str, *, vocab_size: int, num_classes: int, seq_len: int | None = None,
                     embed_dim: int = 32, units: int = 32, dropout: float = 0.3):
    """One of the 02-3 classifiers over vectorised text (see :data:`INPUT_MODES` for the input each expects).

    - ``dense_bow``: multi-hot word vector -> Dense(units, relu) -> Dropout -> softmax.
    - ``lstm``: token ids -> Embedding (0 = padding, masked) -> LSTM(units) -> Dropout -> softmax.
    - ``bilstm``: the same with ``Bidirectional(LSTM(units))``: a forward and a backward reader.

    >>> model = build_classifier("lstm", vocab_size=2000, num_classes=4, seq_len=64)        # doctest: +SKIP
    """
    if kind not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {kind!r}; use one of {', '.join(MODEL_KINDS)}")
    for name, value in (("vocab_size", vocab_size), ("num_classes", num_classes), ("embed_dim", embed_dim),
                        ("units", units)):
        int_in_range(value, name)
    if num_classes < 2:
        raise ValueError(f"num_classes must be at least 2, got {num_classes}")
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"dropout must be a fraction in [0, 1), got {dropout!r:.40}")
    if kind != "dense_bow" and (isinstance(seq_len, bool) or not isinstance(seq_len, int) or seq_len < 1):
        raise ValueError(f"a {kind} model reads sequences: seq_len must be a positive int, got {seq_len!r}")
    width = units * (2 if kind == "bilstm" else 1)
    parameters = (vocab_size * units if kind == "dense_bow"
                  else vocab_size * embed_dim + 4 * width * (embed_dim + units + 1)) + width * num_classes
    if parameters > MAX_PARAMETERS:
        raise ValueError(f"vocab_size={vocab_size}, embed_dim={embed_dim}, units={units} and num_classes={num_classes} "
                         f"make about {parameters:,} parameters, more than {MAX_PARAMETERS:,}; use smaller sizes")
    import keras

    head = [keras.layers.Dropout(dropout), keras.layers.Dense(num_classes, activation="softmax")]
    if kind == "dense_bow":
        return keras.Sequential([keras.Input((vocab_size,)), keras.layers.Dense(units, activation="relu"), *head],
                                name=kind)
    recurrent = keras.layers.LSTM(units)
    if kind == "bilstm":
        recurrent = keras.layers.Bidirectional(recurrent)
    return keras.Sequential([keras.Input((seq_len,), dtype="int64"),
                             keras.layers.Embedding(vocab_size, embed_dim, mask_zero=True), recurrent, *head],
                            name=kind)


def fit_and_measure(model, train, validation, test, *, epochs: int, learning_rate: float = 1e-2,
                    verbose: int = 0) -> dict[str, Any]:
    """Compile, fit and evaluate ``model``; return held-out accuracy, parameters and seconds per epoch.

    Seconds per epoch is the median over epochs after the first (the first also traces and compiles the graph);
    with a single epoch it is that epoch. ``history`` holds the Keras history dict.

    >>> row = fit_and_measure(model, train_ds, val_ds, test_ds, epochs=5)     # doctest: +SKIP
    >>> sorted(row)                                                              # doctest: +SKIP
    ['accuracy', 'history', 'parameters', 'seconds_per_epoch']
    """
    epochs = int_in_range(epochs, "epochs")
    if not all(callable(getattr(model, method, None)) for method in ("compile", "fit", "evaluate", "count_params")):
        raise TypeError(f"model must be a Keras model (build_classifier returns one), got {type(model).__name__}")
    import keras

    seconds: list[float] = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            seconds.append(time.perf_counter() - self.start)

    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train, validation_data=validation, epochs=epochs, callbacks=[Clock()], verbose=verbose,
                        shuffle=False)      # tf.data pipelines shuffle themselves
    _, accuracy = model.evaluate(test, verbose=0)
    timed = seconds[1:] or seconds
    return {"accuracy": float(accuracy), "parameters": int(model.count_params()),
            "seconds_per_epoch": float(statistics.median(timed)), "history": history.history}


# ---------------------------------------------------------------------------------------------- results file

def comparison_path() -> Path:
    """Where 02-3 writes its comparison table for 03-1: ``build/02-3-text-classifiers.json`` in the checkout."""
    from labkit.env import repo_root

    return repo_root() / "build" / "02-3-text-classifiers.json"


def save_comparison(rows: dict[str, dict[str, Any]], profile_name: str, path: str | os.PathLike | None = None) -> Path:
    """Write ``{model name: {accuracy, parameters, seconds_per_epoch}}`` with the profile it was measured in."""
    path = _check_path(path, "path") if path is not None else comparison_path()
    if not isinstance(profile_name, str):
        raise TypeError(f"profile_name must be a str such as 'tiny', got {type(profile_name).__name__}")
    keep = ("accuracy", "parameters", "seconds_per_epoch")
    if not isinstance(rows, dict):
        raise TypeError(f"rows must be a dict of model name -> result of fit_and_measure, got {type(rows).__name__}")
    for name, row in rows.items():
        if not isinstance(name, str) or not isinstance(row, dict) or not set(keep) <= set(row) or not all(
                isinstance(row[key], (int, float)) and not isinstance(row[key], bool) and math.isfinite(row[key])
                for key in keep):
            raise ValueError(f"rows[{name!r:.30}] must be a dict with finite numbers under {', '.join(keep)} "
                             f"(what fit_and_measure returns), got {row!r:.60}")
    table = {name: {key: row[key] for key in keep} for name, row in rows.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"profile": profile_name, "models": table}, indent=2) + "\n", encoding="utf-8")
    return path


def load_comparison(profile_name: str, path: str | os.PathLike | None = None) -> dict[str, dict[str, Any]] | None:
    """The table :func:`save_comparison` wrote in the same profile, or ``None`` (absent, unreadable, other profile).

    >>> load_comparison("tiny", "/nonexistent.json") is None
    True
    """
    path = _check_path(path, "path") if path is not None else comparison_path()
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("profile") != profile_name or not isinstance(saved.get("models"), dict):
        return None
    if set(saved["models"]) != set(MODEL_KINDS):
        return None
    return saved["models"]
