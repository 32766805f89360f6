"""The profile (tiny / full), offline detection, seeding, devices and the banner every lab prints.

The first labkit call of every notebook is :func:`setup`::

    >>> import labkit
    >>> P = labkit.setup(lab="01-1")                      # doctest: +SKIP
    >>> P.name, P.pick(tiny=200, full=25_000)             # doctest: +SKIP
    ('tiny', 200)

``setup`` resolves the profile, switches the Hugging Face libraries to offline mode before they are imported
(tiny profile, or no network), points them at labkit's own cache, seeds Python / NumPy and the frameworks you
name, prepares stand-in models, and prints a banner saying what the lab is about to use.
"""
from __future__ import annotations

import importlib.metadata
import os
import platform
import random
import socket
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

#: Where the course lives on GitHub. Colab badges and the Colab install cell derive from it.
#: A placeholder until the repository is published: change it here and run ``labkit notebooks --fix``.
GITHUB_REPO = "your-github-org/transformers-nlp-labs"
GITHUB_BRANCH = "main"

PROFILES = ("tiny", "full")
DEFAULT_SEED = 42
HUB_HOST = "huggingface.co"

#: Sizes every lab can read from the profile object. Lab-specific values use ``Profile.pick``.
SIZES: dict[str, dict[str, Any]] = {
    "tiny": dict(train_rows=400, eval_rows=100, epochs=3, batch_size=16, seq_len=64, max_steps=60,
                 hidden=64, layers=2, heads=2, vocab_size=2000, corpus_words=30_000),
    "full": dict(train_rows=None, eval_rows=None, epochs=3, batch_size=32, seq_len=256, max_steps=None,
                 hidden=768, layers=12, heads=12, vocab_size=30_000, corpus_words=None),
}

_TRUE = {"1", "true", "yes", "on"}


def repo_root() -> Path:
    """The checkout that holds ``labkit/`` and ``data/`` (labkit is installed editable from it)."""
    return Path(__file__).resolve().parent.parent


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all: a temporary file beside it, then a rename, so a
    reader never sees half a file and an interrupted write leaves the old one. Creates missing parent folders.

    >>> import tempfile
    >>> write_text_atomic(Path(tempfile.mkdtemp()) / "a" / "b.json", "{}").read_text()
    '{}'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def cache_dir() -> Path:
    """labkit's own cache (stand-in models, dataset arrow files): ``$LABKIT_CACHE`` or ``~/.cache/labkit``.

    Never the user's Hugging Face cache, so stand-ins cannot shadow real checkpoints.
    """
    return Path(os.environ.get("LABKIT_CACHE") or Path.home() / ".cache" / "labkit").expanduser()


def _writable_datasets_cache() -> Path:
    """labkit's datasets cache, or a temporary one when it is read-only (a grading sandbox, a shared install).

    ``datasets`` writes Arrow files and lock files even for local JSON, so it needs a folder it can write; the
    hub cache (stand-ins, only read) may stay read-only.
    """
    folder = cache_dir() / "datasets"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    return Path(tempfile.gettempdir()) / f"labkit-datasets-{os.getuid() if hasattr(os, 'getuid') else 'user'}"


# ---------------------------------------------------------------------------------------------- network

_reachable_cache: dict[str, bool] = {}


def hub_reachable(timeout: float = 1.0, host: str = HUB_HOST) -> bool:
    """True when ``host:443`` accepts a TCP connection within ``timeout`` seconds (DNS included).

    Answers ``False`` at once when ``HF_HUB_OFFLINE`` is set. The result is cached per host.

    >>> isinstance(hub_reachable(timeout=0.5), bool)
    True
    """
    if os.environ.get("HF_HUB_OFFLINE", "").lower() in _TRUE:
        return False
    if host in _reachable_cache:
        return _reachable_cache[host]
    result: list[bool] = [False]

    def probe():
        try:
            with socket.create_connection((host, 443), timeout=timeout):
                result[0] = True
        except OSError:
            result[0] = False

    # getaddrinfo ignores the socket timeout, so bound the whole probe with a daemon thread.
    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    _reachable_cache[host] = result[0] and not worker.is_alive()
    return _reachable_cache[host]


# ---------------------------------------------------------------------------------------------- devices

def detect_accelerator() -> str:
    """'cuda', 'tpu', 'mps' or 'cpu', without importing a framework unless one is already imported.

    >>> detect_accelerator() in {"cuda", "tpu", "mps", "cpu"}
    True
    """
    torch = sys.modules.get("torch")
    if torch is not None:
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
    if os.environ.get("COLAB_TPU_ADDR") or os.environ.get("TPU_NAME") or Path("/dev/accel0").exists() \
            or Path("/dev/vfio/0").exists():
        return "tpu"
    if Path("/dev/nvidia0").exists() or Path("/dev/nvidiactl").exists():
        return "cuda"
    if sys.platform == "darwin" and platform.machine() == "arm64":
        return "mps"
    return "cpu"


def in_colab() -> bool:
    """True inside Google Colab."""
    return "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ


# ---------------------------------------------------------------------------------------------- profile

@dataclass(frozen=True)
class Profile:
    """What a lab reads its sizes from. ``P.train_rows`` etc. come from :data:`SIZES`.

    >>> P = Profile("tiny", reason="test", online=False, accelerator="cpu")
    >>> P.tiny, P.batch_size, P.pick(tiny=1, full=2)
    (True, 16, 1)
    """

    name: str
    reason: str = ""
    online: bool = False
    accelerator: str = "cpu"
    seed: int = DEFAULT_SEED
    sizes: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if self.name not in PROFILES:
            raise ValueError(f"profile {self.name!r} is not one of {PROFILES}")
        if not self.sizes:
            object.__setattr__(self, "sizes", dict(SIZES[self.name]))

    def __getattr__(self, key: str):
        sizes = object.__getattribute__(self, "sizes")
        if key in sizes:
            return sizes[key]
        raise AttributeError(f"profile has no size {key!r}; known sizes: {', '.join(sorted(sizes))}")

    @property
    def tiny(self) -> bool:
        return self.name == "tiny"

    @property
    def full(self) -> bool:
        return self.name == "full"

    def pick(self, tiny: Any, full: Any) -> Any:
        """The value for this profile: the one place a lab states its own tiny and full sizes."""
        return tiny if self.tiny else full

    def rows(self, n_available: int, key: str = "train_rows") -> int:
        """How many rows to use out of ``n_available``: the profile's cap, or all of them."""
        cap = self.sizes.get(key)
        return n_available if cap is None else min(cap, n_available)


def resolve_profile(requested: str | None = None, *, online: bool | None = None,
                    accelerator: str | None = None) -> Profile:
    """Decide the profile: the argument, else ``$LABKIT_PROFILE``, else automatic.

    Automatic means full when the hub is reachable and an accelerator is present, tiny otherwise.

    >>> resolve_profile("tiny", online=True, accelerator="cuda").name
    'tiny'
    >>> resolve_profile(None, online=True, accelerator="cpu").reason       # doctest: +SKIP
    'automatic: no accelerator'
    """
    accelerator = accelerator or detect_accelerator()
    source = "argument"
    if requested is None:
        requested = os.environ.get("LABKIT_PROFILE") or None
        source = "LABKIT_PROFILE"
    if requested is not None:
        name = str(requested).strip().lower()
        if name not in PROFILES:
            raise ValueError(f"{source}={requested!r} is not a profile; use one of {', '.join(PROFILES)} "
                             "(or leave it unset to choose automatically)")
        if online is None:
            online = hub_reachable()
        return Profile(name, reason=f"{source}={name}", online=online, accelerator=accelerator)
    if online is None:
        online = hub_reachable()
    if not online:
        return Profile("tiny", reason="automatic: the hub is unreachable", online=False, accelerator=accelerator)
    if accelerator == "cpu":
        return Profile("tiny", reason="automatic: no accelerator", online=True, accelerator=accelerator)
    return Profile("full", reason=f"automatic: online with {accelerator}", online=True, accelerator=accelerator)


# ---------------------------------------------------------------------------------------------- HF config

def configure_huggingface(profile: Profile) -> dict[str, str]:
    """Set the Hugging Face variables for ``profile`` and return what was set.

    Tiny, or no network: offline mode (no retries, failures in milliseconds). Tiny: the hub and datasets
    caches point into labkit's cache, where stand-ins live under the real ids. Libraries imported before
    this call are patched too, since they read these variables at import time.
    """
    env: dict[str, str] = {}
    if profile.tiny or not profile.online:
        env.update(HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    if profile.tiny:
        env.update(HF_HUB_CACHE=str(cache_dir() / "hub"), HF_DATASETS_CACHE=str(_writable_datasets_cache()))
    env.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.update(env)
    offline = env.get("HF_HUB_OFFLINE") == "1"
    hf_constants = sys.modules.get("huggingface_hub.constants")
    if hf_constants is not None:
        if offline:
            hf_constants.HF_HUB_OFFLINE = True
        if "HF_HUB_CACHE" in env:
            hf_constants.HF_HUB_CACHE = env["HF_HUB_CACHE"]
    ds_config = sys.modules.get("datasets.config")
    if ds_config is not None and offline:
        ds_config.HF_HUB_OFFLINE = True
        ds_config.HF_DATASETS_OFFLINE = True
    return env


# ---------------------------------------------------------------------------------------------- seeding

def seed_everything(seed: int = DEFAULT_SEED, frameworks: Iterable[str] = ()) -> int:
    """Seed Python, NumPy and every framework that is imported (or named in ``frameworks``).

    The one place seeds come from: labs call ``labkit.setup`` (which calls this) and never seed by hand.

    >>> seed_everything(0)
    0
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    frameworks = set(frameworks)
    unknown = frameworks - {"tensorflow", "torch", "jax", "keras"}
    if unknown:
        raise ValueError(f"unknown frameworks {sorted(unknown)}; use tensorflow, keras, torch or jax")
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    import numpy as np

    np.random.seed(seed)
    if "torch" in frameworks or "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
    if frameworks & {"tensorflow", "keras"} or "keras" in sys.modules or "tensorflow" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)
    if "jax" in frameworks:
        import jax  # noqa: F401  (JAX has no global seed: labs build keys with jax.random.key(P.seed))
    return seed


# ---------------------------------------------------------------------------------------------- banner

_BANNER_PACKAGES = ("numpy", "tensorflow", "keras", "keras-hub", "torch", "transformers", "datasets", "tokenizers")


def versions(packages: Iterable[str] = _BANNER_PACKAGES) -> dict[str, str]:
    """Installed versions (without importing anything): ``{"numpy": "2.1.3", ...}``; missing ones omitted."""
    found = {}
    for name in packages:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return found


def banner(profile: Profile, lab: str | None = None, standins: Iterable[str] = ()) -> str:
    """The text ``setup`` prints: lab, profile and why, network, device, seed, versions, stand-ins."""
    from labkit import __version__

    title = ""
    if lab:
        from labkit.labs import find

        entry = find(lab)
        title = f"lab {entry.id} {entry.title} | "
    lines = [
        f"labkit {__version__} | {title}profile {profile.name} ({profile.reason}) | "
        f"{'online' if profile.online else 'offline'} | device {profile.accelerator} | seed {profile.seed}",
        "python " + platform.python_version() + " | "
        + " | ".join(f"{k} {v}" for k, v in versions().items()),
    ]
    lines.extend(standins)
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- setup

_last_profile: Profile | None = None


def current() -> Profile:
    """The profile of the last :func:`setup` call (resolving one without side effects if none was made)."""
    return _last_profile or resolve_profile()


def setup(lab: str | None = None, *, models: Iterable[str] = (), datasets: Iterable[str] = (),
          frameworks: Iterable[str] = (), seed: int = DEFAULT_SEED, profile: str | None = None,
          quiet: bool = False) -> Profile:
    """Prepare a lab: the first labkit call of every notebook. Returns the :class:`Profile`.

    lab:        the lab id (``"01-1"``) for the banner.
    models:     hub ids the lab loads; in the tiny profile their stand-ins are built (once) and announced.
    datasets:   registry names the lab loads; bundled files are checked against their sha256.
    frameworks: frameworks to import and seed now (``"tensorflow"``, ``"torch"``, ``"jax"``).

    >>> P = setup("01-1", profile="tiny", quiet=True)      # doctest: +SKIP
    """
    global _last_profile
    if isinstance(models, str) or isinstance(datasets, str) or isinstance(frameworks, str):
        raise TypeError("models, datasets and frameworks take a list of names, e.g. models=['google-t5/t5-small']")
    resolved = resolve_profile(profile)
    resolved = Profile(resolved.name, resolved.reason, resolved.online, resolved.accelerator, seed)
    configure_huggingface(resolved)
    from labkit import data, hub

    standin_lines = hub.prepare(list(models), resolved)
    for name in datasets:
        data.verify(name, resolved)
    seed_everything(seed, frameworks)
    _last_profile = resolved
    if not quiet:
        print(banner(resolved, lab, standin_lines))
    return resolved
