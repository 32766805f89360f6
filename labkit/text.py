"""Text helpers shared by the text-classification and Word2Vec labs.

Standardisation (the same rule in Python and in TensorFlow), a folder-per-class dataset writer, and the
skip-gram / negative-sampling generator that Keras 3 no longer ships::

    >>> from labkit.text import standardize, skipgram_pairs
    >>> standardize("Great movie!<br /><br />Loved it.")
    'great movie loved it'
    >>> pairs, labels = skipgram_pairs([1, 2, 3], vocabulary_size=10, window_size=1, seed=0)
    >>> sorted(map(tuple, pairs[labels == 1].tolist()))
    [(1, 2), (2, 1), (2, 3), (3, 2)]

Imports of TensorFlow happen inside :func:`keras_standardize` only, so ``import labkit.text`` stays instant.
"""
from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from labkit.checks import int_in_range

# A tag starts with "<" or "</" directly followed by a letter, so "a < b" or "x<3" is left alone.
# The same pattern is valid in Python's re and in RE2 (tf.strings.regex_replace).
HTML_TAG = r"</?[A-Za-z][^<>]*>"
_HTML_TAG_RE = re.compile(HTML_TAG)
_SPACES_RE = re.compile(r"\s+")
#: The largest vocabulary the skip-gram helpers accept (each negative draw allocates one weight per word).
MAX_VOCABULARY = 10_000_000


def _is_punctuation_or_symbol(char: str) -> bool:
    # Unicode categories P* (punctuation) and S* (symbols): the same set RE2's [\pP\pS] removes in TensorFlow.
    return unicodedata.category(char)[0] in "PS"


def standardize(text: str) -> str:
    """Lower-case, replace HTML tags by spaces, drop punctuation and symbols, collapse whitespace.

    Letters of every script are kept (``"Ñandú"`` becomes ``"ñandú"``, not ``"and"``).

    >>> standardize("  It's <b>GREAT</b>,  really:  10/10! ")
    'its great really 1010'
    """
    if not isinstance(text, str):
        raise TypeError(f"text: standardize expects a str, got {type(text).__name__} ({text!r:.60})")
    text = _HTML_TAG_RE.sub(" ", text.lower())
    text = "".join(char for char in text if not _is_punctuation_or_symbol(char))
    return _SPACES_RE.sub(" ", text).strip()


def keras_standardize(tensor):
    """:func:`standardize` written with ``tf.strings`` ops, for ``TextVectorization(standardize=...)``.

    Gives the same strings as :func:`standardize` on ASCII text (a unit test checks it).

    >>> layer = keras.layers.TextVectorization(standardize=keras_standardize)     # doctest: +SKIP
    """
    import tensorflow as tf

    text = tf.strings.lower(tensor, encoding="utf-8")
    text = tf.strings.regex_replace(text, HTML_TAG, " ")
    text = tf.strings.regex_replace(text, r"[\pP\pS]", "")
    text = tf.strings.regex_replace(text, r"[\s\x0b\x1c-\x1f\x85\p{Z}]+", " ")
    return tf.strings.strip(text)


# ---------------------------------------------------------------------------------------------- class folders

def _row_text_label(row, index: int):
    if isinstance(row, Mapping):
        if "text" not in row or "label" not in row:
            raise ValueError(f"rows[{index}] needs the keys 'text' and 'label', got {sorted(map(str, row))}")
        return row["text"], row["label"]
    if isinstance(row, Sequence) and not isinstance(row, str) and len(row) == 2:
        return row[0], row[1]
    raise TypeError(f"rows[{index}] must be a dict with 'text' and 'label' or a (text, label) pair, got {row!r:.80}")


def write_class_folders(rows: Iterable, label_names: Sequence[str], root) -> Path:
    """Write a folder-per-class text dataset: ``root/<label name>/<row index>.txt``; returns ``root``.

    rows:        dicts with ``text`` and ``label`` (or ``(text, label)`` pairs); a label is an index into
                 ``label_names`` or one of the names.
    label_names: the class names, in label-index order; every class gets a folder, even an empty one, so
                 ``keras.utils.text_dataset_from_directory`` sees the same classes in the same order.

    >>> write_class_folders([("print(1)", 0)], ["python", "java"], tempfile.mkdtemp())     # doctest: +SKIP
    """
    if isinstance(label_names, (str, bytes)) or not isinstance(label_names, Iterable):
        raise TypeError(f"label_names must be a list of class names, got {label_names!r:.60}")
    label_names = list(label_names)
    for name in label_names:
        if not isinstance(name, str) or not name or "/" in name or name in {".", ".."}:
            raise ValueError(f"label name {name!r:.40} (in label_names) cannot be a folder name; use plain names "
                             "like 'python'")
    if not label_names or len(set(label_names)) != len(label_names):
        raise ValueError(f"label_names must be distinct, non-empty names, got {label_names!r}")
    if not isinstance(root, (str, os.PathLike)) or not os.fspath(root):
        raise TypeError(f"root must be a folder path (str or pathlib.Path), got {root!r:.60}")
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ValueError(f"root {root} is not empty (or is a file); write class folders into a new or empty folder "
                         "(e.g. tempfile.mkdtemp()) so old files cannot mix in")
    if isinstance(rows, (str, bytes, Mapping)) or not isinstance(rows, Iterable):
        raise TypeError(f"rows must be a list of dicts or (text, label) pairs, got {rows!r:.60}")
    rows = list(rows)
    if not rows:
        raise ValueError("rows is empty: there is nothing to write")
    planned = []
    for index, row in enumerate(rows):
        text, label = _row_text_label(row, index)
        if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
            if not 0 <= label < len(label_names):
                raise ValueError(f"rows[{index}] has label {label}, outside 0..{len(label_names) - 1} "
                                 f"(label names: {label_names})")
            name = label_names[label]
        elif isinstance(label, str) and label in label_names:
            name = label
        else:
            raise ValueError(f"rows[{index}] has unknown label {label!r:.40}; use an index or one of {label_names}")
        if not isinstance(text, str):
            raise TypeError(f"rows[{index}]: text must be a str, got {type(text).__name__}")
        planned.append((name, index, text))
    for name in label_names:
        (root / name).mkdir(parents=True, exist_ok=True)
    for name, index, text in planned:
        (root / name / f"{index}.txt").write_text(text, encoding="utf-8")
    return root


# ---------------------------------------------------------------------------------------------- skip-grams

_EULER_GAMMA = 0.5772156649


def sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """Probability of keeping a word of each frequency rank as a skip-gram target (index 0 = padding: 0).

    Word2Vec discards very frequent words: a word with corpus frequency ``f`` is kept with probability
    ``min(1, sqrt(sampling_factor / f))``. Word ids are frequency ranks (1 = most frequent), and ``f`` is
    estimated from the rank with Zipf's law, ``f(r) ~ 1 / (r (ln r + gamma))``, so only the vocabulary size is
    needed.

    >>> sampling_table(5)[:3].round(4).tolist()
    [0.0, 0.0032, 0.0055]
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 2 <= size <= MAX_VOCABULARY:
        raise ValueError(f"size must be an int >= 2 (the vocabulary size, padding included), got {size!r:.40}; "
                         f"at most {MAX_VOCABULARY:,}")
    if not _is_real(sampling_factor) or not 0 < sampling_factor <= 1:
        raise ValueError(f"sampling_factor must be a number in (0, 1], got {sampling_factor!r:.40}")
    rank = np.arange(1, size, dtype=np.float64)
    # Zipf frequency with the harmonic-number correction terms, as in word2vec's analysis of ranked vocabularies.
    inverse_frequency = rank * (np.log(rank) + _EULER_GAMMA) + 0.5 - 1.0 / (12.0 * rank)
    keep = np.minimum(1.0, np.sqrt(sampling_factor * inverse_frequency))
    return np.concatenate([[0.0], keep])


def _is_collection(value) -> bool:
    """A list-like of items: not a string, not a 0-d array."""
    if isinstance(value, np.ndarray):
        return value.ndim > 0
    return isinstance(value, Iterable) and not isinstance(value, (str, bytes))


def _is_real(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and math.isfinite(value)


def _vocabulary_size(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 2 <= value <= MAX_VOCABULARY:
        raise ValueError(f"vocabulary_size must be an int >= 2, got {value!r:.40}; at most {MAX_VOCABULARY:,}")
    return int(value)


def _generator(seed, name: str) -> np.random.Generator:
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a non-negative int seed, a numpy Generator or None, got {seed!r:.40}") \
            from None


def sample_negatives(exclude: Iterable[int], vocabulary_size: int, num_negatives: int, rng=None,
                     probabilities=None) -> np.ndarray:
    """Draw ``num_negatives`` word ids in ``1..vocabulary_size-1`` that are never in ``exclude``.

    ``tf.random.log_uniform_candidate_sampler`` (used by many Word2Vec tutorials) can return the true context
    as a "negative", teaching the model that a real pair is fake. This sampler draws from ``probabilities``
    (uniform over ids 1.. when None, e.g. unigram^0.75 otherwise) with the excluded ids removed.

    >>> sample_negatives({3}, 5, 4, rng=0).tolist()          # never 3, nor 0 (the padding id)
    [2, 1, 1, 1]
    """
    num_negatives = int_in_range(num_negatives, "num_negatives", 0)
    if num_negatives > MAX_VOCABULARY:
        raise ValueError(f"num_negatives={num_negatives} is more than {MAX_VOCABULARY:,} draws")
    vocabulary_size = _vocabulary_size(vocabulary_size)
    rng = _generator(rng, "rng")
    if probabilities is None:
        weights = np.ones(vocabulary_size, dtype=np.float64)
    else:
        try:
            weights = np.array(probabilities, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"probabilities must be {vocabulary_size} numbers, got {probabilities!r:.60}") from None
        if weights.shape != (vocabulary_size,) or (weights < 0).any() or not np.isfinite(weights).all():
            raise ValueError(f"probabilities must be {vocabulary_size} non-negative finite weights, "
                             f"got shape {weights.shape}")
    weights[0] = 0.0                                   # padding is never a word
    if not _is_collection(exclude) \
            or not all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in exclude):
        raise TypeError(f"exclude must be a collection of int word ids, got {exclude!r:.60}")
    excluded = [int(i) for i in exclude if 0 <= int(i) < vocabulary_size]
    weights[excluded] = 0.0
    total = weights.sum()
    if num_negatives and total <= 0:
        raise ValueError(f"no word id is left to sample: every id of 1..{vocabulary_size - 1} is excluded "
                         "or has zero probability")
    if num_negatives == 0:
        return np.zeros(0, dtype=np.int64)
    return rng.choice(vocabulary_size, size=num_negatives, p=weights / total).astype(np.int64)


def _check_sequence(sequence, vocabulary_size: int) -> np.ndarray:
    try:
        ids = np.asarray(sequence)
    except ValueError:
        raise ValueError("sequence must be a 1-D list of word ids; it is ragged (nested lists of different "
                         "lengths)") from None
    if ids.ndim != 1:
        raise ValueError(f"sequence must be a 1-D list of word ids, got shape {ids.shape}")
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f"sequence must hold integer word ids, got dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocabulary_size):
        bad = ids[(ids < 0) | (ids >= vocabulary_size)][0]
        raise ValueError(f"word id {int(bad)} is outside 0..{vocabulary_size - 1} (vocabulary_size={vocabulary_size})")
    return ids.astype(np.int64)


def skipgram_pairs(sequence, vocabulary_size: int, window_size: int = 4, negative_samples: float = 1.0,
                   sampling_table=None, seed=None, shuffle: bool = True):
    """Skip-gram ``(target, context)`` pairs with labels: 1 for a real neighbour, 0 for a negative sample.

    sequence:         word ids (0 = padding, skipped).
    window_size:      a context is at most this many positions before or after the target.
    negative_samples: negatives per positive pair (1.0 = as many negatives as positives).
    sampling_table:   keep probability per word id for targets (see :func:`sampling_table`); None keeps all.

    A negative pair never repeats one of the positive pairs of this sequence: its context is drawn from the
    words that never appear within the window of that target. Returns ``(pairs, labels)``: an int64 array of
    shape ``(n, 2)`` and an int64 array of shape ``(n,)``.

    >>> pairs, labels = skipgram_pairs([1, 2, 3, 4], vocabulary_size=50, window_size=1, seed=0)
    >>> int(labels.sum()), len(labels)
    (6, 12)
    """
    vocabulary_size = _vocabulary_size(vocabulary_size)
    window_size = int_in_range(window_size, "window_size")
    if not _is_real(negative_samples) or not 0 <= negative_samples <= 100:
        raise ValueError(f"negative_samples must be a number in [0, 100] (word2vec uses 2 to 20), "
                         f"got {negative_samples!r:.40}")
    ids = _check_sequence(sequence, vocabulary_size)
    if sampling_table is not None:
        try:
            sampling_table = np.asarray(sampling_table, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"sampling_table must be an array of keep probabilities, got {sampling_table!r:.60}") \
                from None
        if sampling_table.ndim != 1 or sampling_table.shape[0] < vocabulary_size:
            raise ValueError(f"sampling_table has {sampling_table.shape[0] if sampling_table.ndim else 0} entries "
                             f"(shape {sampling_table.shape}) but vocabulary_size is {vocabulary_size}; build it "
                             f"with sampling_table({vocabulary_size})")
        if not np.isfinite(sampling_table).all() or (sampling_table < 0).any() or (sampling_table > 1).any():
            raise ValueError("sampling_table must hold keep probabilities in [0, 1] (no NaN)")
    rng = _generator(seed, "seed")

    positives: list[tuple[int, int]] = []
    for i, target in enumerate(ids):
        if target == 0:
            continue
        if sampling_table is not None and sampling_table[target] < rng.random():
            continue
        for j in range(max(0, i - window_size), min(len(ids), i + window_size + 1)):
            if j != i and ids[j] != 0:
                positives.append((int(target), int(ids[j])))

    # Every context a target word has anywhere in this sequence: a negative must avoid all of them.
    true_contexts: dict[int, set[int]] = {}
    for i, target in enumerate(ids):
        window = ids[max(0, i - window_size): i + window_size + 1]
        true_contexts.setdefault(int(target), set()).update(int(w) for k, w in enumerate(window)
                                                            if k != min(i, window_size))
    negatives: list[tuple[int, int]] = []
    n_negative = int(round(len(positives) * negative_samples))
    for k in range(n_negative):
        target = positives[k % len(positives)][0]
        if len(true_contexts[target] - {0}) >= vocabulary_size - 1:
            continue                                   # this word's window covers the whole vocabulary
        context = sample_negatives(true_contexts[target], vocabulary_size, 1, rng)[0]
        negatives.append((target, int(context)))

    pairs = np.array(positives + negatives, dtype=np.int64).reshape(-1, 2)
    labels = np.array([1] * len(positives) + [0] * len(negatives), dtype=np.int64)
    if shuffle and len(labels):
        order = rng.permutation(len(labels))
        pairs, labels = pairs[order], labels[order]
    return pairs, labels


def skipgram_examples(sequences, vocabulary_size: int, window_size: int = 2, num_negatives: int = 4,
                      sampling_table=None, seed=None):
    """Word2Vec training examples: ``targets (n,)``, ``contexts (n, 1 + num_negatives)``, ``labels`` alike.

    For each positive pair of each sequence, the context row is the true context followed by
    ``num_negatives`` sampled words that are never a true context of that target in that sequence; the label
    row is ``[1, 0, 0, ...]``. This is the layout a dot-product Word2Vec model trains on.

    >>> t, c, y = skipgram_examples([[1, 2, 3]], vocabulary_size=20, window_size=1, num_negatives=2, seed=0)
    >>> t.shape, c.shape, y[0].tolist()
    ((4,), (4, 3), [1, 0, 0])
    """
    if not _is_collection(sequences):
        raise TypeError(f"sequences must be a list of word-id sequences, got {sequences!r:.60}")
    num_negatives = int_in_range(num_negatives, "num_negatives", 0, 1000)
    vocabulary_size = _vocabulary_size(vocabulary_size)
    rng = _generator(seed, "seed")
    targets, contexts = [], []
    for index, sequence in enumerate(sequences):
        try:
            ids = _check_sequence(sequence, vocabulary_size)
        except (TypeError, ValueError) as error:
            raise type(error)(f"sequences[{index}]: {error}") from None
        pairs, _ = skipgram_pairs(ids, vocabulary_size, window_size, negative_samples=0.0,
                                  sampling_table=sampling_table, seed=rng, shuffle=False)
        if not len(pairs):
            continue
        neighbours: dict[int, set[int]] = {}
        for i, word in enumerate(ids):
            neighbours.setdefault(int(word), set()).update(
                int(w) for w in ids[max(0, i - window_size): i + window_size + 1])
        for target, context in pairs.tolist():
            negatives = sample_negatives(neighbours[target], vocabulary_size, num_negatives, rng)
            targets.append(target)
            contexts.append([context, *negatives.tolist()])
    targets_array = np.array(targets, dtype=np.int64)
    contexts_array = np.array(contexts, dtype=np.int64).reshape(-1, 1 + num_negatives)
    labels = np.zeros_like(contexts_array)
    labels[:, 0] = 1
    return targets_array, contexts_array, labels
