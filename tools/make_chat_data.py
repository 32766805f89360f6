"""Write data/chat/train.jsonl: short original dialogues that teach the tiny Qwen2 stand-in to reply in English.

The 05-x apps run on a stand-in for ``Qwen/Qwen2.5-0.5B-Instruct`` in the tiny profile. A random 2-layer model
would answer with noise, so ``labkit.llm.train_chat`` trains it for a few seconds on these dialogues: questions
about the course topics (tokenizers, attention, BERT, ...), small talk, and requests for small Python functions
answered with a fenced code block (so the code-chat app has code to render).

Each row: ``{"id": int, "topic": str, "turns": [user, assistant, user, assistant, ...], "text": str}``;
``text`` is the dialogue as plain lines (what the stand-in's tokenizer is trained on).

    python tools/make_chat_data.py            # rewrites data/chat/train.jsonl and prints its sha256

Deterministic: the same script writes the same bytes (seeded ``random.Random``).
"""
from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "data" / "chat" / "train.jsonl"
SEED = 5

# topic -> (ways a student asks, the answer)
CONCEPTS: dict[str, tuple[list[str], str]] = {
    "transformer": (["What is a transformer?", "Explain the transformer model.", "What is a transformer in NLP?",
                     "Tell me about transformers."],
                    "A transformer is a neural network built from attention layers. Every token looks at the "
                    "other tokens of the sequence, so the model learns context without recurrence."),
    "attention": (["What is attention?", "How does self attention work?", "Explain attention.",
                   "What does an attention layer do?"],
                  "Attention compares a query with every key and uses the scores to mix the values. Each token "
                  "gathers information from the tokens that matter most to it."),
    "tokenizer": (["What is a tokenizer?", "Why do we need tokenizers?", "Explain tokenization.",
                   "What does a tokenizer do?"],
                  "A tokenizer splits text into pieces and maps each piece to a number. Models read those "
                  "numbers, not letters."),
    "bpe": (["What is BPE?", "How does byte pair encoding work?", "Explain BPE tokenization."],
            "Byte pair encoding starts from single bytes and merges the most frequent pair again and again. "
            "Common words become one token and rare words split into pieces."),
    "embedding": (["What is an embedding?", "Explain word embeddings.", "What are embeddings used for?"],
                  "An embedding is a vector that stands for a token or a sentence. Similar meanings get vectors "
                  "that point in similar directions."),
    "bert": (["What is BERT?", "How was BERT trained?", "Tell me about BERT."],
             "BERT is an encoder transformer trained to fill in masked words. It reads the whole sentence in "
             "both directions and is fine-tuned for tasks like classification."),
    "gpt": (["What is a GPT model?", "How does a language model generate text?", "Explain causal language models."],
            "A causal language model predicts the next token from the tokens before it. It writes text one "
            "token at a time, feeding each new token back in."),
    "fine-tuning": (["What is fine-tuning?", "How do I fine-tune a model?", "Explain fine-tuning."],
                    "Fine-tuning starts from a pre-trained model and trains it a little more on your own "
                    "labelled data, with a small learning rate."),
    "temperature": (["What does temperature do?", "What is the temperature setting?", "Explain temperature "
                     "in sampling."],
                    "Temperature scales the scores before sampling. A low temperature picks the likely tokens, "
                    "a high temperature makes the text more varied."),
    "top-p": (["What is top-p?", "Explain nucleus sampling.", "What does the top-p slider do?"],
              "Top-p keeps the smallest set of tokens whose probabilities add up to p, then samples from them. "
              "It must lie between 0 and 1."),
    "top-k": (["What is top-k?", "Explain top-k sampling.", "What does the top-k slider do?"],
              "Top-k keeps only the k most likely tokens before sampling. A small k gives safer text."),
    "rnn": (["What is an RNN?", "Explain recurrent networks.", "What is an LSTM?"],
            "A recurrent network reads a sequence one step at a time and carries a hidden state. An LSTM adds "
            "gates so the state can remember for longer."),
    "perplexity": (["What is perplexity?", "How do we measure a language model?", "Explain perplexity."],
                   "Perplexity is the exponential of the average loss per token. Lower perplexity means the "
                   "model is less surprised by the text."),
    "rouge": (["What is ROUGE?", "How are summaries scored?", "Explain the ROUGE metric."],
              "ROUGE counts the words and word pairs a summary shares with a reference summary. ROUGE-L uses "
              "the longest common subsequence."),
    "bleu": (["What is BLEU?", "How is translation scored?", "Explain the BLEU score."],
             "BLEU measures how many n-grams of a translation appear in the reference, with a penalty for "
             "translations that are too short."),
    "gradio": (["What is Gradio?", "How do I build a demo app?", "What is this app built with?"],
               "Gradio builds web apps for models in Python. This app has a prompt box, sliders for sampling "
               "and an answer box."),
    "gemini": (["What is Gemini?", "Which model answers on Vertex AI?", "Can this app use Gemini?"],
               "Gemini is a family of Google models served on Vertex AI. Start the app with --backend gemini "
               "and a Google Cloud project to use it."),
}

GREETINGS = (["Hello!", "Hi there.", "Good morning.", "Hey, who are you?", "Hello, can you help me?"],
             "Hello! I am a tiny practice model for the course labs. Ask me about transformers, tokenizers "
             "or Python.")
THANKS = (["Thanks!", "Thank you.", "Great, thanks.", "That helps, thank you."],
          "You are welcome. Ask me anything else about language models.")
BYE = (["Bye.", "Goodbye!", "See you later."], "Goodbye, and good luck with the labs.")

# name -> (ways to ask, code, one sentence after the code)
CODE: dict[str, tuple[list[str], str, str]] = {
    "add": (["Write a Python function that adds two numbers.", "Show me how to add two numbers in Python.",
             "Python function to add numbers"],
            "def add(a, b):\n    return a + b\n\nprint(add(2, 3))", "It returns the sum, so this prints 5."),
    "reverse": (["Write a Python function that reverses a string.", "How do I reverse a string in Python?",
                 "Reverse a string in Python"],
                "def reverse(text):\n    return text[::-1]\n\nprint(reverse(\"hello\"))",
                "The slice with step -1 walks the string backwards."),
    "count_words": (["Write a Python function that counts words.", "How do I count words in Python?",
                     "Count the words in a sentence with Python"],
                    "def count_words(text):\n    return len(text.split())\n\nprint(count_words(\"the cat sat\"))",
                    "split() breaks the text on spaces, so this prints 3."),
    "factorial": (["Write a Python function for the factorial.", "How do I compute a factorial in Python?",
                   "Factorial in Python"],
                  "def factorial(n):\n    result = 1\n    for i in range(2, n + 1):\n        result *= i\n"
                  "    return result\n\nprint(factorial(5))", "The loop multiplies 2 to n, so this prints 120."),
    "fibonacci": (["Write a Python function for Fibonacci numbers.", "Show me Fibonacci in Python.",
                   "Fibonacci sequence in Python"],
                  "def fibonacci(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n"
                  "    return a\n\nprint(fibonacci(10))", "Each step moves the pair forward, so this prints 55."),
    "tokenize": (["Write a Python function that splits text into tokens.", "How do I tokenize text in Python?",
                  "Simple tokenizer in Python"],
                 "import re\n\ndef tokenize(text):\n    return re.findall(r\"\\w+|[^\\w\\s]\", text.lower())\n\n"
                 "print(tokenize(\"Hello, world!\"))", "It keeps words and punctuation as separate tokens."),
    "average": (["Write a Python function that averages a list.", "How do I compute a mean in Python?",
                 "Average of a list in Python"],
                "def average(values):\n    return sum(values) / len(values)\n\nprint(average([1, 2, 3]))",
                "It divides the sum by the count, so this prints 2.0."),
    "is_even": (["Write a Python function that checks if a number is even.", "Is a number even, in Python?",
                 "Even numbers in Python"],
                "def is_even(n):\n    return n % 2 == 0\n\nprint(is_even(4))",
                "The remainder after dividing by 2 is zero for even numbers."),
}


def _code_reply(code: str, note: str) -> str:
    return f"Here is one way:\n\n```python\n{code}\n```\n\n{note}"


def _exchanges(rng: random.Random) -> list[tuple[str, str, str]]:
    """Every (topic, question, answer) exchange, each phrasing once."""
    items = []
    for topic, (questions, answer) in CONCEPTS.items():
        items += [(topic, q, answer) for q in questions]
    for name, (questions, code, note) in CODE.items():
        items += [("code:" + name, q, _code_reply(code, note)) for q in questions]
    items += [("greeting", q, GREETINGS[1]) for q in GREETINGS[0]]
    rng.shuffle(items)
    return items


def dialogues(seed: int = SEED, rounds: int = 4) -> list[dict]:
    """The dataset rows: single exchanges, and two- or three-exchange dialogues with thanks / goodbye turns."""
    rng = random.Random(seed)
    rows = []
    for _ in range(rounds):
        exchanges = _exchanges(rng)
        for topic, question, answer in exchanges:
            turns = [question, answer]
            shape = rng.random()
            if shape < 0.35:
                other = rng.choice(exchanges)
                turns += [other[1], other[2]]
            if shape > 0.7:
                turns += [rng.choice(THANKS[0]), THANKS[1]]
            if rng.random() < 0.1:
                turns += [rng.choice(BYE[0]), BYE[1]]
            rows.append({"topic": topic, "turns": turns})
    for i, row in enumerate(rows):
        row["id"] = i
        row["text"] = "\n".join(row["turns"])
    return [{"id": r["id"], "topic": r["topic"], "turns": r["turns"], "text": r["text"]} for r in rows]


def main() -> None:
    rows = dialogues()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    digest = hashlib.sha256(OUT.read_bytes()).hexdigest()
    print(f"{OUT}: {len(rows)} dialogues, {OUT.stat().st_size:,} bytes, sha256 {digest}")


if __name__ == "__main__":
    main()
