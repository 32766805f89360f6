"""Lab 05-2: a chat app (Gradio) on Gemini or a local model.

A multi-turn chat whose history belongs to each browser session (a ``gr.State``, never one global list),
replies streamed as they are generated, a Clear button, and the sampling sliders of 05-1. Built by
``labkit.apps.build_chat_app``.

    python 05-llm/05-2-chat-gradio.py                          # local model, http://127.0.0.1:7860
    python 05-llm/05-2-chat-gradio.py --backend gemini --project MY-PROJECT
    python 05-llm/05-2-chat-gradio.py --selftest               # what `labkit run 05-2` checks

See 05-llm/README.md for every flag and environment variable.
"""
import sys

from labkit.apps import main

if __name__ == "__main__":
    raise SystemExit(main("chat", sys.argv[1:]))
