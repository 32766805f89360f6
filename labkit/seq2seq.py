"""What the summarization and translation use cases share: reading parallel files, fine-tuning an encoder-decoder
with ``Seq2SeqTrainer``, generating in batches, scoring, and writing the model where Vertex AI expects it.

    >>> from labkit import seq2seq
    >>> pairs = seq2seq.read_parallel_file("data/dataset_raw_tr_en.txt")     # doctest: +SKIP
    >>> pairs[0]                                                            # doctest: +SKIP
    ('Şimdi biz ofiste iki bilet satın alıyoruz.', 'Now we are buying two tickets at the office.')

The parallel file format (``data/dataset_raw_tr_en.txt``): UTF-8, one record per block, the source (Turkish)
sentence on the first line and its reference translation (English) on the second, blocks separated by one blank
line. A block with one line or with more than two is an error naming its line number: the reference is always the
second line, never a guess. Heavy libraries (torch, transformers, datasets) are imported inside the functions.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Sequence

from labkit.checks import int_in_range
from labkit.env import write_text_atomic

_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")

TR_EN_PREFIX = "translate Turkish to English: "
EN_TR_PREFIX = "translate English to Turkish: "


class ParallelFormatError(ValueError):
    """A parallel file that breaks the record format; the message names the file and line."""


def check_clean_text(text: str, where: str = "text") -> str:
    """Raise ParallelFormatError when ``text`` shows double-encoded UTF-8 (mojibake such as "Ã§" for "ç").

    >>> check_clean_text("çay")
    'çay'
    """
    bad = _double_encoded(text)
    if bad:
        raise ParallelFormatError(f"{where}: {bad!r} looks like double-encoded UTF-8 (mojibake, e.g. 'Ã§' for 'ç', "
                                  f"'Ä±' for 'ı'); re-save the file as UTF-8 once: {text.strip()[:80]!r}")
    return text


def _double_encoded(text: str) -> str | None:
    """The first pair of characters that is really one UTF-8 character read as cp1252/Latin-1, else None."""
    for run in _NON_ASCII_RUN.findall(text):
        for i in range(len(run) - 1):
            pair = run[i:i + 2]
            for codec in ("cp1252", "latin-1"):
                try:
                    pair.encode(codec).decode("utf-8")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    continue
                return pair
    return None


def read_parallel_file(path: str | os.PathLike) -> list[tuple[str, str]]:
    """``[(source, reference), ...]`` from a block file (source line, reference line, blank line)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ParallelFormatError(f"{path}:{line}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    text = text.lstrip("\ufeff")
    pairs: list[tuple[str, str]] = []
    block: list[tuple[int, str]] = []

    def close():
        if not block:
            return
        first = block[0][0]
        if len(block) == 1:
            raise ParallelFormatError(f"{path}:{first}: record has a source line but no target line (each record "
                                      "is a source line, then its translation, then a blank line)")
        if len(block) > 2:
            raise ParallelFormatError(f"{path}:{block[2][0]}: record starting at line {first} has {len(block)} "
                                      "lines; a record is exactly two lines (source, then its translation), "
                                      "separated from the next by a blank line")
        for number, line in block:
            check_clean_text(line, f"{path}:{number}")
        pairs.append((block[0][1], block[1][1]))
        block.clear()

    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r").strip()
        if line:
            block.append((number, line))
        else:
            close()
    close()
    if not pairs:
        raise ParallelFormatError(f"{path}: no records found")
    return pairs


def read_tsv(path: str | os.PathLike, header: bool = False) -> list[tuple[str, str]]:
    """``[(source, target), ...]`` from a tab-separated file with two columns; errors name the line.

    >>> read_tsv("pairs.tsv")            # doctest: +SKIP
    """
    path = Path(path)
    pairs = []
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if header and number == 1:
                continue
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) < 2 or not cells[1].strip():
                raise ParallelFormatError(f"{path}:{number}: missing target column (expected 'source<TAB>target', "
                                          f"got {line[:60]!r})")
            if len(cells) > 2:
                raise ParallelFormatError(f"{path}:{number}: {len(cells)} tab-separated columns, expected 2")
            check_clean_text(line, f"{path}:{number}")
            pairs.append((cells[0].strip(), cells[1].strip()))
    if not pairs:
        raise ParallelFormatError(f"{path}: no records found")
    return pairs


def read_pairs(path: str | os.PathLike) -> list[tuple[str, str]]:
    """A parallel file by its extension: ``.tsv`` (two columns) or a block file (anything else)."""
    return read_tsv(path) if str(path).endswith(".tsv") else read_parallel_file(path)


def raw_tr_en_path() -> Path:
    """``data/dataset_raw_tr_en.txt``, checked against its registered sha256."""
    from labkit import data

    name, expected = data.TR_EN_RAW
    file = data.data_dir() / name
    actual = data.sha256(file)
    if actual != expected:
        raise data.ChecksumError(f"{file} has sha256 {actual}, the registry expects {expected}; regenerate it with "
                                 "python tools/make_tr_en_data.py or restore it from git")
    return file


def translation_pairs(split: str, profile=None, limit: int | None = None) -> list[dict[str, str]]:
    """``[{"tr": ..., "en": ...}, ...]``: the bundled pairs (tiny) or WMT16 tr-en flattened (full)."""
    from labkit import data

    ds = data.load("tr_en_pairs", split, profile=profile, limit=limit)
    if "translation" in ds.column_names:
        ds = ds.map(lambda r: r["translation"], remove_columns=["translation"])
    return [{"tr": r["tr"], "en": r["en"]} for r in ds]


# ---------------------------------------------------------------------------------------------- checks

def check_prefix_fits(tokenizer, prefix: str, max_source_length: int) -> int:
    """The prefix's length in tokens; ValueError when ``max_source_length`` leaves no room for any text after it."""
    max_source_length = int_in_range(max_source_length, "max_source_length")
    if not prefix:
        return 0
    n = len(tokenizer(prefix, add_special_tokens=True)["input_ids"])
    if n >= max_source_length:
        raise ValueError(f"max_source_length={max_source_length} is not longer than the prefix {prefix!r} "
                         f"({n} tokens with special tokens): nothing of the text would be left; use at least "
                         f"{n + 16}")
    return n


def model_dir(explicit: str | os.PathLike | None = None, default: str | os.PathLike = "build/model") -> Path:
    """Where to save the model: ``explicit``, else ``$AIP_MODEL_DIR`` (set by Vertex AI), else ``default``.

    On Vertex AI ``AIP_MODEL_DIR`` is a ``gs://`` URI; training containers see Cloud Storage mounted under
    ``/gcs/`` (Cloud Storage FUSE), so ``gs://bucket/path`` is written to ``/gcs/bucket/path``.

    >>> str(model_dir("out/m"))
    'out/m'
    """
    from labkit.vertex import gcs_fuse_path

    return Path(gcs_fuse_path(str(explicit or os.environ.get("AIP_MODEL_DIR") or default)))


# ---------------------------------------------------------------------------------------------- train, generate

def limit_cpu_threads(profile) -> int:
    """On a CPU in the tiny profile, run torch on one thread and return the count.

    Tiny models gain nothing from more threads, and on a busy shared machine two threads were measured 15x
    slower than one (thread oversubscription). On an accelerator, or in full, nothing changes.
    """
    import torch

    if profile.tiny and profile.accelerator == "cpu":
        torch.set_num_threads(1)
    return torch.get_num_threads()


def tokenize_pairs(tokenizer, sources: Sequence[str], targets: Sequence[str], *, prefix: str = "",
                   max_source_length: int = 256, max_target_length: int = 64):
    """A ``datasets.Dataset`` of input_ids / attention_mask / labels for prefixed sources and their targets."""
    import datasets

    if len(sources) != len(targets):
        raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
    if not sources:
        raise ValueError("no training pairs")
    check_prefix_fits(tokenizer, prefix, max_source_length)
    enc = tokenizer([prefix + s for s in sources], text_target=list(targets), max_length=max_source_length,
                    truncation=True)
    return datasets.Dataset.from_dict({k: enc[k] for k in ("input_ids", "attention_mask", "labels")})


def fine_tune(model, tokenizer, sources: Sequence[str], targets: Sequence[str], *, output_dir: str | os.PathLike,
              profile=None, prefix: str = "", max_source_length: int = 256, max_target_length: int = 64,
              **training_overrides):
    """Fine-tune ``model`` with ``Seq2SeqTrainer``; returns the trainer (``trainer.state.log_history`` holds losses).

    ``training_overrides`` go to :func:`labkit.training.training_arguments` (epochs, learning rate, ...). On a GPU
    a T5/mT5 ``model`` gets :func:`labkit.perf.t5_fast_attention` (the same arithmetic, the kernels the
    measurements chose: cuDNN's fused kernel for T5's three attentions where the optional ``nvidia-cudnn-frontend``
    package is installed, which needs right-padded batches as T5's tokenizers make them, else SDPA's math path for
    the biased ones) and trains inside :func:`labkit.perf.bf16_math_attention`. The profile's chunked loss and
    batch size are the benchmark's, not applied here: the batch comes from ``training_overrides`` and the profile.
    """
    from transformers import DataCollatorForSeq2Seq, Seq2SeqTrainer

    from labkit.perf import bf16_math_attention, full_training_settings, is_t5, t5_fast_attention
    from labkit.training import training_arguments

    train = tokenize_pairs(tokenizer, sources, targets, prefix=prefix, max_source_length=max_source_length,
                           max_target_length=max_target_length)
    training_overrides.setdefault("save_strategy", "no")
    training_overrides.setdefault("predict_with_generate", False)
    args = training_arguments(output_dir, profile, seq2seq=True, **training_overrides)
    settings = full_training_settings(job="seq2seq")              # what the GPU measurements chose (CPU: nothing)
    if settings["t5_attention"] and is_t5(model):
        t5_fast_attention(model, biased=settings["t5_attention"])
    collator = DataCollatorForSeq2Seq(tokenizer, model=model, label_pad_token_id=-100)
    trainer = Seq2SeqTrainer(model=model, args=args, train_dataset=train, data_collator=collator,
                             processing_class=tokenizer)
    with bf16_math_attention(settings["bf16_math_attention"]):  # T5: biased attention stays bf16 in math SDPA
        trainer.train()
    return trainer


def losses(trainer) -> list[float]:
    """The logged training losses, in order."""
    return [log["loss"] for log in trainer.state.log_history if "loss" in log]


def generate(model, tokenizer, texts: Sequence[str], *, prefix: str = "", max_source_length: int = 256,
             max_new_tokens: int = 64, batch_size: int = 16, num_beams: int = 4, **generate_kwargs) -> list[str]:
    """Outputs for ``texts`` (prefixed), generated in batches; same order as the input."""
    import torch

    if isinstance(texts, str):
        raise TypeError("texts must be a list of strings, got a single string; wrap it: [text]")
    if not texts:
        raise ValueError("texts is empty: nothing to generate from")
    check_prefix_fits(tokenizer, prefix, max_source_length)
    model.eval()
    outputs: list[str] = []
    for start in range(0, len(texts), batch_size):
        chunk = [prefix + t for t in texts[start:start + batch_size]]
        enc = tokenizer(chunk, max_length=max_source_length, truncation=True, padding=True, return_tensors="pt")
        with torch.no_grad():
            ids = model.generate(**enc.to(model.device), max_new_tokens=max_new_tokens, num_beams=num_beams,
                                 **generate_kwargs)
        outputs.extend(t.strip() for t in tokenizer.batch_decode(ids, skip_special_tokens=True))
    return outputs


def translation_scores(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """sacreBLEU corpus BLEU and chrF (0-100) through :mod:`labkit.metrics`."""
    from labkit import metrics

    return {"bleu": metrics.bleu(predictions, references), "chrf": metrics.chrf(predictions, references)}


def save(model, tokenizer, folder: str | os.PathLike, metrics: dict[str, Any] | None = None) -> Path:
    """Save model + tokenizer (+ ``metrics.json``) into ``folder`` (created); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    if metrics is not None:                     # written whole or not at all: a later run may read it
        write_text_atomic(folder / "metrics.json", json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
    return folder


def summarization_job(name: str, args, profile, *, source: str, target: str, lang: str) -> dict[str, Any]:
    """The summarization use cases' whole run: fine-tune ``args.model_name_or_path`` on the ``source`` -> ``target``
    columns of dataset ``args.dataset``, generate summaries of the test split with beam search, score them with
    ROUGE (``lang`` picks the tokenisation, see :func:`labkit.metrics.rouge`), save model, tokenizer and the report
    to :func:`model_dir` and print it. ``args`` holds the command-line options both scripts define (dataset,
    output_dir, lengths, epochs, learning rate, batch size, sample limits, beams, source prefix).

    >>> report = summarization_job("summarization-bart", args, P, source="article", target="highlights",
    ...                            lang="en")                                          # doctest: +SKIP
    >>> sorted(report)[:3]                                                              # doctest: +SKIP
    ['dataset', 'example', 'first_loss']
    """
    import time

    import labkit

    labkit.hub.prepare([args.model_name_or_path], profile)
    limit_cpu_threads(profile)
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    train = labkit.data.load(args.dataset, "train", limit=args.max_train_samples)
    test = labkit.data.load(args.dataset, "test", limit=args.max_eval_samples)
    for split, rows in (("train", train), ("test", test)):
        missing = {source, target} - set(rows.column_names)
        if missing:
            raise ValueError(f"dataset {args.dataset!r} ({split}) has no column {sorted(missing)}; its columns: "
                             f"{rows.column_names}")
    tokenizer = AutoTokenizer.from_pretrained(args.model_name_or_path)
    model = AutoModelForSeq2SeqLM.from_pretrained(args.model_name_or_path)
    out = model_dir(args.output_dir, labkit.env.repo_root() / "build" / "usecases" / name)
    start = time.perf_counter()
    trainer = fine_tune(
        model, tokenizer, train[source], train[target], output_dir=out / "trainer", profile=profile,
        prefix=args.source_prefix, max_source_length=args.max_source_length,
        max_target_length=args.max_target_length, num_train_epochs=args.num_train_epochs,
        learning_rate=args.learning_rate, per_device_train_batch_size=args.per_device_train_batch_size)
    seconds = time.perf_counter() - start
    predictions = generate(model, tokenizer, test[source], prefix=args.source_prefix,
                           max_source_length=args.max_source_length, max_new_tokens=args.max_target_length,
                           num_beams=args.num_beams, no_repeat_ngram_size=3)
    scores = labkit.metrics.rouge(predictions, test[target], lang=lang)
    samples_per_second = next(log["train_samples_per_second"] for log in reversed(trainer.state.log_history)
                              if "train_samples_per_second" in log)
    trained = losses(trainer)
    report = {"model": args.model_name_or_path, "dataset": args.dataset, "train_rows": len(train),
              "test_rows": len(test), "first_loss": trained[0], "last_loss": trained[-1],
              "train_seconds": round(seconds, 2), "train_samples_per_second": round(samples_per_second, 1),
              **{k: round(v, 4) for k, v in scores.items()},
              "example": {source: test[source][0][:300], "reference": test[target][0], "prediction": predictions[0]}}
    save(model, tokenizer, out, report)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"ROUGE-1 {scores['rouge1']:.3f}  ROUGE-2 {scores['rouge2']:.3f}  ROUGE-L {scores['rougeL']:.3f} "
          f"on {len(test)} texts ({samples_per_second:.1f} training samples/s); model saved to {out}")
    return report
