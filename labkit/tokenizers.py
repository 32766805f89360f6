"""Tokenizers for the labs: look at pieces, train subword vocabularies, byte-level BPE from scratch, compare.

    >>> from labkit.tokenizers import train_bpe
    >>> bpe = train_bpe(["low lower lowest"] * 10, vocab_size=260)
    >>> bpe.decode(bpe.encode("lowest slow")) == "lowest slow"
    True

* :func:`show_tokens` colours the pieces of a text for any tokenizer the labs use (tiktoken, Hugging Face,
  keras-hub, SentencePiece, the teaching BPE) and lists ``id -> piece``.
* :func:`train_subword` / :func:`train_sentencepiece` train vocabularies with the ``tokenizers`` and
  ``sentencepiece`` libraries.
* :func:`train_bpe`, :func:`bpe_encode`, :func:`bpe_decode`: byte-level BPE in a few short functions; lab 01-2
  shows their source.
* :func:`compare_tokenizers`: tokens per word per language, exact round trip, unknown-token rate, MB/s.

Frameworks are imported inside the functions that need them, so ``import labkit.tokenizers`` is instant.
"""
from __future__ import annotations

import html
import numbers
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from labkit.checks import int_in_range

# ---------------------------------------------------------------------------------------------- BPE from scratch

#: GPT-2's pre-tokenizer pattern (also the ``tokenizers`` ByteLevel one): merges never cross these chunks, so a
#: word, a number, a run of punctuation and a run of spaces are learned separately. A leading space stays
#: attached to the word after it.
GPT2_SPLIT = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


# Input checks, shared by the functions below (each raises an error that names the argument).

def _check_str(text, name: str = "text") -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    return text


def _check_texts(texts, name: str = "texts") -> list[str]:
    """A list of strings (not one string, not a list holding anything else)."""
    if isinstance(texts, (str, bytes)) or not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list of strings, got {type(texts).__name__}")
    texts = list(texts)
    for i, text in enumerate(texts):
        _check_str(text, f"{name}[{i}]")
    return texts


def _check_merges(merges) -> list[tuple[int, int]]:
    """Merges in learning order: merge i joins two ids that exist before it (below 256 + i)."""
    if isinstance(merges, (str, bytes)) or not isinstance(merges, Iterable):
        raise TypeError(f"merges must be a list of (id, id) pairs, got {type(merges).__name__}")
    merges = list(merges)
    for i, pair in enumerate(merges):
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(
                isinstance(t, int) and not isinstance(t, bool) and 0 <= t < 256 + i for t in pair)):
            raise ValueError(f"merges[{i}] must be a pair of ids in 0..{255 + i} (bytes and earlier merges), "
                             f"got {pair!r:.40}")
    return [tuple(pair) for pair in merges]


def _check_ids(ids, vocab_size: int, name: str = "ids") -> list[int]:
    if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable) or getattr(ids, "ndim", 1) == 0:
        raise TypeError(f"{name} must be a list of token ids, got {type(ids).__name__}")
    ids = list(ids)
    bad = [i for i in ids if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 0 <= i < vocab_size]
    if bad:
        raise ValueError(f"{name} must hold token ids in 0..{vocab_size - 1} (256 bytes + {vocab_size - 256} "
                         f"merges), got {bad[0]!r:.40}")
    return [int(i) for i in ids]


def pretokenize(text: str) -> list[bytes]:
    """Cut ``text`` into GPT-2 chunks and return each chunk's UTF-8 bytes.

    >>> pretokenize("Hi there!")
    [b'Hi', b' there', b'!']
    """
    import regex  # the `re` module has no \\p{L} (any letter); `regex` does

    return [chunk.encode("utf-8") for chunk in regex.findall(GPT2_SPLIT, _check_str(text))]


def count_pairs(words: Mapping[tuple[int, ...], int]) -> Counter:
    """How often each adjacent pair of ids occurs, weighting each word by its count."""
    if not isinstance(words, Mapping) or not all(isinstance(w, tuple) and isinstance(n, int) and not isinstance(
            n, bool) and n >= 0 for w, n in words.items()):
        raise TypeError("words must map tuples of ids to counts (non-negative ints)")
    pairs: Counter = Counter()
    for word, count in words.items():
        for pair in zip(word, word[1:]):
            pairs[pair] += count
    return pairs


def merge(word: tuple[int, ...], pair: tuple[int, int], new_id: int) -> tuple[int, ...]:
    """Replace every occurrence of ``pair`` in ``word`` (left to right) by ``new_id``."""
    if not isinstance(word, (tuple, list)) or not isinstance(pair, (tuple, list)) or len(pair) != 2:
        raise TypeError(f"word must be a tuple of ids and pair a pair of ids, got word={word!r:.30}, pair={pair!r:.30}")
    int_in_range(new_id, "new_id", 0)
    merged, i = [], 0
    while i < len(word):
        if i + 1 < len(word) and (word[i], word[i + 1]) == pair:
            merged.append(new_id)
            i += 2
        else:
            merged.append(word[i])
            i += 1
    return tuple(merged)


def train_bpe(texts: Iterable[str], vocab_size: int) -> BytePairEncoding:
    """Learn ``vocab_size - 256`` merges: start from the 256 bytes, repeatedly merge the most frequent pair.

    Ties go to the pair seen first. Training stops early when no pair is left to merge.
    """
    if isinstance(texts, str):
        raise TypeError("train_bpe takes a list of texts, not a single string; wrap it: train_bpe([text], ...)")
    texts = _check_texts(texts)
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 256:
        raise ValueError(f"vocab_size={vocab_size!r} is smaller than the byte alphabet: byte-level BPE needs "
                         "at least 256 (one id per byte value)")
    words: Counter = Counter()
    for text in texts:
        words.update(tuple(chunk) for chunk in pretokenize(text))
    if not words:
        raise ValueError("cannot train BPE on an empty corpus: the texts hold no characters")
    merges: list[tuple[int, int]] = []
    counts: list[int] = []
    while 256 + len(merges) < vocab_size:
        pairs = count_pairs(words)
        if not pairs:
            break
        best = max(pairs, key=pairs.get)
        new_id = 256 + len(merges)
        words = Counter({merge(word, best, new_id): n for word, n in words.items()})
        merges.append(best)
        counts.append(pairs[best])
    return BytePairEncoding(merges, counts)


def bpe_encode(text: str, merges: Sequence[tuple[int, int]]) -> list[int]:
    """Encode ``text``: bytes of each chunk, then apply the learned merges, earliest-learned first."""
    rank = {pair: i for i, pair in enumerate(_check_merges(merges))}
    ids: list[int] = []
    for chunk in pretokenize(text):
        word = tuple(chunk)
        while len(word) > 1:
            pair = min(zip(word, word[1:]), key=lambda p: rank.get(p, len(rank)))
            if pair not in rank:
                break
            word = merge(word, pair, 256 + rank[pair])
        ids.extend(word)
    return ids


def token_bytes(merges: Sequence[tuple[int, int]]) -> list[bytes]:
    """The bytes each id stands for: ids 0-255 are single bytes, id 256 + i is merge i's two parts joined."""
    table = [bytes([b]) for b in range(256)]
    for left, right in _check_merges(merges):
        table.append(table[left] + table[right])
    return table


def bpe_decode(ids: Iterable[int], merges: Sequence[tuple[int, int]]) -> str:
    """Join the bytes of ``ids`` and decode UTF-8 (invalid sequences, possible for arbitrary ids, become U+FFFD)."""
    table = token_bytes(merges)
    return b"".join(table[i] for i in _check_ids(ids, len(table))).decode("utf-8", errors="replace")


@dataclass
class BytePairEncoding:
    """A trained teaching BPE: its ``merges`` (in learning order) and how often each pair occurred.

    >>> bpe = train_bpe(["aaab"], vocab_size=257); bpe.merges, bpe.encode("aaab")
    ([(97, 97)], [256, 97, 98])
    """

    merges: list[tuple[int, int]]
    counts: list[int] = field(default_factory=list)

    def __post_init__(self):
        self.merges = _check_merges(self.merges)
        self._bytes = token_bytes(self.merges)
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return 256 + len(self.merges)

    def encode(self, text: str) -> list[int]:
        return bpe_encode(_check_str(text), self.merges)

    def decode(self, ids: Iterable[int]) -> str:
        return b"".join(self._bytes[i] for i in _check_ids(ids, self.vocab_size)).decode("utf-8", errors="replace")

    def token_bytes(self, token_id: int) -> bytes:
        return self._bytes[int_in_range(token_id, "token_id", 0, self.vocab_size - 1)]

    def encode_fast(self, text: str) -> list[int]:
        """:meth:`encode` with a cache of encoded chunks (what real tokenizers do); the throughput test uses it."""
        import regex

        ids: list[int] = []
        for chunk in regex.findall(GPT2_SPLIT, _check_str(text)):
            if chunk not in self._cache:
                self._cache[chunk] = bpe_encode(chunk, self.merges)
            ids.extend(self._cache[chunk])
        return ids


# ---------------------------------------------------------------------------------------------- library trainers

SUBWORD_KINDS = ("bpe", "wordpiece", "unigram")


def train_subword(kind: str, texts: Sequence[str], vocab_size: int, lowercase: bool = False):
    """A ``tokenizers.Tokenizer`` of ``kind`` (``bpe``, ``wordpiece`` or ``unigram``) trained on ``texts``.

    bpe:       byte-level BPE (GPT-2 style, no unknown token ever), deterministic.
    wordpiece: BERT-style, with ``[UNK]`` and ``##`` continuation pieces; the vocabulary comes from
               :func:`labkit.hub.wordpiece_vocab` because the library's WordPiece trainer breaks ties in
               hash order and changes from run to run.
    unigram:   SentencePiece-style Unigram with a Metaspace (``▁``) pre-tokenizer; not bit-for-bit
               reproducible across processes (the trainer's ties), so print its pieces, don't pin them.

    >>> tok = train_subword("bpe", ["a tiny corpus"] * 5, vocab_size=300)      # doctest: +SKIP
    """
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

    if kind not in SUBWORD_KINDS:
        raise ValueError(f"unknown tokenizer kind {kind!r}; use one of {', '.join(SUBWORD_KINDS)}")
    texts = _check_texts(texts)
    if not any(t.strip() for t in texts):
        raise ValueError("cannot train a tokenizer on an empty corpus (texts)")
    int_in_range(vocab_size, "vocab_size", 2, 10_000_000)
    if kind == "bpe":
        if vocab_size < 256:
            raise ValueError(f"vocab_size={vocab_size} is smaller than the 256-byte alphabet of byte-level BPE")
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
        trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                      show_progress=False)
    elif kind == "wordpiece":
        from labkit.hub import train_wordpiece

        return train_wordpiece(texts, vocab_size, lowercase)
    else:
        tokenizer = Tokenizer(models.Unigram())
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
        tokenizer.decoder = decoders.Metaspace()
        trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=["<unk>"], unk_token="<unk>",
                                          show_progress=False)
    if lowercase:
        tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.train_from_iterator(texts, trainer=trainer)
    return tokenizer


def train_sentencepiece(texts: Sequence[str], vocab_size: int, model_type: str = "bpe", byte_fallback: bool = True):
    """A ``sentencepiece.SentencePieceProcessor`` trained in memory (one thread, so the result is reproducible).

    Normalisation is off (``identity``) and whitespace is kept as is, so with ``byte_fallback`` any text
    round-trips exactly: characters outside the vocabulary become ``<0xNN>`` byte pieces instead of ``<unk>``.

    >>> sp = train_sentencepiece(corpus, vocab_size=500)      # doctest: +SKIP
    """
    import io

    import sentencepiece as spm

    texts = [t for t in _check_texts(texts) if t.strip()]
    if not texts:
        raise ValueError("cannot train SentencePiece on an empty corpus (texts)")
    if model_type not in ("bpe", "unigram", "char", "word"):
        raise ValueError(f"model_type={model_type!r}; use 'bpe', 'unigram', 'char' or 'word'")
    int_in_range(vocab_size, "vocab_size", 4, 10_000_000)        # at least <unk>, <s>, </s> and one piece
    model = io.BytesIO()
    try:
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(texts), model_writer=model, vocab_size=vocab_size, model_type=model_type,
            byte_fallback=byte_fallback, character_coverage=1.0, normalization_rule_name="identity",
            remove_extra_whitespaces=False, split_digits=True, num_threads=1, minloglevel=2,
            allow_whitespace_only_pieces=True, max_sentence_length=1 << 16)
    except RuntimeError as error:            # SentencePiece reports an impossible vocab_size this way
        raise ValueError(f"vocab_size={vocab_size} does not fit this corpus and model_type={model_type!r}: "
                         f"{str(error).splitlines()[-1]}") from None
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


# ---------------------------------------------------------------------------------------------- adapters

class _Adapter:
    """One interface over the tokenizer libraries: encode, encode a batch, decode, a piece's text, unk id."""

    kind = "?"
    unk_id: int | None = None

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def encode(self, text: str) -> list[int]:
        raise NotImplementedError

    def encode_batch(self, texts: list[str]) -> int:
        """Encode every text; returns the number of tokens (the throughput loop only needs the work done)."""
        return sum(len(self.encode(t)) for t in texts)

    def decode(self, ids: list[int]) -> str:
        raise NotImplementedError

    def piece(self, token_id: int) -> str:
        raise NotImplementedError


def _bytes_piece(raw: bytes) -> str:
    """Decode what is valid UTF-8 and show the rest (parts of a multi-byte character) as ``<0xNN>``."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        head = raw[: error.start].decode("utf-8")
        bad = "".join(f"<0x{b:02X}>" for b in raw[error.start: error.end])
        return head + bad + _bytes_piece(raw[error.end:])


class _Tiktoken(_Adapter):
    kind = "tiktoken"

    def encode(self, text):
        return self.tokenizer.encode_ordinary(text)

    def decode(self, ids):
        return self.tokenizer.decode(ids)

    def piece(self, token_id):
        return _bytes_piece(self.tokenizer.decode_single_token_bytes(token_id))


class _HFTokenizer(_Adapter):
    """A ``tokenizers.Tokenizer`` (raw Rust tokenizer)."""

    kind = "tokenizers"

    def __init__(self, tokenizer):
        from tokenizers import Tokenizer

        # A copy without padding or truncation (a saved model's tokenizer.json may pad every text to 128).
        tokenizer = Tokenizer.from_str(tokenizer.to_str())
        tokenizer.no_padding()
        tokenizer.no_truncation()
        super().__init__(tokenizer)
        unk = getattr(tokenizer.model, "unk_token", None)
        candidates = [unk] if unk else ["[UNK]", "<unk>", "<UNK>"]
        self.unk_id = next((tokenizer.token_to_id(t) for t in candidates if tokenizer.token_to_id(t) is not None),
                           None)
        self._byte_level = type(tokenizer.pre_tokenizer).__name__ == "ByteLevel"
        if self._byte_level:
            from tokenizers import pre_tokenizers

            self._unbyte = {c: b for b, c in enumerate(_gpt2_byte_chars())}
            assert set(self._unbyte) == set(pre_tokenizers.ByteLevel.alphabet())

    def encode(self, text):
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def encode_batch(self, texts):
        return sum(len(e.ids) for e in self.tokenizer.encode_batch(texts, add_special_tokens=False))

    def decode(self, ids):
        return self.tokenizer.decode(ids, skip_special_tokens=False)

    def piece(self, token_id):
        token = self.tokenizer.id_to_token(token_id)
        if self._byte_level and token is not None and all(c in self._unbyte for c in token):
            return _bytes_piece(bytes(self._unbyte[c] for c in token))
        return token


class _Transformers(_HFTokenizer):
    """A transformers ``PreTrainedTokenizerFast``: adapt its backend tokenizer, keep its unk id."""

    kind = "transformers"

    def __init__(self, tokenizer):
        super().__init__(tokenizer.backend_tokenizer)
        self.unk_id = tokenizer.unk_token_id


class _KerasHub(_Adapter):
    kind = "keras-hub"

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        oov = getattr(tokenizer, "oov_token", None) or getattr(tokenizer, "unknown_token", None)
        self.unk_id = tokenizer.token_to_id(oov) if oov else None

    def encode(self, text):
        return [int(i) for i in _numpy(self.tokenizer.tokenize(text))]

    def encode_batch(self, texts):
        ragged = self.tokenizer.tokenize(texts)
        values = getattr(ragged, "flat_values", None)
        return int(values.shape[0]) if values is not None else sum(len(r) for r in ragged)

    def decode(self, ids):
        out = self.tokenizer.detokenize([ids])
        out = _numpy(out)[0]
        return out.decode("utf-8") if isinstance(out, bytes) else str(out)

    def piece(self, token_id):
        return self.tokenizer.id_to_token(token_id)


class _SentencePiece(_Adapter):
    kind = "sentencepiece"

    def __init__(self, tokenizer):
        super().__init__(tokenizer)
        self.unk_id = tokenizer.unk_id()

    def encode(self, text):
        return self.tokenizer.encode(text)

    def encode_batch(self, texts):
        return sum(len(ids) for ids in self.tokenizer.encode(texts, num_threads=1))

    def decode(self, ids):
        return self.tokenizer.decode(ids)

    def piece(self, token_id):
        return self.tokenizer.id_to_piece(token_id).replace("\u2581", " ")


class _Teaching(_Adapter):
    kind = "teaching BPE"

    def encode(self, text):
        return self.tokenizer.encode(text)

    def decode(self, ids):
        return self.tokenizer.decode(ids)

    def piece(self, token_id):
        return _bytes_piece(self.tokenizer.token_bytes(token_id))


def _numpy(value):
    return value.numpy() if hasattr(value, "numpy") else value


def _gpt2_byte_chars() -> list[str]:
    """GPT-2's byte -> printable character table (what ``tokenizers`` ByteLevel shows as ``Ġ``, ``Ċ``...)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars, shift = {}, 0
    for b in range(256):
        if b in printable:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + shift)
            shift += 1
    return [chars[b] for b in range(256)]


ACCEPTED = ("a tiktoken Encoding, a tokenizers.Tokenizer, a transformers fast tokenizer, a keras-hub Tokenizer, "
            "a sentencepiece.SentencePieceProcessor or a labkit BytePairEncoding")


def adapt(tokenizer) -> _Adapter:
    """Wrap any supported tokenizer in one interface (``encode``, ``decode``, ``piece``, ``unk_id``)."""
    if isinstance(tokenizer, _Adapter):
        return tokenizer
    if isinstance(tokenizer, BytePairEncoding):
        return _Teaching(tokenizer)
    module = type(tokenizer).__module__
    if module.startswith("tiktoken"):
        return _Tiktoken(tokenizer)
    if module.startswith("tokenizers"):
        return _HFTokenizer(tokenizer)
    if module.startswith("transformers"):
        if getattr(tokenizer, "backend_tokenizer", None) is None:
            raise TypeError(f"{type(tokenizer).__name__} is a slow transformers tokenizer; load the fast one "
                            "(AutoTokenizer.from_pretrained(..., use_fast=True))")
        return _Transformers(tokenizer)
    if module.startswith("sentencepiece"):
        return _SentencePiece(tokenizer)
    if module.startswith(("keras_hub", "keras_nlp")):
        return _KerasHub(tokenizer)
    raise TypeError(f"unsupported tokenizer type {type(tokenizer).__module__}.{type(tokenizer).__name__}; "
                    f"use {ACCEPTED}")


def token_pieces(text: str, tokenizer) -> list[tuple[int, str]]:
    """``[(id, piece text), ...]`` for ``text``; partial UTF-8 pieces show as ``<0xNN>`` bytes.

    >>> token_pieces("hello world", labkit.hub.tiktoken_encoding())      # doctest: +SKIP
    [(15339, 'hello'), (1917, ' world')]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    adapter = adapt(tokenizer)
    return [(i, adapter.piece(i)) for i in adapter.encode(text)]


_COLOURS = ("#fde2a7", "#c8e6c9", "#bbdefb", "#f8bbd0", "#d1c4e9", "#ffccbc", "#b2dfdb")


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def show_tokens(text: str, tokenizer, listing: bool = True) -> list[tuple[int, str]]:
    """Show how ``tokenizer`` cuts ``text``: coloured pieces (HTML in a notebook, ``|``-separated otherwise),
    then one ``id -> piece`` line per token. Returns the ``(id, piece)`` list.

    >>> show_tokens("hello world", labkit.hub.tiktoken_encoding())       # doctest: +SKIP
    """
    pieces = token_pieces(text, tokenizer)
    name = adapt(tokenizer).kind
    if _in_notebook():
        from IPython.display import HTML, display

        spans = "".join(
            f'<span style="background:{_COLOURS[k % len(_COLOURS)]};color:#000;padding:1px 0;'
            f'white-space:pre;border-right:1px solid #999">{html.escape(piece)}</span>'
            for k, (_, piece) in enumerate(pieces))
        display(HTML(f"<div style='font-family:monospace;line-height:1.9'><b>{html.escape(name)}</b>, "
                     f"{len(pieces)} tokens: {spans}</div>"))
    else:
        print(f"{name}, {len(pieces)} tokens: " + "|".join(piece for _, piece in pieces))
    if listing:
        for token_id, piece in pieces:
            print(f"{token_id:>7} -> {piece!r}")
    return pieces


# ---------------------------------------------------------------------------------------------- comparison

def fertility(tokenizer, texts: Sequence[str]) -> float:
    """Tokens per whitespace-separated word over ``texts`` (lower is better for that language).

    >>> fertility(labkit.hub.tiktoken_encoding(), ["hello world"])          # doctest: +SKIP
    1.0
    """
    adapter, texts = adapt(tokenizer), _check_texts(texts)
    words = sum(len(t.split()) for t in texts)
    if words == 0:
        raise ValueError("fertility needs texts with at least one word")
    return sum(len(adapter.encode(t)) for t in texts) / words


def round_trip_rate(tokenizer, texts: Sequence[str]) -> float:
    """Fraction of ``texts`` for which ``decode(encode(text)) == text`` exactly."""
    adapter, texts = adapt(tokenizer), _check_texts(texts)
    if not texts:
        raise ValueError("round_trip_rate needs at least one text in texts")
    return sum(adapter.decode(adapter.encode(t)) == t for t in texts) / len(texts)


def unknown_rate(tokenizer, texts: Sequence[str]) -> float:
    """Fraction of tokens that are the unknown token (0.0 for byte-level tokenizers, which have none)."""
    adapter, texts = adapt(tokenizer), _check_texts(texts)
    ids = [i for t in texts for i in adapter.encode(t)]
    if not ids:
        raise ValueError("unknown_rate needs texts that produce at least one token")
    if adapter.unk_id is None:
        return 0.0
    return sum(i == adapter.unk_id for i in ids) / len(ids)


def throughput(tokenizer, texts: Sequence[str], min_seconds: float = 0.2, repeats: int = 3) -> float:
    """Encoding speed in MB/s (UTF-8 megabytes per second) on ``texts``, one thread where a library allows it.

    Encodes the whole list until ``min_seconds`` have passed, ``repeats`` times, and keeps the best rate (the
    least disturbed by other work on the machine).
    """
    adapter, texts = adapt(tokenizer), _check_texts(texts)
    if isinstance(min_seconds, bool) or not isinstance(min_seconds, (int, float)) or not 0 <= min_seconds <= 60:
        raise ValueError(f"min_seconds must be a number of seconds in [0, 60], got {min_seconds!r:.40}")
    int_in_range(repeats, "repeats", 1, 100)
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    if megabytes == 0:
        raise ValueError("throughput needs non-empty texts")
    adapter.encode_batch(texts[:8])                  # warm up (lazy initialisation, graph tracing)
    best = 0.0
    for _ in range(repeats):
        start, rounds = time.perf_counter(), 0
        while True:
            adapter.encode_batch(texts)
            rounds += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_seconds:
                break
        best = max(best, rounds * megabytes / elapsed)
    return best


def compare_tokenizers(tokenizers: Mapping[str, object], texts_by_language: Mapping[str, Sequence[str]],
                       min_seconds: float = 0.2, repeats: int = 3):
    """One row per tokenizer: tokens per word per language, round trip, unknown rate and MB/s (a DataFrame).

    >>> compare_tokenizers({"cl100k": enc}, {"en": ["hello world"]})       # doctest: +SKIP
    """
    import pandas as pd

    if not isinstance(tokenizers, Mapping) or not tokenizers:
        raise ValueError("compare_tokenizers needs at least one tokenizer: tokenizers maps names to tokenizers")
    if not isinstance(texts_by_language, Mapping) or not texts_by_language \
            or not all(_check_texts(texts, f"texts_by_language[{lang!r}]")
                       for lang, texts in texts_by_language.items()):
        raise ValueError("texts_by_language must map each language to a non-empty list of texts")
    everything = [t for texts in texts_by_language.values() for t in texts]
    rows = []
    for name, tokenizer in tokenizers.items():
        adapter = adapt(tokenizer)
        row = {"tokenizer": name}
        for language, texts in texts_by_language.items():
            row[f"tokens/word {language}"] = fertility(adapter, texts)
        row["round trip"] = round_trip_rate(adapter, everything)
        row["unknown rate"] = unknown_rate(adapter, everything)
        row["MB/s"] = throughput(adapter, everything, min_seconds=min_seconds, repeats=repeats)
        rows.append(row)
    return pd.DataFrame(rows).set_index("tokenizer")
