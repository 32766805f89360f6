"""Corpus BLEU as a local `evaluate` module, computed by labkit.metrics.bleu (sacreBLEU)."""
import datasets
import evaluate

from labkit import metrics

_DESCRIPTION = "sacreBLEU corpus BLEU (0-100): clipped n-gram precisions and a brevity penalty on words."
_KWARGS = """predictions: list of strings; references: list of strings or of lists of alternatives; tokenize:
sacreBLEU tokenizer ("13a"); smooth: "none" (default: 0 when an n-gram order has no match), "exp", "floor".
Returns {"bleu": float}."""


class Bleu(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=[datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Sequence(datasets.Value("string"))}),
                      datasets.Features({"predictions": datasets.Value("string"),
                                         "references": datasets.Value("string")})])

    def _compute(self, predictions, references, tokenize="13a", smooth="none", lowercase=False):
        return {"bleu": metrics.bleu(predictions, references, tokenize=tokenize, smooth=smooth, lowercase=lowercase)}
