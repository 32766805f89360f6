"""labkit: the small helper package shared by the Transformers and NLP labs.

``import labkit`` is instant: it imports no deep-learning framework. Submodules load on first use::

    >>> import labkit
    >>> P = labkit.setup(lab="01-1")          # profile, offline mode, seeds, banner  # doctest: +SKIP
    >>> labkit.data.load("movie_reviews", split="train")                              # doctest: +SKIP
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "env", "hub", "data", "labs", "cli", "runner", "nbtools", "plots",
    "tokenizers", "search", "text", "attention", "positional", "training", "metrics",
    "llm", "apps", "vertex", "exercises", "recurrent", "standins", "zeroshot", "perf", "seq2seq", "mlm", "checks",
}


def setup(*args, **kwargs):
    """Resolve the profile, configure offline mode, seed, prepare stand-ins and print the banner.

    See :func:`labkit.env.setup`.
    """
    from labkit.env import setup as _setup

    return _setup(*args, **kwargs)


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"labkit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'labkit' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_SUBMODULES))
