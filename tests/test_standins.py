"""The stand-in families of labkit.standins: each builds, loads by its real id through the Auto classes in a fresh
offline process, runs, and (t5, bart, marian, xlm-roberta) builds byte-identically twice."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from conftest import run_python
from labkit import hub, standins

FAMILY_IDS = {
    "t5": "google-t5/t5-small", "mt5": "google/mt5-small", "marian": "Helsinki-NLP/opus-mt-es-de",
    "roberta": "PlanTL-GOB-ES/RoBERTalex", "xlm-roberta": "FacebookAI/xlm-roberta-base",
    "bart-nli": "facebook/bart-large-mnli", "bart": "facebook/bart-base", "deberta-v2": "microsoft/deberta-v3-large",
}


def _untrained(monkeypatch, model_id):
    """The registry entry with the test corpus and no training recipe: the family alone, in seconds."""
    spec = replace(hub.get(model_id), corpus=("english_corpus:train:text",), train=None, vocab_size=400,
                   config={k: v for k, v in hub.get(model_id).config.items() if k not in hub._RECIPE_KEYS})
    monkeypatch.setitem(hub.MODELS, model_id, spec)
    return spec


def _files(snapshot):
    return {p.name: p.read_bytes() for p in snapshot.iterdir() if p.name != "labkit-standin.json"}


@pytest.mark.parametrize("family", ["t5", "bart", "marian", "xlm-roberta"])
def test_two_builds_are_byte_identical(tiny_world, monkeypatch, tmp_path, family):
    model_id = FAMILY_IDS[family]
    _untrained(monkeypatch, model_id)
    a, b = _files(hub.build(model_id, root=tmp_path / "a")), _files(hub.build(model_id, root=tmp_path / "b"))
    assert "model.safetensors" in a
    assert {"tokenizer.json", "source.spm"} & set(a), sorted(a)
    assert a == b, [name for name in a if a[name] != b.get(name)]


def test_every_family_loads_by_its_real_id_offline(tiny_world, monkeypatch):
    specs = {fam: _untrained(monkeypatch, mid) for fam, mid in FAMILY_IDS.items()}
    for spec in specs.values():
        hub.build(spec.id)
    overrides = {mid: {"corpus": ["english_corpus:train:text"], "vocab_size": 400,
                       "config": {k: v for k, v in hub.get(mid).config.items() if k not in hub._RECIPE_KEYS}}
                 for mid in FAMILY_IDS.values()}
    code = f"""
        import json
        from dataclasses import replace
        from labkit import data, hub
        data.DATASETS["english_corpus"] = replace(data.DATASETS["english_corpus"],
            tiny={{"train": ("english_corpus/train.jsonl", "{tiny_world['sha']}")}})
        for mid, kw in json.loads('{json.dumps(overrides)}').items():
            kw["corpus"] = tuple(kw["corpus"])
            hub.register(replace(hub.get(mid), train=None, **kw))
        import labkit
        P = labkit.setup(models={list(FAMILY_IDS.values())!r}, quiet=True)
        import torch
        from transformers import (AutoModel, AutoModelForMaskedLM, AutoModelForSeq2SeqLM,
                                  AutoModelForSequenceClassification, AutoTokenizer)
        out = {{}}
        text = "The river flows into the harbour."
        for mid in {list(FAMILY_IDS.values())!r}:
            tok = AutoTokenizer.from_pretrained(mid)
            enc = tok([text], return_tensors="pt")
            row = {{"tokenizer": type(tok).__name__, "roundtrip": tok.decode(enc["input_ids"][0],
                                                                             skip_special_tokens=True)}}
            task = hub.get(mid).task
            if task == "seq2seq-lm":
                model = AutoModelForSeq2SeqLM.from_pretrained(mid)
                gen = model.generate(**enc, max_new_tokens=4, num_beams=2, do_sample=False)
                row["generated"] = int(gen.shape[1])
                row["untied"] = model.get_output_embeddings().weight.data_ptr() != \\
                    model.get_input_embeddings().weight.data_ptr()
            elif task == "masked-lm":
                model = AutoModelForMaskedLM.from_pretrained(mid)
                row["logits"] = model(**enc).logits.shape[-1] == len(tok)
            elif task == "sequence-classification":
                model = AutoModelForSequenceClassification.from_pretrained(mid)
                row["labels"] = [model.config.id2label[i] for i in range(model.config.num_labels)]
            else:
                model = AutoModel.from_pretrained(mid)
                row["hidden"] = int(model(**enc).last_hidden_state.shape[-1])
                head = AutoModelForSequenceClassification.from_pretrained(mid, num_labels=2)
                row["head"] = tuple(head(**enc).logits.shape)
            row["model"] = type(model).__name__
            out[mid] = row
        print("RESULT" + json.dumps(out))
    """
    result = run_python(code, env={"LABKIT_DATA": str(tiny_world["data"]), "LABKIT_CACHE": str(tiny_world["cache"]),
                                   "LABKIT_PROFILE": "tiny", "TRANSFORMERS_VERBOSITY": "error"})
    assert result.returncode == 0, result.stderr[-3000:]
    rows = json.loads(result.stdout.split("RESULT")[-1])
    expected = {
        "google-t5/t5-small": ("T5Tokenizer", "T5ForConditionalGeneration"),
        "google/mt5-small": ("T5Tokenizer", "MT5ForConditionalGeneration"),
        "Helsinki-NLP/opus-mt-es-de": ("MarianTokenizer", "MarianMTModel"),
        "PlanTL-GOB-ES/RoBERTalex": ("RobertaTokenizer", "RobertaForMaskedLM"),
        "FacebookAI/xlm-roberta-base": ("XLMRobertaTokenizer", "XLMRobertaForMaskedLM"),
        "facebook/bart-large-mnli": ("RobertaTokenizer", "BartForSequenceClassification"),
        "facebook/bart-base": ("RobertaTokenizer", "BartForConditionalGeneration"),
        "microsoft/deberta-v3-large": ("DebertaV2Tokenizer", "DebertaV2Model"),
    }
    for mid, (tok_cls, model_cls) in expected.items():
        assert (rows[mid]["tokenizer"], rows[mid]["model"]) == (tok_cls, model_cls), (mid, rows[mid])
    # the tokenizers learned the corpus words, so the sentence survives encoding and decoding (byte-level BPE and
    # SentencePiece keep case and punctuation)
    for mid, row in rows.items():
        assert row["roundtrip"].strip() == "The river flows into the harbour.", (mid, row["roundtrip"])
    for mid in ("google-t5/t5-small", "google/mt5-small", "Helsinki-NLP/opus-mt-es-de", "facebook/bart-base"):
        assert 2 <= rows[mid]["generated"] <= 6, (mid, rows[mid])
    assert rows["google/mt5-small"]["untied"] is True          # the real mt5-small has its own output layer
    assert rows["google-t5/t5-small"]["untied"] is False       # t5-small ties it
    assert rows["facebook/bart-large-mnli"]["labels"] == ["contradiction", "neutral", "entailment"]
    assert rows["PlanTL-GOB-ES/RoBERTalex"]["logits"] and rows["FacebookAI/xlm-roberta-base"]["logits"]
    assert rows["microsoft/deberta-v3-large"]["hidden"] == 64
    assert rows["microsoft/deberta-v3-large"]["head"] == [1, 2]


def test_mt5_saved_head_is_separate(tiny_world, monkeypatch):
    from safetensors.torch import load_file

    _untrained(monkeypatch, "google/mt5-small")
    weights = load_file(hub.build("google/mt5-small") / "model.safetensors")
    assert "lm_head.weight" in weights
    assert not (weights["lm_head.weight"] == weights["shared.weight"]).all()


def test_tokenizer_layouts_match_the_real_special_ids(tiny_world, monkeypatch):
    texts = ["the river flows", "el río fluye", "der Fluss fließt"] * 20
    t5_spec = replace(hub.get("google-t5/t5-small"), vocab_size=300)
    _, tok = standins.family_t5(t5_spec, texts)
    assert (tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2)
    assert tok.convert_tokens_to_ids("<extra_id_0>") == len(tok) - 1
    _, tok = standins.family_roberta(replace(hub.get("PlanTL-GOB-ES/RoBERTalex"), vocab_size=300), texts)
    assert (tok.bos_token_id, tok.pad_token_id, tok.eos_token_id, tok.unk_token_id) == (0, 1, 2, 3)
    assert tok.mask_token_id == len(tok) - 1
    _, tok = standins.family_deberta_v2(replace(hub.get("microsoft/deberta-v3-large"), vocab_size=300), texts)
    assert [tok.pad_token_id, tok.cls_token_id, tok.sep_token_id, tok.unk_token_id] == [0, 1, 2, 3]
    _, tok = standins.family_marian(replace(hub.get("Helsinki-NLP/opus-mt-es-de"), vocab_size=300), texts)
    assert (tok.eos_token_id, tok.unk_token_id, tok.pad_token_id) == (0, 1, len(tok) - 1)


def test_tokenizer_trainers_reject_empty_corpora():
    with pytest.raises(ValueError, match="empty corpus"):
        standins.unigram_vocab(["", "  "], 100, {"unk": 0})
    with pytest.raises(ValueError, match="empty corpus"):
        standins.byte_level_bpe([], 300, ["<s>"])
    with pytest.raises(ValueError, match="vocab_size must be an int >= 8, got 2"):
        standins.sentencepiece_model(["a b"], 2, {"unk": 0})


def _write_rows(folder, name, rows):
    from labkit.data import sha256

    target = folder / name / "train.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return sha256(target)


def _register_rows(monkeypatch, tiny_world, name, rows):
    from labkit import data

    digest = _write_rows(tiny_world["data"], name, rows)
    monkeypatch.setitem(data.DATASETS, name, data.DatasetSpec(
        name, "test rows", (), {k: "string" for k in rows[0]}, {"train": (f"{name}/train.jsonl", digest)},
        data.FullSource()))


def test_train_seq2seq_learns_a_copy_task(tiny_world, monkeypatch):
    import torch

    words = "river valley delta harbour stars orbit comet violin melody bread oven flour".split()
    rows = [{"src": f"{a} {b}", "tgt": f"{b} {a}"} for a in words for b in words if a != b]
    _register_rows(monkeypatch, tiny_world, "pairs", rows)
    spec = replace(hub.get("google-t5/t5-small"), vocab_size=200,
                   config={"train_data": "pairs:train", "source": "src", "target": "tgt", "prefix": "swap: ",
                           "epochs": 12, "lr": 1e-2, "batch_size": 32})
    torch.manual_seed(0)
    model, tok = standins.family_t5(spec, [r["src"] for r in rows])

    def loss():
        enc = tok(["swap: " + r["src"] for r in rows], return_tensors="pt", padding=True)
        labels = tok(text_target=[r["tgt"] for r in rows], return_tensors="pt", padding=True)["input_ids"]
        labels[labels == tok.pad_token_id] = -100
        with torch.no_grad():
            return float(model(**enc, labels=labels).loss)

    before = loss()
    standins.train_seq2seq(model, tok, spec)
    assert loss() < 0.5 * before


def test_train_seq2seq_names_missing_fields_and_data(tiny_world, monkeypatch):
    _register_rows(monkeypatch, tiny_world, "pairs", [{"src": "a", "tgt": "b"}])
    spec = replace(hub.get("google-t5/t5-small"), config={"train_data": "pairs:train", "source": "text"})
    with pytest.raises(ValueError, match=r"fields \['text', 'target'\] are not in pairs:train"):
        standins.train_seq2seq(None, None, spec)
    with pytest.raises(ValueError, match="must name a bundled dataset as 'name:split', got 'pairs'"):
        standins.train_seq2seq(None, None, replace(spec, config={"train_data": "pairs"}))


def test_train_masked_lm_rejects_a_bad_probability(tiny_world, monkeypatch):
    _register_rows(monkeypatch, tiny_world, "legal", [{"text": "la ley"}])
    spec = replace(hub.get("PlanTL-GOB-ES/RoBERTalex"), config={"train_data": "legal:train",
                                                                "mask_probability": 1.5})
    with pytest.raises(ValueError, match=r"mask_probability must be in \(0, 1\), got 1.5"):
        standins.train_masked_lm(None, None, spec)
