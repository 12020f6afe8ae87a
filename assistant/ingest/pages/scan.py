"""Scanned pages and image files: rendered, recognised within a page and time budget, turned into text."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.ingest.pages.ocr import OcrEngine, OcrLine, OcrPage, PageCache
from assistant.text.unwrap import joiner

RENDER_SCALE = 2.0  # 144 dpi: PP-OCRv4 reads 10.5 pt body text reliably at this size
_MAX_IMAGE_SIDE = 4000  # a larger photo is shrunk first: OCR cost grows with the pixel count
_SENTENCE_END = tuple("。！？：；.!?:;")


@dataclass(frozen=True)
class PageBudget:
    """Per document: pages recognised (cached pages are free) and seconds spent recognising them."""

    max_pages: int = 200
    max_seconds: float = 300.0


@dataclass
class ScanOutcome:
    texts: dict[int, str] = field(default_factory=dict)  # 0-based page index -> recognised text
    confidence: dict[int, float] = field(default_factory=dict)
    unreadable: list[int] = field(default_factory=list)  # 1-based page numbers with ink but no text
    not_read: list[int] = field(default_factory=list)  # 1-based page numbers the budget left out
    cut_reason: str = ""

    def notes(self) -> list[str]:
        notes = []
        if self.unreadable:
            notes.append(f"OCR found no readable text on page {page_list(self.unreadable)}")
        if self.not_read:
            notes.append(
                f"{len(self.not_read)} page(s) not read yet ({self.cut_reason}): page {page_list(self.not_read)}; "
                "re-index to continue from where it stopped"
            )
        return notes


def page_list(pages: Sequence[int]) -> str:
    """[1, 2, 3, 7] -> '1-3, 7'."""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


class PageReader:
    """Recognises the pages a loader asks for, reusing cached results and stopping at the budget;
    ``progress(done, total)`` after each page of a document."""

    def __init__(
        self,
        engine: OcrEngine,
        cache: PageCache,
        budget: PageBudget = PageBudget(),
        clock=time.monotonic,
        progress: Callable[[int, int], None] | None = None,
    ):
        self.engine, self.cache, self.budget, self.clock, self.progress = engine, cache, budget, clock, progress

    def reporting_to(self, progress: Callable[[int, int], None] | None) -> PageReader:
        """The same reader (engine, cache, budget) telling ``progress`` about each page."""
        return PageReader(self.engine, self.cache, self.budget, self.clock, progress)

    def read(self, file_hash: str, pages: Sequence[int], render: Callable[[int], object]) -> ScanOutcome:
        """``pages`` are 0-based indices; ``render(i)`` gives page i as a PIL image."""
        outcome, recognised, started = ScanOutcome(), 0, self.clock()
        for done, index in enumerate(pages):
            result = self.cache.get(file_hash, index)
            if result is None:
                if recognised >= self.budget.max_pages or self.clock() - started > self.budget.max_seconds:
                    outcome.not_read = [i + 1 for i in pages[done:] if self.cache.get(file_hash, i) is None]
                    outcome.cut_reason = (
                        f"OCR budget of {self.budget.max_pages} pages"
                        if recognised >= self.budget.max_pages
                        else f"OCR time budget of {self.budget.max_seconds:g} s"
                    )
                    outcome = _with_cached(outcome, self.cache, file_hash, pages[done:])
                    break
                result = self.engine.recognise(render(index))
                self.cache.put(file_hash, index, result)
                recognised += 1
            _record(outcome, index, result)
            if self.progress:
                self.progress(done + 1, len(pages))
        return outcome

    def cached(self, file_hash: str, page: int) -> OcrPage | None:
        return self.cache.get(file_hash, page)


def _with_cached(outcome: ScanOutcome, cache: PageCache, file_hash: str, rest: Sequence[int]) -> ScanOutcome:
    """Past the budget, pages recognised by an earlier run still count."""
    for index in rest:
        if (result := cache.get(file_hash, index)) is not None:
            _record(outcome, index, result)
    return outcome


def _record(outcome: ScanOutcome, index: int, result: OcrPage) -> None:
    text = page_text(result.lines)
    if text.strip():
        outcome.texts[index] = text
        outcome.confidence[index] = result.confidence
    elif not result.blank:
        outcome.unreadable.append(index + 1)


def page_text(lines: Sequence[OcrLine]) -> str:
    """Visual lines joined into paragraphs: a line continues the previous one when that one runs to the
    right margin without ending a sentence and this one is not indented or far below."""
    if not lines:
        return ""
    left = min(line.box[0] for line in lines)
    right = max(line.box[2] for line in lines)
    paragraphs: list[str] = []
    previous: OcrLine | None = None
    for line in lines:
        if previous is not None and _continues(previous, line, left, right):
            paragraphs[-1] += joiner(previous.text, line.text) + line.text
        else:
            paragraphs.append(line.text)
        previous = line
    return "\n".join(paragraphs)


def _continues(previous: OcrLine, line: OcrLine, left: float, right: float) -> bool:
    height = max(previous.box[3] - previous.box[1], 1e-6)
    full_width = previous.box[2] >= right - 2.5 * height * 0.7
    indented = line.box[0] > left + 1.2 * height
    gap = line.box[1] - previous.box[3]
    return full_width and not indented and 0 <= gap < 1.0 * height and not previous.text.endswith(_SENTENCE_END)


def image_frames(data: bytes) -> list:
    """Every frame of an image file (a TIFF may hold many pages), as RGB images of a bounded size."""
    import io

    from PIL import Image, ImageOps, ImageSequence

    with Image.open(io.BytesIO(data)) as image:
        frames = []
        for frame in ImageSequence.Iterator(image):
            page = ImageOps.exif_transpose(frame.convert("RGB"))
            page.thumbnail((_MAX_IMAGE_SIDE, _MAX_IMAGE_SIDE))
            frames.append(page)
    return frames


def render_pdf_page(document, index: int, scale: float = RENDER_SCALE):
    """Page ``index`` of an open pypdfium2 document as a PIL image."""
    return document[index].render(scale=scale).to_pil()
