"""The module 05 apps in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright): load the
page, type a prompt, submit, see the reply; two browser contexts of the chat app keep separate histories."""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

sys.path.insert(0, str(Path(__file__).parent))
from test_apps import Echo, FakeGeminiClient, gemini_response, serve, standin_env  # noqa: E402

from labkit import llm  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WAIT_MS = 30_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                                                             "(apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def open_page(browser, url):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.locator("#send, #generate").first.wait_for(timeout=WAIT_MS)
    return context, page


def send_chat(page, text):
    page.locator("#message textarea").fill(text)
    page.locator("#send").click()


def bot_messages(page) -> list[str]:
    return [t.strip() for t in page.locator("#chatbot .message.bot, #chatbot [data-testid='bot']").all_inner_texts()]


def test_text_app_in_chromium_shows_the_local_model_reply(browser):
    with standin_env():
        backend = llm.LocalBackend()
        backend.load()
        expected = backend.generate("What is a tokenizer?", llm.GenerationConfig(temperature=0.0, top_p=0.95,
                                                                                 top_k=40, max_output_tokens=256))
        with serve("text", backend) as url:
            context, page = open_page(browser, url)
            try:
                page.locator("#temperature input[type=number]").fill("0")
                page.locator("#temperature input[type=number]").press("Enter")
                page.locator("#prompt textarea").fill("What is a tokenizer?")
                page.locator("#generate").click()
                answer = page.locator("#answer textarea")
                with contextlib.suppress(PlaywrightTimeout):     # the reply streams in: wait for all of it
                    page.wait_for_function("(want) => document.querySelector('#answer textarea').value === want",
                                           arg=expected, timeout=WAIT_MS)
                assert answer.input_value() == expected
                assert expected.startswith("A tokenizer splits text into pieces")
            finally:
                context.close()


def test_text_app_in_chromium_empty_prompt_shows_a_message(browser):
    backend = Echo()
    with serve("text", backend) as url:
        context, page = open_page(browser, url)
        try:
            page.locator("#generate").click()
            page.locator("#status").get_by_text("Please type a prompt first").wait_for(timeout=WAIT_MS)
            assert backend.requests == []
        finally:
            context.close()


def test_chat_sessions_in_two_browser_contexts_are_separate(browser):
    backend = Echo()
    with serve("chat", backend) as url:
        ctx_a, page_a = open_page(browser, url)
        ctx_b, page_b = open_page(browser, url)
        try:
            send_chat(page_a, "I am Alice")
            page_a.locator("#chatbot").get_by_text("echo: I am Alice (turn 1").wait_for(timeout=WAIT_MS)
            send_chat(page_b, "I am Bob")
            page_b.locator("#chatbot").get_by_text("echo: I am Bob (turn 1").wait_for(timeout=WAIT_MS)
            send_chat(page_a, "Second from Alice")
            page_a.locator("#chatbot").get_by_text("echo: Second from Alice (turn 2").wait_for(timeout=WAIT_MS)
            text_a, text_b = page_a.locator("#chatbot").inner_text(), page_b.locator("#chatbot").inner_text()
            assert "I am Alice" in text_a and "Bob" not in text_a
            assert "I am Bob" in text_b and "Alice" not in text_b
            page_a.locator("#clear").click()
            page_a.wait_for_function("() => !document.querySelector('#chatbot').innerText.includes('Alice')",
                                     timeout=WAIT_MS)
            assert "I am Bob" in page_b.locator("#chatbot").inner_text()     # clearing A leaves B alone
        finally:
            ctx_a.close()
            ctx_b.close()


def test_codechat_in_chromium_renders_gemini_code_as_a_code_block(browser):
    fake = FakeGeminiClient([gemini_response("Here is the check.", code="print(6 * 7)", output="42\n")])
    backend = llm.make_backend("gemini", project="p", client=fake, code_execution=True)
    with serve("codechat", backend) as url:
        context, page = open_page(browser, url)
        try:
            send_chat(page, "What is 6 times 7?")
            code = page.locator("#chatbot pre code").first
            code.wait_for(timeout=WAIT_MS)
            assert "print(6 * 7)" in code.inner_text()
            assert "42" in page.locator("#chatbot").inner_text()
            assert fake.models.calls[-1]["config"].tools[0].code_execution is not None
        finally:
            context.close()
