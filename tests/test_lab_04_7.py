"""Lab 04-7: mean pooling and sentence embedding against a by-hand reference on the RoBERTa family."""
import numpy as np
import pytest
import torch

from labkit.nbtools import import_definitions

LAB = import_definitions("04-pretraining-bert/04-7-classification-robertalex.ipynb")


def reference_mean_pool(hidden, mask):
    """sentence-transformers-style pooling written out row by row: average only the real tokens."""
    rows = []
    for states, keep in zip(hidden, mask):
        rows.append(states[keep.bool()].mean(dim=0))
    return torch.stack(rows)


def test_mean_pool_equals_the_reference_on_a_padded_batch():
    generator = torch.Generator().manual_seed(0)
    hidden = torch.randn(3, 5, 4, generator=generator)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0], [1, 0, 0, 0, 0]])
    pooled = LAB.mean_pool(hidden, mask)
    assert pooled.shape == (3, 4)
    torch.testing.assert_close(pooled, reference_mean_pool(hidden, mask))
    torch.testing.assert_close(pooled[2], hidden[2, 0])              # one real token: its own vector


def test_padding_values_do_not_leak_into_the_mean():
    hidden = torch.randn(2, 4, 3)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 0]])
    noisy = hidden.clone()
    noisy[mask == 0] = 1e6                                            # whatever sits under padding
    torch.testing.assert_close(LAB.mean_pool(noisy, mask), LAB.mean_pool(hidden, mask))


@pytest.fixture(scope="module")
def roberta():
    from labkit import hub, standins

    texts = ["el juez acordará la libertad provisional", "la junta general aprobará las cuentas anuales",
             "el trabajador tendrá derecho a vacaciones", "la expropiación requiere utilidad pública"]
    spec = hub.ModelSpec("test/roberta", "roberta", "base", (), "", vocab_size=200)
    torch.manual_seed(0)
    model, tokenizer = standins.family_roberta(spec, texts * 10)
    return model.eval(), tokenizer


def test_embed_matches_mean_pooled_model_output_and_ignores_batch_padding(roberta):
    model, tokenizer = roberta
    sentences = ["el juez acordará", "la junta general aprobará las cuentas anuales del ejercicio", "la libertad"]
    batched = LAB.embed(sentences, model, tokenizer, batch_size=3)
    assert batched.shape == (3, model.config.hidden_size)
    for i, sentence in enumerate(sentences):                       # each alone: no padding at all
        enc = tokenizer([sentence], return_tensors="pt")
        with torch.no_grad():
            alone = model(**enc).last_hidden_state[0].mean(dim=0).numpy()
        np.testing.assert_allclose(batched[i], alone, atol=1e-5)


def test_cosine_matrix_is_one_on_the_diagonal_and_symmetric():
    vectors = np.array([[1.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])
    sim = LAB.cosine_matrix(vectors)
    np.testing.assert_allclose(np.diag(sim), 1.0)
    np.testing.assert_allclose(sim, sim.T)
    assert sim[0, 2] == pytest.approx(-1.0) and sim[0, 1] == pytest.approx(2 ** -0.5)


def test_area_gap_is_within_minus_across():
    sim = np.array([[1.0, 0.8, 0.1], [0.8, 1.0, 0.3], [0.1, 0.3, 1.0]])
    assert LAB.area_gap(sim, ["a", "a", "b"]) == pytest.approx(0.8 - 0.2)


def test_bad_input_is_refused(roberta):
    model, tokenizer = roberta
    with pytest.raises(ValueError, match="sentences to embed is empty"):
        LAB.embed([], model, tokenizer)
    with pytest.raises(TypeError, match="got a single string"):
        LAB.embed("el juez acordará", model, tokenizer)
