"""Read policy documents (.txt .md .pdf .docx .html, and scanned pages: .png .jpg .tif) into text plus the
structure the format marks (headings, PDF pages, tables). Pages without a text layer go to OCR when a
``PageReader`` is given (``assistant.pages``).

Every failure becomes a ``LoadError`` whose message can be shown to a user as is.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pages.scan import PageReader

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm", *IMAGE_SUFFIXES)
_MIN_TEXT_LAYER_CHARS = 10  # fewer visible characters on a PDF page: a scan (perhaps with a page number)

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
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


class LoadError(Exception):
    """A file that cannot be read; the message says why in plain words."""


@dataclass
class LoadedDocument:
    text: str
    pages: list[int] | None = None  # char offset where each PDF page starts (pages[0] == 0)
    title: str | None = None
    headings: list[tuple[int, int, str]] = field(default_factory=list)  # (offset, level, text)
    tables: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each table; line 1 = header
    ocr_pages: dict[int, float] = field(default_factory=dict)  # 1-based page -> mean OCR confidence
    notes: list[str] = field(default_factory=list)  # what was left out: unreadable pages, budget cuts
    partial: bool = False  # pages were left for a later run (budget); re-index continues from the cache


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
        from .pages.loading import load_image

        return load_image(data, pages)
    if suffix == ".docx":
        return _load_docx(data, max_unpacked=_UNPACK_RATIO * max_bytes)
    text = _normalise(decode_text(data))
    if suffix in (".html", ".htm"):
        return _load_html(text)
    return _load_markdown(text) if suffix == ".md" else LoadedDocument(text)


def _label(text: str) -> str:
    """A title or heading as one short line: a whole page marked as <h1> must not become every chunk's prefix."""
    return " ".join(_SURROGATE.sub("\ufffd", text).split())[:MAX_LABEL_CHARS]


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


def _normalise(text: str) -> str:
    """Newlines unified, NULs dropped, lone surrogates (from broken PDF font maps) made U+FFFD, which
    keeps every offset and lets the text be encoded as UTF-8 by the chunker and the index."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)


def decode_text(data: bytes) -> str:
    """Bytes of a text file -> str: BOMs, UTF-16, UTF-8, GB18030/GBK, Big5, then charset-normalizer."""
    text = _decode(data)
    bad = len(_CONTROL.findall(text[:200_000])) if text is not None else 0
    if text is None or (bad >= 2 and bad > 0.01 * min(len(text), 200_000)):
        raise LoadError("binary data in a text file")
    return text


def _decode(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _try(data[len(bom) :], encoding)
    if utf16 := _utf16_without_bom(data):
        return _try(data, utf16)
    if data.count(0) > len(data) // 100 + 2:
        return None
    for cut in range(4):  # a file cut off inside its last character is still UTF-8
        if (text := _try(data[: len(data) - cut], "utf-8")) is not None:
            return text
    gb = _try(data, "gb18030")
    # Big5 byte pairs are almost all valid GBK too, so GBK only wins if it reads as mainland text.
    if gb is not None and _mostly_gb2312(gb):
        return gb
    for encoding in ("big5", "cp950", "big5hkscs"):
        if (text := _try(data, encoding)) is not None:
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return gb if best is None else str(best)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Mostly-ASCII UTF-16 without a BOM has a NUL in every other byte."""
    sample = data[: 4096 if len(data) % 2 == 0 and len(data) >= 16 else 0]
    even, odd = (sample[i::2].count(0) / max(1, len(sample) / 2) for i in (0, 1))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    return "utf-16-be" if even > 0.3 and odd < 0.05 else None


def _mostly_gb2312(text: str) -> bool:
    wide = "".join(ch for ch in text[:100_000] if ord(ch) > 0x7F)
    return len(wide.encode("gb2312", errors="ignore")) // 2 >= 0.9 * len(wide)


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
    texts = [_normalise(t or "") for t in texts]
    tables: dict[int, list[tuple[int, int]]] = {}
    with_text = [i for i, text in enumerate(texts) if i not in scans and text.strip()]
    for index, (text, spans) in _or_default(lambda: _pdf_tables(data, with_text), {}).items():
        texts[index], tables[index] = _normalise(text), spans
    title = _or_default(lambda: str(reader.metadata.title or "").removeprefix("Microsoft Word - ").strip(), "")
    doc = LoadedDocument("", title=title or None)
    if scans:
        from .pages.loading import note_scan, read_scanned_pdf

        outcome = read_scanned_pdf(data, scans, page_reader)
        for index in scans:
            texts[index] = _normalise(outcome.texts.get(index, ""))
        note_scan(doc, outcome)
    if not any(t.strip() for t in texts):
        from .pages.loading import nothing_read

        raise LoadError(nothing_read(doc))
    doc.pages = list(accumulate((len(t) + 2 for t in texts[:-1]), initial=0))
    doc.text = "\n\n".join(texts)
    doc.tables = [(doc.pages[i] + a, doc.pages[i] + b) for i, spans in sorted(tables.items()) for a, b in spans]
    return doc


def _usable_text_layer(text: str | None) -> bool:
    visible = "".join((text or "").split())
    return len(visible) >= _MIN_TEXT_LAYER_CHARS and visible.count("\ufffd") < 0.3 * len(visible)


def _pdf_tables(data: bytes, pages: list[int]) -> dict[int, tuple[str, list[tuple[int, int]]]]:
    from .pages.tables import pdf_pages_with_tables

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
    text = _normalise("\n".join(text for text, _ in blocks))
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

    from .html_nesting import flatten_deep_nesting

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


# --- what a file's first bytes say it is (uploads are checked before they are saved) ---------------------

_SNIFF_BYTES = 8192
_IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"II+\x00": "TIFF",  # BigTIFF
    b"MM\x00+": "TIFF",
}
_BINARY_MAGIC = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a ZIP archive or an Office document",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Office document (.doc, .xls)",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"\x7fELF": "a program",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!\x1a\x07": "a RAR archive",
    b"SQLite format 3\x00": "a database",
    **{magic: f"a {kind} image" for magic, kind in _IMAGE_MAGIC.items()},
}
_TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def content_problem(path: Path, suffix: str) -> str | None:
    """Why the file's content is not what its extension says, in plain words, or ``None`` when it matches.

    Only the first bytes are read (a .docx: its zip directory), so a renamed file is refused before it is
    saved; whether the file is readable in full is still up to ingest."""
    suffix = suffix.lower()
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror or exc})"
    if suffix == ".pdf":
        start = head[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\f")
        if not start.startswith(b"%PDF-"):
            return f"the content is not a PDF{_looks_like(head)}"
        return None
    if suffix == ".docx":
        return None if _is_docx(path) else f"the content is not a Word document (.docx){_looks_like(head)}"
    if suffix in IMAGE_SUFFIXES:
        if any(head.startswith(magic) for magic in _IMAGE_MAGIC):
            return None  # the image reader goes by content, so a PNG named .jpg reads as well
        return f"the content is not an image (PNG, JPEG or TIFF){_looks_like(head)}"
    if suffix in _TEXT_SUFFIXES:
        known = next((kind for magic, kind in _BINARY_MAGIC.items() if head.startswith(magic)), None)
        if known:
            return f"the content is {known}, not text"
        if b"\x00" in head and not _utf16_text(head):
            return "the content is binary data, not text"
    return None


def _looks_like(head: bytes) -> str:
    kind = next((kind for magic, kind in _BINARY_MAGIC.items() if head.startswith(magic)), None)
    if kind:
        return f" but {kind}"
    return " but text" if head and b"\x00" not in head and _decode(head[:1024]) is not None else ""


def _utf16_text(head: bytes) -> bool:
    """UTF-16 text has NUL bytes, yet is text: a byte order mark, or NULs in every other byte."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return _utf16_without_bom(head[: len(head) - len(head) % 2]) is not None


def _is_docx(path: Path) -> bool:
    """A zip holding the main part of a Word document."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return True
            info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if info is None or info.file_size > 1_000_000:
                return False
            return b"wordprocessingml.document.main" in archive.read(info)
    except Exception:  # not a zip, a damaged one, or one zipfile cannot read
        return False
