"""Lab 04-8: n-best and batch translation functions against a direct generate call on the Marian family."""
import pytest
import torch

from labkit.nbtools import import_definitions

LAB = import_definitions("04-pretraining-bert/04-8-translate-es-de.ipynb")


@pytest.fixture(scope="module")
def marian():
    from labkit import hub, standins

    texts = ["el niño lee un libro", "das Kind liest ein Buch", "la abuela bebe café", "die Großmutter trinkt Kaffee"]
    spec = hub.ModelSpec("test/marian", "marian", "seq2seq-lm", (), "", vocab_size=120)
    torch.manual_seed(0)
    model, tokenizer = standins.family_marian(spec, texts * 10)
    return model.eval(), tokenizer


def test_translate_matches_one_generate_call_per_sentence(marian):
    model, tokenizer = marian
    sentences = ["el niño lee", "la abuela bebe café en casa", "un libro"]
    batched = LAB.translate(sentences, model, tokenizer, batch_size=2, num_beams=2, max_new_tokens=6)
    single = [tokenizer.decode(model.generate(**tokenizer([s], return_tensors="pt"), num_beams=2,
                                              max_new_tokens=6)[0], skip_special_tokens=True) for s in sentences]
    assert batched == single


def test_n_best_is_sorted_and_bounded(marian):
    model, tokenizer = marian
    best = LAB.n_best("el niño lee un libro", model, tokenizer, k=3, num_beams=3, max_new_tokens=5)
    scores = [s for _, s in best]
    assert len(best) == 3 and scores == sorted(scores, reverse=True)
    with pytest.raises(ValueError, match="k=5 translations need at least as many beams, got num_beams=2"):
        LAB.n_best("hola", model, tokenizer, k=5, num_beams=2)


def test_bad_input_is_refused(marian):
    model, tokenizer = marian
    with pytest.raises(ValueError, match="sentences to translate is empty"):
        LAB.translate([], model, tokenizer)
    with pytest.raises(TypeError, match="got a single string"):
        LAB.translate("el niño lee", model, tokenizer)
