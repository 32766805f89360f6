"""SQuAD v2 exact match and token F1 as a local `evaluate` module, computed by labkit.metrics.qa_scores.

Unlike the hub's squad_v2 module it takes plain strings: predictions are answer strings ("" = no answer) and each
reference is a list of gold answers ([] or [""] = unanswerable). Scores are fractions in [0, 1].
"""
import datasets
import evaluate

from labkit import metrics

_DESCRIPTION = "Exact match and token F1 after SQuAD normalisation, overall and for answerable / unanswerable."
_KWARGS = """predictions: list of answer strings ("" for no answer); references: list of lists of gold answers.
Returns exact_match, f1, has_answer_*, no_answer_* (fractions) and the group totals."""


class SquadV2(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Value("string"),
                                        "references": datasets.Sequence(datasets.Value("string"))}))

    def _compute(self, predictions, references):
        return metrics.qa_scores(predictions, [list(r) for r in references])
