"""The curriculum: every lab and use case, one entry each. README table, ``labkit list`` and ``labkit run``
read it; a repository test checks it against the files on disk.

>>> from labkit.labs import find
>>> find("01-1").path
'01-embeddings-tokenizers/01-1-intro-tokenizers.ipynb'
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Lab:
    id: str          # "01-1", or the use-case folder name
    title: str
    path: str        # relative to the repository root
    summary: str
    kind: str = "notebook"   # notebook | app | usecase

    @property
    def module(self) -> str:
        return self.path.split("/")[0]


MODULES = {
    "01-embeddings-tokenizers": "01 Embeddings and tokenization",
    "02-rnn-lstm": "02 Recurrent neural networks",
    "03-attention-transformers": "03 Attention and transformers",
    "04-pretraining-bert": "04 First-generation LLMs: pre-training",
    "05-llm": "05 Second-generation LLMs: apps and evaluation",
    "usecases": "Use cases",
}

_M1, _M2, _M3, _M4, _M5 = (
    "01-embeddings-tokenizers", "02-rnn-lstm", "03-attention-transformers", "04-pretraining-bert", "05-llm")

CURRICULUM: tuple[Lab, ...] = (
    Lab("01-1", "Intro tokenizers", f"{_M1}/01-1-intro-tokenizers.ipynb",
        "one-hot, bag of words, TF-IDF; word, character and subword tokenizers; BPE vs WordPiece vs Unigram"),
    Lab("01-2", "Tokenizer comparison", f"{_M1}/01-2-tokenizers-comparison.ipynb",
        "Unicode and bytes, byte-level BPE from scratch, tiktoken, WordPiece, SentencePiece, fertility and speed"),
    Lab("01-3", "Load text with TensorFlow: preprocessing", f"{_M1}/01-3-loadtext.ipynb",
        "folder-per-class datasets, TextVectorization, custom standardisation, cache and prefetch"),
    Lab("01-4", "Embeddings layers", f"{_M1}/01-4-embeddings.ipynb",
        "Embedding as a lookup table, a sentiment classifier, Embedding Projector export, neighbours"),
    Lab("01-5", "ScaNN", f"{_M1}/01-5-scann.ipynb",
        "semantic search with MiniLM embeddings, ScaNN vs exact search: recall, speed, build time"),
    Lab("01-6", "Word2Vec", f"{_M1}/01-6-word2vec-get-dataset.ipynb",
        "skip-grams, sampling table, negative sampling, a Word2Vec model in Keras"),
    Lab("02-1", "Activation functions", f"{_M2}/02-1-activation-functions.ipynb",
        "sigmoid to SwiGLU, derivatives, saturation and vanishing gradients"),
    Lab("02-2", "RNN vanilla and LSTM cells in Keras", f"{_M2}/02-2-rnn-vanilla.ipynb",
        "RNN and LSTM cells step by step, matched to Keras; gradient norm through time"),
    Lab("02-3", "Load text with TensorFlow: training", f"{_M2}/02-3-loadtext-full.ipynb",
        "dense, LSTM and BiLSTM classifiers compared; an end-to-end exported model"),
    Lab("02-4", "Dataset hubs", f"{_M2}/02-4-datasets.ipynb",
        "Hugging Face datasets, TensorFlow Datasets, Kaggle, labkit's checksummed registry"),
    Lab("03-1", "Load text with TensorFlow: Conv1D", f"{_M3}/03-1-loadtext-full-conv1d.ipynb",
        "a Conv1D text classifier compared with the 02-3 models"),
    Lab("03-2", "Self attention", f"{_M3}/03-2-self-attention.ipynb",
        "scaled dot-product and multi-head attention by hand, masks, equal to Keras and PyTorch"),
    Lab("03-3", "Absolute positional encoding", f"{_M3}/03-3-positional-encodings-ape.ipynb",
        "sinusoidal encodings, learned position embeddings, rotary embeddings"),
    Lab("03-4", "Keras NLP", f"{_M3}/03-4-keras-nlp.ipynb",
        "keras-hub tokenizers, backbones and tasks; a MiniLM classifier"),
    Lab("03-5", "Tiny transformers with Keras NLP", f"{_M3}/03-5-tiny-transformer-keras-nlp.ipynb",
        "a WordPiece vocabulary and a transformer encoder trained from scratch"),
    Lab("03-6", "Hugging Face SDK introduction", f"{_M3}/03-6-huggingface.ipynb",
        "pipelines, Auto classes, Trainer, save and load, the cache and offline mode"),
    Lab("04-1", "Model hubs", f"{_M4}/04-1-modelhub.ipynb",
        "the Hugging Face Hub, keras-hub presets, revisions, the cache, offline mode"),
    Lab("04-2", "BERT pre-training with Keras NLP", f"{_M4}/04-2-pretraining-bert-keras-nlp.ipynb",
        "masked-LM pre-training from keras-hub layers, then fine-tuning vs from scratch"),
    Lab("04-3", "BERT pre-training with BertBackbone", f"{_M4}/04-3-pretraining-bert-keras-backbone.ipynb",
        "masked-LM pre-training with keras_hub.models.BertBackbone"),
    Lab("04-4", "BERT pre-training with Hugging Face", f"{_M4}/04-4-pretraining-bert-hf.ipynb",
        "WordPiece tokenizer, BertConfig, BertForMaskedLM and Trainer; perplexity before and after"),
    Lab("04-5", "Fine-tuning T5-small on BillSum", f"{_M4}/04-5-summarization-t5-billsum.ipynb",
        "seq2seq fine-tuning with Seq2SeqTrainer and ROUGE"),
    Lab("04-6", "Inference and fine-tuning with FinBERT", f"{_M4}/04-6-classification-finbert.ipynb",
        "financial sentiment, label order from the config, fine-tuning, confusion matrix"),
    Lab("04-7", "Inference with RoBERTalex", f"{_M4}/04-7-classification-robertalex.ipynb",
        "a Spanish legal RoBERTa: fill-mask and sentence embeddings"),
    Lab("04-8", "Translation from Spanish to German", f"{_M4}/04-8-translate-es-de.ipynb",
        "Marian with generate and beam search, BLEU and chrF"),
    Lab("05-1", "Text generation app", f"{_M5}/05-1-text-gradio.py",
        "a Gradio text app over Gemini or a local model", kind="app"),
    Lab("05-2", "Chat app", f"{_M5}/05-2-chat-gradio.py",
        "a Gradio chat app with per-session history and streaming", kind="app"),
    Lab("05-3", "Code chat app", f"{_M5}/05-3-codechat-gradio.py",
        "a Gradio code chat with server-side code execution", kind="app"),
    Lab("05-4", "Scaling laws", f"{_M5}/05-4-scaling-laws.ipynb",
        "the Chinchilla loss fit, compute-optimal size and tokens"),
    Lab("05-5", "LLM evaluation: classification", f"{_M5}/05-5-eval-classification.ipynb",
        "precision, recall, F1, micro vs macro, confusion matrix"),
    Lab("05-6", "LLM evaluation: summarization", f"{_M5}/05-6-eval-summarization.ipynb",
        "ROUGE-N and ROUGE-L from scratch, multilingual tokenisation"),
    Lab("05-7", "LLM evaluation: text generation", f"{_M5}/05-7-eval-textgeneration.ipynb",
        "BLEU, chrF and perplexity from scratch"),
    Lab("05-8", "LLM evaluation: Q&A", f"{_M5}/05-8-eval-qna.ipynb",
        "exact match and token F1, unanswerable questions"),
)

USECASES: tuple[Lab, ...] = tuple(
    Lab(name, title, f"usecases/{name}", summary, kind="usecase")
    for name, title, summary in (
        ("classification-bert-imdb-finetuning-pt-vertex", "BERT fine-tuning with PyTorch on Vertex AI",
         "Trainer on a Vertex custom job, model to AIP_MODEL_DIR"),
        ("classification-bert-imdb-finetuning-tf-vertex", "BERT fine-tuning with Keras on Vertex AI",
         "keras-hub from the Hugging Face checkpoint on a Vertex custom job"),
        ("classification-bart-infer-vertex", "Zero-shot classification serving on Vertex AI",
         "an NLI model behind a custom prediction container"),
        ("classification-deberta", "DeBERTa fine-tuning script", "a command-line fine-tuning script"),
        ("summarization-bart", "Summarization with BART", "a command-line summarization fine-tuning script"),
        ("summarization-mt5-xlsum-spanish", "Spanish summarization with mT5", "mT5-small on XL-Sum Spanish"),
        ("translation-tr-en-infer", "Turkish to English inference", "Marian inference"),
        ("translation-tr-en-finetuning-vertex", "Turkish to English fine-tuning on Vertex AI",
         "Marian fine-tuning as a Vertex job"),
        ("translation-tr-en-mt5-finetuning", "Turkish-English mT5 fine-tuning", "both directions with task prefixes"),
        ("translation-tr-en-t5x", "T5X on Vertex AI TPUs", "seqio tasks, gin files, TFRecords, TPU job specs"),
        ("vertex-pipelines-tpu", "Kubeflow pipeline with TPUs", "a KFP v2 pipeline with a TPU node selector"),
    )
)


def everything() -> tuple[Lab, ...]:
    return CURRICULUM + USECASES


def find(lab_id: str) -> Lab:
    """The entry for ``lab_id`` ("01-1", a notebook path or file name, or a use-case folder name)."""
    key = str(lab_id).strip().rstrip("/")
    for lab in everything():
        if key in (lab.id, lab.path, Path(lab.path).name, Path(lab.path).stem):
            return lab
    known = ", ".join(lab.id for lab in CURRICULUM)
    raise ValueError(f"unknown lab {lab_id!r}; known labs: {known} (or a use-case folder name)")


def present(root: Path | None = None, kinds: tuple[str, ...] = ("notebook", "app", "usecase")) -> list[Lab]:
    """The entries whose file or folder exists in the checkout at ``root``."""
    from labkit.env import repo_root

    root = root or repo_root()
    return [lab for lab in everything() if lab.kind in kinds and (root / lab.path).exists()]


def colab_url(path: str) -> str:
    from labkit.env import GITHUB_BRANCH, GITHUB_REPO

    return f"https://colab.research.google.com/github/{GITHUB_REPO}/blob/{GITHUB_BRANCH}/{path}"


def colab_badge(path: str) -> str:
    """Markdown for an "Open in Colab" badge pointing at ``path`` in the published repository."""
    return (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(path)})")
