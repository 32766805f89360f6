"""Lab 05-1: a text generation app (Gradio) on Gemini or a local model.

One prompt in, one answer out, with sliders for temperature, top-p (0 to 1), top-k and the maximum number of
output tokens. The app itself is built in ``labkit/apps.py`` (``build_text_app``), shared with 05-2 and 05-3.

    python 05-llm/05-1-text-gradio.py                          # local model, http://127.0.0.1:7860
    python 05-llm/05-1-text-gradio.py --backend gemini --project MY-PROJECT
    python 05-llm/05-1-text-gradio.py --selftest               # what `labkit run 05-1` checks

See 05-llm/README.md for every flag and environment variable.
"""
import sys

from labkit.apps import main

if __name__ == "__main__":
    raise SystemExit(main("text", sys.argv[1:]))
