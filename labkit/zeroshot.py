"""Zero-shot classification with an NLI model: the stand-in's training recipe and a batched classifier.

An NLI model reads a (premise, hypothesis) pair and says contradiction / neutral / entailment. Zero-shot
classification turns each candidate label into a hypothesis ("This example is about {label}.") and ranks the
labels by how strongly the text entails them. ``transformers.pipeline("zero-shot-classification")`` does this;
lab 03-6 and the ``classification-bart-infer-vertex`` serving container use it with ``facebook/bart-large-mnli``::

    >>> import labkit
    >>> P = labkit.setup(models=["facebook/bart-large-mnli"])                          # doctest: +SKIP
    >>> from transformers import pipeline
    >>> zs = pipeline("zero-shot-classification", model="facebook/bart-large-mnli")     # doctest: +SKIP
    >>> zs("The striker scored twice.", candidate_labels=["sport", "cooking"])["labels"][0]   # doctest: +SKIP
    'sport'

In the tiny profile the id is served by a 2-layer BART stand-in that :func:`train_nli` trains at build time on
the bundled ``nli`` dataset (``tools/make_nli_data.py``), so its rankings are sensible on simple texts about the
dataset's topics (sport, cooking, politics, technology, weather, music, business, health, travel) and on
positive / negative sentiment. It is not a general NLI model: the banner says so.
"""
from __future__ import annotations

from typing import Iterable, Sequence

DEFAULT_TEMPLATE = "This example is about {}."


def train_nli(model, tokenizer, spec):
    """Train a sequence-classification stand-in on (premise, hypothesis, label) rows; returns the model.

    Called by :func:`labkit.hub.build` for entries with ``train="labkit.zeroshot:train_nli"``. Keys of
    ``spec.config``: ``train_data`` (``"nli:train"``), ``epochs``, ``lr``, ``batch_size``. Dataset labels are
    mapped onto the model's ``id2label`` by *name*, so a model whose label order differs from the dataset's
    (MultiNLI numbers entailment 0, bart-large-mnli numbers it 2) is still trained correctly. Deterministic: a
    fixed shuffling generator, one torch thread (the builder turns on deterministic algorithms).

    >>> from labkit import hub
    >>> hub.build("facebook/bart-large-mnli")        # calls train_nli                    # doctest: +SKIP
    """
    import torch

    from labkit import data
    from labkit.standins import _rows, one_thread

    @one_thread
    def train():
        rows = _rows(spec)
        name = spec.config["train_data"].split(":")[0]
        names = data.get(name).label_names
        label2id = {label.lower(): i for i, label in model.config.id2label.items()}
        missing = [n for n in names if n.lower() not in label2id]
        if missing:
            raise ValueError(f"stand-in {spec.id}: dataset labels {missing} have no model label among "
                             f"{list(model.config.id2label.values())}")
        remap = [label2id[n.lower()] for n in names]
        premises = [r["premise"] for r in rows]
        hypotheses = [r["hypothesis"] for r in rows]
        labels = torch.tensor([remap[r["label"]] for r in rows])
        epochs, batch = int(spec.config.get("epochs", 20)), int(spec.config.get("batch_size", 16))
        optimizer = torch.optim.AdamW(model.parameters(), lr=float(spec.config.get("lr", 2e-3)))
        total = epochs * ((len(rows) + batch - 1) // batch)
        warmup = max(1, total // 10)
        # BART's post-layer-norm blocks train from scratch only with a warm-up; then decay linearly to zero.
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))))
        generator = torch.Generator().manual_seed(0)
        model.train()
        for _ in range(epochs):
            order = torch.randperm(len(rows), generator=generator).tolist()
            for start in range(0, len(rows), batch):
                idx = order[start:start + batch]
                enc = tokenizer([premises[i] for i in idx], [hypotheses[i] for i in idx], truncation="only_first",
                                max_length=128, padding=True, return_tensors="pt")
                loss = model(**enc, labels=labels[idx]).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
        model.eval()
        return model

    return train()


def check_request(texts: Sequence[str], candidate_labels: Sequence[str]) -> None:
    """Raise ValueError, naming the bad value, when a text or a candidate label list cannot be classified."""
    for i, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"text {i} must be a non-empty string, got {text!r}")
    if isinstance(candidate_labels, str) or not isinstance(candidate_labels, (list, tuple)) or not candidate_labels:
        raise ValueError(f"candidate_labels must be a non-empty list of strings, got {candidate_labels!r}")
    bad = [label for label in candidate_labels if not isinstance(label, str) or not label.strip()]
    if bad:
        raise ValueError(f"candidate_labels must be non-empty strings; bad entries: {bad!r}")
    if len(set(candidate_labels)) != len(candidate_labels):
        raise ValueError(f"candidate_labels contains duplicates: {list(candidate_labels)!r}")


def entailment_ids(config) -> tuple[int, int]:
    """(entailment id, contradiction id) read from the model config's labels, never assumed.

    >>> entailment_ids(type("C", (), {"label2id": {"contradiction": 0, "neutral": 1, "entailment": 2}})())
    (2, 0)
    """
    found = {}
    for label, index in config.label2id.items():
        for kind in ("entail", "contradict"):
            if label.lower().startswith(kind):
                found[kind] = int(index)
    if "entail" not in found:
        raise ValueError(f"the model's labels {list(config.label2id)} have no entailment label: it is not an NLI "
                         "model, so it cannot do zero-shot classification")
    return found["entail"], found.get("contradict", -1)


def classify(model, tokenizer, texts: Iterable[str], candidate_labels: Sequence[str], *,
             hypothesis_template: str = DEFAULT_TEMPLATE, multi_label: bool = False, batch_size: int = 64,
             max_length: int = 256) -> list[dict]:
    """Zero-shot results ``{"sequence", "labels", "scores"}`` (best label first) for many texts, one label set.

    The same scores as ``pipeline("zero-shot-classification")`` (single-label: softmax of the entailment logits
    over the labels; ``multi_label``: entailment against contradiction for each label on its own), but all
    (text, hypothesis) pairs go through the model ``batch_size`` at a time, which is what a server answering a
    thousand instances needs.

    >>> classify(model, tokenizer, ["Rain all day."], ["weather", "sport"])[0]["labels"][0]      # doctest: +SKIP
    'weather'
    """
    import torch

    texts = list(texts)
    check_request(texts, candidate_labels)
    if not isinstance(hypothesis_template, str) or "{}" not in hypothesis_template:
        raise ValueError(f"hypothesis_template must contain '{{}}' where the label goes, got {hypothesis_template!r}")
    if not texts:
        return []
    entail, contradict = entailment_ids(model.config)
    labels = list(candidate_labels)
    hypotheses = [hypothesis_template.format(label) for label in labels]
    premises = [t for t in texts for _ in labels]
    pairs_h = hypotheses * len(texts)
    logits = []
    model.eval()
    with torch.no_grad():
        for start in range(0, len(premises), batch_size):
            enc = tokenizer(premises[start:start + batch_size], pairs_h[start:start + batch_size],
                            truncation="only_first", max_length=max_length, padding=True, return_tensors="pt")
            enc = {k: v.to(model.device) for k, v in enc.items()}
            logits.append(model(**enc).logits.float().cpu())
    logits = torch.cat(logits).reshape(len(texts), len(labels), -1)
    if multi_label or len(labels) == 1:
        if contradict < 0:
            raise ValueError("multi_label needs a contradiction label in the model config")
        pair = logits[..., [contradict, entail]]
        scores = pair.softmax(-1)[..., 1]
    else:
        scores = logits[..., entail].softmax(-1)
    results = []
    for text, row in zip(texts, scores.tolist()):
        order = sorted(range(len(labels)), key=lambda i: -row[i])
        results.append({"sequence": text, "labels": [labels[i] for i in order], "scores": [row[i] for i in order]})
    return results
