"""Accuracy as a local `evaluate` module, computed by labkit.metrics.accuracy (scikit-learn)."""
import datasets
import evaluate

from labkit import metrics

_DESCRIPTION = "The fraction of predictions equal to the reference label."
_KWARGS = """predictions: predicted labels; references: reference labels. Returns {"accuracy": float in [0, 1]}."""


class Accuracy(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=[datasets.Features({"predictions": datasets.Value("int64"),
                                         "references": datasets.Value("int64")}),
                      datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Value("string")})])

    def _compute(self, predictions, references):
        return {"accuracy": metrics.accuracy(references, predictions)}
