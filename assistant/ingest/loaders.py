"""Read policy documents (.txt .md .pdf .docx .html, and scanned pages: .png .jpg .tif) into text plus the
structure the format marks (headings, PDF pages, tables). Pages without a text layer go to OCR when a
``PageReader`` is given (``assistant.ingest.pages``).

Every failure becomes a ``LoadError`` whose message can be shown to a user as is.
"""

from __future__ import annotations

import io
import re
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.ingest.document import LoadedDocument, LoadError, normalise, restore_lines
from assistant.ingest.encoding import decode_text
from assistant.ingest.filetype import IMAGE_SUFFIXES

if TYPE_CHECKING:
    from assistant.ingest.pages.scan import PageReader

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm", *IMAGE_SUFFIXES)
_MIN_TEXT_LAYER_CHARS = 10  # fewer visible characters on a PDF page: a scan (perhaps with a page number)

MAX_LABEL_CHARS = 200
_UNPACK_RATIO = 10  # a .docx may unpack to this many times the file size limit; more is a zip bomb
_MD_HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
_MD_FENCE = re.compile(r" {0,3}(```|~~~)")
_DOCX_HEADING = re.compile(r"^(?:title|(?:heading|标题)\s*([1-9]))$", re.I)
_HTML_DROP_TAGS = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "template", "svg", "iframe"}  # fmt: skip
_HTML_DROP_NAMES = ("nav", "menu", "breadcrumb", "footer", "sidebar")
_HTML_BLOCKS = {
    "address", "article", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip


def load_document(path: Path, max_bytes: int = 20_000_000, pages: PageReader | None = None) -> LoadedDocument:
    """``pages`` reads scanned pages (OCR); without it a PDF without a text layer or an image is refused."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = " (save it as .docx)" if suffix == ".doc" else ""
        raise LoadError(f"unsupported file type {suffix or '(no extension)'}{hint}")
    data = _read_bytes(path, max_bytes)
    try:
        doc = _parse(data, suffix, max_bytes, pages)
    except LoadError:
        raise
    except Exception as exc:  # a parser bug must cost this one file, never the whole ingest run
        raise LoadError(f"the file could not be read ({type(exc).__name__})") from exc
    if not doc.text.strip():
        raise LoadError("no text in the file")
    doc.title = _label(doc.title or "") or None
    doc.headings = [(offset, level, _label(text)) for offset, level, text in doc.headings]
    return doc


def _parse(data: bytes, suffix: str, max_bytes: int, pages: PageReader | None) -> LoadedDocument:
    if suffix == ".pdf":
        return _load_pdf(data, pages)
    if suffix in IMAGE_SUFFIXES:
        from assistant.ingest.pages.loading import load_image

        return load_image(data, pages)
    if suffix == ".docx":
        return _load_docx(data, max_unpacked=_UNPACK_RATIO * max_bytes)
    text = normalise(decode_text(data))
    if suffix in (".html", ".htm"):
        return _load_html(text)
    return _load_markdown(text) if suffix == ".md" else LoadedDocument(restore_lines(text))


def _label(text: str) -> str:
    """A title or heading as one short line: a whole page marked as <h1> must not become every chunk's prefix."""
    return " ".join(normalise(text).split())[:MAX_LABEL_CHARS]


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    too_big = LoadError(f"file is larger than the {max_bytes / 1_000_000:g} MB limit")
    try:
        if path.stat().st_size > max_bytes:
            raise too_big
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise LoadError(f"cannot read the file ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise too_big
    if not data:
        raise LoadError("empty file")
    return data


def _load_markdown(text: str) -> LoadedDocument:
    headings, offset, fenced = [], 0, False
    for line in text.split("\n"):
        if _MD_FENCE.match(line):
            fenced = not fenced
        elif not fenced and (found := _MD_HEADING.match(line)):
            headings.append((offset, len(found.group(1)), found.group(2).strip()))
        offset += len(line) + 1
    title = next((label for _, level, label in headings if level == 1), None)
    return LoadedDocument(text, title=title, headings=headings)


def _load_pdf(data: bytes, page_reader: PageReader | None = None) -> LoadedDocument:
    from pypdf import PdfReader

    damaged = "not a valid PDF (file is damaged or truncated)"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _or_default(lambda: reader.decrypt(""), 0):
            raise LoadError("PDF is encrypted")
        pages = list(reader.pages)
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(damaged) from exc
    texts = [_or_default(page.extract_text, None) for page in pages]
    scans = [i for i, t in enumerate(texts) if not _usable_text_layer(t)] if page_reader else []
    if not any(t and t.strip() for t in texts) and not scans:
        raise LoadError(damaged if None in texts or not texts else "no extractable text (scanned PDF?)")
    texts = [normalise(t or "") for t in texts]
    tables: dict[int, list[tuple[int, int]]] = {}
    with_text = [i for i, text in enumerate(texts) if i not in scans and text.strip()]
    for index, (text, spans) in _or_default(lambda: _pdf_tables(data, with_text), {}).items():
        texts[index], tables[index] = normalise(text), spans
    title = _or_default(lambda: str(reader.metadata.title or "").removeprefix("Microsoft Word - ").strip(), "")
    doc = LoadedDocument("", title=title or None)
    if scans:
        from assistant.ingest.pages.loading import note_scan, read_scanned_pdf

        outcome = read_scanned_pdf(data, scans, page_reader)
        for index in scans:
            texts[index] = normalise(outcome.texts.get(index, ""))
        note_scan(doc, outcome)
    if not any(t.strip() for t in texts):
        from assistant.ingest.pages.loading import nothing_read

        raise LoadError(nothing_read(doc))
    doc.pages = list(accumulate((len(t) + 2 for t in texts[:-1]), initial=0))
    doc.text = "\n\n".join(texts)
    doc.tables = [(doc.pages[i] + a, doc.pages[i] + b) for i, spans in sorted(tables.items()) for a, b in spans]
    return doc


def _usable_text_layer(text: str | None) -> bool:
    visible = "".join((text or "").split())
    return len(visible) >= _MIN_TEXT_LAYER_CHARS and visible.count("\ufffd") < 0.3 * len(visible)


def _pdf_tables(data: bytes, pages: list[int]) -> dict[int, tuple[str, list[tuple[int, int]]]]:
    from assistant.ingest.pages.tables import pdf_pages_with_tables

    return pdf_pages_with_tables(data, pages) if pages else {}


def _or_default(call, default):
    """pypdf raises many kinds of exceptions on damaged parts; one bad page should not lose the rest."""
    try:
        return call()
    except Exception:
        return default


def _load_docx(data: bytes, max_unpacked: int) -> LoadedDocument:
    import docx

    _check_unpacked_size(data, max_unpacked)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [_docx_block(item) for item in document.iter_inner_content()]
        core_title = (document.core_properties.title or "").strip()
    except Exception as exc:
        raise LoadError("not a valid Word document (.docx)") from exc
    blocks = [(text, level) for text, level in blocks if text.strip()]
    offsets = list(accumulate((len(text) + 1 for text, _ in blocks), initial=0))
    headings = [(at, level, text.strip()) for at, (text, level) in zip(offsets, blocks, strict=False) if level]
    tables = [(at, at + len(text)) for at, (text, level) in zip(offsets, blocks, strict=False) if level == 0]
    title = core_title or next((label for _, _, label in headings), None)
    text = normalise("\n".join(text for text, _ in blocks))
    return LoadedDocument(text, title=title, headings=headings, tables=tables)


def _check_unpacked_size(data: bytes, limit: int) -> None:
    """python-docx reads every part into memory, so a small zip of zeros could exhaust it."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:
        raise LoadError("not a valid Word document (.docx)") from exc
    if unpacked > limit:
        raise LoadError(
            f"Word document unpacks to {unpacked / 1_000_000:,.0f} MB, over the {limit / 1_000_000:g} MB limit"
        )


def _docx_block(item) -> tuple[str, int | None]:
    """(text, heading level or None) of a body paragraph, or (rows, 0) of a table: one line per row."""
    if not hasattr(item, "rows"):
        return item.text.replace("\n", " "), _docx_heading_level(item.style)
    rows = []
    for row in item.rows:
        cells, seen = [], []
        for cell in row.cells:
            if not any(cell._tc is tc for tc in seen):  # merged cells repeat the same <w:tc>
                seen.append(cell._tc)
                cells.append(" ".join(cell.text.split()))
        rows.append(" | ".join(cells))
    return "\n".join(r for r in rows if r.strip(" |")), 0


def _docx_heading_level(style) -> int | None:
    for _ in range(5):  # custom styles often derive from a built-in heading
        if style is None:
            return None
        if found := _DOCX_HEADING.match((style.name or "").strip()):
            return int(found.group(1) or 1)  # "Title" counts as a level-1 heading
        style = style.base_style
    return None


def _load_html(html: str) -> LoadedDocument:
    from selectolax.lexbor import LexborHTMLParser

    from assistant.ingest.html_nesting import flatten_deep_nesting

    try:
        tree = LexborHTMLParser(flatten_deep_nesting(html))
        root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
        lines, marks = _html_lines(root, drop_by_name=True)
        if not lines:
            lines, marks = _html_lines(root, drop_by_name=False)
        page_title = tree.css_first("title")
        page_title = " ".join(page_title.text().split()) if page_title else ""
    except Exception as exc:  # RecursionError, MemoryError or a parser failure
        raise LoadError("HTML page could not be read (malformed, too deeply nested or too large)") from exc
    offsets = list(accumulate((len(line) + 1 for line in lines), initial=0))
    headings = [(offsets[i], level, label) for i, level, label in marks]
    first_h1 = next((label for _, level, label in headings if level == 1), None)
    return LoadedDocument("\n".join(lines), title=first_h1 or page_title or None, headings=headings)


def _html_lines(root, *, drop_by_name: bool) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Visible text as lines, without recursion (pages can nest thousands of levels deep)."""
    # Inside <main>/<article> a <header> holds the document's own title and date, not site chrome.
    drop_tags = _HTML_DROP_TAGS - {"header"} if root.tag in ("main", "article") else _HTML_DROP_TAGS
    lines: list[str] = []
    parts: list[str] = []
    marks: list[tuple[int, int, str]] = []  # (line index, level, heading text)

    def end_line() -> None:
        line = " ".join("".join(parts).split())
        if line:
            lines.append(line)
        parts.clear()

    stack: list[tuple[object, int]] = [(root, -1)]  # (node, -1 on entry or the line index when leaving)
    while stack:
        node, opened_at = stack.pop()
        if opened_at >= 0:
            end_line()
            if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and len(lines) > opened_at:
                # A heading nested in this one (<h1><div><h2>) is folded into it: one line, one mark.
                marks[:] = [mark for mark in marks if mark[0] < opened_at]
                marks.append((opened_at, int(node.tag[1]), " ".join(lines[opened_at:])))
                lines[opened_at:] = [marks[-1][2]]
            continue
        if node.is_text_node:
            parts.append(node.text_content or "")
            continue
        if not node.is_element_node or _dropped(node, drop_tags, drop_by_name and node is not root):
            continue
        if node.tag in ("td", "th") and "".join(parts).strip():
            parts.append(" | ")
        if node.tag in _HTML_BLOCKS:
            end_line()
            stack.append((node, len(lines)))
        stack.extend((child, -1) for child in reversed(list(node.iter(include_text=True))))
    end_line()
    return lines, marks


def _dropped(node, drop_tags: set[str], by_name: bool) -> bool:
    if node.tag in drop_tags:
        return True
    names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower() if by_name else ""
    return any(word in names for word in _HTML_DROP_NAMES)
