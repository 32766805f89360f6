"""Lab 04-5: the preprocessing and summarizing functions the lab defines, on the T5 stand-in's tokenizer class."""
import pytest

from labkit.nbtools import import_definitions

LAB = import_definitions("04-pretraining-bert/04-5-summarization-t5-billsum.ipynb")


@pytest.fixture(scope="module")
def tokenizer():
    from transformers import T5Tokenizer

    from labkit.standins import unigram_vocab

    texts = ["the bill directs the secretary to award grants", "summarize: a program for rural broadband"] * 20
    pieces = unigram_vocab(texts, 120, {"pad": 0, "eos": 1, "unk": 2})
    return T5Tokenizer(vocab=pieces, extra_ids=0)


def test_preprocess_prefixes_sources_and_labels_targets(tokenizer):
    batch = {"text": ["award grants"], "summary": ["the bill"]}
    out = LAB.preprocess(batch, tokenizer, prefix="summarize: ", max_source_length=64, max_target_length=8)
    assert out["input_ids"][0] == tokenizer("summarize: award grants")["input_ids"]
    assert out["labels"][0] == tokenizer("the bill")["input_ids"]
    assert out["input_ids"][0][-1] == tokenizer.eos_token_id == out["labels"][0][-1]


def test_preprocess_truncates_to_the_max_lengths(tokenizer):
    batch = {"text": ["award grants " * 50], "summary": ["the bill " * 50]}
    out = LAB.preprocess(batch, tokenizer, max_source_length=16, max_target_length=6)
    assert len(out["input_ids"][0]) == 16 and len(out["labels"][0]) == 6
    assert out["labels"][0][-1] == tokenizer.eos_token_id


def test_max_length_below_the_special_tokens_is_refused(tokenizer):
    with pytest.raises(ValueError, match="max length 1 leaves no room for text: the tokenizer adds 1 special"):
        LAB.preprocess({"text": ["a"], "summary": ["b"]}, tokenizer, max_source_length=64, max_target_length=1)


def test_empty_dataset_is_refused(tokenizer):
    import datasets

    empty = datasets.Dataset.from_dict({"text": [], "summary": []})
    with pytest.raises(ValueError, match="dataset to tokenize is empty"):
        LAB.tokenize_dataset(empty, tokenizer)
    with pytest.raises(ValueError, match="texts to summarize is empty"):
        LAB.summarize([], None, tokenizer)


def test_purpose_clause_baseline_picks_the_shall_sentence():
    text = "SECTION 1. SHORT TITLE. The Secretary shall establish a program. SEC. 4. Money."
    assert LAB.purpose_clause(text) == "The Secretary shall establish a program."
    assert LAB.purpose_clause("No duty here. None at all.") == "No duty here."
