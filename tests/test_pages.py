"""Scanned PDFs and images read by the real OCR, the per-page cache and budgets, tables kept with their header,
and deeply nested HTML; inputs are rendered here (tests/pagekit.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from assistant.files import sha256_bytes
from assistant.ingest.chunking import chunk_document
from assistant.ingest.html_nesting import MAX_DEPTH, flatten_deep_nesting
from assistant.ingest.loaders import LoadError, load_document
from assistant.ingest.pages.ocr import OcrEngine, PageCache
from assistant.ingest.pages.scan import PageBudget, PageReader, page_list
from assistant.service.library import reindex

from . import pagekit

ZH_TEXT, EN_TEXT = "\n".join(pagekit.ZH_PAGE), "\n".join(pagekit.EN_PAGE)
CER_TARGET = 0.03


class CountingEngine(OcrEngine):
    """The real engine, counting the pages it recognises."""

    def __init__(self):
        super().__init__(threads=2)
        self.calls = self.reads = 0

    def recognise(self, image):
        self.calls += 1
        return super().recognise(image)

    def _read(self, image):
        self.reads += 1
        return super()._read(image)


@pytest.fixture(scope="module")
def engine():
    return CountingEngine()


def reader_for(engine, folder: Path, **budget) -> PageReader:
    return PageReader(engine, PageCache(folder / "ocr"), PageBudget(**budget))


def scribble_page():
    """Ink without text: what OCR cannot read (a stamp, a drawing)."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    for i in range(12):
        draw.ellipse((200 + 40 * i, 300 + 30 * i, 700 + 20 * i, 700 + 25 * i), outline="black", width=9)
    return page


def test_scanned_pdf_is_recognised_once_and_within_the_error_target(tmp_path, engine):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pagekit.image_only_pdf([pagekit.ZH_PAGE, pagekit.EN_PAGE]))
    reader = reader_for(engine, tmp_path)
    before = engine.calls
    doc = load_document(path, pages=reader)
    assert engine.calls - before == 2
    first, second = doc.text[: doc.pages[1]], doc.text[doc.pages[1] :]
    for reference, recognised in ((ZH_TEXT, first), (EN_TEXT, second)):
        assert pagekit.character_error_rate(reference, recognised) <= CER_TARGET, recognised
    assert "3000万元" in first and "RMB 7.5 million" in second
    assert set(doc.ocr_pages) == {1, 2} and min(doc.ocr_pages.values()) > 0.9
    assert doc.notes == [] and not doc.partial
    again = load_document(path, pages=reader)
    assert engine.calls - before == 2  # the second read came from the cache
    assert again.text == doc.text


@pytest.mark.parametrize("turned", [90, 180, 270])
def test_pages_scanned_sideways_or_upside_down_are_read_upright(tmp_path, engine, turned):
    path = tmp_path / "turned.png"
    pagekit.render_page(pagekit.ZH_PAGE).rotate(turned, expand=True).save(path)
    doc = load_document(path, pages=reader_for(engine, tmp_path))
    assert pagekit.character_error_rate(ZH_TEXT, doc.text) <= CER_TARGET, doc.text
    page = reader_for(engine, tmp_path).cached(sha256_bytes(path.read_bytes()), 0)
    assert (turned + page.turn) % 360 == 0
    assert page.upright(Image.open(path)).size == (1240, 1754)


def test_upright_pages_are_read_once(tmp_path, engine):
    path = tmp_path / "upright.png"
    pagekit.render_page(pagekit.EN_PAGE).save(path)
    before = engine.reads
    load_document(path, pages=reader_for(engine, tmp_path))
    assert engine.reads - before == 1


def test_pdf_without_ocr_is_still_reported_as_scanned(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(pagekit.image_only_pdf([["第一页"]]))
    with pytest.raises(LoadError, match=r"^no extractable text \(scanned PDF\?\)$"):
        load_document(path)


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif"])
def test_image_files_are_read_like_scanned_pages(tmp_path, engine, suffix):
    image = pagekit.render_page(pagekit.ZH_PAGE)
    path = tmp_path / f"notice{suffix}"
    image.save(path, quality=92) if suffix == ".jpg" else image.save(path)
    doc = load_document(path, pages=reader_for(engine, tmp_path))
    assert pagekit.character_error_rate(ZH_TEXT, doc.text) <= CER_TARGET, doc.text
    assert doc.pages == [0] and set(doc.ocr_pages) == {1}


def test_multi_page_tiff_gives_one_page_per_frame(tmp_path, engine):
    frames = [pagekit.render_page(pagekit.ZH_PAGE), pagekit.render_page(pagekit.EN_PAGE)]
    path = tmp_path / "two.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    doc = load_document(path, pages=reader_for(engine, tmp_path))
    assert len(doc.pages) == 2 and "RMB 7.5 million" in doc.text[doc.pages[1] :]


def test_images_without_ocr_and_broken_images_are_refused_with_a_reason(tmp_path, engine):
    path = tmp_path / "photo.png"
    path.write_bytes(pagekit.png_bytes(pagekit.render_page(["第一页"])))
    with pytest.raises(LoadError, match="^images need OCR"):
        load_document(path)
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    with pytest.raises(LoadError, match="^not a readable image"):
        load_document(broken, pages=reader_for(engine, tmp_path))


def test_an_unreadable_page_is_reported_and_the_rest_is_read(tmp_path, engine):
    from fpdf import FPDF

    document = FPDF(format="A4")
    for image in (pagekit.render_page(pagekit.ZH_PAGE), scribble_page(), pagekit.render_page(pagekit.EN_PAGE)):
        document.add_page()
        document.image(io.BytesIO(pagekit.png_bytes(image)), x=0, y=0, w=210, h=297)
    path = tmp_path / "stamped.pdf"
    path.write_bytes(bytes(document.output()))
    doc = load_document(path, pages=reader_for(engine, tmp_path))
    assert doc.notes == ["OCR found no readable text on page 2"]
    assert "3000万元" in doc.text and "RMB 7.5 million" in doc.text[doc.pages[2] :]


def test_blank_scans_are_refused_plainly(tmp_path, engine):
    path = tmp_path / "blank.png"
    Image.new("L", (800, 1100), 255).save(path)
    with pytest.raises(LoadError, match=r"^no text found, even with OCR"):
        load_document(path, pages=reader_for(engine, tmp_path))


def test_page_budget_cuts_reports_and_the_next_run_resumes(tmp_path, engine):
    path = tmp_path / "long.pdf"
    path.write_bytes(
        pagekit.image_only_pdf([pagekit.ZH_PAGE, pagekit.EN_PAGE, ["三、附则", "本措施自发布之日起施行。"]])
    )
    reader = reader_for(engine, tmp_path, max_pages=1)
    first = load_document(path, pages=reader)
    assert first.partial and set(first.ocr_pages) == {1}
    assert first.notes == [
        "2 page(s) not read yet (OCR budget of 1 pages): page 2-3; re-index to continue from where it stopped"
    ]
    second = load_document(path, pages=reader)
    assert second.partial and set(second.ocr_pages) == {1, 2}
    third = load_document(path, pages=reader)
    assert not third.partial and third.notes == [] and "本措施自发布之日起施行" in third.text


def test_time_budget_stops_recognising(tmp_path, engine):
    ticks = iter([0, 0, *range(100, 1000, 100)])  # start, before page 1, before page 2 ...
    path = tmp_path / "slow.pdf"
    path.write_bytes(pagekit.image_only_pdf([pagekit.ZH_PAGE, pagekit.EN_PAGE]))
    reader = PageReader(engine, PageCache(tmp_path / "ocr"), PageBudget(max_seconds=50), clock=lambda: next(ticks))
    doc = load_document(path, pages=reader)
    assert doc.partial and "OCR time budget of 50 s" in doc.notes[0] and set(doc.ocr_pages) == {1}


def test_page_list_joins_runs():
    assert page_list([7, 1, 2, 3, 9, 10]) == "1-3, 7, 9-10"


# --- tables -------------------------------------------------------------------------------------


def test_pdf_table_rows_keep_their_header(tmp_path):
    path = tmp_path / "table.pdf"
    path.write_bytes(pagekit.funding_table_pdf())
    doc = load_document(path)
    header = " | ".join(pagekit.TABLE_HEADER)
    assert len(doc.tables) == 1
    start, end = doc.tables[0]
    assert doc.text[start:end].split("\n") == [header, *(" | ".join(row) for row in pagekit.TABLE_ROWS)]
    assert doc.text.index("本表列出") < start < end < doc.text.index("申报单位")
    chunks = chunk_document(doc.text, pages=doc.pages, tables=doc.tables, max_tokens=40)
    rows = [c for c in chunks if "万元" in c.text]
    assert len(rows) >= 2
    for chunk in rows:
        assert chunk.text.startswith(header + "\n")
        assert all(line.count(" | ") == 2 for line in chunk.text.split("\n"))  # whole rows only
    assert [r for c in rows for r in c.text.split("\n")[1:]] == [" | ".join(r) for r in pagekit.TABLE_ROWS]


def test_docx_table_rows_keep_their_header(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("资金支持标准如下。")
    table = document.add_table(rows=1 + len(pagekit.TABLE_ROWS) * 3, cols=3)
    rows = [pagekit.TABLE_HEADER, *pagekit.TABLE_ROWS * 3]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("以上标准自2025年起执行。")
    path = tmp_path / "standards.docx"
    document.save(path)
    doc = load_document(path)
    chunks = chunk_document(doc.text, headings=doc.headings, tables=doc.tables, max_tokens=50)
    table_chunks = [c for c in chunks if " | " in c.text]
    assert len(table_chunks) >= 2
    assert all(c.text.startswith(" | ".join(pagekit.TABLE_HEADER) + "\n") for c in table_chunks)
    assert not any(" | " in c.text for c in chunks if "以上标准" in c.text or "资金支持标准如下" in c.text)


def test_chunks_outside_tables_keep_the_offset_invariant(tmp_path):
    text = "一、总则\n本办法适用于全市。\n项目 | 上限\n甲 | 1万元\n乙 | 2万元\n二、附则\n自发布之日起施行。"
    start = text.index("项目")
    chunks = chunk_document(text, tables=[(start, text.index("\n二、"))], max_tokens=8)
    for chunk in chunks:
        body = text[chunk.start : chunk.end]
        assert chunk.text == body or chunk.text == "项目 | 上限\n" + body


# --- HTML ---------------------------------------------------------------------------------------


def test_deeply_nested_html_is_flattened_before_parsing(tmp_path):
    depth = 200_000
    page = "<html><body><h1>Deep</h1>" + "<div>" * depth + "Xiamen offers RMB 3 million." + "</div>" * depth
    path = tmp_path / "deep.html"
    path.write_text(page + "<p>Applications close in June.</p></body></html>", encoding="utf-8")
    assert path.stat().st_size > 2_000_000
    flat = flatten_deep_nesting(path.read_text(encoding="utf-8"))
    assert MAX_DEPTH - 3 <= flat.count("<div>") == flat.count("</div>") <= MAX_DEPTH  # html and body count too
    doc = load_document(path)
    assert doc.text.split("\n") == ["Deep", "Xiamen offers RMB 3 million.", "Applications close in June."]


def test_ordinary_html_is_not_touched():
    page = (
        "<html><head><script>if (a < b) { x = '<div>'; }</script></head><body><!-- <div> -->"
        "<ul><li>one<li>two</ul><p>para<br>line<img src=x></p><div><div>nested</div></div></body></html>"
    )
    assert flatten_deep_nesting(page, max_depth=4) == page


# --- through ingest and search --------------------------------------------------------------------


@pytest.fixture
def page_services(tmp_path, embeddings, engine):
    from assistant import app
    from assistant.settings import Settings

    folder = tmp_path / "documents"
    folder.mkdir()
    settings = Settings(documents_dir=folder, index_dir=tmp_path / "index", pages_cache_dir=tmp_path / "pages")
    built = app.build_services(settings)
    built.__dict__["embeddings"] = embeddings
    built.__dict__["page_reader"] = reader_for(engine, tmp_path / "pages")
    return built


def test_scans_and_tables_are_indexed_and_found(page_services, engine):
    folder = page_services.settings.documents_dir
    (folder / "beijing-scan.pdf").write_bytes(pagekit.image_only_pdf([pagekit.ZH_PAGE, pagekit.EN_PAGE]))
    (folder / "standards.pdf").write_bytes(pagekit.funding_table_pdf())
    pagekit.render_page(["厦门市数据要素市场培育方案", "对新建数据交易场所给予最高800万元奖励。"]).save(
        folder / "xiamen.png"
    )
    pages = []
    report = page_services.ingest(page_progress=lambda source, page, total: pages.append((source, page, total)))
    assert report.failed == [] and report.partial == [] and report.added == 3
    assert pages == [("beijing-scan.pdf", 1, 2), ("beijing-scan.pdf", 2, 2), ("xiamen.png", 1, 1)]
    searcher = page_services.searcher

    hit = searcher.search("首台套人工智能装备最高支持多少万元", 3)[0]
    assert hit.metadata["source"] == "beijing-scan.pdf" and "3000万元" in hit.text
    assert hit.metadata["ocr"] is True and hit.metadata["ocr_confidence"] > 0.9 and hit.metadata["page"] == 1
    english = searcher.search("grant for each robot demonstration project in Shenzhen", 3)[0]
    assert "RMB 7.5 million" in english.text and english.metadata["page"] == 2
    row = searcher.search("算力券 上限", 3)[0]
    assert row.text.startswith("项目 | 支持标准 | 上限") and "算力券 | 服务费用的50% | 200万元" in row.text
    assert "ocr" not in row.metadata
    assert "800万元" in searcher.search("厦门 数据交易场所 奖励", 3)[0].text

    calls = engine.calls
    steps = []
    message, _ = reindex(page_services, rebuild=True, progress=lambda done, total, what: steps.append((done, what)))
    assert message.startswith("Index updated: 3 added") and engine.calls == calls  # every page from the cache
    assert steps == [
        (0.5, "Reading beijing-scan.pdf by OCR: page 1 of 2"),
        (1.0, "Reading beijing-scan.pdf by OCR: page 2 of 2"),
        (3.0, "Reading xiamen.png by OCR: page 1 of 1"),  # standards.pdf has a text layer
        *[(3.0, f"Indexed {name}") for name in ("beijing-scan.pdf", "standards.pdf", "xiamen.png")],
    ]


def test_ingest_reports_budget_cuts_and_continues(page_services, engine, tmp_path):
    page_services.__dict__["page_reader"] = reader_for(engine, tmp_path / "pages", max_pages=1)
    folder = page_services.settings.documents_dir
    (folder / "long.pdf").write_bytes(pagekit.image_only_pdf([pagekit.ZH_PAGE, pagekit.EN_PAGE]))
    first = page_services.ingest()
    assert first.added == 1 and first.failed == []
    assert first.partial == [
        {
            "path": "long.pdf",
            "notes": [
                "1 page(s) not read yet (OCR budget of 1 pages): page 2; re-index to continue from where it stopped"
            ],
        }
    ]
    assert {r.metadata["page"] for r in page_services.store.records(with_text=False)} == {1}
    second = page_services.ingest()
    assert (second.updated, second.unchanged, second.partial) == (1, 0, [])
    records = page_services.store.records()
    assert {r.metadata["page"] for r in records} == {1, 2} and not any(r.metadata.get("partial") for r in records)
    assert len(records) == records[0].metadata["n_chunks"]
    assert page_services.ingest().unchanged == 1
