"""The web UI in a real browser: Debian's Chromium, driven by Playwright, against `python -m assistant serve`.

The server runs the real default model on a free loopback port with a temporary documents folder and
index. Screenshots of every step go to test-artifacts/browser/. Set UPDATE_README_SCREENSHOT=1 to
also refresh docs/screenshot-chat.png.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE

pytestmark = [pytest.mark.browser, pytest.mark.llm]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
ANSWER_TIMEOUT_MS = 300_000  # the real model on 2 shared cores; usually 5-30 s

FUNDING_QUESTION = "What is the funding cap for new equipment with demonstrative value in Beijing's plan?"
QINGDAO_NOTICE = (
    "Notice on Supporting Harbor Robotics in Qingdao (2025)\n\n"
    "Issued by the Qingdao Municipal Bureau of Industry and Information Technology on 12 May 2025.\n\n"
    "The Qingdao harbor robotics notice offers a one-time subsidy of up to RMB 7.5 million for each autonomous "
    "container crane project that enters operation at Qingdao Port before the end of 2026. Enterprises apply "
    "through the municipal bureau, which reviews applications every quarter.\n"
)
QINGDAO_QUESTION = "What subsidy does the Qingdao harbor robotics notice offer for autonomous container crane projects?"
MARKUP = "<img src=x onerror=alert(1)>"
LANZHOU_NOTICE = (
    f"Lanzhou sandbox notice {MARKUP}\n\n"
    f"The Lanzhou sandbox notice sets a pilot fund of RMB 2 million for data labelling bases. {MARKUP} "
    "<script>alert('script')</script> Applications close in June.\n"
)
LANZHOU_QUESTION = "What pilot fund does the Lanzhou sandbox notice set for data labelling bases?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 600) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    pytest.fail(f"the server did not start within {timeout_s:g} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    work = tmp_path_factory.mktemp("browser")
    documents = work / "documents"
    documents.mkdir()
    shutil.copy(SAMPLE, documents / SAMPLE.name)
    with serving(work, documents) as url:
        yield {"url": url, "work": work}


def require_chromium() -> None:
    if not CHROMIUM.exists():
        message = "Debian's Chromium is missing: run `make browser` (apt-get install chromium)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


@contextmanager
def serving(work: Path, documents: Path, **settings: str) -> Iterator[str]:
    """`python -m assistant serve` on a free loopback port over ``documents``; yields its URL, stops it after."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(OMP_NUM_THREADS="2", GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", **settings)
    log = work / "server.log"
    command = [sys.executable, "-m", "assistant", "serve", "--documents", str(documents), "--index", str(work / "index")]
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_serving(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 860})
        tab.dialogs = []  # any alert() would land here: document text must never run
        tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
        tab.goto(server["url"])
        tab.wait_for_selector("#question textarea")
        yield tab
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def ask(page, question: str) -> None:
    """Ask and wait for the finished answer (its verification badge comes last)."""
    before = page.locator("#chat .badge").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        f"document.querySelectorAll('#chat .badge').length > {before}", timeout=ANSWER_TIMEOUT_MS, polling=500
    )


def last_reply(page):
    return page.locator("#chat .badge").last.locator(
        "xpath=ancestor::*[contains(concat(' ', normalize-space(@class), ' '), ' md ')][1]"
    )


def cited_cards(page, reply) -> list:
    """The sources-panel cards the reply's [n] links point to."""
    hrefs = [link.get_attribute("href") for link in reply.locator('a[href^="#passage-"]').all()]
    return [page.locator(f"#sources [id='{href[1:]}']") for href in hrefs]


def upload(page, path: Path) -> None:
    page.get_by_role("tab", name="Documents").click()
    page.set_input_files("#upload input[type=file]", str(path))
    page.wait_for_function(
        "(name) => { const text = document.querySelector('#library-message').innerText;"
        " return text.includes(name) && text.includes('Index updated'); }",
        arg=path.name,
        timeout=300_000,
    )
    # The table is a separate output and may render a moment after the message.
    page.wait_for_function(
        "(name) => document.querySelector('#documents').innerText.includes(name)", arg=path.name, timeout=60_000
    )


def test_funding_cap_answer_streams_and_its_citation_opens_the_passage(page):
    shot(page, "01-start")
    page.fill("#question textarea", FUNDING_QUESTION)
    page.click("#ask")
    page.wait_for_selector("#sources .passage", timeout=ANSWER_TIMEOUT_MS)  # passages arrive before the answer
    shot(page, "02-passages-while-answering")
    page.wait_for_selector("#chat .badge", timeout=ANSWER_TIMEOUT_MS)
    reply = last_reply(page)
    assert "30 million" in reply.inner_text()
    cards = cited_cards(page, reply)
    assert cards, "the answer carries a clickable citation"
    shot(page, "03-answer")

    reply.locator('a[href^="#passage-"]').first.click()
    card = cards[0]
    page.wait_for_function(
        "(id) => document.getElementById(id).classList.contains('active')", arg=card.get_attribute("id")
    )
    assert card.is_visible() and card.locator(".passage-meta").inner_text().startswith(SAMPLE.name)
    assert "30 million" in card.inner_text() and card.locator("mark").count() >= 1
    page.wait_for_timeout(600)  # the smooth scroll settles
    assert card.bounding_box()["y"] < page.viewport_size["height"], "the passage is brought into view"
    shot(page, "04-citation-opened")
    if os.environ.get("UPDATE_README_SCREENSHOT"):
        page.screenshot(path=str(ROOT / "docs" / "screenshot-chat.png"))

    page.click("#export")  # the accordion: copy or download the answer as Markdown
    page.wait_for_selector("#download", state="visible")
    with page.expect_download() as download:
        page.click("#download")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith(f"# {FUNDING_QUESTION}") and "30 million" in exported and "## Passages" in exported
    assert "(cited)" in exported and "> " in exported
    shot(page, "05-export")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(500)
    assert page.evaluate("document.documentElement.scrollWidth") <= 391, "no sideways scrolling on a phone"
    reply.locator('a[href^="#passage-"]').first.click()
    page.wait_for_timeout(800)
    assert card.bounding_box()["y"] < 844 and card.bounding_box()["y"] + 40 > 0
    shot(page, "06-phone-citation-opened")
    page.set_viewport_size({"width": 1280, "height": 860})


def test_uploaded_document_is_indexed_and_cited(page, server):
    notice = server["work"] / "qingdao-harbor-robotics-notice.txt"
    notice.write_text(QINGDAO_NOTICE, encoding="utf-8")
    upload(page, notice)
    table = page.inner_text("#documents")
    assert "qingdao-harbor-robotics-notice.txt" in table and "Notice on Supporting Harbor Robotics" in table
    shot(page, "07-documents-after-upload")

    page.get_by_role("tab", name="Chat").click()
    page.click("#new-chat")
    page.wait_for_function("document.querySelectorAll('#chat .badge').length === 0")
    ask(page, QINGDAO_QUESTION)
    sources = [card.locator(".passage-meta").inner_text() for card in cited_cards(page, last_reply(page))]
    assert any(meta.startswith("qingdao-harbor-robotics-notice.txt") for meta in sources), sources
    shot(page, "08-answer-citing-the-upload")


def test_document_markup_is_shown_as_text_and_never_runs(page, server):
    notice = server["work"] / "lanzhou-markup-notice.txt"
    notice.write_text(LANZHOU_NOTICE, encoding="utf-8")
    upload(page, notice)
    # the table is refreshed after the progress line says "Indexed": wait for the row, not for the line
    page.wait_for_function("m => document.querySelector('#documents').innerText.includes(m)", arg=MARKUP, timeout=60_000)
    assert MARKUP in page.inner_text("#documents") and page.locator("#documents img").count() == 0
    shot(page, "09-documents-markup-as-text")

    page.get_by_role("tab", name="Chat").click()
    ask(page, LANZHOU_QUESTION)
    assert MARKUP in page.inner_text("#sources")
    for where in ("#sources", "#chat", "#documents"):
        assert page.locator(f"{where} img, {where} script").count() == 0, where
    page.wait_for_timeout(1000)  # a broken image's onerror would have fired by now
    assert page.dialogs == []
    shot(page, "10-markup-shown-as-text")
