"""What a loader returns: the text of one document with the structure its format marks, or a ``LoadError``.
Shared by the format loaders (``loaders``) and the scanned-page reader (``pages.loading``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SURROGATE = re.compile(r"[\ud800-\udfff]")


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


def normalise(text: str) -> str:
    """Newlines unified, NULs dropped, lone surrogates (from broken PDF font maps) made U+FFFD, which
    keeps every offset and lets the text be encoded as UTF-8 by the chunker and the index."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)
