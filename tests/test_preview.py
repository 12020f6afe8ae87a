"""Page previews: the cited passage highlighted on its page image (text layer or OCR boxes), or shown in context."""

from __future__ import annotations

import base64
import io

import pytest

from assistant.search.hybrid import Hit
from assistant.web.handlers import Turn, preview_for_request, render_preview

from . import pagekit

HIGHLIGHT_MIN_SHARE = 0.5  # of a covered word's box that must be tinted


@pytest.fixture(scope="module")
def indexed_pages(tmp_path_factory, fake_embeddings):
    from assistant import app
    from assistant.settings import Settings

    work = tmp_path_factory.mktemp("preview")
    folder = work / "documents"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(pagekit.image_only_pdf([pagekit.ZH_PAGE, pagekit.EN_PAGE]))
    (folder / "standards.pdf").write_bytes(pagekit.funding_table_pdf())
    filler = " The measures are reviewed by the municipal bureau every year and published on its website." * 6
    (folder / "notes.md").write_text(
        f"# Ningbo measures\n\nFirst paragraph about goals.{filler}\n\n"
        f"Ningbo grants up to RMB 4 million <b>per</b> pilot.{filler}\n\nLast paragraph about applications.{filler}\n",
        encoding="utf-8",
    )
    settings = Settings(documents_dir=folder, index_dir=work / "index", pages_cache_dir=work / "pages")
    services = app.build_services(settings)
    services.__dict__["embeddings"] = fake_embeddings  # previews need an index, not retrieval
    assert services.ingest().failed == []
    return services


def hit_with(services, needle: str) -> Hit:
    record = next(r for r in services.store.records() if needle in r.text)
    return Hit(id=record.id, text=record.text, metadata=record.metadata, score=1.0)


def tinted_share(image, box) -> float:
    """Share of the box's pixels that carry the yellow highlight (red and green high, blue low)."""
    region = image.convert("RGB").crop(tuple(int(v) for v in box))
    pixels = list(region.getdata())
    tinted = [p for p in pixels if p[0] > 200 and p[1] > 150 and p[2] < 190]
    return len(tinted) / max(1, len(pixels))


def test_text_layer_pdf_highlights_the_table_row(indexed_pages):
    import pdfplumber
    from PIL import Image

    from assistant.ingest.pages.preview import PREVIEW_SCALE

    hit = hit_with(indexed_pages, "算力券 | 服务费用")
    path = indexed_pages.previewer.page_image(hit.metadata, hit.text)
    image = Image.open(path)
    with pdfplumber.open(indexed_pages.settings.documents_dir / "standards.pdf") as pdf:
        words = {w["text"]: w for w in pdf.pages[0].extract_words()}
    row, outside = words["算力券"], words["申报单位须在每年六月底前提交材料。"]
    scaled = lambda w: (w["x0"] * PREVIEW_SCALE, w["top"] * PREVIEW_SCALE, w["x1"] * PREVIEW_SCALE, w["bottom"] * PREVIEW_SCALE)  # noqa: E731
    assert tinted_share(image, scaled(row)) > HIGHLIGHT_MIN_SHARE
    assert tinted_share(image, scaled(outside)) < 0.05
    assert indexed_pages.previewer.page_image(hit.metadata, hit.text) == path  # cached


def test_scanned_page_highlights_the_ocr_lines_of_the_passage(indexed_pages):
    from PIL import Image

    from assistant.ingest.pages.ocr import PageCache

    hit = hit_with(indexed_pages, "3000万元")
    assert hit.metadata["ocr"] is True
    image = Image.open(indexed_pages.previewer.page_image(hit.metadata, hit.text))
    lines = PageCache(indexed_pages.pages_dir / "ocr").get(hit.metadata["file_hash"], 0).lines
    width, height = image.size
    pixels = lambda line: (line.box[0] * width, line.box[1] * height, line.box[2] * width, line.box[3] * height)  # noqa: E731
    for line in lines:
        inside = line.text.replace(" ", "") in hit.text.replace(" ", "")
        share = tinted_share(image, pixels(line))
        assert share > HIGHLIGHT_MIN_SHARE if inside else share < 0.05, (line.text, share)


def test_panel_html_shows_the_page_image_with_the_ocr_mark(indexed_pages):
    hit = hit_with(indexed_pages, "RMB 7.5 million")
    html = render_preview(hit, 2, indexed_pages.previewer)
    assert "data-kind='page'" in html and "class='ocr-tag'" in html and "p. 2" in html
    data = html.split("base64,", 1)[1].split("'", 1)[0]
    from PIL import Image

    assert Image.open(io.BytesIO(base64.b64decode(data))).format == "JPEG"


def test_text_sources_show_the_passage_in_context_escaped(indexed_pages):
    hit = hit_with(indexed_pages, "RMB 4 million")
    html = render_preview(hit, 1, indexed_pages.previewer)
    assert "data-kind='text'" in html and "<b>per</b>" not in html
    before, marked = html.split("<mark class='cited-span'>", 1)
    assert "published on its website." in before and "…" in before  # the tail of the paragraph before
    passage, after = marked.split("</mark>", 1)
    assert passage.startswith("Ningbo grants up to RMB 4 million &lt;b&gt;per&lt;/b&gt; pilot.")
    assert "First paragraph" not in passage and "Last paragraph about applications." in after


def test_a_changed_source_shows_no_stale_page(indexed_pages, tmp_path):
    hit = hit_with(indexed_pages, "RMB 7.5 million")
    stale = Hit(id=hit.id, text=hit.text, metadata={**hit.metadata, "file_hash": "0" * 64}, score=1.0)
    html = render_preview(stale, 1, indexed_pages.previewer)
    assert "data-kind='missing'" in html and "base64" not in html
    outside = Hit(id="x", text="t", metadata={"source": "../../etc/passwd", "page": 0}, score=1.0)
    assert "data-kind='missing'" in render_preview(outside, 1, indexed_pages.previewer)


def test_preview_requests_name_a_turn_and_a_passage(indexed_pages):
    hits = [hit_with(indexed_pages, "RMB 4 million"), hit_with(indexed_pages, "RMB 7.5 million")]
    turns = [Turn("q1", hits=hits[:1]), Turn("q2", hits=hits)]
    assert "scan.pdf · p. 2" in preview_for_request("passage-2-2#1712", turns, indexed_pages.previewer)
    assert "RMB 4 million" in preview_for_request("passage-1-1", turns, indexed_pages.previewer)
    for bad in ("", "passage-3-1", "passage-1-2", "passage-0-1", "script"):
        assert preview_for_request(bad, turns, indexed_pages.previewer) == ""
