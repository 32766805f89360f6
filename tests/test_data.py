import json
import shutil

import pytest

from labkit import data, env


def test_every_registered_file_matches_its_checksum():
    for name, spec in data.DATASETS.items():
        for split, (rel, expected) in spec.tiny.items():
            file = data.data_dir() / rel
            assert file.is_file(), f"{name}/{split}: {rel} missing"
            assert data.sha256(file) == expected, f"{name}/{split}: {rel} checksum differs from the registry"


def test_every_dataset_is_documented_in_data_readme():
    readme = (data.data_dir() / "README.md").read_text(encoding="utf-8")
    for spec in data.DATASETS.values():
        for rel, _ in spec.tiny.values():
            assert rel in readme, f"data/README.md does not document {rel}"


def test_changed_file_names_the_file_and_both_hashes(tmp_path, monkeypatch):
    rel, expected = data.DATASETS["movie_reviews"].tiny["train"]
    copy = tmp_path / rel
    copy.parent.mkdir(parents=True)
    shutil.copy(data.data_dir() / rel, copy)
    with open(copy, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "an extra row", "label": 1}) + "\n")
    monkeypatch.setenv("LABKIT_DATA", str(tmp_path))
    with pytest.raises(data.ChecksumError) as err:
        data.read_rows("movie_reviews", "train")
    message = str(err.value)
    assert str(copy) in message and expected in message and data.sha256(copy) in message


def test_missing_file_says_how_to_restore(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_DATA", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="git checkout -- data/"):
        data.path("movie_reviews", "train")


def test_unknown_dataset_and_split():
    with pytest.raises(ValueError, match="unknown dataset 'imbd'; known datasets: .*movie_reviews"):
        data.get("imbd")
    with pytest.raises(ValueError, match="has no split 'dev'; splits: train, test"):
        data.path("movie_reviews", "dev")


def test_tiny_load_has_the_hub_shape():
    tiny = env.Profile("tiny")
    train = data.load("movie_reviews", "train", profile=tiny)
    assert train.column_names == ["text", "label"]
    assert train.features["label"].names == ["neg", "pos"]
    assert len(train) >= 400 and set(train["label"]) == {0, 1}
    questions = data.load("programming_questions", "test", profile=tiny)
    assert questions.features["label"].names == ["csharp", "java", "javascript", "python"]
    assert len(questions) >= 100
    assert len(data.load("movie_reviews", "train", profile=tiny, limit=10)) == 10


def test_manifest_sizes():
    words = sum(len(r["text"].split()) for r in data.read_rows("english_corpus", "train"))
    assert words >= 30_000
    assert len(data.read_rows("passages", "train")) >= 500
    queries = data.read_rows("passage_queries", "test")
    assert len(queries) >= 50
    ids = {r["id"] for r in data.read_rows("passages", "train")}
    assert all(q["relevant"] and set(q["relevant"]) <= ids for q in queries)


def test_bad_limit():
    with pytest.raises(ValueError, match="limit must be a positive int"):
        data.load("movie_reviews", limit=0, profile=env.Profile("tiny"))


def test_full_profile_offline_fails_at_once():
    with pytest.raises(OSError, match="needs stanfordnlp/imdb from the Hugging Face Hub, which is unreachable"):
        data.load("movie_reviews", "train", profile=env.Profile("full", online=False))


@pytest.mark.parametrize("name", ["movie_reviews", "programming_questions"])
def test_bag_of_words_baseline_is_below_100_percent(name):
    """curriculum.md: a bag-of-words logistic regression must not reach 100% on the test split."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    train, test = data.read_rows(name, "train"), data.read_rows(name, "test")
    vec = CountVectorizer()
    clf = LogisticRegression(max_iter=2000).fit(vec.fit_transform([r["text"] for r in train]), [r["label"] for r in train])
    accuracy = clf.score(vec.transform([r["text"] for r in test]), [r["label"] for r in test])
    assert 0.6 < accuracy < 1.0, accuracy
