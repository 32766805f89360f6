"""labkit.metrics: hand-computed cases, agreement with the reference libraries, bad input, evaluate modules."""
from __future__ import annotations

import math
import re
import string
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit import metrics

LABELS = st.sampled_from(["joy", "fear", "anger"])
WORDS = st.sampled_from("the a cat dog sat on mat red big runs".split())
SENTENCE = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)


# ---------------------------------------------------------------------------------------------- classification

def test_classification_hand_computed():
    y_true = ["a", "a", "a", "b", "b", "c"]
    y_pred = ["a", "a", "b", "b", "c", "c"]
    assert metrics.accuracy(y_true, y_pred) == pytest.approx(4 / 6)
    # a: P=2/2 R=2/3 F=0.8 | b: P=1/2 R=1/2 F=0.5 | c: P=1/2 R=1/1 F=2/3
    macro = metrics.precision_recall_f1(y_true, y_pred, average="macro")
    assert macro["precision"] == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert macro["recall"] == pytest.approx((2 / 3 + 0.5 + 1) / 3)
    assert macro["f1"] == pytest.approx((0.8 + 0.5 + 2 / 3) / 3)
    micro = metrics.precision_recall_f1(y_true, y_pred, average="micro")
    assert micro == pytest.approx({"precision": 4 / 6, "recall": 4 / 6, "f1": 4 / 6})
    weighted = metrics.precision_recall_f1(y_true, y_pred, average="weighted")
    assert weighted["f1"] == pytest.approx((3 * 0.8 + 2 * 0.5 + 1 * 2 / 3) / 6)
    assert metrics.confusion_matrix(y_true, y_pred).tolist() == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert metrics.confusion_matrix(y_true, y_pred, labels=["c", "b", "a"]).tolist() == [[1, 0, 0], [1, 1, 0],
                                                                                        [0, 1, 2]]


def test_binary_and_absent_class_with_labels():
    binary = metrics.precision_recall_f1([1, 0, 1, 1], [1, 1, 0, 1], average="binary")
    assert binary == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3})
    spam = metrics.precision_recall_f1(["spam", "ham"], ["spam", "spam"], average="binary", pos_label="spam")
    assert spam == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3})
    # A class named in labels but absent from both lists gets zero support: a row of zeros, no error.
    assert metrics.confusion_matrix(["a"], ["a"], labels=["a", "z"]).tolist() == [[1, 0], [0, 0]]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(LABELS, LABELS), min_size=1, max_size=40), st.sampled_from(["macro", "micro", "weighted"]))
def test_classification_equals_sklearn(pairs, average):
    from sklearn.metrics import precision_recall_fscore_support

    y_true = [t for t, _ in pairs]
    y_pred = [p if p in y_true else y_true[0] for _, p in pairs]
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
    assert metrics.precision_recall_f1(y_true, y_pred, average=average) == pytest.approx(
        {"precision": p, "recall": r, "f1": f})


def test_classification_bad_input():
    with pytest.raises(ValueError, match=r"different lengths \(2 vs 1\)"):
        metrics.accuracy([1, 2], [1])
    with pytest.raises(ValueError, match="y_true is empty"):
        metrics.precision_recall_f1([], [])
    with pytest.raises(ValueError, match="never seen in the reference.*'Joy'"):
        metrics.precision_recall_f1(["joy", "fear"], ["Joy", "fear"])
    with pytest.raises(ValueError, match=r"never seen in the reference.*'1'"):
        metrics.confusion_matrix([0, 1], ["0", "1"])
    with pytest.raises(ValueError, match=r"y_true contains labels not in labels=\['a'\]: 'b'"):
        metrics.confusion_matrix(["a", "b"], ["a", "a"], labels=["a"])
    with pytest.raises(ValueError, match="average='samples' is not supported"):
        metrics.precision_recall_f1([0], [0], average="samples")
    with pytest.raises(ValueError, match="pos_label=1"):
        metrics.precision_recall_f1(["x", "y"], ["x", "y"], average="binary")
    with pytest.raises(TypeError, match="single string"):
        metrics.accuracy("abc", "abc")


# ---------------------------------------------------------------------------------------------- ROUGE

def test_rouge_hand_computed_english():
    # prediction "the cat sat" vs reference "the cat sat on the mat": unigrams 3/3 precision, 3/6 recall.
    scores = metrics.rouge(["the cat sat"], ["the cat sat on the mat"])
    assert scores["rouge1"] == pytest.approx(2 * 1 * 0.5 / 1.5)
    assert scores["rouge2"] == pytest.approx(2 * 1 * 0.4 / 1.4)          # 2/2 bigrams vs 2/5
    assert scores["rougeL"] == pytest.approx(scores["rouge1"])           # LCS = "the cat sat"
    assert set(scores) == set(metrics.ROUGE_TYPES)


def test_rouge_equals_rouge_score_in_english():
    from rouge_score import rouge_scorer

    preds = ["the police arrested a man on friday", "prices rose sharply. markets fell."]
    refs = ["a man was arrested by police on friday", "markets fell. prices rose."]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"])
    got = metrics.rouge(preds, refs)
    for key in ("rouge1", "rouge2", "rougeL"):
        assert got[key] == pytest.approx(sum(scorer.score(r, p)[key].fmeasure for p, r in zip(preds, refs)) / 2)
    # rougeLsum reads one sentence per line on both sides.
    lsum = sum(scorer.score(r.replace(". ", ".\n"), p.replace(". ", ".\n"))["rougeLsum"].fmeasure
               for p, r in zip(preds, refs)) / 2
    assert got["rougeLsum"] == pytest.approx(lsum)


def test_multilingual_rouge_keeps_accents_distinct():
    tok = metrics.rouge_tokenizer("es")
    assert tok.tokenize("La canción") == ["la", "canción"]
    assert metrics.rouge(["canción"], ["cancion"], lang="es")["rouge1"] == 0.0
    assert metrics.rouge(["canción"], ["canción"], lang="es")["rouge1"] == 1.0
    # The English tokenizer keeps only [a-z0-9]: "canción" falls apart into "canci" + "n".
    assert metrics.rouge(["canción"], ["canci n"], lang="en")["rouge1"] == 1.0
    # Composed and decomposed accents are the same word after NFC normalisation.
    assert metrics.rouge(["cancio\u0301n"], ["canci\u00f3n"], lang="es")["rouge1"] == 1.0


def test_multilingual_rouge_scores_turkish():
    ref = "Öğrenciler güneşli günde ılık çayı içti."
    pred = "Öğrenciler ılık çayı içti."
    from rouge_score import rouge_scorer

    default = rouge_scorer.RougeScorer(["rouge1"]).score(ref, "Ğüşıöç")["rouge1"].fmeasure
    assert default == 0.0 and rouge_scorer.RougeScorer(["rouge1"]).score("ığüşöç", "ığüşöç")["rouge1"].fmeasure == 0
    scores = metrics.rouge([pred], [ref], lang="tr")
    assert scores["rouge1"] == pytest.approx(2 * 1 * (4 / 6) / (1 + 4 / 6))   # 4 of 4 words, 4 of 6
    assert metrics.rouge_tokenizer("tr").tokenize("IŞIK İzmir") == ["ışık", "izmir"]


def test_rougelsum_uses_language_delimiters():
    assert metrics.split_sentences("¿Vienes? Sí. ¡Claro!", "es") == ["¿Vienes?", "Sí.", "¡Claro!"]
    assert metrics.split_sentences("यह एक है। वह दो है।", "hi") == ["यह एक है।", "वह दो है।"]
    assert metrics.split_sentences("今天下雨。明天晴。", "zh") == ["今天下雨。", "明天晴。"]
    assert metrics.split_sentences("Pi is 3.14 today. Yes.", "en") == ["Pi is 3.14 today.", "Yes."]
    # Two sentences in swapped order: Lsum (per-sentence LCS union) beats plain L.
    scores = metrics.rouge(["Llueve mucho. El sol brilla."], ["El sol brilla. Llueve mucho."], lang="es")
    assert scores["rougeLsum"] == pytest.approx(1.0) and scores["rougeL"] < 1.0


def test_rouge_multiple_references_take_the_best():
    one = metrics.rouge(["a b c"], ["a b c"])["rouge1"]
    best = metrics.rouge(["a b c"], [["x y", "a b c"]])["rouge1"]
    assert one == best == 1.0


def test_rouge_bad_input():
    with pytest.raises(ValueError, match="different lengths"):
        metrics.rouge(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="predictions is empty"):
        metrics.rouge([], [])
    with pytest.raises(TypeError, match=r"predictions\[0\] must be a string"):
        metrics.rouge([None], ["a"])
    with pytest.raises(ValueError, match="use_stemmer=True applies only to English"):
        metrics.rouge(["a"], ["a"], lang="es", use_stemmer=True)
    with pytest.raises(ValueError, match="unknown rouge_types"):
        metrics.rouge(["a"], ["a"], rouge_types=["rougeX"])


# ---------------------------------------------------------------------------------------------- BLEU, chrF

def test_bleu_hand_computed():
    # 6-word candidate, 6-word reference: p1 5/6, p2 3/5, p3 1/4, p4 0/3 -> BLEU 0; with 'exp' smoothing > 0.
    pred, ref = "the cat sat by the mat", "the cat sat on the mat"
    assert metrics.bleu([pred], [ref]) == 0.0
    assert metrics.bleu([pred], [ref], smooth="exp") > 0.0
    # A 5-gram shared: p = 1, 5/6... compute by hand for "the cat sat on the" vs the reference.
    pred = "the cat sat on the"       # p_n = 1 for all n; c=5, r=6 -> BP = exp(1 - 6/5)
    assert metrics.bleu([pred], [ref]) == pytest.approx(100 * math.exp(1 - 6 / 5))


def test_bleu_zero_when_no_four_gram_is_shared():
    assert metrics.bleu(["completely different words here now"], ["the cat sat on the mat"]) == 0.0
    assert metrics.bleu(["cat"], ["the cat sat on the mat"]) == 0.0        # shorter than 4 words


def test_bleu_equals_sacrebleu_and_multi_reference():
    import sacrebleu

    preds = ["the cat is on the mat today", "there is a dog in the garden now"]
    refs = [["the cat sits on the mat today", "a cat is on the mat today"], ["a dog is in the garden now"]]
    expected = sacrebleu.corpus_bleu(preds, [[refs[0][0], refs[1][0]], [refs[0][1], None]],
                                     smooth_method="none").score
    assert metrics.bleu(preds, refs) == pytest.approx(expected)
    assert metrics.chrf(preds, refs) == pytest.approx(
        sacrebleu.corpus_chrf(preds, [[refs[0][0], refs[1][0]], [refs[0][1], None]]).score)
    assert metrics.chrf(["abc"], ["abc"]) == pytest.approx(100.0)


def test_bleu_bad_input():
    with pytest.raises(ValueError, match="different lengths"):
        metrics.bleu(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="predictions is empty"):
        metrics.chrf([], [])
    with pytest.raises(ValueError, match=r"references\[0\] is an empty list"):
        metrics.bleu(["a"], [[]])


# ---------------------------------------------------------------------------------------------- SQuAD

def _official_normalize(s):
    """The normalisation of the official SQuAD v2 evaluation script, written out here as the reference."""
    s = s.lower()
    s = "".join(ch for ch in s if ch not in set(string.punctuation))
    s = re.sub(r"\b(a|an|the)\b", " ", s, flags=re.UNICODE)
    return " ".join(s.split())


def _official_f1(pred, gold):
    p, g = _official_normalize(pred).split(), _official_normalize(gold).split()
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def test_squad_normalisation():
    assert metrics.exact_match(["The Eiffel Tower."], ["eiffel   tower"]) == 1.0
    assert metrics.exact_match(["An apple"], ["apple!"]) == 1.0
    assert metrics.exact_match(["Theory"], ["ory"]) == 0.0                  # "the" only as a whole word
    assert metrics.exact_match(["a  b"], ["A B"]) == 1.0 == metrics.exact_match(["b"], ["a b"])
    assert metrics.token_f1(["the big red cat"], ["a red cat"]) == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert metrics.token_f1(["Paris, France"], [["France", "Paris France"]]) == 1.0


def test_squad_unanswerable():
    assert metrics.exact_match([""], [[]]) == 1.0 == metrics.token_f1([""], [""])
    assert metrics.exact_match(["Paris"], [[]]) == 0.0 == metrics.token_f1(["Paris"], [[""]])
    assert metrics.token_f1([""], ["Paris"]) == 0.0
    scores = metrics.qa_scores(["Nile", "", "the Alps", "Rome"], [["Nile"], [], ["Andes"], []])
    assert scores["exact_match"] == 0.5 and scores["has_answer_exact_match"] == 0.5
    assert scores["no_answer_exact_match"] == 0.5 and scores["has_answer_total"] == 2 == scores["no_answer_total"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=" .,!aAbTthe", max_size=15), st.text(alphabet=" .,!aAbTthe", max_size=15)),
                min_size=1, max_size=10))
def test_squad_equals_official_definition(pairs):
    preds, golds = [p for p, _ in pairs], [g for _, g in pairs]
    em = sum(_official_normalize(p) == _official_normalize(g) for p, g in pairs) / len(pairs)
    f1 = sum(_official_f1(p, g) for p, g in pairs) / len(pairs)
    assert metrics.exact_match(preds, golds) == pytest.approx(em)
    assert metrics.token_f1(preds, golds) == pytest.approx(f1)


# ---------------------------------------------------------------------------------------------- perplexity

@pytest.fixture(scope="module")
def tiny_lms():
    import torch
    from transformers import BertConfig, BertForMaskedLM, GPT2Config, GPT2LMHeadModel

    torch.manual_seed(0)
    gpt = GPT2LMHeadModel(GPT2Config(vocab_size=50, n_positions=32, n_embd=16, n_layer=1, n_head=2)).eval()
    bert = BertForMaskedLM(BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                      intermediate_size=32, max_position_embeddings=32)).eval()
    return gpt, bert


class _CharTokenizer:
    """Maps letters to ids 5..30; [CLS]=1 [SEP]=2 [MASK]=3 (enough of a tokenizer for perplexity)."""

    mask_token_id = 3
    all_special_ids = [1, 2, 3]

    def __init__(self, specials=True):
        self.specials = specials

    def __call__(self, text, truncation=True, max_length=None, return_tensors="pt"):
        import torch

        ids = [5 + ord(c) - ord("a") for c in text if c.isalpha()]
        if self.specials:
            ids = [1, *ids, 2]
        return {"input_ids": torch.tensor([ids[:max_length]])}


def test_causal_perplexity_equals_manual_computation(tiny_lms):
    import torch

    gpt, _ = tiny_lms
    texts = ["abcab", "hello"]
    tok = _CharTokenizer(specials=False)
    nll, count = 0.0, 0
    for text in texts:
        ids = tok(text)["input_ids"]
        out = gpt(input_ids=ids, labels=ids)           # mean over len-1 predicted tokens
        nll += float(out.loss.detach()) * (ids.shape[1] - 1)
        count += ids.shape[1] - 1
    assert metrics.perplexity(gpt, tok, texts) == pytest.approx(math.exp(nll / count), rel=1e-5)
    # A uniform model has perplexity equal to its vocabulary size.
    with torch.no_grad():
        gpt.lm_head.weight.zero_()
    assert metrics.perplexity(gpt, tok, texts) == pytest.approx(50, rel=1e-4)


def test_masked_pseudo_perplexity_equals_manual_computation(tiny_lms):
    import torch

    _, bert = tiny_lms
    tok = _CharTokenizer()
    ids = tok("abca")["input_ids"][0]
    nll = 0.0
    for pos in range(1, len(ids) - 1):                 # special tokens at both ends are not scored
        masked = ids.clone()
        masked[pos] = 3
        logits = bert(input_ids=masked[None]).logits[0, pos]
        nll -= float(torch.log_softmax(logits, -1)[ids[pos]])
    expected = math.exp(nll / (len(ids) - 2))
    assert metrics.perplexity(bert, tok, ["abca"], batch_size=3) == pytest.approx(expected, rel=1e-5)
    assert metrics.perplexity(bert, tok, ["abca"], kind="masked") == pytest.approx(expected, rel=1e-5)


def test_perplexity_bad_input(tiny_lms):
    gpt, _ = tiny_lms
    with pytest.raises(ValueError, match="texts is empty"):
        metrics.perplexity(gpt, _CharTokenizer(), [])
    with pytest.raises(ValueError, match="kind='seq2seq' is not supported"):
        metrics.perplexity(gpt, _CharTokenizer(), ["ab"], kind="seq2seq")
    with pytest.raises(ValueError, match="no token could be scored"):
        metrics.perplexity(gpt, _CharTokenizer(specials=False), ["a"])


# ---------------------------------------------------------------------------------------------- evaluate modules

def test_evaluate_loads_local_modules_offline(tmp_path):
    from conftest import run_python

    proc = run_python("""
        import json, labkit.metrics as m
        import evaluate
        rouge = evaluate.load(m.module_path("rouge"))
        bleu = m.load("bleu")
        squad = m.load("squad_v2")
        print(json.dumps({
            "rouge": rouge.compute(predictions=["la canción"], references=["la cancion"], lang="es"),
            "bleu": bleu.compute(predictions=["the cat sat on the mat"], references=[["the cat sat on the mat"]]),
            "squad": squad.compute(predictions=["The Nile", ""], references=[["Nile"], []]),
            "f1": m.load("f1").compute(predictions=[0, 1, 1], references=[0, 1, 0], average="macro"),
        }))
    """, env={"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    import json

    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["rouge"]["rouge1"] == pytest.approx(0.5)
    assert result["bleu"]["bleu"] == pytest.approx(100.0)
    assert result["squad"]["exact_match"] == 1.0 and result["squad"]["no_answer_total"] == 1
    assert result["f1"] == pytest.approx(metrics.precision_recall_f1([0, 1, 0], [0, 1, 1]))


def test_module_path_unknown():
    with pytest.raises(ValueError, match="no local evaluate module 'meteor'; available: accuracy"):
        metrics.module_path("meteor")


def test_import_labkit_metrics_is_light():
    from conftest import run_python

    proc = run_python("import sys, labkit.metrics; "
                      "print(sorted(m for m in ('sklearn', 'torch', 'rouge_score', 'sacrebleu') if m in sys.modules))")
    assert proc.stdout.strip() == "[]", proc.stderr
