"""The zero-shot prediction container's HTTP server, started for real on 127.0.0.1 with Vertex's variables."""
import importlib.util
import math
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent.parent / "usecases" / "classification-bart-infer-vertex"
LABELS = ["sport", "cooking", "politics"]


def _load(name):
    spec = importlib.util.spec_from_file_location(f"bart_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


runner = _load("run_local")


@pytest.fixture(scope="module")
def server():
    with runner.running_server("tiny") as urls:
        yield urls


def check_prediction(prediction, labels):
    assert sorted(prediction["labels"]) == sorted(labels)
    assert prediction["scores"] == sorted(prediction["scores"], reverse=True)
    assert math.isclose(sum(prediction["scores"]), 1.0, abs_tol=1e-4)


def test_health_route_answers_after_one_model_load(server):
    _, health, _ = server
    status, body = runner.request(health)
    assert status == 200 and body["status"] == "ok" and body["model"] == "facebook/bart-large-mnli"
    assert body["model_loads"] == 1


def test_predict_returns_labels_and_scores_and_never_reloads(server):
    _, health, predict = server
    body = {"instances": [{"text": "The striker scored twice in the final.", "candidate_labels": LABELS},
                          {"text": "Heavy rain tomorrow.", "candidate_labels": ["weather", "music"]}]}
    for _ in range(2):
        status, answer = runner.request(predict, body)
        assert status == 200
        assert len(answer["predictions"]) == 2
        check_prediction(answer["predictions"][0], LABELS)
        check_prediction(answer["predictions"][1], ["weather", "music"])
    assert runner.request(health)[1]["model_loads"] == 1


def test_labels_in_parameters_and_multi_label(server):
    _, _, predict = server
    status, answer = runner.request(predict, {"instances": ["A bright sunny day.", "Our team won."],
                                              "parameters": {"candidate_labels": ["weather", "sport"],
                                                             "multi_label": True}})
    assert status == 200
    for prediction in answer["predictions"]:
        assert sorted(prediction["labels"]) == ["sport", "weather"]
        assert all(0.0 <= s <= 1.0 for s in prediction["scores"])


@pytest.mark.parametrize("body,message", [
    (b"{not json", "the body is not valid JSON"),
    ({"instances": []}, "'instances' must be a non-empty list"),
    ({"instances": [{"text": "hi"}]}, "instance 0: no 'candidate_labels'"),
    ({"instances": [{"text": "", "candidate_labels": LABELS}]}, "instance 0: 'text' must be a non-empty string"),
    ({"instances": [{"text": "hi", "candidate_labels": "sport"}]}, "'candidate_labels' must be a non-empty list"),
    ({"instances": [{"text": "hi", "candidate_labels": ["a", "a"]}]}, "has duplicates"),
    ({"instances": [{"text": "hi", "candidate_labels": ["a"]}], "parameters": {"hypothesis_template": "no slot"}},
     "hypothesis_template must be a string containing '{}'"),
    ({"instances": [{"text": "hi", "candidate_labels": ["a"]}], "extra": 1}, "unknown top-level fields ['extra']"),
    ([1, 2], "the body must be a JSON object"),
])
def test_malformed_requests_get_400_with_a_message(server, body, message):
    _, _, predict = server
    status, answer = runner.request(predict, body)
    assert status == 400
    assert message in answer["error"]
    assert "Traceback" not in answer["error"]


def test_unknown_route_is_404_with_the_routes(server):
    base, _, _ = server
    status, answer = runner.request(base + "/nope")
    assert status == 404 and runner.ROUTES["AIP_HEALTH_ROUTE"] in answer["error"]


def test_a_thousand_instances_are_answered(server):
    _, _, predict = server
    texts = [f"Review number {i}: the match was exciting and the crowd cheered." for i in range(1000)]
    status, answer = runner.request(predict, {"instances": [{"text": t, "candidate_labels": ["sport", "cooking"]}
                                                            for t in texts]}, timeout=300)
    assert status == 200 and len(answer["predictions"]) == 1000
    check_prediction(answer["predictions"][999], ["sport", "cooking"])


def test_batched_scores_equal_the_pipeline(server):
    """labkit.zeroshot.classify (what the server batches with) gives the pipeline's own scores."""
    import labkit

    labkit.setup(models=["facebook/bart-large-mnli"], profile="tiny", quiet=True)
    from transformers import pipeline

    from labkit.zeroshot import classify

    zs = pipeline("zero-shot-classification", model="facebook/bart-large-mnli", device="cpu")
    text = "The chef baked bread with a golden crust."
    for multi in (False, True):
        ref = zs(text, candidate_labels=LABELS, hypothesis_template="This example is about {}.", multi_label=multi)
        ours = classify(zs.model, zs.tokenizer, [text], LABELS, multi_label=multi)[0]
        assert ours["labels"] == ref["labels"]
        assert ours["scores"] == pytest.approx(ref["scores"], abs=1e-5)
