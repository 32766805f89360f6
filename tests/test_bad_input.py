"""Bad input across labkit's public functions: wrong types, empty inputs, NaN, oversized values, wrong shapes.

For every public function of the teaching modules (attention, positional, text, tokenizers, search), the data,
metrics and job-spec (vertex) modules and the 02-3 classifiers (recurrent), each argument in turn gets values
drawn by hypothesis while the other arguments stay valid. The call must either

- return a sane result (no NaN anywhere, and what the function promises), or
- raise ``ValueError`` / ``TypeError`` whose message names the argument (or, for a few, the field it holds).

Anything else (an ``IndexError`` / ``KeyError`` / ``ZeroDivisionError`` / ``AttributeError`` from deep inside,
NumPy's own messages, a ``MemoryError`` from an oversized request, or a NaN result) fails the test.
Functions that build Keras models are driven only with values they must refuse before TensorFlow is imported.
"""
from __future__ import annotations

import atexit
import math
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from labkit import attention, data, metrics, positional, recurrent, search, text, tokenizers, vertex
from labkit.env import Profile

NAN, INF = float("nan"), float("inf")
SCRATCH = Path(tempfile.mkdtemp(prefix="labkit-bad-input-"))
atexit.register(shutil.rmtree, SCRATCH, True)

# ---------------------------------------------------------------------------------------------- strategies

JUNK = st.one_of(
    st.none(), st.booleans(), st.just(object()), st.binary(max_size=3), st.sets(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(0, 3), max_size=2),
    st.complex_numbers(max_magnitude=4, allow_nan=False, allow_infinity=False).filter(lambda z: z.imag != 0))
NUMBERS = st.one_of(
    st.sampled_from([NAN, INF, -INF, 0, -1, 1, 2, 0.5, 2.5, -0.0, 1e308, 2**63, -(2**63)]),
    st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True))
HUGE = st.one_of(st.integers(10**9, 10**18), st.sampled_from([2**31, 2**62, 10**30]))
WORDS = st.text(alphabet="abc xyzé.!", max_size=8)

#: int arguments (sizes, counts, ids): wrong types, NaN, negative, zero, huge
INTS = st.one_of(JUNK, NUMBERS, HUGE, WORDS)
#: real-valued arguments (rates, bases, offsets)
REALS = st.one_of(JUNK, NUMBERS, WORDS)
#: name-like arguments (a str from a fixed set)
NAMES = st.one_of(JUNK, NUMBERS, WORDS, st.lists(WORDS, max_size=2), st.just(""))
#: a list of texts: one string instead, non-strings inside, empty, nested
TEXT_LISTS = st.one_of(
    JUNK, NUMBERS, WORDS, st.just([]), st.lists(st.just(""), min_size=1, max_size=3),
    st.lists(st.one_of(WORDS, JUNK, NUMBERS), min_size=1, max_size=4),
    st.lists(st.lists(WORDS, max_size=2), min_size=1, max_size=2))
#: a path-like argument
PATHS = st.one_of(JUNK, NUMBERS, st.just(""), st.lists(WORDS, max_size=2))

_SHAPES = hnp.array_shapes(min_dims=0, max_dims=5, min_side=0, max_side=4)


def arrays(dtype=np.float64):
    """Arrays of any rank (0 to 5, sides 0 to 4) holding NaN / inf, plus ragged lists, strings and junk."""
    float_arrays = hnp.arrays(np.float64, _SHAPES, elements=st.floats(allow_nan=True, allow_infinity=True))
    nan_arrays = _SHAPES.map(lambda shape: np.full(shape, NAN))
    return st.one_of(
        JUNK, NUMBERS, WORDS, float_arrays, nan_arrays,
        hnp.arrays(np.int64, _SHAPES, elements=st.integers(-5, 5)),
        hnp.arrays(np.bool_, _SHAPES), hnp.arrays("U2", _SHAPES),
        hnp.arrays(np.complex128, _SHAPES, elements=st.complex_numbers(max_magnitude=3)),
        st.lists(st.lists(st.floats(allow_nan=True), max_size=3), min_size=2, max_size=3),     # ragged
        st.lists(st.one_of(WORDS, st.integers(0, 3)), min_size=1, max_size=3),
        st.just([]), st.just([[]]), st.just(np.zeros((0, 4))), st.just(np.zeros((2, 0))),
        hnp.arrays(dtype, _SHAPES) if dtype != np.float64 else st.nothing())


# ---------------------------------------------------------------------------------------------- the check


def _finite(value) -> bool:
    """No NaN anywhere in a result (arrays, numbers, containers; strings and objects pass)."""
    if isinstance(value, np.ndarray):
        if np.issubdtype(value.dtype, np.number) or value.dtype == bool:
            return bool(np.isfinite(value).all()) if np.issubdtype(value.dtype, np.inexact) else True
        return value.dtype != object or all(_finite(v) for v in value.ravel())
    if isinstance(value, (float, np.floating)):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return True


def _names(message: str, name: str) -> bool:
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(name)}(?![A-Za-z0-9])", message, re.IGNORECASE) is not None


@dataclass
class Case:
    """One argument of one function: ``fn(**base())`` is a valid call; ``arg`` gets values from ``bad``."""

    name: str
    fn: Callable
    base: Callable[[], dict]
    arg: str
    bad: st.SearchStrategy
    valid: Callable[[Any], bool]
    names: tuple[str, ...] = ()               # other words a message may use for this argument
    examples: int = 25
    must_raise: bool = False                  # every drawn value is invalid (a valid one would import TensorFlow)
    errors: tuple[type[Exception], ...] = (ValueError, TypeError)
    echoes: bool = False                      # returns its input rearranged: a NaN in the result was in the input


def check(case: Case, value) -> None:
    kwargs = case.base()
    kwargs[case.arg] = value
    try:
        result = case.fn(**kwargs)
    except case.errors as error:
        message = str(error)
        accepted = (case.arg, *case.names)
        assert any(_names(message, n) for n in accepted), (
            f"{case.name}({case.arg}={value!r:.80}) raised {type(error).__name__} without naming "
            f"{' / '.join(accepted)}: {message}")
        return
    assert not case.must_raise, f"{case.name}({case.arg}={value!r:.80}) should have been refused, got {result!r:.80}"
    assert case.echoes or _finite(result), f"{case.name}({case.arg}={value!r:.80}) returned NaN: {result!r:.200}"
    valid = case.valid(result, kwargs) if case.valid.__code__.co_argcount == 2 else case.valid(result)
    assert valid, f"{case.name}({case.arg}={value!r:.80}) returned an invalid result: {result!r:.200}"


CASES: list[Case] = []


def cases(name: str, fn: Callable, base: Callable[[], dict], /, *, valid=lambda result: True, examples: int = 25,
          names: dict | None = None, must_raise: tuple = (), errors: tuple = (), echoes: bool = False,
          **bad: st.SearchStrategy) -> None:
    """Register one case per argument in ``bad`` (its strategy of values)."""
    for arg, strategy in bad.items():
        CASES.append(Case(name, fn, base, arg, strategy, valid, (names or {}).get(arg, ()), examples,
                          arg in must_raise, (ValueError, TypeError, *errors), echoes))


def _fraction(result) -> bool:
    return isinstance(result, float) and 0.0 <= result <= 1.0


rng = np.random.default_rng(0)
Q, K, V = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 2))
PARAMS = attention.init_mha_params(8, 2)

# ---------------------------------------------------------------------------------------------- attention

cases("attention.check_qkv", attention.check_qkv, lambda: dict(q=Q, k=K, v=V), q=arrays(), k=arrays(), v=arrays())
cases("attention.check_mask", attention.check_mask, lambda: dict(mask=np.ones((3, 5), bool), q_shape=Q.shape,
                                                                 k_shape=K.shape),
      valid=lambda m: m.dtype == bool, mask=arrays(), q_shape=arrays(), k_shape=arrays())
cases("attention.causal_mask", attention.causal_mask, lambda: dict(query_len=3, key_len=4),
      valid=lambda m: m.dtype == bool and m.ndim == 2, query_len=INTS, key_len=INTS)
cases("attention.padding_mask", attention.padding_mask, lambda: dict(token_ids=[[5, 7, 0]], pad_id=0),
      valid=lambda m: m.dtype == bool and m.ndim == 4, token_ids=arrays(), pad_id=INTS)
cases("attention.lengths_mask", attention.lengths_mask, lambda: dict(lengths=[2, 3], key_len=3),
      valid=lambda m: m.dtype == bool and m.ndim == 4, lengths=arrays(), key_len=INTS)
cases("attention.masked_softmax", attention.masked_softmax,
      lambda: dict(scores=np.zeros((3, 5)), mask=np.ones((3, 5), bool)),
      valid=lambda w, kw: w.shape == np.shape(kw["scores"]), scores=arrays(), mask=arrays())
cases("attention.scaled_dot_product_attention", attention.scaled_dot_product_attention,
      lambda: dict(q=Q, k=K, v=V, mask=None), valid=lambda r, kw: r[0].shape[-2:] == (np.shape(kw["q"])[-2], np.shape(kw["v"])[-1])
      and r[1].shape[-1] == np.shape(kw["k"])[-2],
      q=arrays(), k=arrays(), v=arrays(), mask=arrays())
cases("attention.split_heads", attention.split_heads, lambda: dict(x=np.zeros((2, 5, 12)), num_heads=3),
      valid=lambda r: r.ndim == 4, x=arrays(), num_heads=INTS)
cases("attention.merge_heads", attention.merge_heads, lambda: dict(x=np.zeros((2, 3, 5, 4))),
      valid=lambda r: r.ndim == 3, x=arrays())
cases("attention.init_mha_params", attention.init_mha_params,
      lambda: dict(model_dim=8, num_heads=2, head_dim=None, seed=0), valid=lambda p, kw: p["wq"].shape[0] == kw["model_dim"],
      model_dim=INTS, num_heads=INTS, head_dim=INTS, seed=INTS)
cases("attention.multi_head_attention", attention.multi_head_attention,
      lambda: dict(query=np.ones((1, 3, 8)), key=np.ones((1, 4, 8)), value=np.ones((1, 4, 8)), params=PARAMS),
      valid=lambda r: r[0].shape == (1, 3, 8), query=arrays(), key=arrays(), value=arrays(), mask=arrays(),
      params=st.one_of(JUNK, NUMBERS, st.just({}), st.just({k: v for k, v in PARAMS.items() if k != "wq"}),
                       st.just({**PARAMS, "num_heads": 3}), st.just({**PARAMS, "num_heads": 0}),
                       st.just({**PARAMS, "wq": np.ones((8, 5))}), st.just({**PARAMS, "bo": "x"})))


def _plot(fn):
    def call(**kwargs):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        try:
            return fn(**kwargs) is not None
        finally:
            plt.close("all")
    return call


cases("attention.plot_attention", _plot(attention.plot_attention),
      lambda: dict(weights=np.eye(3), query_tokens=["a", "b", "c"], key_tokens=["a", "b", "c"]), examples=10,
      weights=arrays(), query_tokens=TEXT_LISTS, key_tokens=TEXT_LISTS)

# ---------------------------------------------------------------------------------------------- positional

cases("positional.frequencies", positional.frequencies, lambda: dict(depth=8, base=10_000.0),
      valid=lambda f, kw: f.shape == (kw["depth"] // 2,), depth=INTS, base=REALS)
cases("positional.sinusoidal_encoding", positional.sinusoidal_encoding,
      lambda: dict(num_positions=5, depth=8, base=10_000.0, start=0), valid=lambda pe, kw: pe.shape == (kw["num_positions"], kw["depth"]),
      num_positions=INTS, depth=INTS, base=REALS, start=INTS)
cases("positional.offset_matrix", positional.offset_matrix, lambda: dict(offset=3, depth=8, base=10_000.0),
      valid=lambda m, kw: m.shape == (kw["depth"],) * 2, offset=REALS, depth=INTS, base=REALS)
cases("positional.rope_angles", positional.rope_angles, lambda: dict(positions=[0, 1, 2], depth=4, base=100.0),
      valid=lambda a, kw: a.shape == (len(kw["positions"]), kw["depth"] // 2), positions=arrays(), depth=INTS, base=REALS)
cases("positional.apply_rope", positional.apply_rope,
      lambda: dict(x=np.ones((3, 4)), positions=None, base=100.0, layout="interleaved"),
      valid=lambda r, kw: r.shape == np.shape(kw["x"]), x=arrays(), positions=arrays(), base=REALS, layout=NAMES)
cases("positional.similarity_by_distance", positional.similarity_by_distance,
      lambda: dict(pe=positional.sinusoidal_encoding(6, 4), reference=0), valid=lambda s, kw: s.shape == (len(kw["pe"]),),
      pe=arrays(), reference=INTS)
cases("positional.rope_scores_by_offset", positional.rope_scores_by_offset,
      lambda: dict(depth=8, max_offset=4, base=100.0, seed=0), valid=lambda s, kw: s.shape == (kw["max_offset"] + 1,),
      depth=INTS, max_offset=INTS, base=REALS, seed=INTS)
cases("positional.plot_encoding", _plot(positional.plot_encoding), lambda: dict(pe=np.zeros((4, 6))), examples=10,
      pe=arrays())
cases("positional.plot_similarity", _plot(positional.plot_similarity),
      lambda: dict(pe=np.ones((4, 6)), references=(0,)), examples=10, pe=arrays(),
      references=st.one_of(JUNK, NUMBERS, st.lists(INTS, max_size=2)))
cases("positional.plot_rope", _plot(positional.plot_rope), lambda: dict(depth=4, positions=3, base=100.0),
      examples=10, depth=INTS, positions=INTS, base=REALS)

# ---------------------------------------------------------------------------------------------- text


def _fresh_dir() -> Path:
    return Path(tempfile.mkdtemp(dir=SCRATCH))


cases("text.standardize", text.standardize, lambda: dict(text="Hello <b>World</b>!"),
      valid=lambda s: isinstance(s, str), text=st.one_of(JUNK, NUMBERS, st.text(max_size=20)))
cases("text.write_class_folders", text.write_class_folders,
      lambda: dict(rows=[("print(1)", 0), ("int x;", "java")], label_names=["python", "java"], root=_fresh_dir()),
      valid=lambda root: Path(root).is_dir(), examples=15, names={"rows": ("row",)},
      rows=st.one_of(TEXT_LISTS, st.lists(st.one_of(st.tuples(WORDS, INTS), st.tuples(INTS, st.integers(0, 1)),
                                                   st.dictionaries(WORDS, INTS, max_size=2)), min_size=1, max_size=3)),
      label_names=st.one_of(NAMES, TEXT_LISTS), root=PATHS)
cases("text.sampling_table", text.sampling_table, lambda: dict(size=10, sampling_factor=1e-3),
      valid=lambda t, kw: t.shape == (kw["size"],), size=INTS, sampling_factor=REALS)
cases("text.sample_negatives", text.sample_negatives,
      lambda: dict(exclude={3}, vocabulary_size=10, num_negatives=4, rng=0, probabilities=None),
      valid=lambda r, kw: r.shape == (kw["num_negatives"],) and ((r > 0) & (r < kw["vocabulary_size"])).all(),
      exclude=st.one_of(JUNK, NUMBERS, WORDS, arrays(), st.lists(REALS, max_size=3)),
      vocabulary_size=INTS, num_negatives=INTS, rng=st.one_of(JUNK, NUMBERS, WORDS), probabilities=arrays())
cases("text.skipgram_pairs", text.skipgram_pairs,
      lambda: dict(sequence=[1, 2, 3, 4], vocabulary_size=10, window_size=1, negative_samples=1.0,
                   sampling_table=None, seed=0),
      valid=lambda r: r[0].ndim == 2 and r[0].shape[0] == r[1].shape[0],
      sequence=arrays(), vocabulary_size=INTS, window_size=INTS, negative_samples=REALS, sampling_table=arrays(),
      seed=st.one_of(JUNK, NUMBERS, WORDS))
cases("text.skipgram_examples", text.skipgram_examples,
      lambda: dict(sequences=[[1, 2, 3]], vocabulary_size=20, window_size=1, num_negatives=2, seed=0),
      valid=lambda r: r[1].shape[0] == r[0].shape[0] == r[2].shape[0],
      sequences=st.one_of(arrays(), TEXT_LISTS), vocabulary_size=INTS, window_size=INTS, num_negatives=INTS,
      sampling_table=arrays(), seed=st.one_of(JUNK, NUMBERS, WORDS))

# ---------------------------------------------------------------------------------------------- tokenizers

BPE = tokenizers.train_bpe(["low lower lowest slow", "the river flows"] * 3, vocab_size=270)
IDS = st.one_of(JUNK, NUMBERS, WORDS, arrays(), st.lists(st.one_of(st.integers(-3, 400), REALS), max_size=4))
MERGES = st.one_of(JUNK, NUMBERS, WORDS, st.lists(st.one_of(st.tuples(INTS, INTS), st.tuples(st.integers(0, 300)),
                                                            st.tuples(st.integers(0, 300), st.integers(0, 300)),
                                                            WORDS, JUNK), max_size=3))
TOKENIZER = st.one_of(JUNK, NUMBERS, WORDS, st.just(BPE.merges), st.just(tokenizers))


def _id_pieces(result) -> bool:
    return all(isinstance(i, int) and isinstance(p, str) for i, p in result)


cases("tokenizers.pretokenize", tokenizers.pretokenize, lambda: dict(text="Hi there!"),
      valid=lambda r: all(isinstance(c, bytes) for c in r), text=st.one_of(JUNK, NUMBERS, st.text(max_size=20)))
cases("tokenizers.count_pairs", tokenizers.count_pairs, lambda: dict(words={(1, 2, 3): 2}),
      words=st.one_of(JUNK, NUMBERS, WORDS, st.lists(WORDS, max_size=2),
                      st.dictionaries(st.one_of(WORDS, st.tuples(st.integers(0, 3), st.integers(0, 3))),
                                      st.one_of(INTS, REALS), max_size=2)))
cases("tokenizers.merge", tokenizers.merge, lambda: dict(word=(1, 2, 1, 2), pair=(1, 2), new_id=256),
      valid=lambda r, kw: isinstance(r, tuple) and len(r) <= len(kw["word"]), echoes=True, word=st.one_of(JUNK, NUMBERS, WORDS, st.lists(INTS, max_size=3)),
      pair=st.one_of(JUNK, NUMBERS, WORDS, st.lists(INTS, max_size=3)), new_id=INTS)
cases("tokenizers.train_bpe", tokenizers.train_bpe, lambda: dict(texts=["aaab", "abab"], vocab_size=260),
      valid=lambda b: b.vocab_size <= 260, examples=20, texts=TEXT_LISTS, vocab_size=INTS)
cases("tokenizers.bpe_encode", tokenizers.bpe_encode, lambda: dict(text="lowest", merges=BPE.merges),
      valid=lambda ids: all(isinstance(i, int) for i in ids), text=st.one_of(JUNK, NUMBERS, st.text(max_size=10)),
      merges=MERGES)
cases("tokenizers.token_bytes", tokenizers.token_bytes, lambda: dict(merges=BPE.merges),
      valid=lambda table: all(isinstance(b, bytes) for b in table), merges=MERGES)
cases("tokenizers.bpe_decode", tokenizers.bpe_decode, lambda: dict(ids=[108, 256], merges=BPE.merges),
      valid=lambda s: isinstance(s, str), ids=IDS, merges=MERGES)
cases("tokenizers.BytePairEncoding.encode", lambda text: BPE.encode(text), lambda: dict(text="low"),
      text=st.one_of(JUNK, NUMBERS, st.text(max_size=10)))
cases("tokenizers.BytePairEncoding.encode_fast", lambda text: BPE.encode_fast(text), lambda: dict(text="low"),
      text=st.one_of(JUNK, NUMBERS, st.text(max_size=10)))
cases("tokenizers.BytePairEncoding.decode", lambda ids: BPE.decode(ids), lambda: dict(ids=[108]),
      valid=lambda s: isinstance(s, str), ids=IDS)
cases("tokenizers.BytePairEncoding.token_bytes", lambda token_id: BPE.token_bytes(token_id),
      lambda: dict(token_id=108), valid=lambda b: isinstance(b, bytes), token_id=INTS)
cases("tokenizers.train_subword", tokenizers.train_subword,
      lambda: dict(kind="bpe", texts=["a tiny corpus", "of text"] * 3, vocab_size=270, lowercase=False),
      examples=12, kind=NAMES, texts=TEXT_LISTS, vocab_size=INTS)
cases("tokenizers.train_sentencepiece", tokenizers.train_sentencepiece,
      lambda: dict(texts=["a tiny corpus of text", "another line of text"] * 5, vocab_size=40, model_type="bpe"),
      examples=8, texts=TEXT_LISTS, vocab_size=INTS, model_type=NAMES)
cases("tokenizers.adapt", tokenizers.adapt, lambda: dict(tokenizer=BPE), tokenizer=TOKENIZER)
cases("tokenizers.token_pieces", tokenizers.token_pieces, lambda: dict(text="lowest", tokenizer=BPE),
      valid=_id_pieces, text=st.one_of(JUNK, NUMBERS, st.text(max_size=10)), tokenizer=TOKENIZER)
cases("tokenizers.show_tokens", tokenizers.show_tokens, lambda: dict(text="lowest", tokenizer=BPE, listing=True),
      valid=_id_pieces, examples=10, text=st.one_of(JUNK, NUMBERS, st.text(max_size=10)), tokenizer=TOKENIZER)
for _name in ("fertility", "round_trip_rate", "unknown_rate"):
    cases(f"tokenizers.{_name}", getattr(tokenizers, _name), lambda: dict(tokenizer=BPE, texts=["low lower"]),
          valid=lambda r: isinstance(r, float) and r >= 0, tokenizer=TOKENIZER, texts=TEXT_LISTS)
cases("tokenizers.throughput", tokenizers.throughput,
      lambda: dict(tokenizer=BPE, texts=["low lower"], min_seconds=0.001, repeats=1),
      valid=lambda r: r > 0, examples=15, tokenizer=TOKENIZER, texts=TEXT_LISTS,
      min_seconds=st.one_of(JUNK, WORDS, st.sampled_from([NAN, INF, -1.0, 1e9, 10**12])),
      repeats=st.one_of(JUNK, WORDS, st.sampled_from([NAN, INF, -1, 0, 2.5, 10**9, 10**15])))
cases("tokenizers.compare_tokenizers", tokenizers.compare_tokenizers,
      lambda: dict(tokenizers={"bpe": BPE}, texts_by_language={"en": ["low lower"]}, min_seconds=0.001, repeats=1),
      examples=10, names={"texts_by_language": ("texts",), "tokenizers": ("tokenizer",)},
      valid=lambda df: not df.isna().any().any(),
      tokenizers=st.one_of(JUNK, NUMBERS, TEXT_LISTS, st.dictionaries(WORDS, TOKENIZER, max_size=2)),
      texts_by_language=st.one_of(JUNK, NUMBERS, TEXT_LISTS, st.dictionaries(WORDS, TEXT_LISTS, max_size=2)),
      min_seconds=st.sampled_from([NAN, INF, -1.0, "fast"]), repeats=st.sampled_from([NAN, -1, 0, 10**15, "x"]))

# ---------------------------------------------------------------------------------------------- search

DOCS = search.clustered_vectors(20, 4, centres=3, seed=0)


def _search_result(result, kw) -> bool:
    return result[0].shape == result[1].shape and result[0].shape[1] == (kw.get("k") or 3)


cases("search.normalize", search.normalize, lambda: dict(vectors=[[3.0, 4.0]]),
      valid=lambda r: np.allclose(np.linalg.norm(r, axis=-1)[np.linalg.norm(r, axis=-1) > 0], 1, atol=1e-5),
      vectors=arrays())
cases("search.exact_search", search.exact_search,
      lambda: dict(database=DOCS, queries=DOCS[:2], k=3, metric="dot_product", batch_size=1024),
      valid=_search_result, database=arrays(), queries=arrays(), k=INTS, metric=NAMES, batch_size=INTS)
cases("search.recall_at_k", search.recall_at_k, lambda: dict(approximate=[[0, 1]], exact=[[1, 2]], k=None),
      valid=_fraction, approximate=arrays(), exact=arrays(), k=INTS)
cases("search.scann_defaults", search.scann_defaults, lambda: dict(n=100_000, k=10),
      valid=lambda c: c["mode"] in ("brute_force", "tree_ah"), n=INTS, k=INTS)
cases("search.build_scann", search.build_scann, lambda: dict(database=DOCS, k=3, metric="dot_product"),
      valid=lambda index, kw: index.n == len(kw["database"]), examples=12, database=arrays(), k=INTS, metric=NAMES)
cases("search.build_scann overrides", lambda **kw: search.build_scann(DOCS, k=3, **kw["overrides"]),
      lambda: dict(overrides={}), valid=lambda index: index.n == 20, examples=12,
      names={"overrides": ("mode", "num_leaves", "leaves_to_search", "reorder", "ScaNN settings",
                           "training_sample_size", "dimensions_per_block")},
      overrides=st.one_of(st.dictionaries(st.sampled_from(["mode", "num_leaves", "leaves_to_search", "reorder",
                                                           "training_sample_size", "dimensions_per_block", "oops"]),
                                          st.one_of(INTS, NAMES), max_size=2),
                          st.just({"mode": "tree_ah", "num_leaves": 30})))
_INDEX: list = []


def _index_search(**kwargs):
    if not _INDEX:
        _INDEX.append(search.build_scann(DOCS, k=3))
    return _INDEX[0].search(**kwargs)


cases("search.ScannIndex.search", _index_search, lambda: dict(queries=DOCS[:2], k=3), valid=_search_result,
      examples=15, queries=arrays(), k=INTS, leaves_to_search=INTS)
cases("search.queries_per_second", search.queries_per_second,
      lambda: dict(search=lambda q: q, queries=DOCS[:2], repeats=2), valid=lambda r: r > 0,
      search=st.one_of(JUNK, NUMBERS, WORDS), queries=arrays(),
      repeats=st.one_of(JUNK, WORDS, st.sampled_from([NAN, INF, -1, 0, 2.5, 10**9, 10**15])))
cases("search.clustered_vectors", search.clustered_vectors,
      lambda: dict(n=10, dim=4, centres=2, spread=0.35, seed=0, normalise=True), valid=lambda v, kw: v.shape == (kw["n"], kw["dim"]),
      n=INTS, dim=INTS, centres=INTS, spread=REALS, seed=INTS)

# ---------------------------------------------------------------------------------------------- metrics

LABEL_LISTS = st.one_of(TEXT_LISTS, arrays(), st.lists(st.one_of(st.integers(0, 2), JUNK, NUMBERS), min_size=1,
                                                       max_size=3))
REFERENCES = st.one_of(TEXT_LISTS, st.lists(st.one_of(TEXT_LISTS, st.just([]), WORDS), min_size=1, max_size=2))


def _rouge(result) -> bool:
    return all(0.0 <= v <= 1.0 for v in result.values())


cases("metrics.accuracy", metrics.accuracy, lambda: dict(y_true=[0, 1, 1], y_pred=[0, 1, 0]), valid=_fraction,
      y_true=LABEL_LISTS, y_pred=LABEL_LISTS)
cases("metrics.precision_recall_f1", metrics.precision_recall_f1,
      lambda: dict(y_true=["a", "b", "b"], y_pred=["a", "a", "b"], average="macro", labels=None, pos_label=1),
      valid=lambda r: all(0.0 <= v <= 1.0 for v in r.values()), y_true=LABEL_LISTS, y_pred=LABEL_LISTS,
      average=NAMES, labels=LABEL_LISTS, pos_label=st.one_of(NAMES, INTS))
cases("metrics.confusion_matrix", metrics.confusion_matrix,
      lambda: dict(y_true=["a", "b", "b"], y_pred=["a", "a", "b"], labels=None),
      valid=lambda m: m.ndim == 2 and m.shape[0] == m.shape[1], y_true=LABEL_LISTS, y_pred=LABEL_LISTS,
      labels=LABEL_LISTS)
cases("metrics.split_sentences", metrics.split_sentences, lambda: dict(text="One. Two!", lang="en"),
      valid=lambda r: all(isinstance(s, str) for s in r), text=st.one_of(JUNK, NUMBERS, st.text(max_size=20)),
      lang=NAMES)
cases("metrics.MultilingualTokenizer.tokenize", lambda text, lang: metrics.MultilingualTokenizer(lang).tokenize(text),
      lambda: dict(text="¡La CANCIÓN!", lang="es"), valid=lambda r: all(isinstance(t, str) for t in r),
      text=st.one_of(JUNK, NUMBERS, st.text(max_size=20)), lang=NAMES)
cases("metrics.rouge_tokenizer", metrics.rouge_tokenizer, lambda: dict(lang="tr", use_stemmer=False),
      valid=lambda t: callable(t.tokenize), lang=NAMES)
cases("metrics.rouge", metrics.rouge,
      lambda: dict(predictions=["the cat sat"], references=["the cat sat down"], lang="en", tokenizer=None,
                   rouge_types=("rouge1", "rougeLsum")),
      valid=_rouge, examples=20, predictions=TEXT_LISTS, references=REFERENCES, lang=NAMES,
      tokenizer=st.one_of(JUNK, NUMBERS, WORDS), rouge_types=st.one_of(NAMES, st.lists(NAMES, max_size=2)))
cases("metrics.bleu", metrics.bleu,
      lambda: dict(predictions=["the cat sat on the mat"], references=["the cat sat on a mat"], tokenize="13a",
                   smooth="none", lowercase=False),
      valid=lambda r: 0.0 <= r <= 100.0, predictions=TEXT_LISTS, references=REFERENCES, tokenize=NAMES,
      smooth=NAMES)
cases("metrics.chrf", metrics.chrf,
      lambda: dict(predictions=["the cat sat"], references=["the cat sat"], word_order=0),
      valid=lambda r: 0.0 <= r <= 100.0, predictions=TEXT_LISTS, references=REFERENCES, word_order=INTS)
cases("metrics.normalize_answer", metrics.normalize_answer, lambda: dict(text="The Nile!"),
      valid=lambda r: isinstance(r, str), text=st.one_of(JUNK, NUMBERS, st.text(max_size=20)))
for _name in ("exact_match", "token_f1"):
    cases(f"metrics.{_name}", getattr(metrics, _name),
          lambda: dict(predictions=["the Nile", ""], references=[["Nile"], []]), valid=_fraction,
          predictions=TEXT_LISTS, references=REFERENCES)
cases("metrics.qa_scores", metrics.qa_scores, lambda: dict(predictions=["Nile", "Paris"], references=["Nile", ""]),
      valid=lambda r: all(0.0 <= v <= 1.0 for k, v in r.items() if not k.endswith("_total")),
      predictions=TEXT_LISTS, references=REFERENCES)
cases("metrics.perplexity", metrics.perplexity,
      lambda: dict(model=None, tokenizer=None, texts=["a text"], kind="causal", max_length=None, batch_size=16),
      must_raise=("texts", "kind", "max_length", "batch_size", "model"), examples=15,
      texts=TEXT_LISTS.filter(lambda t: not (isinstance(t, list) and t and all(isinstance(s, str) for s in t))),
      kind=NAMES.filter(lambda k: k not in ("auto", "causal", "masked")),
      max_length=st.one_of(JUNK.filter(lambda v: v is not None), st.sampled_from([NAN, -1, 0, 1, 2.5, "10"])),
      batch_size=st.one_of(JUNK, st.sampled_from([NAN, -1, 0, 2.5, "10"])),
      model=st.one_of(JUNK, NUMBERS, WORDS))
cases("metrics.module_path", metrics.module_path, lambda: dict(name="rouge"), valid=lambda p: Path(p).is_dir(),
      name=NAMES)

# ---------------------------------------------------------------------------------------------- data

TINY = Profile("tiny", online=False)
PROFILES = st.one_of(JUNK, NUMBERS, WORDS, st.sampled_from(["tiny", "full", Profile]))

cases("data.get", data.get, lambda: dict(name="movie_reviews"), valid=lambda s: s.name == "movie_reviews",
      names={"name": ("dataset",)}, name=NAMES)
for _name in ("path", "checksum", "read_rows"):
    cases(f"data.{_name}", getattr(data, _name), lambda: dict(name="movie_reviews", split="train"),
          names={"name": ("dataset",)}, name=NAMES, split=NAMES)
cases("data.sha256", data.sha256, lambda: dict(file=data.path("movie_reviews", "test")),
      valid=lambda h: len(h) == 64, errors=(FileNotFoundError,), names={"file": ("No such file",)},
      file=st.one_of(JUNK, NUMBERS, st.just("")))
cases("data.verify", data.verify, lambda: dict(name="movie_reviews", profile=TINY), names={"name": ("dataset",)},
      name=NAMES, profile=PROFILES)
cases("data.features", data.features, lambda: dict(name="movie_reviews"), examples=10,
      names={"name": ("dataset",)}, name=NAMES)
cases("data.load", data.load, lambda: dict(name="movie_reviews", split="test", profile=TINY, limit=3),
      valid=lambda ds, kw: 0 < len(ds) <= (kw["limit"] or 10**9), examples=15, names={"name": ("dataset",)},
      name=NAMES, split=NAMES, profile=PROFILES, limit=INTS)
cases("data.register", data.register, lambda: dict(spec=None), must_raise=("spec",),
      spec=st.one_of(JUNK, NUMBERS, WORDS, st.dictionaries(WORDS, WORDS, max_size=2)))

# ---------------------------------------------------------------------------------------------- vertex

GPU_JOB = dict(display_name="job", machine_type="n1-standard-8", accelerator_type="NVIDIA_TESLA_T4",
               accelerator_count=1, container_image="us-docker.pkg.dev/vertex-ai/training/pytorch-gpu.2-4.py310:latest",
               command=["python", "-m", "trainer.task"], args=["--epochs", "1"], env={"A": "1"},
               region="us-central1", output_dir="gs://[your-bucket]/jobs")
JOB_FIELDS = dict(
    display_name=NAMES, machine_type=st.one_of(NAMES, st.sampled_from(["ct5lp-hightpu-4t", "cloud-tpu", "a2-"])),
    accelerator_type=st.one_of(NAMES, st.sampled_from(["TPU_V2", "NVIDIA_L4"])), accelerator_count=INTS,
    tpu_topology=st.one_of(NAMES, st.just("2x2")), replica_count=INTS, container_image=NAMES,
    command=st.one_of(TEXT_LISTS, st.just("python -m trainer.task")), args=TEXT_LISTS,
    env=st.one_of(JUNK, NUMBERS, WORDS, st.dictionaries(st.one_of(WORDS, st.integers()), st.one_of(WORDS, JUNK),
                                                        max_size=2)),
    region=NAMES, output_dir=NAMES)


def _job(**fields):
    return vertex.JobSpec(**{**GPU_JOB, **fields})


def _is_job(spec) -> bool:
    return isinstance(spec, vertex.JobSpec)


cases("vertex.validate", lambda **f: vertex.validate(_job(**f)), lambda: {}, valid=_is_job,
      names={"machine_type": ("machine type",)}, **JOB_FIELDS)
cases("vertex.render_yaml", lambda **f: vertex.render_yaml(_job(**f)), lambda: {},
      valid=lambda y: "workerPoolSpecs" in y, examples=10, names={"machine_type": ("machine type",)}, **JOB_FIELDS)
cases("vertex.validate spec", vertex.validate, lambda: dict(spec=_job()), valid=_is_job,
      spec=st.one_of(JUNK, NUMBERS, WORDS, st.just(GPU_JOB)))
cases("vertex.worker_pool_specs", vertex.worker_pool_specs, lambda: dict(spec=_job()),
      valid=lambda r: isinstance(r, list), spec=st.one_of(JUNK, NUMBERS, WORDS, st.just(GPU_JOB)))
cases("vertex.render_gcloud", vertex.render_gcloud, lambda: dict(spec=_job(), config_path="job.yaml",
                                                                   project="[your-project-id]"),
      valid=lambda r: r.startswith("gcloud ai custom-jobs create"), spec=st.one_of(JUNK, NUMBERS, WORDS),
      config_path=NAMES, project=NAMES)
cases("vertex.submit", vertex.submit,
      lambda: dict(spec=_job(), project=None, bucket=None, dry_run=True, out=lambda line: None),
      valid=lambda r: r is None, spec=st.one_of(JUNK, NUMBERS, WORDS), project=NAMES, out=st.one_of(JUNK, NUMBERS))
cases("vertex.submit (no dry run)", vertex.submit,
      lambda: dict(spec=_job(), project="my-project", bucket="gs://my-bucket", dry_run=False),
      must_raise=("project", "bucket"),
      project=st.one_of(JUNK.filter(lambda v: v is not None), NUMBERS, st.lists(WORDS, min_size=1, max_size=2)),
      bucket=st.one_of(JUNK.filter(lambda v: v is not None), NUMBERS, st.just("my-bucket"),
                       st.just("/local/folder")))
cases("vertex.vertex_environment", vertex.vertex_environment,
      lambda: dict(workdir=_fresh_dir(), spec=None, project="local-project"),
      valid=lambda env: all(isinstance(v, str) for v in env.values()), examples=15,
      workdir=PATHS, spec=st.one_of(JUNK, NUMBERS, WORDS), project=NAMES)
cases("vertex.gcs_fuse_path", vertex.gcs_fuse_path, lambda: dict(uri="gs://b/x"), valid=lambda p: isinstance(p, str),
      uri=st.one_of(PATHS, WORDS))
cases("vertex.job_dir", vertex.job_dir, lambda: dict(variable="LABKIT_TEST_UNSET_DIR", default=_fresh_dir() / "m"),
      valid=lambda p: p.is_dir(), examples=15, variable=NAMES.filter(lambda v: v != ""), default=PATHS)
cases("vertex.local_run", vertex.local_run,
      lambda: dict(command=[sys.executable, "-c", "pass"], workdir=_fresh_dir(), spec=None, timeout=60),
      valid=lambda r: r[0].returncode == 0, examples=8,
      command=st.one_of(JUNK, NUMBERS, st.just("python -c pass"), st.just([]), st.lists(st.one_of(JUNK, NUMBERS),
                                                                                       min_size=1, max_size=2)),
      workdir=PATHS, spec=st.one_of(JUNK, NUMBERS, WORDS), timeout=st.one_of(JUNK, WORDS, st.sampled_from([NAN, -1, 0])))
cases("vertex.variants_cli", vertex.variants_cli,
      lambda: dict(variants={"gpu": _job()}, argv=[], extra=None, out=lambda text: None), valid=lambda r: r == 0,
      variants=st.one_of(JUNK, NUMBERS, WORDS, st.just({}), st.just({"gpu": GPU_JOB}), st.just({"": _job()})),
      argv=st.one_of(JUNK.filter(lambda v: v is not None), NUMBERS, WORDS,
                     st.lists(st.one_of(JUNK, NUMBERS), min_size=1, max_size=2)),
      extra=st.one_of(JUNK.filter(lambda v: v is not None), NUMBERS, WORDS), out=st.one_of(JUNK, NUMBERS, WORDS))
cases("vertex.load_spec", vertex.load_spec, lambda: dict(path="job.yaml"), must_raise=("path",),
      path=st.one_of(JUNK, NUMBERS, st.just(""), st.just(str(SCRATCH))))

# ---------------------------------------------------------------------------------------------- recurrent


def _class_folders() -> Path:
    return text.write_class_folders([("print(1)", 0), ("int x;", 1)], ["python", "java"], _fresh_dir() / "ds")


cases("recurrent.check_class_folders", recurrent.check_class_folders, lambda: dict(root=_class_folders()),
      valid=lambda r: r == ["java", "python"], examples=15, root=PATHS)
cases("recurrent.class_folder_dataset", recurrent.class_folder_dataset,
      lambda: dict(root=_class_folders(), batch_size=2), examples=15,
      must_raise=("root", "batch_size", "validation_split", "subset", "seed"), root=PATHS,
      batch_size=st.one_of(JUNK.filter(lambda v: v is not None), WORDS, st.sampled_from([NAN, -1, 0, 2.5])),
      validation_split=st.one_of(JUNK.filter(lambda v: v is not None), WORDS,
                                 st.sampled_from([NAN, -0.1, 0.0, 1.0, 1.5])),
      subset=st.one_of(JUNK.filter(lambda v: v is not None), WORDS, st.just("both")),
      seed=st.one_of(JUNK.filter(lambda v: v is not None), WORDS, st.sampled_from([NAN, -1, 2.5])))
cases("recurrent.question_folders", recurrent.question_folders,
      lambda: dict(workdir=_fresh_dir(), profile=TINY), valid=lambda r: all(p.is_dir() for p in r), examples=8,
      workdir=PATHS, profile=PROFILES)
cases("recurrent.build_classifier", recurrent.build_classifier,
      lambda: dict(kind="lstm", vocab_size=100, num_classes=2, seq_len=8, embed_dim=4, units=4, dropout=0.1),
      must_raise=("kind", "vocab_size", "num_classes", "seq_len", "embed_dim", "units", "dropout"),
      kind=NAMES, vocab_size=st.one_of(JUNK, HUGE, st.sampled_from([NAN, -1, 0, 2.5, "100"])),
      num_classes=st.one_of(JUNK, HUGE, st.sampled_from([NAN, -1, 0, 1, 2.5])),
      seq_len=st.one_of(JUNK, st.sampled_from([NAN, -1, 0, 2.5])),
      embed_dim=st.one_of(JUNK, HUGE, st.sampled_from([NAN, -1, 0, 2.5])),
      units=st.one_of(JUNK, HUGE, st.sampled_from([NAN, -1, 0, 2.5])),
      dropout=st.one_of(JUNK, WORDS, st.sampled_from([NAN, INF, -0.1, 1.0, 2])))
cases("recurrent.fit_and_measure", recurrent.fit_and_measure,
      lambda: dict(model=None, train=None, validation=None, test=None, epochs=1), must_raise=("epochs", "model"),
      epochs=st.one_of(JUNK, WORDS, st.sampled_from([NAN, -1, 0, 2.5])), model=st.one_of(JUNK, NUMBERS, WORDS))
cases("recurrent.save_comparison", recurrent.save_comparison,
      lambda: dict(rows={"lstm": {"accuracy": 0.5, "parameters": 10, "seconds_per_epoch": 1.0}}, profile_name="tiny",
                   path=_fresh_dir() / "c.json"),
      valid=lambda p: Path(p).is_file(), examples=15,
      rows=st.one_of(JUNK, NUMBERS, TEXT_LISTS, st.dictionaries(WORDS, st.one_of(
          JUNK, st.fixed_dictionaries({"accuracy": REALS}), st.fixed_dictionaries(
              {"accuracy": REALS, "parameters": INTS, "seconds_per_epoch": REALS})), max_size=2)),
      profile_name=NAMES, path=PATHS)
cases("recurrent.load_comparison", recurrent.load_comparison, lambda: dict(profile_name="tiny", path=None),
      valid=lambda r: r is None or isinstance(r, dict), examples=15, profile_name=NAMES, path=PATHS)


# ---------------------------------------------------------------------------------------------- the test

@pytest.fixture(autouse=True)
def _scratch_cwd(monkeypatch):
    """Run in a scratch folder, so a relative path a function writes to can never land in the checkout."""
    tensorflow_before = "tensorflow" in sys.modules
    monkeypatch.chdir(_fresh_dir())
    yield
    assert tensorflow_before or "tensorflow" not in sys.modules, "a bad-input case imported TensorFlow"


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("case", CASES, ids=[f"{c.name}:{c.arg}" for c in CASES])
def test_bad_input_gives_a_valid_result_or_an_error_naming_the_argument(case):
    @settings(max_examples=case.examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(value=case.bad)
    def sweep(value):
        check(case, value)

    sweep()


def test_every_public_function_of_the_modules_is_swept():
    """A new public function in one of these modules must get a case here (or be listed as out of reach)."""
    out_of_reach = {  # build on TensorFlow / Keras / PyTorch / Vertex objects (their own tests cover them)
        "attention.keras_attention", "attention.torch_attention", "attention.torch_attention_explicit",
        "attention.set_keras_mha_weights", "positional.learned_position_embedding", "positional.embedding_table",
        "text.keras_standardize", "metrics.load", "vertex.to_custom_job", "vertex.add_cli",
        # take no arguments
        "recurrent.comparison_path", "data.data_dir",
        # data classes and exceptions (their fields are swept through validate, register and the functions)
        "vertex.JobSpec", "data.DatasetSpec", "data.FullSource", "data.ChecksumError", "vertex.SubmitError",
    }
    swept = {c.name.split(" ")[0] for c in CASES} | {c.name.rsplit(".", 1)[0] for c in CASES}
    missing = []
    for module in (attention, positional, text, tokenizers, search, metrics, data, vertex, recurrent):
        short = module.__name__.split(".")[-1]
        for name, obj in vars(module).items():
            if name.startswith("_") or not callable(obj) or getattr(obj, "__module__", None) != module.__name__:
                continue
            if f"{short}.{name}" not in swept | out_of_reach:
                missing.append(f"{short}.{name}")
    assert not missing, f"public functions without a bad-input case: {missing}"
