"""The page preview in a real browser: ask about a scanned PDF, click [1], the page image shows with the cited
passage highlighted. Debian's Chromium via Playwright; the served app answers with the extractive fake chat
server (tests/fake_llm.py), so the test needs no real model. Screenshot: test-artifacts/preview/."""

from __future__ import annotations

import base64
import io
import os
from pathlib import Path

import pytest

from tests import pagekit
from tests.conftest import ROOT
from tests.fake_llm import FakeChatServer
from tests.servers import start_app

pytestmark = [pytest.mark.browser, pytest.mark.server]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts" / "preview"
QUESTION = "What does Shenzhen grant to each robot demonstration project?"
TIMEOUT_MS = 180_000  # two shared cores


def yellow_share(image) -> float:
    pixels = list(image.convert("RGB").getdata())
    return sum(1 for r, g, b in pixels if r > 200 and g > 150 and b < 190) / len(pixels)


def test_clicking_a_citation_shows_the_scanned_page_with_the_passage_highlighted(tmp_path):
    from PIL import Image
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        message = "Debian's Chromium is missing: run `make browser` (apt-get install chromium)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "shenzhen-scan.pdf").write_bytes(pagekit.image_only_pdf([pagekit.EN_PAGE]))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with FakeChatServer() as chat:
        env = {
            "ASSISTANT_DOCUMENTS_DIR": str(documents),
            "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
            "ASSISTANT_PAGES_CACHE_DIR": str(tmp_path / "pages"),
            "ASSISTANT_EMBEDDINGS": "e5",
            "ASSISTANT_LLM_BASE_URL": chat.url,
            "OMP_NUM_THREADS": "2",
        }
        server = start_app(env, tmp_path / "server.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(server.url)
                page.fill("#question textarea", QUESTION)
                page.click("#ask")
                page.wait_for_selector("#chat .badge", timeout=TIMEOUT_MS)
                link = page.locator('#chat a[href^="#passage-1-"]').first
                if not link.count():
                    page.screenshot(path=str(ARTIFACTS / "no-citation.png"), full_page=True)
                    pytest.fail(f"the answer cites nothing: {page.locator('#chat').inner_text()}")
                assert "[1]" in link.inner_text()
                link.click()
                image = page.locator("#preview img.page-image")
                image.wait_for(state="visible", timeout=TIMEOUT_MS)
                page.wait_for_function("document.querySelector('#preview img.page-image').complete")
                image.scroll_into_view_if_needed()
                page.screenshot(path=str(ARTIFACTS / "scanned-page-preview.png"), full_page=True)
                assert page.locator("#preview .ocr-tag").count() == 1
                assert image.bounding_box()["width"] > 300  # readable, not a thumbnail
                source = image.get_attribute("src")
                browser.close()
        finally:
            server.stop()
    shown = Image.open(io.BytesIO(base64.b64decode(source.split("base64,", 1)[1])))
    assert 0.005 < yellow_share(shown) < 0.2  # the passage's lines are marked, not the whole page
