"""Vector search for the labs: exact search in NumPy, a ScaNN index with defaults sized to the collection, recall@k.

    >>> import numpy as np
    >>> from labkit.search import exact_search, recall_at_k
    >>> docs = np.eye(4, dtype=np.float32); queries = docs[:2] + 0.1
    >>> exact_search(docs, queries, k=1)[0].tolist()
    [[0], [1]]
    >>> recall_at_k([[0, 1]], [[1, 2]])
    0.5

ScaNN (https://github.com/google-research/google-research/tree/master/scann) answers a query in three stages:
**partitioning** (k-means splits the collection into ``num_leaves`` leaves; a query only visits the
``leaves_to_search`` closest ones), **asymmetric hashing** (vectors in the visited leaves are scored from compact
product-quantised codes, with the query kept exact), and **re-ranking** (the best ``reorder`` candidates are
rescored exactly). :func:`scann_defaults` picks those numbers from the collection size; see its docstring.

ScaNN is imported through its pybind module with TensorFlow hidden, so it never loads its TensorFlow op library:
nothing here needs TensorFlow, and a student's newer TensorFlow (which breaks ``scann``'s op) cannot interfere.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from labkit.checks import int_in_range, real_array

METRICS = ("dot_product", "squared_l2")
#: Below this many vectors partitioning and quantisation have too little data to train on (a leaf needs tens of
#: points, a product-quantisation codebook 16 per block), so ScaNN is asked for brute-force scoring instead.
BRUTE_FORCE_BELOW = 2_000
#: The most values one array built here may hold (1 GB of float32).
MAX_VALUES = 2**28


def _as_matrix(name: str, array, dim: int | None = None) -> np.ndarray:
    matrix = real_array(array, name, dtype=np.float32, finite=False)
    if matrix.ndim == 1 and name == "queries":
        matrix = matrix[None, :]
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array (rows x dimensions), got shape {matrix.shape}")
    if dim is not None and matrix.shape[1] != dim:
        raise ValueError(f"{name} have dimension {matrix.shape[1]}, but the collection's vectors have dimension "
                         f"{dim} (database); embed them with the same model")
    if not np.isfinite(matrix).all():
        raise ValueError(f"{name} contain NaN or infinite values")
    return np.ascontiguousarray(matrix)


def _check_k(k, n: int) -> int:
    k = int_in_range(k, "k")
    if k > n:
        raise ValueError(f"k={k} is larger than the collection ({n} vectors); ask for at most {n} neighbours "
                         "(or put more vectors in the database)")
    return int(k)


def _check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    return metric


def normalize(vectors) -> np.ndarray:
    """Rows scaled to unit length (float32), so the dot product is the cosine similarity.

    >>> normalize([[3.0, 4.0]]).tolist()
    [[0.6000000238418579, 0.800000011920929]]
    """
    matrix = real_array(vectors, "vectors", dtype=np.float32, finite=False)
    if matrix.ndim == 0 or matrix.shape[-1] == 0 or not np.isfinite(matrix).all():
        raise ValueError(f"vectors must be finite (no NaN or inf) with shape (..., dimensions), got shape "
                         f"{matrix.shape}")
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.maximum(norms, 1e-12)


def exact_search(database, queries, k: int = 10, metric: str = "dot_product", batch_size: int = 1024):
    """Brute force: score every vector for every query; returns ``(indices, scores)``, best first.

    Scores are dot products (higher is better) or squared L2 distances (lower is better).
    """
    _check_metric(metric)
    database = _as_matrix("database", database)
    queries = _as_matrix("queries", queries, database.shape[1])
    k = _check_k(k, database.shape[0])
    batch_size = int_in_range(batch_size, "batch_size")
    sign = 1.0 if metric == "dot_product" else -1.0
    squared_norms = (database * database).sum(axis=1) if metric == "squared_l2" else None
    all_indices, all_scores = [], []
    for start in range(0, len(queries), batch_size):
        batch = queries[start: start + batch_size]
        scores = batch @ database.T
        if metric == "squared_l2":
            scores = (batch * batch).sum(axis=1, keepdims=True) - 2 * scores + squared_norms
        keyed = sign * scores
        top = np.argpartition(-keyed, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(keyed, top, axis=1), axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        all_indices.append(top)
        all_scores.append(np.take_along_axis(scores, top, axis=1))
    return np.concatenate(all_indices), np.concatenate(all_scores)


def recall_at_k(approximate, exact, k: int | None = None) -> float:
    """Mean fraction of the exact top-k neighbours that the approximate search also returned.

    >>> recall_at_k([[1, 2, 3]], [[3, 2, 9]])
    0.6666666666666666
    """
    try:
        approximate, exact = np.asarray(approximate), np.asarray(exact)
    except ValueError:
        raise ValueError("approximate and exact must be rectangular (queries x k) arrays of ids; one is ragged") \
            from None
    if approximate.ndim != 2 or exact.ndim != 2 or approximate.shape[0] != exact.shape[0] or not exact.size \
            or not approximate.size:
        raise ValueError(f"recall_at_k needs two non-empty (queries x k) arrays, approximate and exact, with the same "
                         f"number of rows, got {approximate.shape} and {exact.shape}")
    k = exact.shape[1] if k is None else int_in_range(k, "k")
    if k > exact.shape[1] or k > approximate.shape[1]:
        raise ValueError(f"k={k} is more than the neighbours given ({approximate.shape[1]} and {exact.shape[1]})")
    hits = [len(set(a[:k].tolist()) & set(e[:k].tolist())) for a, e in zip(approximate, exact)]
    return float(np.mean(hits) / k)


def scann_defaults(n: int, k: int = 10) -> dict:
    """ScaNN settings for a collection of ``n`` vectors (the rules the labs use, written down).

    - ``n < BRUTE_FORCE_BELOW`` (2,000): brute force inside ScaNN. A tree would have leaves of a few dozen
      points and the quantiser too little data; exact scoring of 2,000 vectors is cheap anyway.
    - otherwise: ``num_leaves ~ sqrt(n)`` (so a leaf holds about sqrt(n) vectors and both the centroid scan
      and the leaf scan cost about sqrt(n)), ``leaves_to_search`` = 5% of the leaves but at least 8;
      asymmetric hashing with 2 dimensions per block (anisotropic loss for dot product); re-ranking of the
      best ``max(100, 10 k)`` candidates with exact scores.

    >>> scann_defaults(100_000)["num_leaves"], scann_defaults(100_000)["leaves_to_search"]
    (316, 16)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive number of vectors, got {n!r}")
    k = int_in_range(k, "k")
    reorder = min(int(n), max(100, 10 * k))
    if n < BRUTE_FORCE_BELOW:
        return {"mode": "brute_force", "reorder": None}
    num_leaves = int(round(math.sqrt(n)))
    return {"mode": "tree_ah", "num_leaves": num_leaves, "leaves_to_search": max(8, math.ceil(0.05 * num_leaves)),
            "training_sample_size": int(min(n, 250_000)), "dimensions_per_block": 2, "reorder": reorder}


def _import_scann_pybind():
    """``scann.scann_ops_pybind`` without loading TensorFlow or ScaNN's TensorFlow op."""
    if "scann" in sys.modules:
        return sys.modules["scann"].scann_ops_pybind
    hidden = {name: sys.modules.get(name) for name in ("tensorflow",)}
    sys.modules["tensorflow"] = None            # makes `import tensorflow` inside scann raise ModuleNotFoundError
    try:
        import scann
    finally:
        for name, module in hidden.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    return scann.scann_ops_pybind


@dataclass
class ScannIndex:
    """A built ScaNN searcher plus what it was built with. ``search`` checks its input like ``exact_search``."""

    searcher: object
    n: int
    dim: int
    metric: str
    config: dict
    build_seconds: float
    default_k: int = 10
    extra: dict = field(default_factory=dict)

    def search(self, queries, k: int | None = None, leaves_to_search: int | None = None, parallel: bool = True):
        """``(indices, scores)`` of the ``k`` best vectors per query; ``leaves_to_search`` overrides the default."""
        queries = _as_matrix("queries", queries, self.dim)
        k = _check_k(self.default_k if k is None else k, self.n)
        kwargs = {"final_num_neighbors": k}
        if self.config["mode"] == "tree_ah":
            leaves = self.config["leaves_to_search"] if leaves_to_search is None else leaves_to_search
            if isinstance(leaves, bool) or not isinstance(leaves, (int, np.integer)) \
                    or not 1 <= leaves <= self.config["num_leaves"]:
                raise ValueError(f"leaves_to_search={leaves!r} must be an int in 1..{self.config['num_leaves']}")
            kwargs["leaves_to_search"] = int(leaves)
            kwargs["pre_reorder_num_neighbors"] = max(self.config["reorder"], k)
        search = self.searcher.search_batched_parallel if parallel else self.searcher.search_batched
        indices, scores = search(queries, **kwargs)
        return np.asarray(indices, dtype=np.int64), np.asarray(scores)


def build_scann(database, k: int = 10, metric: str = "dot_product", **overrides) -> ScannIndex:
    """A ScaNN index over ``database`` with :func:`scann_defaults` (any of them can be overridden).

    >>> index = build_scann(normalize(vectors)); index.search(normalize(queries), k=10)     # doctest: +SKIP
    """
    _check_metric(metric)
    database = _as_matrix("database", database)
    n, dim = database.shape
    k = _check_k(k, n)
    config = scann_defaults(n, k)
    unknown = set(overrides) - {"mode", "num_leaves", "leaves_to_search", "training_sample_size",
                                "dimensions_per_block", "reorder"}
    if unknown:
        raise ValueError(f"unknown ScaNN settings {sorted(unknown)}; known: {sorted(scann_defaults(10**6))}")
    config.update(overrides)
    if config["mode"] not in ("brute_force", "tree_ah"):
        raise ValueError(f"mode={config['mode']!r}; use 'brute_force' or 'tree_ah'")
    limits = {"num_leaves": n, "leaves_to_search": n, "training_sample_size": n, "dimensions_per_block": dim,
              "reorder": n}
    for key, value in overrides.items():
        if key in limits and not (key == "reorder" and value is None):
            int_in_range(value, key, 1, limits[key])      # ScaNN's C++ would abort on a negative or huge value
    if config["mode"] == "tree_ah":
        config.setdefault("num_leaves", int(round(math.sqrt(n))))
        config.setdefault("leaves_to_search", max(1, math.ceil(0.05 * config["num_leaves"])))
        config.setdefault("training_sample_size", int(min(n, 250_000)))
        config.setdefault("dimensions_per_block", 2)
        if config.get("reorder") is None:
            config["reorder"] = min(n, max(100, 10 * k))
        if not 1 <= config["num_leaves"] <= n:
            raise ValueError(f"num_leaves={config['num_leaves']} must be in 1..{n} (the collection size)")
        if "leaves_to_search" not in overrides:         # a default computed for another number of leaves
            config["leaves_to_search"] = min(config["leaves_to_search"], config["num_leaves"])
        if config["leaves_to_search"] > config["num_leaves"]:
            raise ValueError(f"leaves_to_search={config['leaves_to_search']} is more than num_leaves="
                             f"{config['num_leaves']}")
    pybind = _import_scann_pybind()
    start = time.perf_counter()
    builder = pybind.builder(database, k, metric)
    if config["mode"] == "brute_force":
        builder = builder.score_brute_force()
    else:
        builder = builder.tree(num_leaves=config["num_leaves"], num_leaves_to_search=config["leaves_to_search"],
                               training_sample_size=config["training_sample_size"])
        threshold = {"anisotropic_quantization_threshold": 0.2} if metric == "dot_product" else {}
        builder = builder.score_ah(config["dimensions_per_block"], **threshold).reorder(config["reorder"])
    searcher = builder.build()
    return ScannIndex(searcher, n, dim, metric, config, time.perf_counter() - start, default_k=k)


def queries_per_second(search, queries, repeats: int = 3) -> float:
    """Best of ``repeats`` timings of ``search(queries)``, as queries per second.

    >>> queries_per_second(lambda q: exact_search(docs, q, k=10), queries)            # doctest: +SKIP
    """
    if not callable(search):
        raise TypeError(f"search must be a function taking the queries, got {type(search).__name__}")
    queries = np.asarray(queries)
    if queries.ndim == 0 or not len(queries):
        raise ValueError(f"queries must be a non-empty list or array of queries, got shape {queries.shape}")
    repeats = int_in_range(repeats, "repeats", 1, 1000)
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        search(queries)
        best = min(best, time.perf_counter() - start)
    return len(queries) / max(best, 1e-9)


def clustered_vectors(n: int, dim: int, centres: int, spread: float = 0.35, seed: int = 0,
                      normalise: bool = True) -> np.ndarray:
    """A Gaussian mixture: ``n`` float32 vectors around ``centres`` random centres (unit-normalised by default).

    Real embeddings are clustered by topic; isotropic noise is not, and makes every approximate index look bad
    (nothing to partition). Benchmarks and the tiny profile of lab 01-5 use this instead.

    >>> clustered_vectors(1000, 8, centres=10).shape
    (1000, 8)
    """
    n, dim, centres = int_in_range(n, "n"), int_in_range(dim, "dim"), int_in_range(centres, "centres")
    if max(n, centres) * dim > MAX_VALUES:
        raise ValueError(f"n={n} (or centres={centres}) x dim={dim} is more than {MAX_VALUES:,} values")
    if isinstance(spread, bool) or not isinstance(spread, (int, float, np.integer, np.floating)) \
            or not 0 <= spread <= 1e6:
        raise ValueError(f"spread must be a number in [0, 1e6], got {spread!r:.40}")
    try:
        rng = np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise TypeError(f"seed must be a non-negative int, got {seed!r:.40}") from None
    means = normalize(rng.standard_normal((centres, dim)))
    assignment = rng.integers(0, centres, size=n)
    noise = rng.standard_normal((n, dim)).astype(np.float32) * (spread / math.sqrt(dim))
    vectors = (means[assignment] + noise).astype(np.float32)
    return normalize(vectors) if normalise else vectors
