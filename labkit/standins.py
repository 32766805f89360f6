"""Stand-in recipes for the architecture families beyond BERT, and the trainers that teach some of them a task.

Each family is ``fn(spec, texts) -> (model, tokenizer)``: a tiny model of the real architecture (hidden 64,
2 layers, 2 heads) and a tokenizer of the real tokenizer class, trained deterministically on ``texts`` so two
builds give the same bytes. :mod:`labkit.hub` calls them (``FAMILIES``); labs never do::

    >>> from labkit import hub
    >>> hub.build("google-t5/t5-small")                 # runs family_t5 (+ train_seq2seq)   # doctest: +SKIP

Tokenizers: SentencePiece-style Unigram vocabularies (T5, mT5, XLM-R, DeBERTa-v2, Marian) come from
``sentencepiece`` with one thread (deterministic; the ``tokenizers`` Unigram trainer is not); byte-level BPE
vocabularies (RoBERTa, BART) from the ``tokenizers`` BPE trainer seeded with the full byte alphabet
(deterministic). Heavy libraries are imported inside the functions.
"""
from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from labkit.hub import _RECIPE_KEYS, ModelSpec, _head, _label_kwargs

#: The tiny size every family shares (a spec's ``config`` overrides it).
TINY = dict(hidden=64, layers=2, heads=2, ffn=128, positions=512)


def one_thread(fn):
    """Run ``fn`` with torch on one thread: tiny models gain nothing from more, builds on a busy machine avoid
    thread oversubscription (10x slower), and float reductions, hence the saved bytes, no longer depend on the
    core count."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        import torch

        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return fn(*args, **kwargs)
        finally:
            torch.set_num_threads(before)

    return wrapper


def _make_config(config_cls, spec: ModelSpec, **defaults):
    """``config_cls`` with the family's tiny defaults, overridden by the spec's model-config keys."""
    return config_cls(**{**defaults, **_overrides(spec)})


def _overrides(spec: ModelSpec) -> dict:
    return {k: v for k, v in spec.config.items() if k not in _RECIPE_KEYS}


# ---------------------------------------------------------------------------------------------- tokenizers

def sentencepiece_model(texts: list[str], vocab_size: int, specials: dict[str, int], *,
                        model_type: str = "unigram") -> bytes:
    """A serialized SentencePiece model trained on ``texts`` with one thread (same bytes on every run).

    specials maps the four reserved roles (``unk``, ``pad``, ``bos``, ``eos``; -1 to leave one out) to ids, and
    optionally ``<role>_piece`` names (``{"unk": 3, "unk_piece": "[UNK]"}``).

    >>> len(sentencepiece_model(["a b c"] * 20, 20, {"unk": 0, "pad": -1, "bos": -1, "eos": -1})) > 0  # doctest: +SKIP
    True
    """
    import sentencepiece as spm

    texts = [t for t in texts if isinstance(t, str) and t.strip()]
    if not texts:
        raise ValueError("cannot train a SentencePiece model on an empty corpus")
    if not isinstance(vocab_size, int) or vocab_size < 8:
        raise ValueError(f"vocab_size must be an int >= 8, got {vocab_size!r}")
    ids = {f"{role}_id": specials.get(role, -1) for role in ("unk", "pad", "bos", "eos")}
    pieces = {f"{role}_piece": specials[f"{role}_piece"] for role in ("unk", "pad", "bos", "eos")
              if f"{role}_piece" in specials}
    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=buffer, vocab_size=vocab_size, model_type=model_type,
        num_threads=1, hard_vocab_limit=False, character_coverage=1.0, normalization_rule_name="identity",
        max_sentence_length=1 << 16, byte_fallback=False, minloglevel=2, **ids, **pieces)
    return buffer.getvalue()


def unigram_vocab(texts: list[str], vocab_size: int, specials: dict[str, int]) -> list[tuple[str, float]]:
    """``[(piece, score), ...]`` of a deterministic SentencePiece Unigram model, in id order (control pieces 0.0).

    >>> unigram_vocab(["the river flows"] * 30, 30, {"pad": 0, "eos": 1, "unk": 2})[:2]     # doctest: +SKIP
    [('<pad>', 0.0), ('</s>', 0.0)]
    """
    import sentencepiece as spm

    proc = spm.SentencePieceProcessor(model_proto=sentencepiece_model(texts, vocab_size, specials))
    return [(proc.id_to_piece(i), 0.0 if (proc.is_control(i) or proc.is_unknown(i)) else float(proc.get_score(i)))
            for i in range(proc.get_piece_size())]


def byte_level_bpe(texts: list[str], vocab_size: int, specials: list[str]):
    """``(vocab, merges)`` of a byte-level BPE (RoBERTa / BART / GPT-2 style), specials first, deterministic.

    >>> vocab, merges = byte_level_bpe(["the river"] * 10, 300, ["<s>", "<pad>", "</s>", "<unk>"])  # doctest: +SKIP
    """
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    texts = [t for t in texts if isinstance(t, str) and t.strip()]
    if not texts:
        raise ValueError("cannot train a byte-level BPE on an empty corpus")
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    trainer = trainers.BpeTrainer(vocab_size=max(vocab_size, len(alphabet) + len(specials)), special_tokens=specials,
                                  initial_alphabet=alphabet, show_progress=False, min_frequency=2)
    tok.train_from_iterator(texts, trainer=trainer)
    state = json.loads(tok.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in state["merges"]]
    return dict(state["vocab"]), merges


def _roberta_tokenizer(spec: ModelSpec, texts: list[str]):
    """RoBERTa's layout: <s>=0 <pad>=1 </s>=2 <unk>=3, byte-level BPE, <mask> last (as in the real vocabularies)."""
    from transformers import RobertaTokenizer

    vocab, merges = byte_level_bpe(texts, spec.vocab_size - 1, ["<s>", "<pad>", "</s>", "<unk>"])
    vocab["<mask>"] = len(vocab)
    return RobertaTokenizer(vocab=vocab, merges=merges, model_max_length=512)


# ---------------------------------------------------------------------------------------------- families

@one_thread
def family_t5(spec: ModelSpec, texts: list[str]):
    """T5 (google-t5/t5-small): Unigram vocabulary <pad>=0 </s>=1 <unk>=2, 100 sentinels, T5 v1.0 layers."""
    from transformers import T5Config, T5EncoderModel, T5ForConditionalGeneration, T5Model, T5Tokenizer

    tokenizer = _t5_tokenizer(spec, texts, T5Tokenizer)
    config = _make_config(T5Config, spec,
                          vocab_size=len(tokenizer), d_model=TINY["hidden"], d_kv=TINY["hidden"] // TINY["heads"],
                          d_ff=TINY["ffn"], num_layers=TINY["layers"], num_decoder_layers=TINY["layers"],
                          num_heads=TINY["heads"], pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    tasks = {"seq2seq-lm": T5ForConditionalGeneration, "base": T5Model, "encoder": T5EncoderModel}
    return _head(spec, tasks, config), tokenizer


def _t5_tokenizer(spec: ModelSpec, texts: list[str], cls, extra_ids: int = 100):
    pieces = unigram_vocab(texts, spec.vocab_size - extra_ids, {"pad": 0, "eos": 1, "unk": 2})
    pieces += [(f"<extra_id_{i}>", 0.0) for i in range(extra_ids - 1, -1, -1)]
    return cls(vocab=pieces, extra_ids=extra_ids, model_max_length=512)


@one_thread
def family_mt5(spec: ModelSpec, texts: list[str]):
    """mT5 (google/mt5-small): gated-GELU T5 v1.1 layers with an *untied* output layer, like the real checkpoint.

    transformers' MT5Config ties the LM head to the embeddings even with ``tie_word_embeddings=False``; the head
    is given its own weights here and the test checks the saved file really holds a separate ``lm_head``.
    """
    import torch
    from transformers import MT5Config, MT5EncoderModel, MT5ForConditionalGeneration, MT5Model, T5Tokenizer

    tokenizer = _t5_tokenizer(spec, texts, T5Tokenizer)
    config = _make_config(MT5Config, spec,
                          vocab_size=len(tokenizer), d_model=TINY["hidden"], d_kv=TINY["hidden"] // TINY["heads"],
                          d_ff=TINY["ffn"], num_layers=TINY["layers"], num_decoder_layers=TINY["layers"],
                          num_heads=TINY["heads"], feed_forward_proj="gated-gelu", tie_word_embeddings=False,
                          pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    tasks = {"seq2seq-lm": MT5ForConditionalGeneration, "base": MT5Model, "encoder": MT5EncoderModel}
    model = _head(spec, tasks, config)
    model.config.tie_word_embeddings = False
    head = getattr(model, "lm_head", None)
    if head is not None and head.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr():
        head.weight = torch.nn.Parameter(head.weight.detach().clone().normal_(0.0, 1.0 / TINY["hidden"] ** 0.5))
    return model, tokenizer


@one_thread
def family_marian(spec: ModelSpec, texts: list[str]):
    """Marian (Helsinki-NLP/opus-mt-*): one SentencePiece model shared by both sides, </s>=0 <unk>=1, <pad> last.

    transformers 5's MarianTokenizer is the Python (sentencepiece) tokenizer: it needs ``source.spm``,
    ``target.spm`` and ``vocab.json``; the model starts decoding from <pad>, as the real checkpoints do.
    """
    from transformers import MarianConfig, MarianModel, MarianMTModel, MarianTokenizer

    model_proto = sentencepiece_model(texts, spec.vocab_size - 1, {"eos": 0, "unk": 1, "pad": -1, "bos": -1})
    import sentencepiece as spm

    proc = spm.SentencePieceProcessor(model_proto=model_proto)
    vocab = {proc.id_to_piece(i): i for i in range(proc.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    folder = Path(tempfile.mkdtemp(prefix="labkit-marian-"))
    for name in ("source.spm", "target.spm"):
        (folder / name).write_bytes(model_proto)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    tokenizer = MarianTokenizer(str(folder / "source.spm"), str(folder / "target.spm"), str(folder / "vocab.json"),
                                source_lang=spec.config.get("source_lang"), target_lang=spec.config.get("target_lang"),
                                model_max_length=512)
    pad = vocab["<pad>"]
    config = _make_config(MarianConfig, spec,
                          vocab_size=len(vocab), d_model=TINY["hidden"], encoder_layers=TINY["layers"],
                          decoder_layers=TINY["layers"], encoder_attention_heads=TINY["heads"],
                          decoder_attention_heads=TINY["heads"], encoder_ffn_dim=TINY["ffn"],
                          decoder_ffn_dim=TINY["ffn"], max_position_embeddings=TINY["positions"], pad_token_id=pad,
                          eos_token_id=0, decoder_start_token_id=pad, forced_eos_token_id=0, scale_embedding=True,
                          share_encoder_decoder_embeddings=True, num_beams=4, max_length=128)
    return _head(spec, {"seq2seq-lm": MarianMTModel, "base": MarianModel}, config), tokenizer


def _roberta_like(spec: ModelSpec, tokenizer, config_cls, prefix: str):
    import transformers

    config = _make_config(config_cls, spec,
                          vocab_size=len(tokenizer), hidden_size=TINY["hidden"], num_hidden_layers=TINY["layers"],
                          num_attention_heads=TINY["heads"], intermediate_size=TINY["ffn"],
                          max_position_embeddings=TINY["positions"] + 2, type_vocab_size=1, pad_token_id=1,
                          bos_token_id=0, eos_token_id=2, **_label_kwargs(spec))
    tasks = {"base": getattr(transformers, f"{prefix}Model"),
             "masked-lm": getattr(transformers, f"{prefix}ForMaskedLM"),
             "sequence-classification": getattr(transformers, f"{prefix}ForSequenceClassification")}
    return _head(spec, tasks, config)


@one_thread
def family_roberta(spec: ModelSpec, texts: list[str]):
    """RoBERTa (PlanTL-GOB-ES/RoBERTalex): byte-level BPE, positions offset by the padding id (514 slots)."""
    from transformers import RobertaConfig

    tokenizer = _roberta_tokenizer(spec, texts)
    return _roberta_like(spec, tokenizer, RobertaConfig, "Roberta"), tokenizer


@one_thread
def family_xlm_roberta(spec: ModelSpec, texts: list[str]):
    """XLM-RoBERTa (FacebookAI/xlm-roberta-base): Unigram vocabulary <s>=0 <pad>=1 </s>=2 <unk>=3, <mask> last."""
    from transformers import XLMRobertaConfig, XLMRobertaTokenizer

    pieces = unigram_vocab(texts, spec.vocab_size - 1, {"bos": 0, "pad": 1, "eos": 2, "unk": 3})
    tokenizer = XLMRobertaTokenizer(vocab=pieces + [("<mask>", 0.0)], model_max_length=512)
    return _roberta_like(spec, tokenizer, XLMRobertaConfig, "XLMRoberta"), tokenizer


@one_thread
def family_bart(spec: ModelSpec, texts: list[str]):
    """BART (facebook/bart-base, bart-large-mnli): RoBERTa's byte-level BPE, encoder-decoder, task heads."""
    from transformers import BartConfig, BartForConditionalGeneration, BartForSequenceClassification, BartModel

    tokenizer = _roberta_tokenizer(spec, texts)
    config = _make_config(BartConfig, spec,
                          vocab_size=len(tokenizer), d_model=TINY["hidden"], encoder_layers=TINY["layers"],
                          decoder_layers=TINY["layers"], encoder_attention_heads=TINY["heads"],
                          decoder_attention_heads=TINY["heads"], encoder_ffn_dim=TINY["ffn"],
                          decoder_ffn_dim=TINY["ffn"], max_position_embeddings=TINY["positions"], pad_token_id=1,
                          bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, forced_bos_token_id=0,
                          forced_eos_token_id=2, **_label_kwargs(spec))
    tasks = {"seq2seq-lm": BartForConditionalGeneration, "sequence-classification": BartForSequenceClassification,
             "base": BartModel}
    return _head(spec, tasks, config), tokenizer


@one_thread
def family_deberta_v2(spec: ModelSpec, texts: list[str]):
    """DeBERTa-v2/v3 (microsoft/deberta-v3-large): disentangled relative attention, Unigram vocabulary
    [PAD]=0 [CLS]=1 [SEP]=2 [UNK]=3, [MASK] last. A ``base`` stand-in still loads with
    AutoModelForSequenceClassification (the head starts random, as it does from the real checkpoint)."""
    from transformers import (
        DebertaV2Config,
        DebertaV2ForMaskedLM,
        DebertaV2ForSequenceClassification,
        DebertaV2Model,
        DebertaV2Tokenizer,
    )

    specials = {"pad": 0, "bos": 1, "eos": 2, "unk": 3, "pad_piece": "[PAD]", "bos_piece": "[CLS]",
                "eos_piece": "[SEP]", "unk_piece": "[UNK]"}
    pieces = unigram_vocab(texts, spec.vocab_size - 1, specials)
    tokenizer = DebertaV2Tokenizer(vocab=pieces + [("[MASK]", 0.0)], unk_id=3, model_max_length=512)
    config = _make_config(DebertaV2Config, spec,
                          vocab_size=len(tokenizer), hidden_size=TINY["hidden"], num_hidden_layers=TINY["layers"],
                          num_attention_heads=TINY["heads"], intermediate_size=TINY["ffn"],
                          max_position_embeddings=TINY["positions"], type_vocab_size=0, relative_attention=True,
                          position_buckets=64, norm_rel_ebd="layer_norm", share_att_key=True,
                          pos_att_type=["p2c", "c2p"], position_biased_input=False, pad_token_id=0,
                          **_label_kwargs(spec))
    tasks = {"base": DebertaV2Model, "masked-lm": DebertaV2ForMaskedLM,
             "sequence-classification": DebertaV2ForSequenceClassification}
    return _head(spec, tasks, config), tokenizer


# ---------------------------------------------------------------------------------------------- trainers

def _rows(spec: ModelSpec, key: str = "train_data") -> list[dict]:
    from labkit import data

    ref = spec.config.get(key)
    if not ref or ref.count(":") != 1:
        raise ValueError(f"stand-in {spec.id}: config[{key!r}] must name a bundled dataset as 'name:split', "
                         f"got {ref!r}")
    rows = data.read_rows(*ref.split(":"))
    if not rows:
        raise ValueError(f"stand-in {spec.id}: training data {ref} is empty")
    return rows


@one_thread
def train_seq2seq(model, tokenizer, spec: ModelSpec):
    """Train an encoder-decoder stand-in briefly (teacher forcing, AdamW) so its output is recognisable.

    Keys of ``spec.config``: ``train_data`` (``"bills:train"``), ``source`` / ``target`` (fields), ``prefix``
    (prepended to each source, e.g. ``"summarize: "``), ``epochs``, ``lr``, ``batch_size``, ``max_source_length``,
    ``max_target_length``. Deterministic: fixed shuffling generator, deterministic algorithms (set by the builder).

    >>> spec = ModelSpec("x/t5", "t5", "seq2seq-lm", (), "", config={"train_data": "bills:train",
    ...     "source": "text", "target": "summary", "prefix": "summarize: "})     # doctest: +SKIP
    """
    import torch

    cfg = spec.config
    rows = _rows(spec)
    source, target = cfg.get("source", "source"), cfg.get("target", "target")
    missing = [f for f in (source, target) if f not in rows[0]]
    if missing:
        raise ValueError(f"stand-in {spec.id}: fields {missing} are not in {cfg['train_data']} "
                         f"(fields: {sorted(rows[0])}); set config 'source' and 'target'")
    prefix = cfg.get("prefix", "")
    sources = [prefix + r[source] for r in rows]
    targets = [r[target] for r in rows]
    epochs, batch = int(cfg.get("epochs", 10)), int(cfg.get("batch_size", 16))
    max_src, max_tgt = int(cfg.get("max_source_length", 256)), int(cfg.get("max_target_length", 64))
    optimizer = torch.optim.AdamW(model.parameters(), lr=float(cfg.get("lr", 3e-3)))
    generator = torch.Generator().manual_seed(0)
    pad = tokenizer.pad_token_id
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(rows), generator=generator).tolist()
        for start in range(0, len(rows), batch):
            idx = order[start:start + batch]
            enc = tokenizer([sources[i] for i in idx], truncation=True, max_length=max_src, padding=True,
                            return_tensors="pt")
            labels = tokenizer(text_target=[targets[i] for i in idx], truncation=True, max_length=max_tgt,
                               padding=True, return_tensors="pt")["input_ids"]
            labels[labels == pad] = -100
            loss = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
    return model


@one_thread
def train_masked_lm(model, tokenizer, spec: ModelSpec):
    """Train a masked-LM stand-in briefly on a bundled text field, so fill-mask proposals are plausible.

    Keys of ``spec.config``: ``train_data`` (``"spanish_legal:train"``), ``text`` (field, default ``"text"``),
    ``epochs``, ``lr``, ``mask_probability`` (default 0.15). Deterministic (seeded masking and shuffling).
    """
    import torch

    cfg = spec.config
    rows = _rows(spec)
    field = cfg.get("text", "text")
    texts = [r[field] for r in rows]
    probability = float(cfg.get("mask_probability", 0.15))
    if not 0.0 < probability < 1.0:
        raise ValueError(f"stand-in {spec.id}: mask_probability must be in (0, 1), got {probability}")
    epochs, batch = int(cfg.get("epochs", 30)), int(cfg.get("batch_size", 16))
    optimizer = torch.optim.AdamW(model.parameters(), lr=float(cfg.get("lr", 3e-3)))
    generator = torch.Generator().manual_seed(0)
    special = torch.tensor(sorted(set(tokenizer.all_special_ids)))
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(texts), generator=generator).tolist()
        for start in range(0, len(texts), batch):
            enc = tokenizer([texts[i] for i in order[start:start + batch]], truncation=True, max_length=128,
                            padding=True, return_tensors="pt")
            ids = enc["input_ids"]
            candidates = ~torch.isin(ids, special)
            chosen = (torch.rand(ids.shape, generator=generator) < probability) & candidates
            labels = torch.where(chosen, ids, torch.full_like(ids, -100))
            inputs = torch.where(chosen, torch.full_like(ids, tokenizer.mask_token_id), ids)
            loss = model(input_ids=inputs, attention_mask=enc["attention_mask"], labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    return model


