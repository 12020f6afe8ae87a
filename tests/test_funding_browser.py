"""The Funding tab in a real browser (Debian's Chromium via Playwright), in the style of test_browser.py.

No question is asked, so the language model is never loaded; the server indexes the sample article and
a short Chinese notice with the real embedding model.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLE
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, require_chromium, serving

pytestmark = pytest.mark.browser

NOTICE = (
    "# 天津市支持人工智能发展的若干措施\n\n"
    "1.支持算力应用。发放 2 亿元算力券。对租用智能算力的企业，给予最高 30%、最高 500 万元补贴。\n\n"
    "2.支持场景建设。对标杆场景项目，给予最高 1000 万元支持。\n"
)


@pytest.fixture(scope="module")
def funding_server(tmp_path_factory):
    require_chromium()
    work = tmp_path_factory.mktemp("funding-browser")
    documents = work / "documents"
    documents.mkdir()
    shutil.copy(SAMPLE, documents / SAMPLE.name)
    (documents / "tianjin-ai-measures.md").write_text(NOTICE, encoding="utf-8")
    with serving(work, documents, ASSISTANT_EMBEDDINGS="e5") as url:
        yield url


def test_funding_tab_filters_opens_a_passage_and_exports(funding_server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(funding_server)
        page.get_by_role("tab", name="Funding").click()
        table = page.locator("#funding-table")
        page.wait_for_function(
            "() => document.querySelector('#funding-table').innerText.includes('算力券')", timeout=60_000
        )
        assert "30,000,000" in table.inner_text(), "the English sample's RMB 30 million cap is listed too"
        page.screenshot(path=str(ARTIFACTS / "funding-01-table.png"))

        page.fill("#funding-keyword textarea, #funding-keyword input", "标杆")
        page.press("#funding-keyword textarea, #funding-keyword input", "Enter")
        page.wait_for_function(
            "() => { const t = document.querySelector('#funding-table').innerText;"
            " return t.includes('标杆场景项目') && !t.includes('算力券'); }",
            timeout=30_000,
        )
        assert "1 of " in page.inner_text("#funding-summary")
        page.locator("#funding-table .body-cell[data-row='0'][data-col='3']").click()  # the row's "What it funds"
        page.wait_for_selector("#funding-passage-panel mark", timeout=30_000)
        marked = page.inner_text("#funding-passage-panel mark")
        assert "1000 万元" in marked and "标杆场景项目" in page.inner_text("#funding-passage-panel")
        page.screenshot(path=str(ARTIFACTS / "funding-02-passage.png"))

        with page.expect_download() as download:
            page.click("#funding-csv")
        exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert exported.startswith("Place,") and "标杆场景项目" in exported and "算力券" not in exported
        browser.close()
