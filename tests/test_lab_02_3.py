"""Lab 02-3 and labkit.recurrent: folder checks, the three classifiers, the comparison file, and the exported
end-to-end model (raw strings in, class names out) that reloads from a .keras file and predicts the same classes."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import ROOT
from labkit import recurrent
from labkit.nbtools import import_definitions
from labkit.text import write_class_folders

LAB = ROOT / "02-rnn-lstm" / "02-3-loadtext-full.ipynb"
NAMES = ["csharp", "java", "javascript", "python"]
CUES = {"csharp": "linq dotnet writeline", "java": "maven jvm println", "javascript": "npm promise dom",
        "python": "pandas numpy def"}


def questions(n_per_class: int, seed: int) -> list[dict]:
    """Separable synthetic questions: filler words plus the cue words of their language."""
    rng = np.random.default_rng(seed)
    filler = "how do i get the value of a list when my loop fails with an error".split()
    rows = []
    for label, name in enumerate(NAMES):
        for _ in range(n_per_class):
            words = list(rng.choice(filler, size=12)) + list(rng.choice(CUES[name].split(), size=2))
            rng.shuffle(words)
            rows.append({"text": " ".join(words), "label": label})
    return rows


@pytest.fixture(scope="module")
def lab():
    return import_definitions(LAB)


# ---------------------------------------------------------------------------------------------- folder checks

def test_missing_or_empty_dataset_folder_names_the_folder(tmp_path):
    with pytest.raises(ValueError, match=f"{tmp_path / 'nowhere'}.*does not exist"):
        recurrent.class_folder_dataset(tmp_path / "nowhere")
    with pytest.raises(ValueError, match=f"{tmp_path}.* is empty"):
        recurrent.class_folder_dataset(tmp_path)


def test_class_folder_without_files_names_the_class_folder(tmp_path):
    root = write_class_folders([{"text": "print(1)", "label": 3}, {"text": "var x", "label": 2}], NAMES, tmp_path / "d")
    with pytest.raises(ValueError, match="csharp") as info:
        recurrent.check_class_folders(root)
    message = str(info.value)
    assert str(root / "csharp") in message and str(root / "java") in message
    assert str(root / "python") not in message and str(root / "javascript") not in message


def test_check_returns_classes_in_keras_order(tmp_path):
    root = write_class_folders(questions(2, 0), NAMES, tmp_path / "d")
    assert recurrent.check_class_folders(root) == NAMES
    dataset = recurrent.class_folder_dataset(root, batch_size=4, shuffle=False)
    assert dataset.class_names == NAMES
    labels = np.concatenate([y.numpy() for _, y in dataset])
    assert sorted(labels.tolist()) == [0, 0, 1, 1, 2, 2, 3, 3]


# ---------------------------------------------------------------------------------------------- models

def test_build_classifier_rejects_bad_arguments():
    with pytest.raises(ValueError, match="'gru'.*dense_bow, lstm, bilstm"):
        recurrent.build_classifier("gru", vocab_size=10, num_classes=4, seq_len=5)
    with pytest.raises(ValueError, match="seq_len.*None"):
        recurrent.build_classifier("lstm", vocab_size=10, num_classes=4)
    with pytest.raises(ValueError, match="num_classes must be at least 2"):
        recurrent.build_classifier("dense_bow", vocab_size=10, num_classes=1)


def test_parameter_counts_follow_the_architecture():
    dense = recurrent.build_classifier("dense_bow", vocab_size=100, num_classes=4, units=8)
    assert dense.count_params() == (100 * 8 + 8) + (8 * 4 + 4)
    lstm = recurrent.build_classifier("lstm", vocab_size=100, num_classes=4, seq_len=10, embed_dim=6, units=8)
    assert lstm.count_params() == 100 * 6 + 4 * (6 * 8 + 8 * 8 + 8) + (8 * 4 + 4)
    bilstm = recurrent.build_classifier("bilstm", vocab_size=100, num_classes=4, seq_len=10, embed_dim=6, units=8)
    assert bilstm.count_params() == 100 * 6 + 2 * 4 * (6 * 8 + 8 * 8 + 8) + (16 * 4 + 4)


def test_comparison_file_round_trip_and_profile_check(tmp_path):
    rows = {kind: {"accuracy": 0.9, "parameters": 10, "seconds_per_epoch": 0.1, "history": {}}
            for kind in recurrent.MODEL_KINDS}
    path = recurrent.save_comparison(rows, "tiny", tmp_path / "c.json")
    assert recurrent.load_comparison("tiny", path) == {k: {"accuracy": 0.9, "parameters": 10,
                                                           "seconds_per_epoch": 0.1} for k in recurrent.MODEL_KINDS}
    assert recurrent.load_comparison("full", path) is None          # measured in another profile: recompute
    assert recurrent.load_comparison("tiny", tmp_path / "absent.json") is None
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    assert recurrent.load_comparison("tiny", tmp_path / "broken.json") is None


# ---------------------------------------------------------------------------------------------- end to end

@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A dense bag-of-words model trained on separable synthetic questions, with its vectoriser."""
    import keras

    from labkit.text import keras_standardize

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("questions")
    train_root = write_class_folders(questions(30, 1), NAMES, folder / "train")
    test_root = write_class_folders(questions(10, 2), NAMES, folder / "test")
    train = recurrent.class_folder_dataset(train_root, batch_size=16, seed=0)
    test = recurrent.class_folder_dataset(test_root, batch_size=16, shuffle=False)
    vectorizer = keras.layers.TextVectorization(max_tokens=200, output_mode="multi_hot",
                                                standardize=keras_standardize)
    vectorizer.adapt(train.map(lambda text, label: text))
    model = recurrent.build_classifier("dense_bow", vocab_size=vectorizer.vocabulary_size(), num_classes=4)
    as_vectors = [ds.map(lambda text, label: (vectorizer(text), label)) for ds in (train, test)]
    row = recurrent.fit_and_measure(model, as_vectors[0], as_vectors[1], as_vectors[1], epochs=6,
                                    learning_rate=0.05)
    texts = [t.decode() for batch, _ in test for t in batch.numpy()]
    labels = [NAMES[i] for _, y in test for i in y.numpy()]
    return vectorizer, model, row, texts, labels


def test_fit_and_measure_reports_a_learned_model(trained):
    _, model, row, _, _ = trained
    assert row["accuracy"] >= 0.9, row
    assert row["parameters"] == model.count_params()
    assert row["seconds_per_epoch"] > 0 and len(row["history"]["loss"]) == 6


def test_exported_model_reloads_and_predicts_the_same_classes(lab, trained, tmp_path):
    import tensorflow as tf

    vectorizer, model, _, texts, labels = trained
    end_to_end = lab.export_end_to_end(vectorizer, model, NAMES)
    path = tmp_path / "model.keras"
    end_to_end.save(path)
    reloaded = lab.load_end_to_end(path)
    raw = tf.constant(texts)
    before, after = end_to_end(raw), reloaded(raw)
    predicted = [label.decode() for label in after["label"].numpy()]
    assert predicted == [label.decode() for label in before["label"].numpy()]
    np.testing.assert_allclose(after["probabilities"].numpy(), before["probabilities"].numpy(), atol=1e-6)
    assert np.mean(np.array(predicted) == np.array(labels)) >= 0.9      # class names, in the folder order
    # the class out is the argmax of the trained model on the vectorised text
    expected = model.predict(vectorizer(raw), verbose=0).argmax(axis=-1)
    assert predicted == [NAMES[i] for i in expected]


def test_unknown_share_and_confusion_matrix(lab, trained):
    vectorizer, *_ = trained
    import keras

    ids = keras.layers.TextVectorization(output_mode="int", output_sequence_length=6)
    ids.adapt(["alpha beta gamma"])
    assert lab.unknown_share(ids, ["alpha zeta", "beta"]) == pytest.approx(1 / 3)
    matrix = lab.confusion_matrix([0, 1, 2, 2], [0, 2, 2, 2], 3)
    assert matrix.tolist() == [[1, 0, 0], [0, 0, 1], [0, 0, 2]]
    with pytest.raises(ValueError, match="4 labels but y_pred has 3"):
        lab.confusion_matrix([0, 1, 2, 2], [0, 1, 2], 3)
