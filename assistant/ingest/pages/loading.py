"""Scanned PDF pages and image files read by OCR into a ``LoadedDocument`` (called by ``assistant.ingest.loaders``)."""

from __future__ import annotations

from itertools import accumulate

from assistant.files import sha256_bytes
from assistant.ingest.document import LoadedDocument, LoadError, normalise
from assistant.ingest.pages.scan import PageReader, ScanOutcome, image_frames, render_pdf_page


def read_scanned_pdf(data: bytes, scans: list[int], page_reader: PageReader) -> ScanOutcome:
    """OCR of the listed 0-based pages of a PDF, rendered by pypdfium2."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return page_reader.read(sha256_bytes(data), scans, lambda index: render_pdf_page(document, index))
    finally:
        document.close()


def load_image(data: bytes, page_reader: PageReader | None) -> LoadedDocument:
    """A photo or scan of one page (a TIFF may hold several): every frame is a page read by OCR."""
    if page_reader is None:
        raise LoadError("images need OCR, which is not set up here")
    try:
        frames = image_frames(data)
    except Exception as exc:  # PIL raises many kinds, DecompressionBombError among them
        raise LoadError("not a readable image (damaged, or too many pixels)") from exc
    outcome = page_reader.read(sha256_bytes(data), list(range(len(frames))), frames.__getitem__)
    doc = LoadedDocument("")
    note_scan(doc, outcome)
    texts = [normalise(outcome.texts.get(i, "")) for i in range(len(frames))]
    if not any(t.strip() for t in texts):
        raise LoadError(nothing_read(doc))
    doc.text, doc.pages = "\n\n".join(texts), list(accumulate((len(t) + 2 for t in texts[:-1]), initial=0))
    return doc


def note_scan(doc: LoadedDocument, outcome: ScanOutcome) -> None:
    """What OCR read and left out, recorded on the document."""
    doc.ocr_pages = {index + 1: round(confidence, 4) for index, confidence in outcome.confidence.items()}
    doc.notes += outcome.notes()
    doc.partial = bool(outcome.not_read)


def nothing_read(doc: LoadedDocument) -> str:
    reason = "no text found, even with OCR (blank or unreadable pages)"
    return "; ".join([reason, *doc.notes])
