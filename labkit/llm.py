"""Text generation and chat behind one small interface, with two interchangeable backends.

* ``gemini``: Gemini on Vertex AI through ``google-genai`` (``genai.Client(vertexai=True, project, location)``);
  the code-chat app switches on Gemini's server-side code-execution tool (code runs at Google, never here).
* ``local``: a Hugging Face causal LM run with transformers (``Qwen/Qwen2.5-0.5B-Instruct``; in the tiny
  profile labkit's offline stand-in served under that id).

::

    >>> from labkit import llm
    >>> backend = llm.make_backend("local")                                  # doctest: +SKIP
    >>> llm.generate("What is a tokenizer?", llm.GenerationConfig(temperature=0), backend)  # doctest: +SKIP
    'A tokenizer splits text into pieces and maps each piece to a number. ...'

Choose the backend with an argument or ``LABKIT_LLM_BACKEND=gemini|local`` (default ``local``). Without a
Google Cloud project or credentials the Gemini backend raises :class:`BackendUnavailable` with what to do; it
falls back to the local model only when asked (``fallback=True`` or ``LABKIT_LLM_FALLBACK=1``).

Prompts longer than :data:`MAX_PROMPT_CHARS` characters are cut to that length (:func:`truncate_prompt`) and
the caller shows the returned notice. Heavy libraries (torch, transformers, google-genai) are imported lazily.
"""
from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from labkit.hub import ModelSpec

#: The documented prompt limit: longer prompts (and chat messages) are truncated to this many characters.
MAX_PROMPT_CHARS = 8_000
#: Chat history kept for the model, newest first, in characters (older turns are left out of the request).
MAX_HISTORY_CHARS = 24_000
BACKENDS = ("local", "gemini")
DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"
DEFAULT_LOCAL_MODEL = "Qwen/Qwen2.5-0.5B-Instruct"
DEFAULT_LOCATION = "us-central1"

#: System prompts of the apps (the tiny stand-in sees them in training too, so it is not thrown by them).
SYSTEM_PROMPTS = {
    "chat": "You are a helpful assistant for a course on transformers and NLP. Answer briefly.",
    "code": "You are a coding assistant. Explain briefly and put code in fenced Markdown code blocks.",
}
_TRUE = {"1", "true", "yes", "on"}


class BackendError(RuntimeError):
    """A backend failed to answer (an API error, a crash in generation, a timeout)."""


class BackendUnavailable(BackendError):
    """A backend that cannot be used here at all (no project, no credentials, model not available offline)."""


# ---------------------------------------------------------------------------------------------- config

@dataclass(frozen=True)
class GenerationConfig:
    """Sampling settings shared by both backends, validated on creation.

    temperature: 0 (greedy) to 2; top_p: 0 to 1; top_k: integer >= 1; max_output_tokens: 1 to 8192.

    >>> GenerationConfig(temperature=0.2, top_p=0.9, top_k=20, max_output_tokens=64).top_p
    0.9
    """

    temperature: float = 0.7
    top_p: float = 0.95
    top_k: int = 40
    max_output_tokens: int = 256

    LIMITS = {"temperature": (0.0, 2.0), "top_p": (0.0, 1.0), "top_k": (1, 1000), "max_output_tokens": (1, 8192)}

    def __post_init__(self):
        for name, (low, high) in self.LIMITS.items():
            value = getattr(self, name)
            integer = name in ("top_k", "max_output_tokens")
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"{name} must be a number, got {value!r}")
            if integer and (isinstance(value, float) and not value.is_integer()):
                raise ValueError(f"{name} must be a whole number, got {value!r}")
            if math.isnan(value) or not low <= value <= high:
                raise ValueError(f"{name}={value!r} is out of range: use a value from {low} to {high}")
            object.__setattr__(self, name, int(value) if integer else float(value))

    @classmethod
    def clamped(cls, **values: Any) -> tuple[GenerationConfig, list[str]]:
        """A config with each value forced into its range, plus one notice per value that was changed.

        >>> GenerationConfig.clamped(top_p=5)[1]
        ['top_p=5 is out of range [0.0, 1.0]; used 1.0']
        """
        notes, fixed = [], {}
        defaults = cls()
        for name, value in values.items():
            if name not in cls.LIMITS:
                raise TypeError(f"unknown generation setting {name!r}; settings: {', '.join(cls.LIMITS)}")
            low, high = cls.LIMITS[name]
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = float("nan")
            if isinstance(value, bool) or math.isnan(number):
                fixed[name] = getattr(defaults, name)
                notes.append(f"{name}={value!r} is not a number; used {fixed[name]}")
                continue
            good = min(max(number, low), high)
            if name in ("top_k", "max_output_tokens"):
                good = int(round(good))
            if good != number:
                notes.append(f"{name}={value!r} is out of range [{low}, {high}]; used {good}")
            fixed[name] = good
        return cls(**fixed), notes

    def to_genai(self, **extra: Any):
        """The ``google.genai.types.GenerateContentConfig`` for these settings (``extra``: tools, system...).

        >>> GenerationConfig(top_k=8).to_genai().top_k                     # doctest: +SKIP
        8.0
        """
        from google.genai import types

        return types.GenerateContentConfig(temperature=self.temperature, top_p=self.top_p, top_k=self.top_k,
                                           max_output_tokens=self.max_output_tokens, **extra)

    def to_transformers(self) -> dict[str, Any]:
        """Keyword arguments for transformers' ``model.generate``.

        Temperature 0 or top-p 0 keep only the most likely token: greedy decoding (``do_sample=False``).

        >>> GenerationConfig(temperature=0, max_output_tokens=5).to_transformers()
        {'max_new_tokens': 5, 'do_sample': False}
        """
        kwargs: dict[str, Any] = {"max_new_tokens": self.max_output_tokens}
        if self.temperature == 0 or self.top_p == 0:
            kwargs["do_sample"] = False
        else:
            kwargs.update(do_sample=True, temperature=self.temperature, top_p=self.top_p, top_k=self.top_k)
        return kwargs

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items()}


def truncate_prompt(text: str, limit: int = MAX_PROMPT_CHARS) -> tuple[str, str | None]:
    """``(text, notice)``: the text cut to ``limit`` characters, and a notice for the user when it was cut.

    >>> truncate_prompt("x" * 10, limit=4)
    ('xxxx', 'The prompt had 10 characters; only the first 4 were sent (limit 4).')
    """
    if not isinstance(text, str):
        raise TypeError(f"prompt must be a string, got {type(text).__name__}")
    if len(text) <= limit:
        return text, None
    return text[:limit], (f"The prompt had {len(text):,} characters; only the first {limit:,} were sent "
                          f"(limit {limit:,}).")


def normalise_messages(messages: Iterable[Any]) -> list[dict[str, str]]:
    """Chat messages as ``[{"role": "user"|"assistant"|"system", "content": str}]``.

    Accepts Gradio 6 message dicts (content may be a list of ``{"type": "text", "text": ...}`` parts) and
    Gemini's role name ``model``. The last message must come from the user.

    >>> normalise_messages([{"role": "user", "content": [{"type": "text", "text": "hi"}]}])
    [{'role': 'user', 'content': 'hi'}]
    """
    out = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or "role" not in message or "content" not in message:
            raise ValueError(f"message {i} must be a dict with 'role' and 'content', got {message!r}"[:300])
        role = {"model": "assistant"}.get(message["role"], message["role"])
        if role not in ("user", "assistant", "system"):
            raise ValueError(f"message {i} has role {message['role']!r}; use user, assistant or system")
        content = message["content"]
        if isinstance(content, dict):
            content = [content]
        if isinstance(content, (list, tuple)):
            content = "\n".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
        if not isinstance(content, str):
            raise ValueError(f"message {i} content must be text, got {type(content).__name__}")
        out.append({"role": role, "content": content})
    if not out or out[-1]["role"] != "user":
        raise ValueError("a chat request must end with a user message")
    return out


def trim_history(messages: list[dict[str, str]], budget: int = MAX_HISTORY_CHARS) -> list[dict[str, str]]:
    """Drop the oldest turns (never the system message or the last message) until the total fits ``budget``."""
    system = [m for m in messages if m["role"] == "system"]
    rest = [m for m in messages if m["role"] != "system"]
    while len(rest) > 1 and sum(len(m["content"]) for m in system + rest) > budget:
        rest.pop(0)
    return system + rest


# ---------------------------------------------------------------------------------------------- backends

class Backend:
    """What the apps need from a backend. Subclasses implement :meth:`stream_chat`."""

    name = "base"
    code_execution = False

    def describe(self) -> str:
        return self.name

    def stream_chat(self, messages: list[dict], config: GenerationConfig) -> Iterator[str]:
        raise NotImplementedError

    def chat(self, messages: list[dict], config: GenerationConfig) -> str:
        return "".join(self.stream_chat(messages, config))

    def generate(self, prompt: str, config: GenerationConfig) -> str:
        return self.chat([{"role": "user", "content": prompt}], config)


class LocalBackend(Backend):
    """A transformers causal LM with a chat template, loaded on first use.

    >>> LocalBackend().generate("Hello!", GenerationConfig(temperature=0))     # doctest: +SKIP
    """

    name = "local"

    def __init__(self, model_id: str | None = None, *, timeout_s: float = 120.0):
        self.model_id = model_id or os.environ.get("LABKIT_LOCAL_MODEL") or DEFAULT_LOCAL_MODEL
        self.timeout_s = timeout_s
        self._model = self._tokenizer = None
        self._lock = threading.Lock()
        self.standin = False

    def describe(self) -> str:
        kind = "tiny offline stand-in of " if self.standin else ""
        return f"local transformers model ({kind}{self.model_id})"

    def load(self):
        """Load the model and tokenizer (building the stand-in in the tiny profile). Returns ``self``."""
        with self._lock:
            if self._model is not None:
                return self
            from labkit.env import current, setup

            profile = current()
            if profile.tiny:
                from labkit import hub

                if self.model_id not in hub.MODELS:
                    raise BackendUnavailable(
                        f"the tiny profile serves only registered stand-ins, and {self.model_id!r} is not one; "
                        f"use {DEFAULT_LOCAL_MODEL} or LABKIT_PROFILE=full")
                setup(models=[self.model_id], profile="tiny", quiet=True)
                self.standin = True
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer

            if profile.tiny:
                torch.set_num_threads(1)       # a 2-layer model gains nothing from more threads
            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.model_id)
                self._model = AutoModelForCausalLM.from_pretrained(self.model_id)
            except OSError as exc:
                raise BackendUnavailable(f"cannot load {self.model_id}: {exc}".splitlines()[0]) from None
            self._model.eval()
        return self

    def _stop_ids(self) -> list[int]:
        tok = self._tokenizer
        ids = {tok.eos_token_id}
        for token in ("<|im_end|>", "<|endoftext|>"):
            tid = tok.convert_tokens_to_ids(token)
            if isinstance(tid, int) and tid != tok.unk_token_id:
                ids.add(tid)
        return sorted(i for i in ids if i is not None)

    def encode(self, messages: list[dict]) -> Any:
        """Token ids of the chat template for ``messages`` with the assistant prompt, cut on the left to leave
        room in the model's context."""
        self.load()
        ids = self._tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                  return_dict=True)["input_ids"]
        context = int(getattr(self._model.config, "max_position_embeddings", 4096) or 4096)
        keep = max(16, min(context, 8192) - 1)
        return ids[:, -keep:]

    def stream_chat(self, messages, config):
        import torch
        from transformers import TextIteratorStreamer

        messages = normalise_messages(messages)
        self.load()
        input_ids = self.encode(messages)
        room = int(getattr(self._model.config, "max_position_embeddings", 4096)) - input_ids.shape[1]
        kwargs = config.to_transformers()
        kwargs["max_new_tokens"] = max(1, min(kwargs["max_new_tokens"], room))
        streamer = TextIteratorStreamer(self._tokenizer, skip_prompt=True, skip_special_tokens=True,
                                        timeout=self.timeout_s)
        failure: list[BaseException] = []
        stop = self._stop_ids()

        def run():
            try:
                with torch.no_grad():
                    self._model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                                         streamer=streamer, eos_token_id=stop,
                                         pad_token_id=self._tokenizer.pad_token_id or stop[0], **kwargs)
            except BaseException as exc:  # noqa: BLE001  reported to the caller below
                failure.append(exc)
                streamer.end()

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        try:
            for chunk in streamer:
                if chunk:
                    yield chunk
        except Exception as exc:   # queue.Empty when generation stalls past the timeout
            raise BackendError(f"the local model produced nothing for {self.timeout_s:.0f} s") from exc
        worker.join(timeout=1.0)
        if failure:
            raise BackendError(f"local generation failed: {type(failure[0]).__name__}: {failure[0]}")


class GeminiBackend(Backend):
    """Gemini on Vertex AI through google-genai.

    project / location default to ``$GOOGLE_CLOUD_PROJECT`` / ``$GOOGLE_CLOUD_LOCATION`` (else us-central1).
    ``client`` injects a ready client (tests pass a fake one); otherwise one is made on first use after checking
    that a project and Application Default Credentials exist, so a missing set-up fails at once with a hint.

    >>> GeminiBackend(project="my-project").describe()
    'Gemini gemini-2.5-flash on Vertex AI (project my-project, us-central1)'
    """

    name = "gemini"

    def __init__(self, model: str | None = None, *, project: str | None = None, location: str | None = None,
                 client: Any = None, code_execution: bool = False, timeout_s: float = 120.0):
        self.model = model or os.environ.get("LABKIT_GEMINI_MODEL") or DEFAULT_GEMINI_MODEL
        self.project = project or os.environ.get("GOOGLE_CLOUD_PROJECT") or None
        self.location = location or os.environ.get("GOOGLE_CLOUD_LOCATION") or DEFAULT_LOCATION
        self.code_execution = bool(code_execution)
        self.timeout_s = timeout_s
        self._client = client

    def describe(self) -> str:
        tool = ", server-side code execution on" if self.code_execution else ""
        return f"Gemini {self.model} on Vertex AI (project {self.project}, {self.location}{tool})"

    def check(self) -> None:
        """Raise :class:`BackendUnavailable` (with what to do) when no project or no credentials are set up."""
        if self._client is not None:
            return
        if not self.project:
            raise BackendUnavailable(
                "the Gemini backend needs a Google Cloud project: pass --project MY-PROJECT or set "
                "GOOGLE_CLOUD_PROJECT (and enable the Vertex AI API in it), or use --backend local")
        if not credentials_available():
            raise BackendUnavailable(
                "no Google Cloud credentials found: run `gcloud auth application-default login`, or set "
                "GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or use --backend local")

    @property
    def client(self):
        if self._client is None:
            self.check()
            from google import genai
            from google.genai import types

            self._client = genai.Client(vertexai=True, project=self.project, location=self.location,
                                        http_options=types.HttpOptions(timeout=int(self.timeout_s * 1000)))
        return self._client

    def request(self, messages: list[dict], config: GenerationConfig) -> dict[str, Any]:
        """The keyword arguments of ``client.models.generate_content`` for ``messages``.

        >>> GeminiBackend(project="p").request([{"role": "user", "content": "hi"}], GenerationConfig())["model"]
        'gemini-2.5-flash'
        """
        from google.genai import types

        messages = normalise_messages(messages)
        system = "\n".join(m["content"] for m in messages if m["role"] == "system") or None
        contents = [types.Content(role="model" if m["role"] == "assistant" else "user",
                                  parts=[types.Part.from_text(text=m["content"])])
                    for m in messages if m["role"] != "system"]
        extra: dict[str, Any] = {}
        if system:
            extra["system_instruction"] = system
        if self.code_execution:
            extra["tools"] = [types.Tool(code_execution=types.ToolCodeExecution())]
        return {"model": self.model, "contents": contents, "config": config.to_genai(**extra)}

    def stream_chat(self, messages, config):
        kwargs = self.request(messages, config)
        try:
            for chunk in self.client.models.generate_content_stream(**kwargs):
                text = render_response(chunk)
                if text:
                    yield text
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001  API, auth and transport errors all become one message
            raise BackendError(_describe_gemini_error(exc)) from exc

    def chat(self, messages, config):
        kwargs = self.request(messages, config)
        try:
            response = self.client.models.generate_content(**kwargs)
        except BackendError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise BackendError(_describe_gemini_error(exc)) from exc
        return render_response(response)


def _describe_gemini_error(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    status = getattr(exc, "status", None)
    head = f"Gemini returned {code} {status}".strip() if code else f"Gemini request failed ({type(exc).__name__})"
    message = getattr(exc, "message", None) or str(exc)
    return f"{head}: {message}"[:500]


def render_response(response: Any) -> str:
    """Markdown for a Gemini response: text as is, executed code and its output as fenced blocks.

    Thought parts are skipped; a blocked prompt gives the block reason.
    """
    candidates = getattr(response, "candidates", None) or []
    if not candidates:
        feedback = getattr(response, "prompt_feedback", None)
        reason = getattr(feedback, "block_reason", None)
        return f"(Gemini gave no answer: blocked, {reason})" if reason else ""
    content = getattr(candidates[0], "content", None)
    pieces = []
    for part in getattr(content, "parts", None) or []:
        if getattr(part, "thought", None):
            continue
        code = getattr(part, "executable_code", None)
        result = getattr(part, "code_execution_result", None)
        if code is not None:
            language = str(getattr(code, "language", "python") or "python").split(".")[-1].lower()
            pieces.append(f"\n\n```{'python' if 'python' in language else language}\n{code.code}\n```\n\n")
        elif result is not None:
            outcome = str(getattr(result, "outcome", "") or "").split(".")[-1].replace("OUTCOME_", "").lower()
            label = "Output" if outcome in ("", "ok") else f"Output ({outcome})"
            pieces.append(f"{label}:\n\n```text\n{(result.output or '').rstrip()}\n```\n\n")
        elif getattr(part, "text", None):
            pieces.append(part.text)
    return "".join(pieces)


def credentials_available() -> bool:
    """True when Application Default Credentials can be found without a network call.

    Looks for ``GOOGLE_APPLICATION_CREDENTIALS``, gcloud's ADC file, or a Google runtime (Cloud Run, GCE,
    Workbench, Colab) whose metadata server provides them.
    """
    key = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if key:
        return Path(key).expanduser().is_file()
    config = Path(os.environ.get("CLOUDSDK_CONFIG") or Path.home() / ".config" / "gcloud")
    if (config / "application_default_credentials.json").is_file():
        return True
    if os.environ.get("K_SERVICE") or os.environ.get("GCE_METADATA_HOST") or os.environ.get("COLAB_RELEASE_TAG"):
        return True
    try:
        return "Google" in Path("/sys/class/dmi/id/product_name").read_text()
    except OSError:
        return False


def make_backend(name: str | None = None, *, model: str | None = None, project: str | None = None,
                 location: str | None = None, fallback: bool | None = None, code_execution: bool = False,
                 client: Any = None, timeout_s: float = 120.0) -> Backend:
    """The backend called ``name`` (``gemini`` | ``local``; default ``$LABKIT_LLM_BACKEND`` or ``local``).

    For Gemini, a missing project or credentials raises :class:`BackendUnavailable`, unless ``fallback``
    (default ``$LABKIT_LLM_FALLBACK``) is true: then the local backend is returned, with ``fallback_reason`` set.

    >>> make_backend("gemini", project="p", client=object()).name
    'gemini'
    """
    name = (name or os.environ.get("LABKIT_LLM_BACKEND") or "local").strip().lower()
    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if fallback is None:
        fallback = os.environ.get("LABKIT_LLM_FALLBACK", "").lower() in _TRUE
    if name == "local":
        return LocalBackend(model, timeout_s=timeout_s)
    backend = GeminiBackend(model, project=project, location=location, client=client,
                            code_execution=code_execution, timeout_s=timeout_s)
    try:
        backend.check()
    except BackendUnavailable as exc:
        if not fallback:
            raise
        local = LocalBackend(timeout_s=timeout_s)
        local.fallback_reason = f"Gemini is not available ({exc}); using the local model instead."
        return local
    return backend


# ---------------------------------------------------------------------------------------------- module API

def generate(prompt: str, config: GenerationConfig | None = None, backend: Backend | None = None) -> str:
    """The reply to one prompt (truncated to :data:`MAX_PROMPT_CHARS`).

    >>> generate("What is BPE?", GenerationConfig(temperature=0))            # doctest: +SKIP
    """
    prompt, _ = truncate_prompt(prompt)
    return (backend or make_backend()).generate(prompt, config or GenerationConfig())


def chat(messages: list[dict], config: GenerationConfig | None = None, backend: Backend | None = None) -> str:
    """The assistant's reply to a conversation ``[{"role": ..., "content": ...}, ...]``.

    >>> chat([{"role": "user", "content": "Hello!"}])                        # doctest: +SKIP
    """
    return (backend or make_backend()).chat(normalise_messages(messages), config or GenerationConfig())


def stream_chat(messages: list[dict], config: GenerationConfig | None = None,
                backend: Backend | None = None) -> Iterator[str]:
    """Like :func:`chat`, yielding the reply in chunks as they are generated.

    >>> "".join(stream_chat([{"role": "user", "content": "Hello!"}]))       # doctest: +SKIP
    """
    return (backend or make_backend()).stream_chat(normalise_messages(messages), config or GenerationConfig())


# ---------------------------------------------------------------------------------------------- stand-in

CHAT_TEMPLATE = (
    "{%- for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}")
SPECIAL_QWEN = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def family_qwen2(spec: ModelSpec, texts: list[str]):
    """The tiny Qwen2 stand-in: ``Qwen2ForCausalLM`` (hidden 64, 2 layers, grouped-query attention, tied
    embeddings as in Qwen2.5-0.5B) and a byte-level BPE ``Qwen2Tokenizer`` with a ChatML chat template.

    >>> from labkit import hub
    >>> hub.build("Qwen/Qwen2.5-0.5B-Instruct")            # calls family_qwen2, then train_chat  # doctest: +SKIP
    """
    from transformers import Qwen2Config, Qwen2ForCausalLM, Qwen2Tokenizer

    from labkit.hub import _RECIPE_KEYS
    from labkit.standins import byte_level_bpe

    vocab, merges = byte_level_bpe(texts, spec.vocab_size, SPECIAL_QWEN)
    tokenizer = Qwen2Tokenizer(vocab=vocab, merges=merges, unk_token=None,
                               eos_token="<|im_end|>", pad_token="<|endoftext|>", bos_token=None,
                               model_max_length=4096, chat_template=CHAT_TEMPLATE)
    tokenizer.add_special_tokens({"additional_special_tokens": ["<|im_start|>"]})
    overrides = {k: v for k, v in spec.config.items() if k not in _RECIPE_KEYS}
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    config = Qwen2Config(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=4096,
                         tie_word_embeddings=True, eos_token_id=im_end, pad_token_id=tokenizer.pad_token_id,
                         bos_token_id=None, **overrides)
    model = Qwen2ForCausalLM(config)
    model.generation_config.eos_token_id = [im_end, tokenizer.pad_token_id]
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    return model, tokenizer


def chat_examples(rows: list[dict], seed: int = 0) -> list[list[dict]]:
    """Message lists from the ``chat`` dataset's rows; some get one of the apps' system prompts, seeded."""
    import random

    rng = random.Random(seed)
    out = []
    for row in rows:
        turns = row["turns"]
        messages = [{"role": "user" if i % 2 == 0 else "assistant", "content": t} for i, t in enumerate(turns)]
        if rng.random() < 0.3:
            key = "code" if str(row.get("topic", "")).startswith("code:") else "chat"
            messages.insert(0, {"role": "system", "content": SYSTEM_PROMPTS[key]})
        out.append(messages)
    return out


def _labelled_ids(tokenizer, messages: list[dict], max_length: int) -> tuple[list[int], list[int]]:
    """Token ids of a dialogue and labels that train only the assistant's words (and its end marker)."""
    ids, labels = [], []
    for message in messages:
        head = tokenizer.encode(f"<|im_start|>{message['role']}\n", add_special_tokens=False)
        body = tokenizer.encode(message["content"] + "<|im_end|>", add_special_tokens=False)
        tail = tokenizer.encode("\n", add_special_tokens=False)
        ids += head + body + tail
        labels += [-100] * len(head) + (body if message["role"] == "assistant" else [-100] * len(body)) \
            + [-100] * len(tail)
    return ids[:max_length], labels[:max_length]


def train_chat(model, tokenizer, spec: ModelSpec):
    """Train the chat stand-in briefly on the bundled ``chat`` dialogues (loss on assistant turns only), so its
    replies are recognisable sentences rather than noise. Deterministic (seeded order, one thread).

    Keys of ``spec.config``: ``train_data`` (``"chat:train"``), ``epochs``, ``lr``, ``batch_size``.
    """
    import torch

    from labkit.standins import _rows, one_thread

    @one_thread
    def run():
        cfg = spec.config
        examples = [_labelled_ids(tokenizer, m, 256) for m in chat_examples(_rows(spec))]
        epochs, batch = int(cfg.get("epochs", 12)), int(cfg.get("batch_size", 16))
        optimizer = torch.optim.AdamW(model.parameters(), lr=float(cfg.get("lr", 4e-3)))
        steps = epochs * math.ceil(len(examples) / batch)
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.05, 1 - s / steps))
        generator = torch.Generator().manual_seed(0)
        pad = tokenizer.pad_token_id
        model.train()
        for _ in range(epochs):
            order = torch.randperm(len(examples), generator=generator).tolist()
            for start in range(0, len(order), batch):
                chunk = [examples[i] for i in order[start:start + batch]]
                width = max(len(ids) for ids, _ in chunk)
                ids = torch.full((len(chunk), width), pad)
                labels = torch.full((len(chunk), width), -100)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for row, (x, y) in enumerate(chunk):
                    ids[row, :len(x)] = torch.tensor(x)
                    labels[row, :len(y)] = torch.tensor(y)
                    mask[row, :len(x)] = 1
                loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                optimizer.step()
                schedule.step()
                optimizer.zero_grad()
        model.eval()
        return model

    return run()
