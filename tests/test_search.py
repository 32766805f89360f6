"""labkit.search: exact search against a reference, ScaNN recall on the tiny collection, clear errors."""
from __future__ import annotations

import numpy as np
import pytest

from labkit import search


@pytest.fixture(scope="module")
def collection():
    # The size the tiny profile of lab 01-5 searches: a few thousand clustered unit vectors.
    vectors = search.clustered_vectors(6_000, 64, centres=120, spread=0.8, seed=3)
    rng = np.random.default_rng(4)
    queries = search.normalize(vectors[rng.choice(len(vectors), 200, replace=False)]
                               + rng.standard_normal((200, 64)).astype(np.float32) * 0.05)
    return vectors, queries


def test_exact_search_matches_a_full_sort(collection):
    vectors, queries = collection
    indices, scores = search.exact_search(vectors, queries, k=10)
    reference = np.argsort(-(queries @ vectors.T), axis=1, kind="stable")[:, :10]
    assert np.array_equal(indices, reference)
    assert np.allclose(scores, np.take_along_axis(queries @ vectors.T, reference, axis=1), atol=1e-6)


def test_exact_search_squared_l2():
    database = np.array([[0.0, 0.0], [3.0, 4.0], [1.0, 1.0]], dtype=np.float32)
    indices, scores = search.exact_search(database, [[0.9, 0.9]], k=2, metric="squared_l2")
    assert indices.tolist() == [[2, 0]]
    assert np.allclose(scores, [[0.02, 1.62]], atol=1e-5)


def test_scann_recall_at_10_on_the_tiny_collection(collection):
    vectors, queries = collection
    index = search.build_scann(vectors, k=10)
    assert index.config["mode"] == "tree_ah" and index.config["num_leaves"] == 77
    approximate, _ = index.search(queries, k=10)
    exact, _ = search.exact_search(vectors, queries, k=10)
    # ScaNN seeds its k-means itself, so one build's recall varies: over 30 builds here 0.933-0.978 (mean 0.970,
    # 5 of 30 below 0.95). 0.90 allows that spread and still fails a starved search (1 of the 77 leaves: 0.72).
    assert search.recall_at_k(approximate, exact) >= 0.90


def test_scann_brute_force_below_the_practical_minimum():
    vectors = search.clustered_vectors(300, 16, centres=10, seed=0)
    index = search.build_scann(vectors, k=5)
    assert index.config == {"mode": "brute_force", "reorder": None}
    approximate, _ = index.search(vectors[:20], k=5)
    exact, _ = search.exact_search(vectors, vectors[:20], k=5)
    assert search.recall_at_k(approximate, exact) == 1.0


def test_scann_defaults_follow_the_documented_rules():
    assert search.scann_defaults(500)["mode"] == "brute_force"
    big = search.scann_defaults(1_000_000, k=10)
    assert (big["num_leaves"], big["leaves_to_search"], big["reorder"]) == (1000, 50, 100)
    assert search.scann_defaults(4_000)["leaves_to_search"] == 8          # at least 8 leaves are visited


def test_recall_at_k_values_and_errors():
    assert search.recall_at_k([[1, 2], [3, 4]], [[2, 1], [5, 6]]) == 0.5
    assert search.recall_at_k([[1, 2, 3]], [[1, 9, 8]], k=1) == 1.0
    with pytest.raises(ValueError, match="same number of rows"):
        search.recall_at_k([[1]], [[1], [2]])


@pytest.mark.parametrize("call, message", [
    (lambda v: search.exact_search(v, np.ones((2, 32)), k=3), "queries have dimension 32, but the collection's "
                                                               "vectors have dimension 16"),
    (lambda v: search.exact_search(v, v[:1], k=301), r"k=301 is larger than the collection \(300 vectors\)"),
    (lambda v: search.exact_search(v, v[:1], k=0), "k must be a positive int, got 0"),
    (lambda v: search.exact_search(v, v[:1], metric="cosine"), "unknown metric 'cosine'"),
    (lambda v: search.exact_search(v[:, :, None], v[:1]), "database must be a non-empty 2-D array"),
    (lambda v: search.exact_search(v, np.full((1, 16), np.nan)), "NaN"),
])
def test_exact_search_bad_input(call, message):
    vectors = search.clustered_vectors(300, 16, centres=10, seed=0)
    with pytest.raises(ValueError, match=message):
        call(vectors)


def test_scann_index_bad_input():
    vectors = search.clustered_vectors(3_000, 16, centres=30, seed=0)
    index = search.build_scann(vectors, k=10)
    with pytest.raises(ValueError, match="queries have dimension 8, but the collection's vectors have dimension 16"):
        index.search(np.ones((1, 8)))
    with pytest.raises(ValueError, match=r"k=3001 is larger than the collection \(3000 vectors\)"):
        index.search(vectors[:1], k=3001)
    with pytest.raises(ValueError, match=r"leaves_to_search=999 must be an int in 1\.\.55"):
        index.search(vectors[:1], leaves_to_search=999)
    with pytest.raises(ValueError, match="unknown ScaNN settings"):
        search.build_scann(vectors, leaves=3)
    with pytest.raises(ValueError, match=r"k=5000 is larger than the collection"):
        search.build_scann(vectors, k=5000)


def test_bench_scann_tiny_mode_runs_and_meets_the_recall_goal():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "scann_search.py"
    spec = importlib.util.spec_from_file_location("scann_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.main(["--tiny"])
    # ScaNN seeds its k-means training itself (not settable from Python), so recall moves by a few points from
    # run to run: 0.949-0.990 at the largest setting over nine runs here. 0.90 leaves room for that spread and
    # still fails on a broken or starved index (one leaf of 71 searched gives about 0.64, two about 0.84).
    assert len(rows) >= 2 and max(r["recall@10"] for r in rows) >= 0.90
    assert all(r["qps"] > 0 and r["exact_qps"] > 0 for r in rows)
