"""Lab 04-4 (BERT pre-training with Hugging Face): the lab's block builder and exercise solutions, on references."""
from __future__ import annotations

from pathlib import Path

import pytest

from labkit.labs import find
from labkit.nbtools import import_definitions

ROOT = Path(__file__).resolve().parent.parent
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
TEXTS = ["the river flows to the sea", "a comet crossed the night sky over the sea", "the sea is calm"]


@pytest.fixture(scope="module")
def lab():
    return import_definitions(ROOT / find("04-4").path)


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import BertTokenizer

    words = sorted({w for t in TEXTS for w in t.split()})
    backend = Tokenizer(models.WordPiece({t: i for i, t in enumerate(SPECIALS + words)}, unk_token="[UNK]"))
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                           special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    return BertTokenizer(tokenizer_object=backend, model_max_length=64)


def test_group_into_blocks_cuts_the_concatenated_ids(lab, tokenizer):
    blocks = lab.group_into_blocks(TEXTS, tokenizer, 6)
    ids = [i for t in TEXTS for i in tokenizer(t, add_special_tokens=False)["input_ids"]]     # 19 word ids
    assert len(ids) == 19 and len(blocks) == 19 // 4
    for n, row in enumerate(blocks["input_ids"]):
        assert row == [2] + ids[4 * n:4 * n + 4] + [3]


def test_group_into_blocks_rejects_lengths_without_room(lab, tokenizer):
    with pytest.raises(ValueError, match="at least 3"):
        lab.group_into_blocks(TEXTS, tokenizer, 2)


def test_masked_share_counts_only_maskable_positions(lab, tokenizer):
    import torch

    lab.tokenizer = tokenizer            # the solution reads the notebook's tokenizer
    batch = {"original_ids": torch.tensor([[2, 5, 6, 7, 3, 0], [2, 8, 9, 10, 11, 3]]),
             "labels": torch.tensor([[-100, 5, -100, -100, -100, -100], [-100, 8, 9, -100, 11, -100]])}
    assert lab.masked_share(batch) == pytest.approx(4 / 7)


def test_top_token_agrees_with_the_fill_mask_pipeline(lab, tokenizer):
    import torch
    from transformers import BertConfig, BertForMaskedLM, pipeline

    torch.manual_seed(0)
    model = BertForMaskedLM(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                                       num_attention_heads=2, intermediate_size=64)).eval()
    fill = pipeline("fill-mask", model=model, tokenizer=tokenizer, device="cpu")
    for text in ["the [MASK] flows to the sea", "a comet crossed the [MASK] sky"]:
        assert lab.top_token(model, tokenizer, text) == tokenizer.convert_ids_to_tokens(fill(text, top_k=1)[0]["token"])


def test_matching_config_passes_check_vocab(lab, tokenizer):
    from labkit.training import check_vocab

    lab.BertConfig = __import__("transformers").BertConfig
    config = lab.matching_config(tokenizer, 48)
    assert check_vocab(tokenizer, config) == len(tokenizer) == config.vocab_size
    assert (config.hidden_size, config.num_attention_heads, config.pad_token_id) == (48, 2, 0)
