"""Loaders on real files written to tmp_path: encodings, PDF, DOCX, HTML, and every way a file can be unreadable."""

from __future__ import annotations

import contextlib
import io
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.ingest.loaders import SUPPORTED_SUFFIXES, LoadedDocument, LoadError, decode_text, load_document

from .conftest import ROOT

SIMPLIFIED = (
    "北京市关于加快推动人工智能产业发展的实施意见\n一、总体要求\n到2027年，全市人工智能核心产业规模达到3000亿元。\n"
)
TRADITIONAL = "臺北市推動人工智慧產業發展行動計畫\n一、總體目標\n到2027年，培育具國際競爭力的企業與人才。\n"


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def two_page_pdf(title: str = "Two Page Plan") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.set_font("Helvetica", size=12)
    for line in ("Page one sets the goals.", "Page two sets the funding cap."):
        pdf.add_page()
        pdf.cell(text=line)
    return bytes(pdf.output())


def encrypted(pdf: bytes, user_password: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- plain text and encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "text", "prefix"),
    [
        ("utf-8", SIMPLIFIED, b""),
        ("utf-8", SIMPLIFIED, b"\xef\xbb\xbf"),
        ("gbk", SIMPLIFIED, b""),
        ("gb18030", SIMPLIFIED, b""),
        ("big5", TRADITIONAL, b""),
        ("utf-16-le", SIMPLIFIED, b"\xff\xfe"),
        ("utf-16-be", TRADITIONAL, b"\xfe\xff"),
        ("utf-16-le", "Plain English policy text without a byte order mark.\n", b""),
        ("utf-16-be", "Plain English policy text without a byte order mark.\n", b""),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "big5", "utf16le-bom", "utf16be-bom", "utf16le-nobom", "utf16be-nobom"],
)
def test_txt_encodings_decode_exactly(tmp_path, encoding, text, prefix):
    doc = load_document(write(tmp_path, "policy.txt", prefix + text.encode(encoding)))
    assert doc == LoadedDocument(text=text, pages=None, title=None, headings=[])


def test_big5_is_not_mistaken_for_gbk_and_gbk_not_for_big5():
    # Almost every Big5 byte pair is also valid GBK, so a strict GBK decode alone would succeed with garbage.
    long_traditional = TRADITIONAL * 20 + "資訊安全、數據治理與個人資料保護。"
    assert decode_text(long_traditional.encode("big5")) == long_traditional
    assert decode_text(SIMPLIFIED.encode("gbk")) == SIMPLIFIED
    assert decode_text("关于印发〔2025〕3号的通知".encode("gbk")) == "关于印发〔2025〕3号的通知"


def test_utf8_cut_inside_the_last_character_stays_utf8():
    assert decode_text(SIMPLIFIED.encode("utf-8") + "号".encode()[:2]) == SIMPLIFIED


def test_newlines_normalised_and_nul_stripped(tmp_path):
    doc = load_document(write(tmp_path, "a.txt", b"line one\r\nline two\rline\x00 three\n"))
    assert doc.text == "line one\nline two\nline three\n"


@given(st.text(st.characters(blacklist_categories=["Cc", "Cs"]) | st.sampled_from("\n\r\t")))
def test_any_utf8_text_round_trips(text):
    assert decode_text(text.encode("utf-8")) == text.removeprefix("\ufeff")


@given(st.binary(max_size=3000))
def test_decode_text_never_raises_anything_but_load_error(data):
    with contextlib.suppress(LoadError):
        assert isinstance(decode_text(data), str)


def test_control_characters_are_binary():
    with pytest.raises(LoadError, match="^binary data in a text file$"):
        decode_text(bytes(range(0, 32)) * 50)


# --- markdown -------------------------------------------------------------------------------


def test_markdown_headings_offsets_and_title(tmp_path):
    text = (
        "# Shenzhen AI Plan\n\nIntro.\n\n## Funding\n\nUp to 10 million.\n\n```\n# not a heading\n```\n### Notes ##\n"
    )
    doc = load_document(write(tmp_path, "plan.MD", text))
    assert doc.text == text
    assert doc.title == "Shenzhen AI Plan"
    assert [(level, label) for _, level, label in doc.headings] == [
        (1, "Shenzhen AI Plan"),
        (2, "Funding"),
        (3, "Notes"),
    ]
    for offset, level, _label in doc.headings:
        assert doc.text[offset:].startswith("#" * level + " ")


# --- PDF ------------------------------------------------------------------------------------


def test_two_page_pdf_has_page_offsets_and_title(tmp_path):
    doc = load_document(write(tmp_path, "plan.pdf", two_page_pdf()))
    assert doc.pages is not None and len(doc.pages) == 2 and doc.pages[0] == 0
    assert doc.text[: doc.pages[1]].startswith("Page one sets the goals.")
    assert doc.text[doc.pages[1] :].startswith("Page two sets the funding cap.")
    assert doc.text[doc.pages[1] - 2 : doc.pages[1]] == "\n\n"
    assert doc.title == "Two Page Plan"
    assert doc.headings == []


def test_encrypted_pdf_is_refused(tmp_path):
    with pytest.raises(LoadError, match="^PDF is encrypted$"):
        load_document(write(tmp_path, "secret.pdf", encrypted(two_page_pdf(), "secret")))


def test_pdf_encrypted_with_blank_user_password_is_read(tmp_path):
    doc = load_document(write(tmp_path, "open.pdf", encrypted(two_page_pdf(), "")))
    assert "funding cap" in doc.text and len(doc.pages or []) == 2


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_damaged(tmp_path, keep):
    data = two_page_pdf()
    with pytest.raises(LoadError, match=r"^not a valid PDF \(file is damaged or truncated\)$"):
        load_document(write(tmp_path, "cut.pdf", data[: int(len(data) * keep)]))


def test_pdf_without_text_is_reported_as_scanned(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 80, 40, style="F")
    with pytest.raises(LoadError, match=r"^no extractable text \(scanned PDF\?\)$"):
        load_document(write(tmp_path, "scan.pdf", bytes(pdf.output())))


# --- DOCX -----------------------------------------------------------------------------------


def test_docx_keeps_body_order_tables_and_headings(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Guangzhou Measures", 1)
    document.add_paragraph("Before the table.")
    table = document.add_table(rows=3, cols=2)
    for row, (left, right) in zip(table.rows, [("a", "b"), ("c", "d"), ("merged", "")], strict=True):
        row.cells[0].text, row.cells[1].text = left, right
    table.cell(2, 0).merge(table.cell(2, 1))
    document.add_heading("Funding", 2)
    document.add_paragraph("After the table.")
    path = tmp_path / "measures.docx"
    document.save(path)

    doc = load_document(path)
    assert doc.text.split("\n") == [
        "Guangzhou Measures",
        "Before the table.",
        "a | b",
        "c | d",
        "merged",
        "Funding",
        "After the table.",
    ]
    assert doc.title == "Guangzhou Measures"
    assert [(level, label) for _, level, label in doc.headings] == [(1, "Guangzhou Measures"), (2, "Funding")]
    for offset, _, label in doc.headings:
        assert doc.text[offset:].startswith(label)
    assert doc.pages is None


def test_docx_title_style_and_core_title(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("The Plan", 0)  # the "Title" style
    document.add_paragraph("Body.")
    document.save(tmp_path / "a.docx")
    assert load_document(tmp_path / "a.docx").title == "The Plan"
    document.core_properties.title = "Core Title"
    document.save(tmp_path / "b.docx")
    assert load_document(tmp_path / "b.docx").title == "Core Title"


# --- HTML -----------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Site | Beijing AI Plan</title>
<style>.x{color:red}</style><script>var secret = "SCRIPTCODE";</script></head>
<body class="has-sidebar">
<header>HEADERCHROME</header>
<nav><a href="/">NAVLINK Home</a></nav>
<div class="breadcrumb">Home &gt; BREADCRUMBTRAIL</div>
<div id="left-menu"><ul><li>MENUITEM</li></ul></div>
<main>
  <h1>Beijing AI Action Plan</h1>
  <p>The plan supports <b>large models</b> and
     robots.</p>
  <h2>Funding</h2>
  <p>Up to 100 million yuan.</p>
  <table><tr><th>Item</th><th>Cap</th></tr><tr><td>Compute</td><td>30%</td></tr></table>
  <form>FORMTEXT<input></form>
  <aside>ASIDETEXT</aside>
</main>
<div class="sidebar">SIDEBARTEXT</div>
<footer>FOOTERTEXT</footer>
<noscript>NOSCRIPTTEXT</noscript>
</body></html>"""


def test_html_drops_chrome_and_records_headings(tmp_path):
    doc = load_document(write(tmp_path, "page.html", PAGE))
    for chrome in ("SCRIPTCODE", "HEADERCHROME", "NAVLINK", "BREADCRUMB", "MENUITEM", "FORMTEXT", "ASIDETEXT"):
        assert chrome not in doc.text
    for chrome in ("SIDEBARTEXT", "FOOTERTEXT", "NOSCRIPTTEXT", "color:red"):
        assert chrome not in doc.text
    assert doc.text.split("\n") == [
        "Beijing AI Action Plan",
        "The plan supports large models and robots.",
        "Funding",
        "Up to 100 million yuan.",
        "Item | Cap",
        "Compute | 30%",
    ]
    assert (doc.text.index("Funding"), 2, "Funding") in doc.headings
    assert doc.headings[0] == (0, 1, "Beijing AI Action Plan")
    assert doc.title == "Beijing AI Action Plan"


def test_html_without_main_uses_body_and_page_title(tmp_path):
    html = "<html><head><title> Shenzhen   Plan </title></head><body><div class='nav'>x</div><p>Body text.</p></body></html>"
    doc = load_document(write(tmp_path, "page.htm", html))
    assert doc.text == "Body text."
    assert doc.title == "Shenzhen Plan"


def test_article_header_is_content_but_page_header_is_chrome(tmp_path):
    html = "<body><header>SITE</header><article><header><h1>Plan</h1><p>2025-03-05</p></header><p>Body.</p></article></body>"
    doc = load_document(write(tmp_path, "article.html", html))
    assert doc.text == "Plan\n2025-03-05\nBody."
    assert doc.headings == [(0, 1, "Plan")]


def test_deeply_nested_html_completes(tmp_path):
    html = "<html><body>" + "<div>" * 10_000 + "deep text" + "</div>" * 10_000 + "<p>after</p></body></html>"
    doc = load_document(write(tmp_path, "deep.html", html))
    assert doc.text == "deep text\nafter"


def test_gbk_html_decodes(tmp_path):
    html = "<html><body><h1>深圳市人工智能行动计划</h1><p>正文。</p></body></html>"
    doc = load_document(write(tmp_path, "gbk.html", html.encode("gbk")))
    assert doc.text == "深圳市人工智能行动计划\n正文。"
    assert doc.headings == [(0, 1, "深圳市人工智能行动计划")]


# --- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_zero_bytes_is_empty(tmp_path, suffix):
    with pytest.raises(LoadError, match="^empty file$"):
        load_document(write(tmp_path, f"empty{suffix}", b""))


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (".pdf", r"^not a valid PDF \(file is damaged or truncated\)$"),
        (".docx", r"^not a valid Word document \(\.docx\)$"),
        (".txt", "^binary data in a text file$"),
        (".md", "^binary data in a text file$"),
        (".html", "^binary data in a text file$"),
    ],
)
def test_random_bytes_are_refused_with_a_reason(tmp_path, suffix, message):
    for seed in range(20):
        data = random.Random(seed).randbytes(4096)
        with pytest.raises(LoadError, match=message):
            load_document(write(tmp_path, f"junk{suffix}", data))


def test_whitespace_only_text_has_no_text(tmp_path):
    with pytest.raises(LoadError, match="^no text in the file$"):
        load_document(write(tmp_path, "blank.txt", " \n\n\t\n"))


@pytest.mark.parametrize(
    ("name", "message"), [("data.xyz", ".xyz"), ("old.DOC", r".doc \(save it as .docx\)"), ("README", "no extension")]
)
def test_unsupported_type(tmp_path, name, message):
    with pytest.raises(LoadError, match=f"^unsupported file type.*{message}"):
        load_document(write(tmp_path, name, "text"))


def test_size_limit_checked_before_reading(tmp_path):
    path = write(tmp_path, "big.pdf", b"x" * 2_000)
    with pytest.raises(LoadError, match="^file is larger than the 0.001 MB limit$"):
        load_document(path, max_bytes=1_000)
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:
        handle.truncate(20_000_001)  # sparse: costs no disk
    with pytest.raises(LoadError, match="^file is larger than the 20 MB limit$"):
        load_document(big)


def test_missing_file(tmp_path):
    with pytest.raises(LoadError, match="^cannot read the file"):
        load_document(tmp_path / "missing.txt")


def test_import_does_no_heavy_work():
    code = "import sys, assistant.ingest.loaders; print(any(m in sys.modules for m in ('pypdf', 'docx', 'selectolax.lexbor')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
