"""Lab 03-6's own definitions: the question-answering span search against a brute-force reference."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labkit.nbtools import import_definitions

LAB = Path(__file__).resolve().parent.parent / "03-attention-transformers" / "03-6-huggingface.ipynb"


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


def brute_force_span(start_logits, end_logits, max_answer_len):
    best, best_score = None, -np.inf
    for start in range(len(start_logits)):
        for end in range(start, min(len(end_logits), start + max_answer_len)):
            if start_logits[start] + end_logits[end] > best_score:
                best, best_score = (start, end), start_logits[start] + end_logits[end]
    return best


@pytest.mark.parametrize("seed", range(5))
def test_best_span_equals_brute_force(lab, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    start, end = rng.normal(size=n), rng.normal(size=n)
    max_len = int(rng.integers(1, 8))
    assert lab.best_span(start, end, max_len) == brute_force_span(start, end, max_len)
