"""The Gradio apps of module 05: text generation (05-1), chat (05-2) and code chat (05-3), on a labkit.llm backend.

Each app file in ``05-llm/`` is one call to :func:`main`; the builders here are shared::

    >>> from labkit import apps, llm
    >>> demo = apps.build_text_app(llm.make_backend("local"))          # doctest: +SKIP
    >>> demo.launch()                                                    # doctest: +SKIP

From a shell: ``python 05-llm/05-2-chat-gradio.py --backend gemini --project MY-PROJECT`` or
``labkit app chat``. Apps listen on 127.0.0.1 unless ``--host`` says otherwise and never open a public share
link unless ``--share`` is given.

Every request goes through :func:`guarded_stream`: an empty prompt gets a friendly message without a model call,
a prompt over :data:`labkit.llm.MAX_PROMPT_CHARS` characters is truncated with a notice, and a backend that
raises or runs past the time limit gives a message in the page while the app keeps serving. Chat history lives
in a per-session ``gr.State``: each browser tab (and each API client) has its own conversation.
"""
from __future__ import annotations

import argparse
import logging
import os
import queue
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from labkit import llm

KINDS = ("text", "chat", "codechat")
LAB_OF = {"text": "05-1", "chat": "05-2", "codechat": "05-3"}
TITLES = {"text": "Text generation", "chat": "Chat", "codechat": "Code chat"}
EMPTY_PROMPT = "Please type a prompt first: the box is empty, so nothing was sent to the model."
DEFAULT_TIMEOUT_S = 120.0
log = logging.getLogger("labkit.apps")

#: Slider ranges (the same as :class:`labkit.llm.GenerationConfig` accepts, except the UI caps the extremes).
SLIDERS = {"temperature": (0.0, 2.0, 0.05), "top_p": (0.0, 1.0, 0.01), "top_k": (1, 100, 1),
           "max_output_tokens": (1, 2048, 1)}
DEFAULTS = {"temperature": 0.7, "top_p": 0.95, "top_k": 40, "max_output_tokens": 256}


# ---------------------------------------------------------------------------------------------- requests

def guarded_stream(make_chunks: Callable[[], Iterator[str]], timeout_s: float) -> Iterator[str]:
    """Yield the text so far (cumulative) as ``make_chunks()`` produces chunks, in a worker thread.

    Raises :class:`labkit.llm.BackendError` when the backend fails or the whole answer takes longer than
    ``timeout_s`` seconds; any other exception is turned into one, so no stack trace reaches the page.

    >>> list(guarded_stream(lambda: iter(["a", "b"]), 5))
    ['a', 'ab']
    """
    events: queue.Queue = queue.Queue()

    def work():
        try:
            for chunk in make_chunks():
                events.put(("chunk", chunk))
            events.put(("done", None))
        except BaseException as exc:  # noqa: BLE001  handed to the caller
            events.put(("error", exc))

    threading.Thread(target=work, daemon=True, name="llm-request").start()
    deadline = time.monotonic() + timeout_s
    text = ""
    while True:
        try:
            kind, value = events.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise llm.BackendError(f"the model did not finish within {timeout_s:g} s; try fewer output tokens "
                                   "or try again") from None
        if kind == "chunk":
            text += value
            yield text
        elif kind == "done":
            return
        else:
            if isinstance(value, llm.BackendError):
                raise value
            log.error("backend failure", exc_info=value)
            raise llm.BackendError(f"{type(value).__name__}: {value}"[:500])


def settings(temperature: Any, top_p: Any, top_k: Any, max_output_tokens: Any) -> tuple[llm.GenerationConfig,
                                                                                        list[str]]:
    """A valid config from slider values (clamped into range), and the notices for the values changed.

    >>> settings(0.5, 1.7, 10, 64)[1]
    ['top_p=1.7 is out of range [0.0, 1.0]; used 1.0']
    """
    return llm.GenerationConfig.clamped(temperature=temperature, top_p=top_p, top_k=top_k,
                                        max_output_tokens=max_output_tokens)


def _status(notes: list[str]) -> str:
    return "\n".join(f"- {n}" for n in notes)


def error_text(exc: Exception) -> str:
    """The message the page shows when a request fails."""
    return f"The model could not answer: {exc}. The app is still running: adjust the settings or try again."


# ---------------------------------------------------------------------------------------------- handlers

def text_handler(backend: llm.Backend, timeout_s: float = DEFAULT_TIMEOUT_S):
    """``fn(prompt, temperature, top_p, top_k, max_tokens)`` yielding ``(answer, status)`` for the text app."""

    def answer(prompt, temperature, top_p, top_k, max_tokens):
        if not isinstance(prompt, str) or not prompt.strip():
            yield "", _status([EMPTY_PROMPT])
            return
        prompt, notice = llm.truncate_prompt(prompt)
        config, notes = settings(temperature, top_p, top_k, max_tokens)
        notes = ([notice] if notice else []) + notes
        text = ""
        try:
            for text in guarded_stream(lambda: backend.stream_chat([{"role": "user", "content": prompt}], config),
                                       timeout_s):
                yield text, _status(notes)
        except llm.BackendError as exc:
            yield text, _status(notes + [error_text(exc)])
            return
        if not text.strip():
            notes.append("The model returned an empty answer; try a higher temperature or another prompt.")
        yield text, _status(notes)

    return answer


def _visible(history: list[dict]) -> list[dict]:
    return [{"role": m["role"], "content": m["content"]} for m in history]


def chat_handler(backend: llm.Backend, system_prompt: str | None = None, timeout_s: float = DEFAULT_TIMEOUT_S):
    """``fn(message, history, temperature, top_p, top_k, max_tokens)`` yielding
    ``(chatbot, history, textbox, status)``: the per-session chat turn, streamed.

    ``history`` holds what the page shows; replies that failed are marked and never sent back to the model.
    """

    def respond(message, history, temperature, top_p, top_k, max_tokens):
        history = [dict(m) for m in (history or [])]
        if not isinstance(message, str) or not message.strip():
            yield _visible(history), history, "", _status([EMPTY_PROMPT])
            return
        message, notice = llm.truncate_prompt(message)
        config, notes = settings(temperature, top_p, top_k, max_tokens)
        notes = ([notice] if notice else []) + notes
        sent = [{"role": m["role"], "content": m["content"]} for m in history if not m.get("failed")]
        request = ([{"role": "system", "content": system_prompt}] if system_prompt else []) + sent \
            + [{"role": "user", "content": message}]
        request = llm.trim_history(request)
        history += [{"role": "user", "content": message}, {"role": "assistant", "content": ""}]
        yield _visible(history), history, "", _status(notes)
        try:
            for text in guarded_stream(lambda: backend.stream_chat(request, config), timeout_s):
                history[-1]["content"] = text
                yield _visible(history), history, "", _status(notes)
        except llm.BackendError as exc:
            history[-1] = {"role": "assistant", "content": f"⚠️ {error_text(exc)}", "failed": True}
            history[-2]["failed"] = True
            yield _visible(history), history, "", _status(notes + [error_text(exc)])
            return
        if not history[-1]["content"].strip():
            history[-1]["content"] = "(the model returned an empty answer)"
        yield _visible(history), history, "", _status(notes)

    return respond


# ---------------------------------------------------------------------------------------------- builders

def _sliders():
    import gradio as gr

    with gr.Accordion("Sampling settings", open=True):
        with gr.Row():
            temperature = gr.Slider(*SLIDERS["temperature"][:2], value=DEFAULTS["temperature"],
                                    step=SLIDERS["temperature"][2], label="Temperature",
                                    info="0 = always the most likely token", elem_id="temperature")
            top_p = gr.Slider(*SLIDERS["top_p"][:2], value=DEFAULTS["top_p"], step=SLIDERS["top_p"][2],
                              label="Top-p", info="keep the most likely tokens up to this total probability",
                              elem_id="top_p")
        with gr.Row():
            top_k = gr.Slider(*SLIDERS["top_k"][:2], value=DEFAULTS["top_k"], step=1, label="Top-k",
                              info="keep only the k most likely tokens", elem_id="top_k")
            max_tokens = gr.Slider(*SLIDERS["max_output_tokens"][:2], value=DEFAULTS["max_output_tokens"], step=1,
                                   label="Max output tokens", elem_id="max_tokens")
    return [temperature, top_p, top_k, max_tokens]


def _header(kind: str, backend: llm.Backend) -> str:
    lines = [f"# {TITLES[kind]} (lab {LAB_OF[kind]})", f"Backend: **{backend.describe()}**."]
    if getattr(backend, "fallback_reason", None):
        lines.append(f"> {backend.fallback_reason}")
    if kind == "codechat":
        if backend.code_execution:
            lines.append("Gemini may write and run Python in Google's sandbox (server-side code execution); "
                         "nothing runs on this machine.")
        else:
            lines.append("This backend only chats: it writes code but runs none (code execution needs "
                         "`--backend gemini`). Nothing runs on this machine.")
    lines.append(f"Prompts longer than {llm.MAX_PROMPT_CHARS:,} characters are truncated.")
    return "\n\n".join(lines)


def _blocks(kind: str):
    import gradio as gr

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    return gr.Blocks(title=f"{TITLES[kind]} · lab {LAB_OF[kind]}", analytics_enabled=False)


def build_text_app(backend: llm.Backend, timeout_s: float = DEFAULT_TIMEOUT_S):
    """The 05-1 text generation app: prompt, sampling sliders, answer. API endpoint ``/generate``.

    >>> build_text_app(llm.make_backend("local")).launch()               # doctest: +SKIP
    """
    import gradio as gr

    with _blocks("text") as demo:
        gr.Markdown(_header("text", backend))
        with gr.Row():
            with gr.Column(scale=3):
                prompt = gr.Textbox(label="Prompt", lines=5, placeholder="Ask something, e.g. What is a tokenizer?",
                                    elem_id="prompt")
                run = gr.Button("Generate", variant="primary", elem_id="generate")
            with gr.Column(scale=2):
                sliders = _sliders()
        answer = gr.Textbox(label="Answer", lines=8, interactive=False, elem_id="answer")
        status = gr.Markdown(elem_id="status")
        fn = text_handler(backend, timeout_s)
        run.click(fn, [prompt, *sliders], [answer, status], api_name="generate")
        prompt.submit(fn, [prompt, *sliders], [answer, status], api_visibility="private")
    return demo


def build_chat_app(backend: llm.Backend, timeout_s: float = DEFAULT_TIMEOUT_S, *, code: bool = False):
    """The 05-2 chat app (``code=True``: the 05-3 code chat). API endpoints ``/chat`` and ``/clear``.

    History is a ``gr.State``: one conversation per browser session, never shared between visitors.

    >>> build_chat_app(llm.make_backend("local")).launch()               # doctest: +SKIP
    """
    import gradio as gr

    kind = "codechat" if code else "chat"
    system = llm.SYSTEM_PROMPTS["code" if code else "chat"]
    with _blocks(kind) as demo:
        gr.Markdown(_header(kind, backend))
        history = gr.State([])
        chatbot = gr.Chatbot(label="Conversation", height=380, elem_id="chatbot", buttons=["copy"])
        with gr.Row():
            message = gr.Textbox(label="Message", scale=5, elem_id="message", lines=2,
                                 placeholder=("Ask for code, e.g. Write a Python function that reverses a string."
                                              if code else "Say hello, or ask e.g. What is attention?"))
            with gr.Column(scale=1, min_width=120):
                send = gr.Button("Send", variant="primary", elem_id="send")
                clear = gr.Button("Clear", elem_id="clear")
        status = gr.Markdown(elem_id="status")
        sliders = _sliders()
        fn = chat_handler(backend, system, timeout_s)
        send.click(fn, [message, history, *sliders], [chatbot, history, message, status], api_name="chat")
        message.submit(fn, [message, history, *sliders], [chatbot, history, message, status],
                       api_visibility="private")
        clear.click(lambda: ([], [], "", ""), None, [chatbot, history, message, status], api_name="clear")
    return demo


def build_codechat_app(backend: llm.Backend, timeout_s: float = DEFAULT_TIMEOUT_S):
    """The 05-3 code chat: the chat app with a coding system prompt; code blocks render as Markdown. With the
    Gemini backend, make it with ``code_execution=True`` so Gemini may run code server-side.

    >>> build_codechat_app(llm.make_backend("gemini", code_execution=True))   # doctest: +SKIP
    """
    return build_chat_app(backend, timeout_s, code=True)


def build_app(kind: str, backend: llm.Backend, timeout_s: float = DEFAULT_TIMEOUT_S):
    """The app called ``kind`` (``text`` | ``chat`` | ``codechat``)."""
    builders = {"text": build_text_app, "chat": build_chat_app, "codechat": build_codechat_app}
    if kind not in builders:
        raise ValueError(f"unknown app {kind!r}; choose one of {', '.join(KINDS)}")
    return builders[kind](backend, timeout_s)


# ---------------------------------------------------------------------------------------------- running

def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on ``host``."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def launch(demo, host: str = "127.0.0.1", port: int | None = None, share: bool = False, block: bool = False):
    """Start ``demo``; returns its local URL. ``block=False`` returns at once (close with ``demo.close()``)."""
    port = port or free_port(host)
    demo.queue(default_concurrency_limit=2)
    _, url, _ = demo.launch(server_name=host, server_port=port, share=share, prevent_thread_lock=not block,
                            quiet=True, ssr_mode=False, footer_links=["api"], show_error=False)
    return url or f"http://{host}:{port}/"


DEMO_PROMPTS = {"text": "What is a transformer?", "chat": "What is attention?",
                "codechat": "Write a Python function that reverses a string."}


def selftest(kind: str, backend: llm.Backend, timeout_s: float = DEFAULT_TIMEOUT_S) -> int:
    """Build the app, serve it on 127.0.0.1, send one request through gradio_client, check the reply, close.

    What ``labkit run 05-1`` executes (``python 05-llm/05-1-text-gradio.py --selftest``). Returns an exit code.
    """
    from gradio_client import Client

    demo = build_app(kind, backend, timeout_s)
    url = launch(demo)
    try:
        client = Client(url, verbose=False)
        if kind == "text":
            reply, status = client.predict(DEMO_PROMPTS[kind], 0.0, 1.0, 40, 64, api_name="/generate")
        else:
            conversation, _, status = client.predict(DEMO_PROMPTS[kind], 0.0, 1.0, 40, 96, api_name="/chat")
            reply = conversation[-1]["content"] if conversation else ""
            reply = reply if isinstance(reply, str) else str(reply)
        client.close()
    finally:
        demo.close()
    ok = bool(reply.strip()) and "could not answer" not in reply and "could not answer" not in (status or "")
    print(f"selftest {kind} app ({backend.describe()}) at {url}")
    print(f"  prompt: {DEMO_PROMPTS[kind]}\n  reply:  {reply[:300]!r}" + (f"\n  status: {status}" if status else ""))
    print("selftest " + ("passed" if ok else "FAILED: empty or failed reply"))
    return 0 if ok else 1


def parser(kind: str | None = None) -> argparse.ArgumentParser:
    """The command-line flags every app shares."""
    p = argparse.ArgumentParser(prog=f"{kind or 'labkit app'}",
                                description=f"{TITLES.get(kind, 'LLM')} app (Gradio) on Gemini or a local model")
    p.add_argument("--backend", choices=llm.BACKENDS, default=None,
                   help="gemini (Vertex AI) or local (transformers); default $LABKIT_LLM_BACKEND, else local")
    p.add_argument("--model", help="Gemini model id or local hub id (defaults: "
                                   f"{llm.DEFAULT_GEMINI_MODEL} / {llm.DEFAULT_LOCAL_MODEL})")
    p.add_argument("--project", help="Google Cloud project (default $GOOGLE_CLOUD_PROJECT)")
    p.add_argument("--location", help=f"Vertex AI location (default $GOOGLE_CLOUD_LOCATION or {llm.DEFAULT_LOCATION})")
    p.add_argument("--fallback", action="store_true", default=None,
                   help="if Gemini is not set up, use the local model instead of stopping ($LABKIT_LLM_FALLBACK=1)")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1: this machine "
                                                        "only; 0.0.0.0 in a container)")
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 7860),
                   help="port (default $PORT, else 7860)")
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link (off by default)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds allowed per answer")
    p.add_argument("--selftest", action="store_true",
                   help="serve on a free local port, send one request, check the reply, exit")
    return p


def main(kind: str, argv: list[str] | None = None) -> int:
    """Run the ``kind`` app from the command line (what each ``05-llm/*.py`` file calls)."""
    if kind not in KINDS:
        raise SystemExit(f"unknown app {kind!r}; choose one of {', '.join(KINDS)}")
    args = parser(kind).parse_args(argv)
    if args.port < 0 or args.port > 65535:
        print(f"--port {args.port} is not a TCP port (0-65535)", file=sys.stderr)
        return 2
    try:
        backend = llm.make_backend(args.backend, model=args.model, project=args.project, location=args.location,
                                   fallback=args.fallback, code_execution=(kind == "codechat"),
                                   timeout_s=args.timeout)
        if isinstance(backend, llm.LocalBackend):
            backend.load()          # build / load the model now, not on the first visitor's request
    except (llm.BackendUnavailable, ValueError) as exc:
        print(f"{kind} app: {exc}", file=sys.stderr)
        return 2
    if getattr(backend, "fallback_reason", None):
        print(backend.fallback_reason, file=sys.stderr)
    if args.selftest:
        return selftest(kind, backend, args.timeout)
    demo = build_app(kind, backend, args.timeout)
    print(f"{TITLES[kind]} app on {backend.describe()}: http://{args.host}:{args.port}/ (Ctrl+C stops it)")
    launch(demo, args.host, args.port, share=args.share, block=True)
    return 0


# ---------------------------------------------------------------------------------------------- labkit CLI

def add_cli(sub) -> None:
    """``labkit app text|chat|codechat [flags]``: the same as running the app file."""
    p = sub.add_parser("app", help="start one of the module 05 Gradio apps (text, chat, codechat)",
                       description="Start a module 05 app; flags after the name are the app's own "
                                   "(see `labkit app chat --help`).")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("app_args", nargs=argparse.REMAINDER, help="flags for the app (--backend, --port, ...)")
    p.set_defaults(fn=_cmd_app)


def _cmd_app(args) -> int:
    return main(args.kind, args.app_args)
