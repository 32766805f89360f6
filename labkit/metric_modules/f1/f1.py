"""Precision, recall and F1 as a local `evaluate` module, computed by labkit.metrics.precision_recall_f1."""
import datasets
import evaluate

from labkit import metrics

_DESCRIPTION = "Precision, recall and F1, averaged macro / micro / weighted over classes, or binary."
_KWARGS = """predictions, references: labels; average: "macro" | "micro" | "weighted" | "binary"; labels: optional
class list. Returns {"precision", "recall", "f1"} in [0, 1]."""


class F1(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=[datasets.Features({"predictions": datasets.Value("int64"),
                                         "references": datasets.Value("int64")}),
                      datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Value("string")})])

    def _compute(self, predictions, references, average="macro", labels=None, pos_label=1):
        return metrics.precision_recall_f1(references, predictions, average=average, labels=labels,
                                           pos_label=pos_label)
