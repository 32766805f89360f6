"""ROUGE as a local `evaluate` module, computed by labkit.metrics.rouge (rouge-score, multilingual tokenizer)."""
import datasets
import evaluate

from labkit import metrics

_DESCRIPTION = """ROUGE-1, ROUGE-2, ROUGE-L and ROUGE-Lsum F-measures, averaged over examples. For lang != "en" the
tokenizer keeps accented and non-Latin letters, and Lsum splits sentences with that language's delimiters."""
_KWARGS = """predictions: list of strings; references: list of strings or of lists of alternatives; lang: "en",
"es", "tr", ...; use_stemmer: Porter stemming (English only). Returns {"rouge1", "rouge2", "rougeL", "rougeLsum"}."""


class Rouge(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=[datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Sequence(datasets.Value("string"))}),
                      datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Value("string")})])

    def _compute(self, predictions, references, lang="en", use_stemmer=False, rouge_types=metrics.ROUGE_TYPES):
        return metrics.rouge(predictions, references, lang=lang, use_stemmer=use_stemmer, rouge_types=rouge_types)
