"""Where a cited passage stands in its source: the page image with the passage's region highlighted (PDFs and
images), or the paragraphs around it with the passage marked (text, Markdown, DOCX, HTML).

Page images are rendered on demand (pypdfium2), highlighted from the text layer's character boxes or the
cached OCR line boxes, and cached on disk as JPEG files keyed by file hash, page and passage.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from assistant.files import atomic_path, sha256_bytes
from assistant.ingest.loaders import IMAGE_SUFFIXES, LoadError, load_document
from assistant.ingest.pages.ocr import OcrPage, PageCache

PREVIEW_SCALE = 1.5  # 108 dpi: an A4 page 893 px wide, readable in the sources panel
_CONTEXT_CHARS = 500  # of the text before and after a passage shown around it
_EDGE = 10  # characters of a passage's start and end searched for when the whole passage is not found
_HIGHLIGHT = (255, 200, 0, 90)
_OUTLINE = (230, 120, 0, 255)
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels


@dataclass(frozen=True)
class Context:
    before: str
    passage: str
    after: str


class Previewer:
    """Page images and text context for the passages of an answer, read from the documents folder."""

    def __init__(self, documents_dir: Path, cache_dir: Path, ocr_cache: PageCache, max_bytes: int = 20_000_000):
        self.documents_dir, self.cache_dir = Path(documents_dir), Path(cache_dir)
        self.ocr_cache, self.max_bytes = ocr_cache, max_bytes

    def has_page_image(self, meta: dict) -> bool:
        suffix = Path(str(meta.get("source", ""))).suffix.lower()
        return (suffix == ".pdf" or suffix in IMAGE_SUFFIXES) and int(meta.get("page") or 0) > 0

    def page_image(self, meta: dict, passage: str) -> Path | None:
        """A JPEG of the passage's page with its region highlighted; None when the file is gone or changed."""
        data = self._source_bytes(meta)
        if data is None or not self.has_page_image(meta):
            return None
        page = int(meta["page"])
        key = hashlib.sha1(f"{meta.get('file_hash')}\0{page}\0{passage}".encode()).hexdigest()
        target = self.cache_dir / key[:2] / f"{key}.jpg"
        if target.exists():
            return target
        image, boxes = self._page_with_boxes(data, meta, page, passage)
        if image is None:
            return None
        with atomic_path(target) as temporary:
            highlighted(image, boxes).save(temporary, format="JPEG", quality=82)
        return target

    def context(self, meta: dict, passage: str) -> Context | None:
        """The passage with the text around it, from the file as indexed; None when it cannot be found."""
        path = self._path(meta)
        if path is None:
            return None
        try:
            text = load_document(path, max_bytes=self.max_bytes).text
        except LoadError:
            return None
        start, end = int(meta.get("start") or 0), int(meta.get("end") or 0)
        if not (0 <= start < end <= len(text)) or text[start:end] not in passage:
            return None
        before = text[max(0, start - _CONTEXT_CHARS) : start]
        after = text[end : end + _CONTEXT_CHARS]
        before = "…" + before if start > _CONTEXT_CHARS else before
        after = after + "…" if end + _CONTEXT_CHARS < len(text) else after
        return Context(before, text[start:end], after)

    def _path(self, meta: dict) -> Path | None:
        source = str(meta.get("source") or "")
        path = (self.documents_dir / source).resolve()
        inside = self.documents_dir.resolve() in path.parents
        return path if source and inside and path.is_file() else None

    def _source_bytes(self, meta: dict) -> bytes | None:
        path = self._path(meta)
        if path is None or path.stat().st_size > self.max_bytes:
            return None
        data = path.read_bytes()
        return data if sha256_bytes(data) == meta.get("file_hash") else None

    def _page_with_boxes(self, data: bytes, meta: dict, page: int, passage: str):
        ocr = self.ocr_cache.get(str(meta.get("file_hash")), page - 1) if meta.get("ocr") else None
        if Path(str(meta["source"])).suffix.lower() in IMAGE_SUFFIXES:
            from assistant.ingest.pages.scan import image_frames

            frames = image_frames(data)
            if page > len(frames):
                return None, []
            image = ocr.upright(frames[page - 1]) if ocr else frames[page - 1]
            return image, ocr_boxes(ocr, passage, image.size) if ocr else []
        return _pdf_page(data, page - 1, passage, ocr)


def _pdf_page(data: bytes, index: int, passage: str, ocr: OcrPage | None):
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        if index >= len(document):
            return None, []
        page = document[index]
        image = page.render(scale=PREVIEW_SCALE).to_pil()
        if ocr:
            image = ocr.upright(image)
        boxes = ocr_boxes(ocr, passage, image.size) if ocr else text_layer_boxes(page, passage, PREVIEW_SCALE)
        return image, boxes
    finally:
        document.close()


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text without spaces or table separators, compatibility forms folded; and each kept char's index."""
    chars, where = [], []
    for i, char in enumerate(text):
        for folded in unicodedata.normalize("NFKC", char):
            if not folded.isspace() and folded != "|":
                chars.append(folded)
                where.append(i)
    return "".join(chars), where


def _spans_in(haystack: str, passage: str) -> list[tuple[int, int]]:
    """Where the passage's lines stand in ``haystack`` (normalised page text), in order: a table piece's
    header row is not next to its rows on the page."""
    spans, cursor = [], 0
    for line in passage.split("\n"):
        wanted, _ = _normalised(line)
        if len(wanted) >= 2 and (span := _span_in(haystack, wanted, cursor)) is not None:
            spans.append(span)
            cursor = span[1]
    return spans


def _span_in(haystack: str, passage: str, cursor: int = 0) -> tuple[int, int] | None:
    """(start, end) of the passage in ``haystack`` (both normalised) from ``cursor``; by its first and last
    characters when the whole passage is not there (it may run onto the next page or differ in a character)."""
    if (at := haystack.find(passage, cursor)) >= 0:
        return at, at + len(passage)
    head, tail = haystack.find(passage[:_EDGE], cursor), haystack.find(passage[-_EDGE:], cursor)
    if head >= 0 and tail >= head:
        return head, tail + len(passage[-_EDGE:])
    if head >= 0:
        return head, min(len(haystack), head + len(passage))
    if tail >= 0:
        return max(0, tail + _EDGE - len(passage)), tail + _EDGE
    return None


def text_layer_boxes(page, passage: str, scale: float) -> list[Box]:
    """Line boxes of the passage's characters on a PDF page, in pixels of a render at ``scale``."""
    textpage = page.get_textpage()
    try:
        page_text, where = _normalised(textpage.get_text_range())
        height = page.get_height()
        boxes: list[Box] = []
        for start, end in _spans_in(page_text, passage):
            for index in range(where[start], where[end - 1] + 1):
                left, bottom, right, top = textpage.get_charbox(index)
                if right > left:
                    _merge_into_lines(
                        boxes, (left * scale, (height - top) * scale, right * scale, (height - bottom) * scale)
                    )
        return boxes
    finally:
        textpage.close()


def _merge_into_lines(boxes: list[Box], box: Box) -> None:
    """A character box joins the last line box when it sits on the same line."""
    if boxes:
        x0, y0, x1, y1 = boxes[-1]
        middle = (box[1] + box[3]) / 2
        if y0 <= middle <= y1 and box[0] >= x0 - (y1 - y0):
            boxes[-1] = (min(x0, box[0]), min(y0, box[1]), max(x1, box[2]), max(y1, box[3]))
            return
    boxes.append(box)


def ocr_boxes(ocr: OcrPage, passage: str, size: tuple[int, int]) -> list[Box]:
    """Boxes of the OCR lines that belong to the passage: inside it, or holding its start or its end."""
    wanted, _ = _normalised(passage)
    width, height = size
    boxes = []
    for line in ocr.lines:
        text, _ = _normalised(line.text)
        inside = len(text) >= 2 and text in wanted
        edge = len(text) >= _EDGE and (wanted[:_EDGE] in text or wanted[-_EDGE:] in text)
        if inside or edge:
            x0, y0, x1, y1 = line.box
            boxes.append((x0 * width, y0 * height, x1 * width, y1 * height))
    return boxes


def highlighted(image, boxes: list[Box]):
    """The page with a translucent marker over each box (padded a little), as RGB."""
    from PIL import Image, ImageDraw

    page = image.convert("RGBA")
    overlay = Image.new("RGBA", page.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, y0, x1, y1 in boxes:
        pad = max(2.0, 0.15 * (y1 - y0))
        draw.rectangle((x0 - pad, y0 - pad, x1 + pad, y1 + pad), fill=_HIGHLIGHT, outline=_OUTLINE, width=2)
    return Image.alpha_composite(page, overlay).convert("RGB")
