"""Evaluation metrics the labs share: thin, checked wrappers over scikit-learn, rouge-score and sacreBLEU.

Every function validates its input (same lengths, nothing empty, labels that exist) and raises a
``ValueError`` / ``TypeError`` that names the bad value, then calls the reference library::

    >>> from labkit import metrics
    >>> metrics.accuracy(["joy", "fear"], ["joy", "joy"])
    0.5
    >>> round(metrics.rouge(["the cat sat"], ["the cat sat down"])["rouge1"], 3)
    0.857

Scales follow the library each metric comes from: accuracy, precision / recall / F1, ROUGE, exact match and
token F1 are fractions in [0, 1]; BLEU and chrF are sacreBLEU scores in [0, 100].

ROUGE in other languages: rouge-score's default tokenizer keeps only ``[a-z0-9]``, so "canción" becomes the two
tokens "canci" and "n" and Turkish words fall apart. :class:`MultilingualTokenizer` keeps every Unicode letter
and is the default whenever ``lang != "en"``; rougeLsum splits sentences with that language's delimiters.

The same metrics load through ``evaluate`` from a local folder, offline (see :func:`module_path`).
"""
from __future__ import annotations

import math
import numbers
import re
import string
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Sequence

from labkit.checks import int_in_range

AVERAGES = ("macro", "micro", "weighted", "binary")
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL", "rougeLsum")

# ---------------------------------------------------------------------------------------------- validation


def _as_list(values: Any, name: str) -> list:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a list (one item per example), got a single string {values[:40]!r}")
    try:
        values = list(values)
    except TypeError:
        raise TypeError(f"{name} must be a list (one item per example), got {type(values).__name__}") from None
    if not values:
        raise ValueError(f"{name} is empty: a metric needs at least one example")
    return values


def _pair(predictions: Any, references: Any, names: tuple[str, str] = ("predictions", "references")):
    predictions = _as_list(predictions, names[0])
    references = _as_list(references, names[1])
    if len(predictions) != len(references):
        raise ValueError(f"{names[0]} and {names[1]} have different lengths ({len(predictions)} vs "
                         f"{len(references)}): they must pair up one to one")
    return predictions, references


def _strings(values: list, name: str) -> None:
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise TypeError(f"{name}[{i}] must be a string, got {type(value).__name__} {value!r}")


def _check_labels_type(values: list, name: str) -> None:
    """Class labels: strings or whole numbers (ints, or floats like 1.0), all of one kind."""
    kinds = set()
    for i, value in enumerate(values):
        if isinstance(value, str):
            kinds.add("string")
        elif isinstance(value, numbers.Integral) or (isinstance(value, numbers.Real) and math.isfinite(value)
                                                     and float(value).is_integer()):
            kinds.add("number")
        else:
            raise TypeError(f"{name}[{i}] must be a class label (a string or a whole number), got "
                            f"{type(value).__name__} {value!r:.40}")
    if len(kinds) > 1:
        raise TypeError(f"{name} mixes strings and numbers as labels; use one kind for every label")


def _check_str(value, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {type(value).__name__} {value!r:.40}")
    return value


def _reference_lists(references: list, name: str = "references", allow_empty: bool = False) -> list[list[str]]:
    """Each reference as a list of alternatives (a plain string is one alternative)."""
    out = []
    for i, ref in enumerate(references):
        alternatives = [ref] if isinstance(ref, str) else ref
        if not isinstance(alternatives, (list, tuple)):
            raise TypeError(f"{name}[{i}] must be a string or a list of strings, got {type(ref).__name__}")
        alternatives = list(alternatives)
        if not alternatives and not allow_empty:
            raise ValueError(f"{name}[{i}] is an empty list: give at least one reference string")
        _strings(alternatives, f"{name}[{i}]")
        out.append(alternatives)
    return out


# ---------------------------------------------------------------------------------------------- classification


def _check_labels(y_true: list, y_pred: list, labels: Sequence | None) -> list | None:
    _check_labels_type(y_true, "y_true")
    _check_labels_type(y_pred, "y_pred")
    if labels is not None:
        labels = _as_list(labels, "labels")
        _check_labels_type(labels, "labels")
        allowed = set(labels)
        for name, values in (("y_true", y_true), ("y_pred", y_pred)):
            unknown = sorted({repr(v) for v in values if v not in allowed})
            if unknown:
                raise ValueError(f"{name} contains labels not in labels={list(labels)!r}: {', '.join(unknown)}")
        return labels
    seen = set(y_true)
    unseen = sorted({repr(v) for v in y_pred if v not in seen})
    if unseen:
        raise ValueError(f"y_pred contains labels never seen in the reference y_true: {', '.join(unseen)} "
                         f"(reference labels: {', '.join(sorted(repr(v) for v in seen))}). Check that both use the "
                         "same label type and spelling, or pass labels=[...] to name every class.")
    return None


def accuracy(y_true: Iterable, y_pred: Iterable) -> float:
    """The fraction of predictions equal to the reference label.

    >>> accuracy([0, 1, 1, 2], [0, 1, 2, 2])
    0.75
    """
    y_true, y_pred = _pair(y_true, y_pred, ("y_true", "y_pred"))
    _check_labels_type(y_true, "y_true")
    _check_labels_type(y_pred, "y_pred")
    from sklearn.metrics import accuracy_score

    return float(accuracy_score(y_true, y_pred))


def precision_recall_f1(y_true: Iterable, y_pred: Iterable, average: str = "macro", labels: Sequence | None = None,
                        pos_label: Any = 1) -> dict[str, float]:
    """Precision, recall and F1 averaged over classes: ``{"precision", "recall", "f1"}``.

    average: ``"macro"`` (every class counts equally), ``"micro"`` (every example counts equally; equals accuracy
    for single-label data), ``"weighted"`` (classes weighted by support) or ``"binary"`` (the ``pos_label`` class).
    A class that is never predicted has precision 0 (not a warning).

    >>> precision_recall_f1(["a", "a", "b"], ["a", "b", "b"], average="macro")["f1"]
    0.6666666666666666
    """
    if average not in AVERAGES:
        raise ValueError(f"average={average!r} is not supported; use one of {', '.join(AVERAGES)}")
    y_true, y_pred = _pair(y_true, y_pred, ("y_true", "y_pred"))
    labels = _check_labels(y_true, y_pred, labels)
    if average == "binary":
        present = set(y_true) | set(y_pred) | set(labels or ())
        if not isinstance(pos_label, (str, numbers.Integral)) or pos_label not in present:
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {sorted(map(repr, present))}; "
                             "pass the positive class as pos_label=...")
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, labels=labels,
                                                 pos_label=pos_label, zero_division=0)
    return {"precision": float(p), "recall": float(r), "f1": float(f)}


def confusion_matrix(y_true: Iterable, y_pred: Iterable, labels: Sequence | None = None):
    """Counts ``C[i, j]`` of examples of true class ``labels[i]`` predicted as ``labels[j]`` (NumPy array).

    labels: the row / column order; default the sorted union of both label sets.

    >>> confusion_matrix(["a", "b", "b"], ["a", "a", "b"]).tolist()
    [[1, 0], [1, 1]]
    """
    y_true, y_pred = _pair(y_true, y_pred, ("y_true", "y_pred"))
    labels = _check_labels(y_true, y_pred, labels)
    from sklearn.metrics import confusion_matrix as sk_confusion_matrix

    return sk_confusion_matrix(y_true, y_pred, labels=labels)


# ---------------------------------------------------------------------------------------------- ROUGE

#: Sentence-final punctuation per language, for rougeLsum. Latin-script languages share ". ! ?" (Spanish "¿ ¡"
#: open a sentence, they do not end one); others use their own marks.
SENTENCE_END = {
    "default": ".!?",
    "zh": "。！？!?", "ja": "。！？!?",
    "hi": "।!?.", "bn": "।!?.", "mr": "।!?.", "ne": "।!?.",
    "ar": ".!?؟", "fa": ".!?؟", "ur": "۔!?؟.",
    "am": "።!?", "my": "။!?", "th": " ",
}


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split ``text`` into sentences at ``lang``'s sentence-final marks (kept with their sentence).

    A Latin-script mark ends a sentence only before whitespace, so "3.5" and "e.g.x" stay whole.

    >>> split_sentences("¿Qué hora es? Son las tres. ¡Vamos!", lang="es")
    ['¿Qué hora es?', 'Son las tres.', '¡Vamos!']
    """
    _check_str(text, "text")
    marks = SENTENCE_END.get(_check_str(lang, "lang"), SENTENCE_END["default"])
    if lang in ("zh", "ja", "th"):
        pattern = f"(?<=[{re.escape(marks)}])" if lang != "th" else r"\s+"
    else:
        pattern = f"(?<=[{re.escape(marks)}])\\s+"
    return [s.strip() for s in re.split(pattern, text.strip()) if s.strip()]


class MultilingualTokenizer:
    """A ROUGE tokenizer that keeps letters of every script: NFC-normalise, lower-case, split on non-word marks.

    Turkish and Azerbaijani lower-case dotted / dotless I correctly ("I" -> "ı", "İ" -> "i"). No stemming.
    It has the ``tokenize(text)`` method rouge-score expects.

    >>> MultilingualTokenizer("es").tokenize("¡La CANCIÓN del año!")
    ['la', 'canción', 'del', 'año']
    """

    def __init__(self, lang: str = "xx"):
        self.lang = _check_str(lang, "lang")

    def tokenize(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFC", _check_str(text, "text"))
        if self.lang in ("tr", "az"):
            text = text.replace("I", "ı").replace("İ", "i")
        text = text.lower()
        # \w is Unicode-aware: letters and digits of every script; "_" is treated as a separator.
        return [t for t in re.split(r"[\W_]+", text) if t]

    def __repr__(self) -> str:
        return f"MultilingualTokenizer(lang={self.lang!r})"


def rouge_tokenizer(lang: str = "en", use_stemmer: bool = False):
    """The tokenizer :func:`rouge` uses for ``lang``: rouge-score's own for English, multilingual otherwise.

    >>> rouge_tokenizer("tr").tokenize("İstanbul'da IŞIK")
    ['istanbul', 'da', 'ışık']
    """
    if not isinstance(lang, str) or not lang:
        raise TypeError(f"lang must be a language code such as 'en', 'es' or 'tr', got {lang!r}")
    if lang == "en":
        from rouge_score import tokenizers

        return tokenizers.DefaultTokenizer(use_stemmer=use_stemmer)
    if use_stemmer:
        raise ValueError(f"use_stemmer=True applies only to English (Porter stemmer); lang={lang!r}")
    return MultilingualTokenizer(lang)


def rouge(predictions: Sequence[str], references: Sequence, lang: str = "en", tokenizer=None,
          use_stemmer: bool = False, rouge_types: Sequence[str] = ROUGE_TYPES) -> dict[str, float]:
    """Mean ROUGE F-measures over the examples: ``{"rouge1", "rouge2", "rougeL", "rougeLsum"}`` in [0, 1].

    references: one string per prediction, or a list of alternatives per prediction (the best one counts).
    lang:       ``"en"`` uses rouge-score's tokenizer; any other code keeps accented and non-Latin letters
                (:class:`MultilingualTokenizer`). rougeLsum splits sentences with ``lang``'s delimiters.
    tokenizer:  any object with ``tokenize(text) -> list[str]``, overriding the choice by ``lang``.

    >>> rouge(["la canción"], ["la cancion"], lang="es")["rouge1"]
    0.5
    """
    predictions, references = _pair(predictions, references)
    _strings(predictions, "predictions")
    references = _reference_lists(references)
    if isinstance(rouge_types, str) or not isinstance(rouge_types, Iterable):
        raise TypeError(f"rouge_types must be a list such as ['rouge1', 'rougeL'], got {rouge_types!r:.40}")
    rouge_types = list(rouge_types)
    if not rouge_types:
        raise ValueError("rouge_types is empty; name at least one, e.g. ['rouge1']")
    unknown = [t for t in rouge_types if not isinstance(t, str) or t not in ROUGE_TYPES
               and not re.fullmatch(r"rouge[1-9]", t)]
    if unknown:
        raise ValueError(f"unknown rouge_types {unknown}; use rouge1..rouge9, rougeL or rougeLsum")
    if tokenizer is None:
        tokenizer = rouge_tokenizer(lang, use_stemmer)
    elif not callable(getattr(tokenizer, "tokenize", None)):
        raise TypeError(f"tokenizer must have a tokenize(text) method, got {type(tokenizer).__name__}")
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(rouge_types), tokenizer=tokenizer, split_summaries=False)

    def prepare(text: str) -> str:
        # rougeLsum reads sentences from newlines: put one there per sentence, in this language.
        return "\n".join(split_sentences(text, lang)) if "rougeLsum" in rouge_types else text

    totals = dict.fromkeys(rouge_types, 0.0)
    for prediction, alternatives in zip(predictions, references):
        scores = scorer.score_multi([prepare(r) for r in alternatives], prepare(prediction))
        for key in rouge_types:
            totals[key] += scores[key].fmeasure
    return {key: total / len(predictions) for key, total in totals.items()}


# ---------------------------------------------------------------------------------------------- BLEU, chrF


def _reference_streams(references: list[list[str]]) -> list[list[str | None]]:
    """sacreBLEU's layout: one stream per alternative; None where an example has fewer alternatives."""
    width = max(len(alts) for alts in references)
    return [[alts[k] if k < len(alts) else None for alts in references] for k in range(width)]


def bleu(predictions: Sequence[str], references: Sequence, tokenize: str = "13a", smooth: str = "none",
         lowercase: bool = False) -> float:
    """Corpus BLEU (sacreBLEU, 0-100): clipped n-gram precisions (n = 1..4) and a brevity penalty on words.

    references: one string per prediction, or a list of alternative references per prediction.
    smooth:     ``"none"`` (default) gives 0 when some n-gram order has no match at all; sacreBLEU's own default
                is ``"exp"``, which gives such a corpus a small positive score instead.

    >>> round(bleu(["the cat sat on the mat"], [["the cat sat on the mat", "a cat was on the mat"]]), 1)
    100.0
    """
    predictions, references = _pair(predictions, references)
    _strings(predictions, "predictions")
    references = _reference_lists(references)
    import sacrebleu

    if not isinstance(smooth, str) or smooth not in sacrebleu.BLEU.SMOOTH_DEFAULTS:
        raise ValueError(f"smooth={smooth!r:.40} is not a sacreBLEU smoothing; use one of "
                         f"{', '.join(sacrebleu.BLEU.SMOOTH_DEFAULTS)}")
    try:
        sacrebleu.BLEU(tokenize=tokenize)
    except (KeyError, TypeError, ValueError, AssertionError, ImportError):
        raise ValueError(f"tokenize={tokenize!r:.40} is not a sacreBLEU tokenizer; use '13a' (default), 'intl', "
                         "'char', 'zh', 'none', ...") from None
    result = sacrebleu.corpus_bleu(predictions, _reference_streams(references), tokenize=tokenize,
                                   smooth_method=smooth, lowercase=lowercase)
    return float(result.score)


def chrf(predictions: Sequence[str], references: Sequence, word_order: int = 0) -> float:
    """Corpus chrF (sacreBLEU, 0-100): character n-gram F-score (beta = 2); ``word_order=2`` gives chrF++.

    >>> round(chrf(["the cat sat"], ["the cat sat"]), 1)
    100.0
    """
    predictions, references = _pair(predictions, references)
    _strings(predictions, "predictions")
    references = _reference_lists(references)
    if isinstance(word_order, bool) or not isinstance(word_order, int) or not 0 <= word_order <= 6:
        raise ValueError(f"word_order must be an int in 0..6 (0 = chrF, 2 = chrF++), got {word_order!r:.40}")
    import sacrebleu

    return float(sacrebleu.corpus_chrf(predictions, _reference_streams(references), word_order=word_order).score)


# ---------------------------------------------------------------------------------------------- SQuAD


_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = frozenset(string.punctuation)      # ASCII punctuation, exactly as the official SQuAD script


def normalize_answer(text: str) -> str:
    """SQuAD's answer normalisation: lower-case, drop punctuation, drop the articles a / an / the, squeeze spaces.

    >>> normalize_answer("  The Eiffel-Tower!  ")
    'eiffeltower'
    """
    if not isinstance(text, str):
        raise TypeError(f"an answer (text) must be a string, got {type(text).__name__} {text!r:.40}")
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = _ARTICLES.sub(" ", text)
    return " ".join(text.split())


def _answer_lists(predictions, references):
    predictions, references = _pair(predictions, references)
    _strings(predictions, "predictions")
    # An unanswerable question has no gold answers: [] or [""] or "" all mean "the right answer is no answer".
    golds = [alts or [""] for alts in _reference_lists(references, allow_empty=True)]
    return predictions, golds


def _exact(prediction: str, gold: str) -> float:
    return float(normalize_answer(prediction) == normalize_answer(gold))


def _f1(prediction: str, gold: str) -> float:
    pred_tokens = normalize_answer(prediction).split()
    gold_tokens = normalize_answer(gold).split()
    if not pred_tokens or not gold_tokens:          # no-answer: right only when both are empty
        return float(pred_tokens == gold_tokens)
    common = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred_tokens), common / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def exact_match(predictions: Sequence[str], references: Sequence) -> float:
    """Fraction of predictions equal to a gold answer after :func:`normalize_answer` (SQuAD v2 rules).

    references: a gold answer or a list of gold answers per question; ``""`` or ``[]`` marks an unanswerable
    question, which the empty prediction ``""`` answers correctly.

    >>> exact_match(["the Nile", ""], [["Nile", "River Nile"], []])
    1.0
    """
    predictions, golds = _answer_lists(predictions, references)
    return sum(max(_exact(p, g) for g in alts) for p, alts in zip(predictions, golds)) / len(predictions)


def token_f1(predictions: Sequence[str], references: Sequence) -> float:
    """Mean token-overlap F1 between prediction and best gold answer, after SQuAD normalisation (SQuAD v2 rules).

    >>> round(token_f1(["the river Nile"], ["Nile"]), 3)
    0.667
    """
    predictions, golds = _answer_lists(predictions, references)
    return sum(max(_f1(p, g) for g in alts) for p, alts in zip(predictions, golds)) / len(predictions)


def qa_scores(predictions: Sequence[str], references: Sequence) -> dict[str, float]:
    """Exact match and F1 overall, on answerable questions only and on unanswerable ones only (like SQuAD v2).

    Keys: ``exact_match``, ``f1``, ``has_answer_exact_match``, ``has_answer_f1``, ``no_answer_exact_match``,
    ``no_answer_f1``, ``has_answer_total``, ``no_answer_total`` (a group without questions is left out).

    >>> qa_scores(["Nile", "Paris"], ["Nile", ""])["no_answer_exact_match"]
    0.0
    """
    predictions, golds = _answer_lists(predictions, references)
    groups: dict[str, list[int]] = {"has_answer": [], "no_answer": []}
    for i, alts in enumerate(golds):
        groups["no_answer" if all(not normalize_answer(g) for g in alts) else "has_answer"].append(i)
    out = {"exact_match": exact_match(predictions, golds), "f1": token_f1(predictions, golds)}
    for group, index in groups.items():
        out[f"{group}_total"] = len(index)
        if index:
            out[f"{group}_exact_match"] = exact_match([predictions[i] for i in index], [golds[i] for i in index])
            out[f"{group}_f1"] = token_f1([predictions[i] for i in index], [golds[i] for i in index])
    return out


# ---------------------------------------------------------------------------------------------- perplexity


def _model_kind(model) -> str:
    config = getattr(model, "config", None)
    names = " ".join(getattr(config, "architectures", None) or []) + " " + type(model).__name__
    if "MaskedLM" in names:
        return "masked"
    if "CausalLM" in names or "LMHeadModel" in names or getattr(config, "is_decoder", False):
        return "causal"
    raise TypeError(f"perplexity needs a causal LM (…ForCausalLM) or a masked LM (…ForMaskedLM), got "
                    f"{type(model).__name__}; pass kind='causal' or kind='masked' if you know which it is")


def perplexity(model, tokenizer, texts: Sequence[str], kind: str = "auto", max_length: int | None = None,
               batch_size: int = 16) -> float:
    """Corpus perplexity ``exp(total negative log-likelihood / predicted tokens)`` of a Hugging Face LM.

    kind: ``"causal"`` predicts each token from the ones before it (the first token of a text is not scored);
    ``"masked"`` gives the *pseudo*-perplexity of a masked LM: each token is masked in turn and predicted from
    both sides (special tokens are not scored). ``"auto"`` reads it from the model class.
    max_length: truncate each text to this many tokens (default: the model's maximum positions).

    >>> perplexity(model, tokenizer, ["The river flows to the sea."])       # doctest: +SKIP
    41.7
    """
    texts = _as_list(texts, "texts")
    _strings(texts, "texts")
    if kind not in ("auto", "causal", "masked"):
        raise ValueError(f"kind={kind!r} is not supported; use 'auto', 'causal' or 'masked'")
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 2):
        raise ValueError(f"max_length must be None or an int >= 2, got {max_length!r:.40}")
    batch_size = int_in_range(batch_size, "batch_size")
    if not callable(model) or not hasattr(model, "config") or not hasattr(model, "parameters"):
        raise TypeError(f"model must be a Hugging Face transformers model (with .config), got {type(model).__name__}")
    kind = _model_kind(model) if kind == "auto" else kind
    import torch

    limit = max_length or getattr(model.config, "max_position_embeddings", None) or 1024
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    total_nll, total_tokens = 0.0, 0
    try:
        with torch.no_grad():
            for text in texts:
                ids = tokenizer(text, truncation=True, max_length=limit, return_tensors="pt")["input_ids"][0]
                if kind == "causal":
                    if len(ids) < 2:
                        continue
                    logits = model(input_ids=ids[None].to(device)).logits[0, :-1].float()
                    nll = torch.nn.functional.cross_entropy(logits, ids[1:].to(device), reduction="sum")
                    total_nll += float(nll)
                    total_tokens += len(ids) - 1
                else:
                    nll, count = _pseudo_nll(model, tokenizer, ids, device, batch_size)
                    total_nll += nll
                    total_tokens += count
    finally:
        model.train(was_training)
    if total_tokens == 0:
        raise ValueError("no token could be scored: every text is shorter than two tokens (causal) or holds only "
                         "special tokens (masked)")
    return math.exp(total_nll / total_tokens)


def _pseudo_nll(model, tokenizer, ids, device, batch_size: int) -> tuple[float, int]:
    import torch

    if tokenizer.mask_token_id is None:
        raise TypeError(f"pseudo-perplexity needs a tokenizer with a mask token; {type(tokenizer).__name__} has none")
    special = set(tokenizer.all_special_ids)
    positions = [i for i, t in enumerate(ids.tolist()) if t not in special]
    nll = 0.0
    for start in range(0, len(positions), batch_size):
        chunk = positions[start:start + batch_size]
        batch = ids.repeat(len(chunk), 1)
        rows = torch.arange(len(chunk))
        batch[rows, chunk] = tokenizer.mask_token_id
        logits = model(input_ids=batch.to(device)).logits[rows, chunk].float()
        nll += float(torch.nn.functional.cross_entropy(logits, ids[chunk].to(device), reduction="sum"))
    return nll, len(positions)


# ---------------------------------------------------------------------------------------------- evaluate modules

#: The evaluate metric modules that ship in ``labkit/metric_modules/`` (load them offline with :func:`load`).
MODULES = ("accuracy", "f1", "rouge", "bleu", "chrf", "squad_v2")


def module_path(name: str) -> str:
    """The local folder of an ``evaluate`` metric module, for ``evaluate.load(path)`` (works offline).

    >>> module_path("rouge").endswith("metric_modules/rouge")
    True
    """
    if name not in MODULES:
        raise ValueError(f"name={name!r:.40}: no local evaluate module {name!r:.40}; available: {', '.join(MODULES)}")
    return str(Path(__file__).resolve().parent / "metric_modules" / name)


def load(name: str, **kwargs):
    """``evaluate.load`` of labkit's local module ``name``: no hub access, so it works offline.

    >>> rouge_metric = load("rouge")                                     # doctest: +SKIP
    >>> rouge_metric.compute(predictions=["a b"], references=["a b"])   # doctest: +SKIP
    """
    import evaluate

    return evaluate.load(module_path(name), **kwargs)
