"""Corpus chrF as a local `evaluate` module, computed by labkit.metrics.chrf (sacreBLEU)."""
import datasets
import evaluate

from labkit import metrics

_DESCRIPTION = "sacreBLEU corpus chrF (0-100): character n-gram F-score with beta 2; word_order=2 gives chrF++."
_KWARGS = """predictions: list of strings; references: list of strings or of lists of alternatives; word_order: 0
(chrF) or 2 (chrF++). Returns {"chrf": float}."""


class Chrf(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=[datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Sequence(datasets.Value("string"))}),
                      datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Value("string")})])

    def _compute(self, predictions, references, word_order=0):
        return {"chrf": metrics.chrf(predictions, references, word_order=word_order)}
