"""The module 05 Gradio apps driven through gradio_client: replies shown, per-session chat history, bad input
(empty, 100,000 characters, failing and hanging backends, out-of-range sliders), the Gemini code-execution
request, and the apps' own commands (--selftest, `labkit app`). No test touches the network: every server
listens on 127.0.0.1 on a port chosen at run time and is closed by its fixture."""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from pathlib import Path

import pytest

from labkit import apps, llm

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = {"text": "05-llm/05-1-text-gradio.py", "chat": "05-llm/05-2-chat-gradio.py",
             "codechat": "05-llm/05-3-codechat-gradio.py"}
TEST_CACHE = ROOT / "build" / "test-cache" / "labkit"     # shared by the app tests: the stand-in is built once


# ---------------------------------------------------------------------------------------------- helpers

@contextlib.contextmanager
def standin_env():
    """Tiny profile with a test-only labkit cache; restores the environment and the profile afterwards."""
    from labkit import env

    saved_env, saved_profile = dict(os.environ), env._last_profile
    hf_constants = sys.modules.get("huggingface_hub.constants")
    saved_hf = (hf_constants.HF_HUB_OFFLINE, hf_constants.HF_HUB_CACHE) if hf_constants else None
    os.environ.update(LABKIT_PROFILE="tiny", LABKIT_CACHE=str(TEST_CACHE))
    env._last_profile = env.Profile("tiny", reason="test", online=False)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        env._last_profile = saved_profile
        if saved_hf is not None:
            hf_constants.HF_HUB_OFFLINE, hf_constants.HF_HUB_CACHE = saved_hf


class Echo(llm.Backend):
    """A deterministic backend: repeats the last user message, counts user turns, reports the settings."""

    name = "echo"

    def __init__(self):
        self.requests: list[tuple[list[dict], llm.GenerationConfig]] = []

    def describe(self):
        return "echo test backend"

    def stream_chat(self, messages, config):
        self.requests.append((messages, config))
        users = [m["content"] for m in messages if m["role"] == "user"]
        yield f"echo: {users[-1][:40]}"
        yield f" (turn {len(users)}, top_p={config.top_p})"


class Failing(Echo):
    """Raises on requests whose prompt contains FAIL or CRASH, hangs on HANG; echoes otherwise."""

    def stream_chat(self, messages, config):
        last = messages[-1]["content"]
        if "FAIL" in last:
            raise llm.BackendError("quota exhausted")
        if "CRASH" in last:
            raise ZeroDivisionError("division by zero")
        if "HANG" in last:
            yield "partial"
            time.sleep(5)
        yield from super().stream_chat(messages, config)


class FakeModels:
    def __init__(self, responses, error=None):
        self.responses, self.error, self.calls = list(responses), error, []

    def _record(self, method, kwargs):
        self.calls.append({"method": method, **kwargs})
        if self.error is not None:
            raise self.error

    def generate_content(self, **kwargs):
        self._record("generate_content", kwargs)
        return self.responses[0]

    def generate_content_stream(self, **kwargs):
        self._record("generate_content_stream", kwargs)
        return iter(self.responses)


class FakeGeminiClient:
    """Stands in for ``genai.Client`` at the request boundary: records requests, returns canned responses."""

    def __init__(self, responses, error=None):
        self.models = FakeModels(responses, error)


def gemini_response(text: str = "", code: str | None = None, output: str | None = None):
    """A real ``GenerateContentResponse`` with text, and optionally executed code and its result."""
    from google.genai import types

    parts = [types.Part(text=text)] if text else []
    if code is not None:
        parts.append(types.Part(executable_code=types.ExecutableCode(code=code, language="PYTHON")))
    if output is not None:
        parts.append(types.Part(code_execution_result=types.CodeExecutionResult(outcome="OUTCOME_OK",
                                                                                output=output)))
    return types.GenerateContentResponse(candidates=[types.Candidate(
        content=types.Content(role="model", parts=parts))])


@contextlib.contextmanager
def serve(kind: str, backend: llm.Backend, timeout_s: float = 30.0):
    """The ``kind`` app on 127.0.0.1 at a free port; yields its URL and closes it afterwards."""
    demo = apps.build_app(kind, backend, timeout_s)
    url = apps.launch(demo)
    try:
        yield url
    finally:
        demo.close()


def client(url):
    from gradio_client import Client

    return Client(url, verbose=False)


def texts(conversation) -> list[tuple[str, str]]:
    """(role, text) pairs from a Chatbot value as gradio_client returns it (content = list of text parts)."""
    out = []
    for message in conversation:
        content = message["content"]
        if isinstance(content, list):
            content = "".join(part.get("text", "") for part in content)
        out.append((message["role"], content))
    return out


# ---------------------------------------------------------------------------------------------- text app

@pytest.fixture(scope="module")
def text_app():
    backend = Failing()
    with serve("text", backend, timeout_s=1.5) as url:
        yield url, backend


def test_text_app_shows_the_reply_and_sends_the_slider_values(text_app):
    url, backend = text_app
    answer, status = client(url).predict("What is BPE?", 0.3, 0.8, 12, 77, api_name="/generate")
    assert answer == "echo: What is BPE? (turn 1, top_p=0.8)" and status == ""
    messages, config = backend.requests[-1]
    assert messages == [{"role": "user", "content": "What is BPE?"}]
    assert (config.temperature, config.top_p, config.top_k, config.max_output_tokens) == (0.3, 0.8, 12, 77)


def test_text_app_empty_prompt_gets_a_message_and_no_model_call(text_app):
    url, backend = text_app
    before = len(backend.requests)
    answer, status = client(url).predict("   ", 0.7, 0.9, 40, 64, api_name="/generate")
    assert answer == "" and apps.EMPTY_PROMPT in status and len(backend.requests) == before


def test_text_app_truncates_a_100k_prompt_with_a_notice(text_app):
    url, backend = text_app
    answer, status = client(url).predict("z" * 100_000, 0.7, 0.9, 40, 64, api_name="/generate")
    assert len(backend.requests[-1][0][0]["content"]) == llm.MAX_PROMPT_CHARS
    assert "The prompt had 100,000 characters; only the first 8,000 were sent" in status
    assert answer.startswith("echo: zzz")


@pytest.mark.parametrize("prompt,words", [("FAIL now", "quota exhausted"),
                                          ("CRASH now", "ZeroDivisionError: division by zero"),
                                          ("HANG now", "did not finish within 1.5 s")])
def test_text_app_backend_failure_is_a_message_and_the_app_keeps_serving(text_app, prompt, words):
    url, _ = text_app
    c = client(url)
    answer, status = c.predict(prompt, 0.7, 0.9, 40, 64, api_name="/generate")
    assert "The model could not answer" in status and words in status and "Traceback" not in status
    assert answer in ("", "partial")
    assert c.predict("still there?", 0.7, 0.9, 40, 64, api_name="/generate")[0].startswith("echo: still there?")


@pytest.mark.parametrize("values,words", [((0.7, 5.0, 40, 64), "greater than maximum value 1"),
                                          ((-1.0, 0.9, 40, 64), "less than minimum value 0"),
                                          ((0.7, 0.9, 0, 64), "less than minimum value 1"),
                                          ((0.7, 0.9, 40, 10**6), "greater than maximum value 2048")])
def test_text_app_rejects_out_of_range_sliders_sent_through_the_api(text_app, values, words):
    from gradio_client.exceptions import AppError

    url, backend = text_app
    c = client(url)
    before = len(backend.requests)
    with pytest.raises(AppError, match=words):
        c.predict("hello", *values, api_name="/generate")
    assert len(backend.requests) == before                      # nothing reached the model
    assert c.predict("hello", 0.7, 1.0, 40, 64, api_name="/generate")[0] == "echo: hello (turn 1, top_p=1.0)"


def test_handler_clamps_values_that_bypass_the_sliders():
    backend = Echo()
    *_, (answer, status) = apps.text_handler(backend)("hi", 3.0, 1.5, 0, 64)
    assert backend.requests[-1][1].top_p == 1.0 and backend.requests[-1][1].temperature == 2.0
    assert "top_p=1.5 is out of range [0.0, 1.0]; used 1.0" in status and answer.startswith("echo: hi")


# ---------------------------------------------------------------------------------------------- chat app

@pytest.fixture(scope="module")
def chat_app():
    backend = Failing()
    with serve("chat", backend, timeout_s=1.5) as url:
        yield url, backend


def test_chat_keeps_history_per_session(chat_app):
    url, backend = chat_app
    alice, bob = client(url), client(url)
    conv, _, status = alice.predict("I am Alice", 0.7, 0.9, 40, 64, api_name="/chat")
    assert texts(conv) == [("user", "I am Alice"), ("assistant", "echo: I am Alice (turn 1, top_p=0.9)")]
    conv, _, _ = bob.predict("I am Bob", 0.7, 0.9, 40, 64, api_name="/chat")
    assert texts(conv) == [("user", "I am Bob"), ("assistant", "echo: I am Bob (turn 1, top_p=0.9)")]
    conv, textbox, _ = alice.predict("Who am I?", 0.7, 0.5, 40, 64, api_name="/chat")
    assert [t for _, t in texts(conv)] == ["I am Alice", "echo: I am Alice (turn 1, top_p=0.9)", "Who am I?",
                                           "echo: Who am I? (turn 2, top_p=0.5)"]
    assert textbox == ""
    sent = backend.requests[-1][0]
    assert sent[0] == {"role": "system", "content": llm.SYSTEM_PROMPTS["chat"]}
    assert "I am Bob" not in str(sent) and [m["content"] for m in sent[1:]][0] == "I am Alice"


def test_chat_clear_starts_a_new_conversation(chat_app):
    url, _ = chat_app
    c = client(url)
    c.predict("first", 0.7, 0.9, 40, 64, api_name="/chat")
    assert c.predict(api_name="/clear")[0] == []
    conv, _, _ = c.predict("second", 0.7, 0.9, 40, 64, api_name="/chat")
    assert texts(conv) == [("user", "second"), ("assistant", "echo: second (turn 1, top_p=0.9)")]


def test_chat_bad_input_is_handled_and_the_chat_goes_on(chat_app):
    from gradio_client.exceptions import AppError

    url, backend = chat_app
    c = client(url)
    conv, _, status = c.predict("", 0.7, 0.9, 40, 64, api_name="/chat")
    assert conv == [] and apps.EMPTY_PROMPT in status
    conv, _, status = c.predict("FAIL please", 0.7, 0.9, 40, 64, api_name="/chat")
    assert texts(conv)[-1][1].startswith("⚠️ The model could not answer: quota exhausted")
    conv, _, status = c.predict("HANG please", 0.7, 0.9, 40, 64, api_name="/chat")
    assert "did not finish within 1.5 s" in texts(conv)[-1][1]
    with pytest.raises(AppError, match="greater than maximum value 1"):
        c.predict("hi", 0.7, 3.0, 40, 64, api_name="/chat")
    conv, _, status = c.predict("y" * 100_000, 0.7, 0.9, 40, 64, api_name="/chat")
    assert "only the first 8,000 were sent" in status and len(texts(conv)[-2][1]) == llm.MAX_PROMPT_CHARS
    conv, _, _ = c.predict("fine now?", 0.7, 0.9, 40, 64, api_name="/chat")
    assert texts(conv)[-1] == ("assistant", "echo: fine now? (turn 2, top_p=0.9)")    # failed turns not resent
    assert [m["content"][:4] for m in backend.requests[-1][0][1:]] == ["yyyy", "echo", "fine"]


# ---------------------------------------------------------------------------------------------- code chat

def test_codechat_with_gemini_uses_code_execution_and_renders_code():
    fake = FakeGeminiClient([gemini_response("Computing."), gemini_response(code="print(6 * 7)", output="42\n")])
    backend = llm.make_backend("gemini", project="p", client=fake, code_execution=True)
    with serve("codechat", backend) as url:
        conv, _, _ = client(url).predict("What is 6 times 7? Use code.", 0.2, 0.9, 40, 128, api_name="/chat")
    reply = texts(conv)[-1][1]
    assert reply.startswith("Computing.") and "```python\nprint(6 * 7)\n```" in reply and "```text\n42\n```" in reply
    call = fake.models.calls[-1]
    assert call["method"] == "generate_content_stream" and call["model"] == "gemini-2.5-flash"
    assert call["config"].tools[0].code_execution is not None and call["config"].top_p == 0.9
    assert call["config"].system_instruction == llm.SYSTEM_PROMPTS["code"]
    assert call["contents"][-1].parts[0].text == "What is 6 times 7? Use code."


def test_codechat_header_says_what_runs_where():
    assert "only chats" in apps._header("codechat", llm.LocalBackend())
    gem = llm.GeminiBackend(project="p", client=object(), code_execution=True)
    assert "Google's sandbox" in apps._header("codechat", gem) and "nothing runs on this machine" in \
        apps._header("codechat", gem)


# ---------------------------------------------------------------------------------------------- real model

@pytest.fixture(scope="module")
def local_backend():
    with standin_env():
        backend = llm.LocalBackend()
        backend.load()
        yield backend


def test_text_app_on_the_local_standin(local_backend):
    expected = local_backend.generate("What is attention?", llm.GenerationConfig(temperature=0, max_output_tokens=64))
    with serve("text", local_backend) as url:
        answer, status = client(url).predict("What is attention?", 0.0, 1.0, 40, 64, api_name="/generate")
    assert answer == expected and answer.startswith("Attention compares a query with every key") and status == ""


def test_codechat_app_on_the_local_standin_streams_a_code_block(local_backend):
    with serve("codechat", local_backend) as url:
        conv, _, _ = client(url).predict("Write a Python function that counts words.", 0.0, 1.0, 40, 120,
                                         api_name="/chat")
    reply = texts(conv)[-1][1]
    assert reply.startswith("Here is one way:\n\n```python\ndef ") and reply.count("```") == 2


def test_chat_and_codechat_selftests_in_process(local_backend):
    assert apps.selftest("chat", local_backend) == 0
    assert apps.selftest("codechat", local_backend) == 0


# ---------------------------------------------------------------------------------------------- commands

def test_app_files_parse_and_call_the_shared_main():
    for kind, path in APP_FILES.items():
        source = (ROOT / path).read_text(encoding="utf-8")
        compile(source, path, "exec")
        assert f'main("{kind}", sys.argv[1:])' in source


def test_selftest_command_of_the_text_app(local_backend, monkeypatch, capsys):
    """Runs the app file as a script (``python 05-llm/05-1-text-gradio.py --selftest``, what ``labkit run 05-1``
    does) in this process, so the imports are not paid twice."""
    import runpy

    monkeypatch.setattr(sys, "argv", [APP_FILES["text"], "--selftest", "--backend", "local"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(ROOT / APP_FILES["text"]), run_name="__main__")
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    assert "reply:  'A transformer is a neural network" in out and "selftest passed" in out


def test_command_line_flags_and_defaults():
    args = apps.parser("chat").parse_args([])
    assert (args.host, args.share, args.backend) == ("127.0.0.1", False, None)
    args = apps.parser("chat").parse_args(["--backend", "gemini", "--port", "9000", "--share", "--fallback"])
    assert (args.backend, args.port, args.share, args.fallback) == ("gemini", 9000, True, True)


def test_gemini_without_setup_stops_with_a_message(monkeypatch, capsys):
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.delenv("LABKIT_LLM_FALLBACK", raising=False)
    assert apps.main("text", ["--backend", "gemini"]) == 2
    assert "needs a Google Cloud project" in capsys.readouterr().err


def test_labkit_app_subcommand_is_registered(monkeypatch):
    from labkit import cli

    seen = {}
    monkeypatch.setattr(apps, "main", lambda kind, argv: seen.setdefault("call", (kind, argv)) and 0)
    assert cli.main(["app", "codechat", "--backend", "local", "--port", "8123"]) == 0
    assert seen["call"] == ("codechat", ["--backend", "local", "--port", "8123"])


def test_launch_listens_on_localhost_without_share_by_default():
    demo = apps.build_app("text", Echo())
    url = apps.launch(demo)
    try:
        assert url.startswith("http://127.0.0.1:") and demo.share is False and demo.share_url is None
    finally:
        demo.close()
    assert threading.active_count() >= 1
