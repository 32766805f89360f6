"""Full profile, network unreachable: every loader path fails at once, naming what it needed and how to get it.

The network is cut inside the test process (every socket connection and name lookup fails at once), the full
profile is forced with ``LABKIT_PROFILE=full``, and every cache a loader could read (Hugging Face hub and
datasets, kagglehub, tiktoken, Keras) is an empty temporary folder, so nothing the machine happens to have
cached can make a test pass.
"""
from __future__ import annotations

import errno
import json
import socket
import time
from pathlib import Path

import pytest

import labkit
from labkit import data, env, hub, recurrent

MINILM = "sentence-transformers/all-MiniLM-L6-v2"


@pytest.fixture
def offline_full(monkeypatch, tmp_path):
    """LABKIT_PROFILE=full, no network, empty caches; returns the list of attempted connections."""
    import datasets.config
    import huggingface_hub.constants
    import tiktoken  # noqa: F401  (imported now: the timings below measure labkit, not first imports)

    attempts: list = []

    def unreachable(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError(errno.ENETUNREACH, "Network is unreachable (cut by the test)")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    monkeypatch.setattr(socket, "getaddrinfo", unreachable)
    monkeypatch.setattr(socket.socket, "connect", unreachable)
    monkeypatch.setattr(socket.socket, "connect_ex", unreachable)

    monkeypatch.setenv("LABKIT_PROFILE", "full")
    monkeypatch.setenv("LABKIT_CACHE", str(tmp_path / "labkit"))
    for name, folder in (("HF_HUB_CACHE", "hf-hub"), ("HF_DATASETS_CACHE", "hf-datasets"),
                         ("KAGGLEHUB_CACHE", "kagglehub"), ("TIKTOKEN_CACHE_DIR", "tiktoken"),
                         ("KERAS_HOME", "keras")):
        monkeypatch.setenv(name, str(tmp_path / folder))
    # setup() writes these into os.environ and the libraries' constants: register them so they are restored.
    for name in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY",
                 "TOKENIZERS_PARALLELISM", "PYTHONHASHSEED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-hub"))
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", False)
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf-datasets")
    monkeypatch.setattr(env, "_reachable_cache", {})           # probe the (cut) network afresh
    monkeypatch.setattr(env, "_last_profile", None)
    return attempts


def _setup(**kwargs):
    profile = labkit.setup(quiet=True, **kwargs)
    assert (profile.name, profile.online) == ("full", False), profile
    return profile


# Each path: what a lab calls, the exception, and the words the message must hold (what is missing, how to get it).
PATHS = {
    "dataset": (lambda tmp: (_setup(datasets=["movie_reviews"]), data.load("movie_reviews", "train")),
                OSError, ["'movie_reviews'", "stanfordnlp/imdb", "Connect once", "LABKIT_PROFILE=tiny"]),
    "dataset archive": (lambda tmp: (_setup(), recurrent.question_folders(tmp / "questions")),
                        OSError, ["'programming_questions'", "stack_overflow_16k.tar.gz", "Connect once",
                                  "LABKIT_PROFILE=tiny"]),
    "model": (lambda tmp: _setup(models=["google-t5/t5-small"]),
              hub.OfflineModelError, ["google-t5/t5-small", "Hugging Face Hub", "Connect", "LABKIT_PROFILE=tiny"]),
    "tiktoken encoding": (lambda tmp: (_setup(), hub.tiktoken_encoding("o200k_base")),
                          hub.OfflineModelError, ["'o200k_base'", "network is unreachable", "cl100k_base",
                                                  "LABKIT_PROFILE=full"]),
    "keras-hub preset": (lambda tmp: (_setup(), hub.keras_preset("bert_tiny_en_uncased")),
                         hub.OfflineModelError, ["'bert_tiny_en_uncased'", "Kaggle", "network is unreachable",
                                                 "LABKIT_PROFILE=full", f"'hf://{MINILM}'"]),
}


@pytest.mark.parametrize("path", list(PATHS))
def test_every_loader_path_fails_within_2_s_naming_what_is_missing(offline_full, tmp_path, path):
    call, error, words = PATHS[path]
    start = time.perf_counter()
    with pytest.raises(error) as info:
        call(tmp_path)
    seconds = time.perf_counter() - start
    assert seconds < 2.0, f"{path}: failed after {seconds:.2f} s"
    message = str(info.value)
    missing = [w for w in words if w not in message]
    assert not missing, f"{path}: message lacks {missing}: {message}"
    # one probe of the hub by the profile resolution at most; never a download attempt or a retry
    assert len(offline_full) <= 1, offline_full


# ---------------------------------------------------------------------------------------------- keras-hub presets

@pytest.mark.parametrize("preset", ["bert_tiny_en_uncased", "kaggle://keras/bert/keras/bert_tiny_en_uncased/3",
                                    "hf://google-bert/bert-base-uncased"])
def test_keras_preset_full_offline_fails_fast_naming_the_preset(offline_full, preset):
    profile = _setup()
    start = time.perf_counter()
    with pytest.raises(hub.OfflineModelError) as info:
        hub.keras_preset(preset)
    assert time.perf_counter() - start < 2.0
    message = str(info.value)
    assert f"keras-hub preset {preset!r}" in message
    assert "unreachable" in message and "LABKIT_PROFILE=" in message
    assert len(offline_full) <= 1                              # the profile probe only
    assert profile.full


def test_keras_preset_offline_uses_a_copy_already_cached(offline_full, tmp_path):
    _setup()
    kaggle = tmp_path / "kagglehub" / "models" / "keras" / "bert" / "keras" / "bert_tiny_en_uncased"
    for version in ("2", "3"):
        (kaggle / version).mkdir(parents=True)
        (kaggle / version / "config.json").write_text("{}")
    (kaggle / "4").mkdir()                                     # an interrupted download: no config.json
    assert hub.keras_preset("bert_tiny_en_uncased") == str(kaggle / "3")
    assert hub.keras_preset("kaggle://keras/bert/keras/bert_tiny_en_uncased/2") == str(kaggle / "2")
    snapshot = tmp_path / "hf-hub" / "models--google-bert--bert-base-uncased" / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "config.json").write_text(json.dumps({"model_type": "bert"}))
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text("a" * 40)
    assert hub.keras_preset("hf://google-bert/bert-base-uncased") == "hf://google-bert/bert-base-uncased"
    assert hub.keras_preset(str(kaggle / "2")) == str(kaggle / "2")        # a local folder is used as is


def test_keras_preset_online_full_passes_the_preset_through(monkeypatch, tmp_path):
    monkeypatch.setenv("KAGGLEHUB_CACHE", str(tmp_path))
    full = env.Profile("full", online=True, accelerator="cuda")
    assert hub.keras_preset("bert_tiny_en_uncased", full) == "bert_tiny_en_uncased"     # keras-hub downloads it
    assert hub.keras_preset(f"hf://{MINILM}", full) == f"hf://{MINILM}"


def test_keras_preset_tiny_serves_the_stand_in_folder(tiny_world, monkeypatch, tmp_path):
    folder = hub.keras_preset(f"hf://{MINILM}")
    assert folder == str(hub.cached_snapshot(MINILM)) and folder.startswith(str(tiny_world["cache"] / "hub"))
    assert (Path(folder) / "config.json").is_file() and (Path(folder) / "model.safetensors").exists()
    with pytest.raises(hub.UnknownModelError, match="'someone/unknown' is not in labkit's model registry"):
        hub.keras_preset("hf://someone/unknown")
    monkeypatch.setenv("KAGGLEHUB_CACHE", str(tmp_path / "empty-kagglehub"))
    with pytest.raises(hub.OfflineModelError, match="'bert_tiny_en_uncased'.*the tiny profile never downloads"):
        hub.keras_preset("bert_tiny_en_uncased")


@pytest.mark.parametrize("preset, error, message", [
    (None, TypeError, "preset must be a string"),
    (["bert_tiny_en_uncased"], TypeError, "preset must be a string"),
    ("google-bert/bert-base-uncased", ValueError, "write 'hf://google-bert/bert-base-uncased'"),
    ("s3://bucket/model", ValueError, "preset 's3://bucket/model' is not a folder"),
    ("kaggle://keras/bert", ValueError, "not a Kaggle handle"),
])
def test_keras_preset_bad_input(preset, error, message):
    with pytest.raises(error, match=message):
        hub.keras_preset(preset, env.Profile("full", online=False))
