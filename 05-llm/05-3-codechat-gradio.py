"""Lab 05-3: a code chat app (Gradio) on Gemini or a local model.

The chat of 05-2 with a coding system prompt; answers render Markdown, so fenced code blocks show as code.
With ``--backend gemini`` Gemini's server-side code-execution tool is switched on: Gemini may write Python and
run it in Google's sandbox, and the code and its output appear in the answer. Nothing is ever executed on this
machine; the local backend only chats. Built by ``labkit.apps.build_codechat_app``.

    python 05-llm/05-3-codechat-gradio.py                      # local model, http://127.0.0.1:7860
    python 05-llm/05-3-codechat-gradio.py --backend gemini --project MY-PROJECT
    python 05-llm/05-3-codechat-gradio.py --selftest           # what `labkit run 05-3` checks

See 05-llm/README.md for every flag and environment variable.
"""
import sys

from labkit.apps import main

if __name__ == "__main__":
    raise SystemExit(main("codechat", sys.argv[1:]))
