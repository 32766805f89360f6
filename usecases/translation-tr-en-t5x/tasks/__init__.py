"""seqio task for Turkish -> English translation over the TFRecords written by preprocess_2tfrecord.py.

T5X imports this module by name (``--gin.MIXTURE_OR_TASK_MODULE="tasks"``) and finds the task by
``MIXTURE_OR_TASK_NAME`` in the gin files. Where the data and the vocabulary live comes from the environment, never
from a hard-coded project: ``TR_EN_DATA_DIR`` (default ``gs://[your-bucket]/t5x/tr_en``) and ``TR_EN_VOCAB`` (default:
the public T5 1.1 SentencePiece model).
"""
from __future__ import annotations

import functools
import logging
import os

TASK_NAME = "tr_en_translation"
PREFIX = "translate Turkish to English: "
DEFAULT_DATA_DIR = "gs://[your-bucket]/t5x/tr_en"
DEFAULT_VOCAB = "gs://t5-data/vocabs/cc_all.32000.100extra/sentencepiece.model"

logger = logging.getLogger(__name__)


def add_prefix(dataset, prefix: str = PREFIX):
    """Prepend the task prefix to every ``inputs`` string (before tokenization)."""
    import tensorflow as tf

    def fn(example):
        return {**example, "inputs": tf.strings.join([prefix, example["inputs"]])}

    return dataset.map(fn, num_parallel_calls=tf.data.AUTOTUNE)


def check_sequence_length(vocabulary, inputs_length: int, prefix: str = PREFIX) -> int:
    """The prefix's length in tokens; ValueError when ``inputs_length`` leaves no room for the sentence."""
    n = len(vocabulary.encode(prefix)) + 1            # + EOS
    if not isinstance(inputs_length, int) or inputs_length <= n:
        raise ValueError(f"inputs sequence length {inputs_length!r} is not longer than the prefix {prefix!r} "
                         f"({n} tokens with EOS): the Turkish text would be cut away entirely; use at least {n + 16}")
    return n


def bleu(targets, predictions):
    """Corpus BLEU and chrF with sacreBLEU (seqio metric function)."""
    import sacrebleu

    return {"bleu": sacrebleu.corpus_bleu(predictions, [targets]).score,
            "chrf": sacrebleu.corpus_chrf(predictions, [targets]).score}


def register(data_dir: str | None = None, vocabulary=None, name: str = TASK_NAME, prefix: str = PREFIX):
    """Register (or replace) the seqio task reading ``{data_dir}/train.tfrecord`` and ``eval.tfrecord``."""
    import seqio
    import tensorflow as tf

    data_dir = (data_dir or os.environ.get("TR_EN_DATA_DIR") or DEFAULT_DATA_DIR).rstrip("/")
    if vocabulary is None:
        vocabulary = seqio.SentencePieceVocabulary(os.environ.get("TR_EN_VOCAB", DEFAULT_VOCAB))
    features = {"inputs": seqio.Feature(vocabulary, add_eos=True, required=False),
                "targets": seqio.Feature(vocabulary, add_eos=True)}
    source = seqio.TFExampleDataSource(
        split_to_filepattern={"train": f"{data_dir}/train.tfrecord", "validation": f"{data_dir}/eval.tfrecord"},
        feature_description={"inputs": tf.io.FixedLenFeature([], tf.string),
                             "targets": tf.io.FixedLenFeature([], tf.string)})
    if name in seqio.TaskRegistry.names():
        seqio.TaskRegistry.remove(name)
    logger.info("registering seqio task %s over %s", name, data_dir)
    return seqio.TaskRegistry.add(
        name, source=source, output_features=features, metric_fns=[bleu],
        preprocessors=[functools.partial(add_prefix, prefix=prefix), seqio.preprocessors.tokenize,
                       seqio.CacheDatasetPlaceholder(), seqio.preprocessors.append_eos_after_trim])


# T5X imports this module and expects the task to exist; skip quietly when seqio is absent (docs builds).
if os.environ.get("TR_EN_REGISTER_ON_IMPORT", "1") == "1":
    try:
        register()
    except ImportError as exc:
        logging.warning("seqio task %s not registered: %s", TASK_NAME, exc)
