"""Take the screenshots in images/ from the real running apps (tiny profile, local backend, headless Chromium).

    LABKIT_PROFILE=tiny python tools/screenshots.py            # writes images/05-{1,2,3}-*-app.png

Each app is served on 127.0.0.1 at a free port, a demo conversation is typed into the page, and the page is
captured once the (greedy, so reproducible) reply has fully streamed in. Needs Debian's chromium at
/usr/bin/chromium and the playwright Python package (no browser download).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "images"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = {   # app -> (file, the prompts typed one after the other)
    "text": ("05-1-text-app.png", ["What is a transformer?"]),
    "chat": ("05-2-chat-app.png", ["Hello!", "What is top-p?"]),
    "codechat": ("05-3-codechat-app.png", ["Write a Python function that reverses a string."]),
}
GREEDY = dict(temperature=0.0, top_p=0.95, top_k=40, max_output_tokens=256)


def set_temperature_zero(page) -> None:
    box = page.locator("#temperature input[type=number]")
    box.fill("0")
    box.press("Enter")


def shoot_text(page, backend, prompts) -> None:
    from labkit import llm

    set_temperature_zero(page)
    for prompt in prompts:
        expected = backend.generate(prompt, llm.GenerationConfig(**GREEDY))
        page.locator("#prompt textarea").fill(prompt)
        page.locator("#generate").click()
        page.wait_for_function("(want) => document.querySelector('#answer textarea').value === want",
                               arg=expected, timeout=60_000)


def shoot_chat(page, backend, prompts, system) -> None:
    from labkit import llm

    set_temperature_zero(page)
    history = [{"role": "system", "content": system}]
    for prompt in prompts:
        history.append({"role": "user", "content": prompt})
        expected = backend.chat(history, llm.GenerationConfig(**GREEDY))
        history.append({"role": "assistant", "content": expected})
        page.locator("#message textarea").fill(prompt)
        page.locator("#send").click()
        last_line = expected.strip().splitlines()[-1][-30:]
        page.wait_for_function("(want) => document.querySelector('#chatbot').innerText.includes(want)",
                               arg=last_line, timeout=60_000)


def main() -> int:
    os.environ.setdefault("LABKIT_PROFILE", "tiny")
    from playwright.sync_api import sync_playwright

    from labkit import apps, llm

    backend = llm.LocalBackend()
    backend.load()
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            for kind, (name, prompts) in SHOTS.items():
                demo = apps.build_app(kind, backend)
                url = apps.launch(demo)
                context = browser.new_context(viewport={"width": 1100, "height": 900}, device_scale_factor=1)
                try:
                    page = context.new_page()
                    page.goto(url, wait_until="domcontentloaded")
                    page.locator("#send, #generate").first.wait_for(timeout=60_000)
                    if kind == "text":
                        shoot_text(page, backend, prompts)
                    else:
                        shoot_chat(page, backend, prompts, llm.SYSTEM_PROMPTS["code" if kind == "codechat" else
                                                                              "chat"])
                    page.wait_for_timeout(500)
                    page.screenshot(path=str(OUT / name), full_page=True)
                    print(f"wrote {(OUT / name).relative_to(ROOT)}")
                finally:
                    context.close()
                    demo.close()
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
