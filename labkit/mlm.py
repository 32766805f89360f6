"""Masked-language-model pre-training in Keras, the pieces labs 04-2 and 04-3 share (both walk through this file).

Four steps, one function each::

    >>> from labkit import mlm
    >>> vocabulary = mlm.word_piece_vocabulary(texts, 2_000)                      # doctest: +SKIP
    >>> tokenizer = keras_hub.tokenizers.WordPieceTokenizer(vocabulary, lowercase=True)   # doctest: +SKIP
    >>> blocks = mlm.token_blocks(texts, tokenizer, seq_len=64)                  # doctest: +SKIP
    >>> preprocess = mlm.mlm_preprocessor(vocabulary, max_selections=16)         # doctest: +SKIP
    >>> batches = tf.data.Dataset.from_tensor_slices(blocks).batch(32).map(preprocess)   # doctest: +SKIP
    >>> model.compile(optimizer="adamw", loss=mlm.masked_lm_loss())              # doctest: +SKIP

1. :func:`word_piece_vocabulary` learns a WordPiece vocabulary from raw text (keras-hub's learner wants tf.data).
2. :func:`token_blocks` tokenizes a corpus, concatenates the ids and cuts them into ``[CLS] ... [SEP]`` blocks of
   one length, so no position is wasted on padding.
3. :func:`mlm_preprocessor` returns the ``tf.data`` map function that masks a batch of blocks the BERT way
   (15% of the ordinary tokens chosen; of those 80% become ``[MASK]``, 10% a random token, 10% stay) and
   returns ``(inputs, labels, sample_weight)`` for ``model.fit``.
4. :func:`masked_lm_loss` is the cross-entropy averaged over the chosen positions only.

TensorFlow, Keras and keras-hub are imported inside the functions, so ``import labkit.mlm`` stays instant.
"""
from __future__ import annotations

from typing import Iterable, Sequence

from labkit.checks import int_in_range

#: BERT's special tokens, in the order labs reserve them: [PAD] gets id 0, the padding id Keras layers assume.
RESERVED_TOKENS = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")


def word_piece_vocabulary(texts: Iterable[str], vocabulary_size: int, *, lowercase: bool = True,
                          reserved_tokens: Sequence[str] = RESERVED_TOKENS) -> list[str]:
    """Learn a WordPiece vocabulary of at most ``vocabulary_size`` pieces from ``texts``.

    ``texts`` is a list of strings, a ``datasets`` column or a ``tf.data.Dataset`` of strings. The reserved tokens
    come first, in the order given (so ``[PAD]`` is id 0). The learner stops early when no more pieces occur often
    enough, so a small corpus may give fewer pieces than asked for.

    >>> vocabulary = word_piece_vocabulary(["the cat sat", "the cat ran"], 30)
    >>> vocabulary[:5], len(vocabulary) <= 30
    (['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'], True)
    """
    reserved = list(reserved_tokens)
    if len(set(reserved)) != len(reserved) or not all(isinstance(t, str) and t for t in reserved):
        raise ValueError(f"reserved_tokens must be distinct non-empty strings, got {reserved!r}")
    int_in_range(vocabulary_size, "vocabulary_size", len(reserved) + 1)
    import keras_hub
    import tensorflow as tf

    if isinstance(texts, tf.data.Dataset):
        dataset = texts
    else:
        texts = [texts] if isinstance(texts, str) else list(texts)
        if not texts:
            raise ValueError("texts is empty: a vocabulary needs some text to learn from")
        if not all(isinstance(t, str) for t in texts):
            bad = next(t for t in texts if not isinstance(t, str))
            raise ValueError(f"texts must be strings, found {bad!r} of type {type(bad).__name__}")
        dataset = tf.data.Dataset.from_tensor_slices(texts)
    return keras_hub.tokenizers.compute_word_piece_vocabulary(
        dataset.batch(1_000).prefetch(tf.data.AUTOTUNE), vocabulary_size=vocabulary_size, lowercase=lowercase,
        reserved_tokens=reserved)


def token_blocks(texts: Iterable[str], tokenizer, seq_len: int, *, batch_size: int = 10_000):
    """Tokenize ``texts``, concatenate the ids and cut them into ``[CLS] ... [SEP]`` rows of exactly ``seq_len``.

    Returns an int32 NumPy array of shape ``(blocks, seq_len)``. The tail that does not fill a block is dropped.
    ``tokenizer`` is a keras-hub tokenizer with ``[CLS]`` and ``[SEP]`` in its vocabulary; texts are tokenized
    ``batch_size`` at a time, so a large corpus never sits in memory as one ragged tensor.

    >>> import keras_hub
    >>> tokenizer = keras_hub.tokenizers.WordPieceTokenizer(list(RESERVED_TOKENS) + ["the", "cat", "sat", "on", "mat"])
    >>> token_blocks(["the cat sat", "on the mat"], tokenizer, seq_len=5)      # 3 word ids per block
    array([[2, 5, 6, 7, 3],
           [2, 8, 5, 9, 3]], dtype=int32)
    """
    import numpy as np

    seq_len = int_in_range(seq_len, "seq_len", 3)
    batch_size = int_in_range(batch_size, "batch_size")
    cls_id, sep_id = (_token_id(tokenizer, token) for token in ("[CLS]", "[SEP]"))
    texts = [texts] if isinstance(texts, str) else list(texts)
    pieces = []
    for start in range(0, len(texts), batch_size):
        ragged = tokenizer(texts[start:start + batch_size])
        pieces.append(np.asarray(ragged.flat_values if hasattr(ragged, "flat_values") else
                                 np.concatenate([np.asarray(r) for r in ragged]), dtype="int32"))
    ids = np.concatenate(pieces) if pieces else np.zeros(0, "int32")
    body = seq_len - 2
    n_blocks = len(ids) // body
    if n_blocks == 0:
        raise ValueError(f"the texts give only {len(ids)} tokens, fewer than one block of seq_len {seq_len} "
                         f"({body} tokens between [CLS] and [SEP]): pass more text or a smaller seq_len")
    blocks = np.empty((n_blocks, seq_len), dtype="int32")
    blocks[:, 0], blocks[:, -1] = cls_id, sep_id
    blocks[:, 1:-1] = ids[:n_blocks * body].reshape(n_blocks, body)
    return blocks


def _token_id(tokenizer, token: str) -> int:
    vocabulary = tokenizer.get_vocabulary() if hasattr(tokenizer, "get_vocabulary") else list(tokenizer)
    if token not in vocabulary:
        raise ValueError(f"{token} is not in the vocabulary; build it with reserved_tokens={list(RESERVED_TOKENS)}")
    return vocabulary.index(token)


def mlm_preprocessor(vocabulary: Sequence[str], max_selections: int, *, mask_rate: float = 0.15,
                     segment_ids: bool = False, reserved_tokens: Sequence[str] = RESERVED_TOKENS):
    """The ``tf.data`` map function of masked-LM pre-training: token ids in, ``(inputs, labels, weights)`` out.

    For a batch of token ids of shape ``(batch, seq_len)`` it returns

    - ``inputs``: ``token_ids`` (after masking), ``padding_mask`` (True on real tokens, read *before* masking:
      a random replacement may draw the ``[PAD]`` id), ``mask_positions`` ``(batch, max_selections)`` and, when
      ``segment_ids`` is True, all-zero ``segment_ids`` (for ``keras_hub.models.BertBackbone``);
    - ``labels``: the original ids at ``mask_positions``;
    - ``weights``: 1.0 where a position was chosen, 0.0 where ``mask_positions`` is only padded up to
      ``max_selections``. Used as ``sample_weight``, they make the loss an average over the chosen tokens.

    Each row gets ``ceil(mask_rate * n)`` chosen positions, ``n`` being its number of ordinary tokens, at most
    ``max_selections`` (BERT's data generator also fixed the count per sequence). Tokens in ``reserved_tokens``
    ([PAD], [UNK], [CLS], [SEP], [MASK]) are never chosen. Each call draws new positions (BERT's dynamic masking).

    The function is a ``tf.function``: keras-hub's ``MaskedLMMaskGenerator`` runs its TensorFlow implementation
    inside a graph (``tf.data``) but a pure-Python one when called eagerly, and the Python one draws the count per
    token at random instead. Tracing keeps a batch you inspect masked exactly like the batches you train on.
    The function carries the generator and the ids it uses as attributes.

    >>> preprocess = mlm_preprocessor(list(RESERVED_TOKENS) + ["the", "cat", "sat", "on", "mat"], max_selections=2)
    >>> inputs, labels, weights = preprocess([[2, 5, 6, 7, 8, 5, 9, 3]])      # [CLS] the cat sat on the mat [SEP]
    >>> sorted(inputs), weights.numpy().tolist()                 # ceil(15% of 6) = 1 chosen slot, 1 padded slot
    (['mask_positions', 'padding_mask', 'token_ids'], [[1.0, 0.0]])
    """
    from labkit.training import check_mask_probability

    vocabulary = list(vocabulary)
    check_mask_probability(mask_rate)
    max_selections = int_in_range(max_selections, "max_selections")
    for token in ("[PAD]", "[MASK]"):
        if token not in vocabulary:
            raise ValueError(f"{token} is not in the vocabulary; build it with "
                             f"reserved_tokens={list(RESERVED_TOKENS)}")
    import keras_hub
    import tensorflow as tf

    pad_id, mask_id = vocabulary.index("[PAD]"), vocabulary.index("[MASK]")
    special_ids = sorted({vocabulary.index(t) for t in reserved_tokens if t in vocabulary} | {pad_id, mask_id})
    generator = keras_hub.layers.MaskedLMMaskGenerator(
        vocabulary_size=len(vocabulary), mask_selection_rate=mask_rate, mask_token_id=mask_id,
        mask_selection_length=max_selections, unselectable_token_ids=special_ids,
        mask_token_rate=0.8, random_token_rate=0.1)

    @tf.function(reduce_retracing=True)
    def preprocess(token_ids):
        token_ids = tf.cast(token_ids, "int32")
        masked = generator(token_ids)
        inputs = {"token_ids": masked["token_ids"], "padding_mask": tf.not_equal(token_ids, pad_id),
                  "mask_positions": masked["mask_positions"]}
        if segment_ids:
            inputs["segment_ids"] = tf.zeros_like(token_ids)
        return inputs, masked["mask_ids"], masked["mask_weights"]

    preprocess.generator, preprocess.pad_id, preprocess.mask_id = generator, pad_id, mask_id
    preprocess.special_ids = special_ids
    return preprocess


def masked_lm_loss():
    """Sparse cross-entropy on logits, averaged over the chosen positions only.

    With ``sample_weight`` = the weights from :func:`mlm_preprocessor`, the ``mean_with_sample_weight`` reduction
    divides the weighted sum by the *sum of the weights* (the number of chosen tokens), not by the number of slots
    in ``mask_positions``: padded slots neither add loss nor dilute it.

    >>> import numpy as np
    >>> loss = masked_lm_loss()
    >>> logits = np.log([[[0.5, 0.5], [0.9, 0.1]]])        # two slots, vocabulary of 2
    >>> round(float(loss(np.array([[0, 1]]), logits, sample_weight=np.array([[1.0, 0.0]]))), 4)   # -ln 0.5
    0.6931
    """
    import keras

    return keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight",
                                                      name="masked_lm_loss")
