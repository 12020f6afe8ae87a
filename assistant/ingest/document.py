"""What a loader returns: the text of one document with the structure its format marks, or a ``LoadError``.
Shared by the format loaders (``loaders``) and the scanned-page reader (``pages.loading``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CN_NUM = "一二三四五六七八九十百零〇两"
# A page a crawler flattened to one line ("…特制定本意见。 一、适用对象 本意见的适用对象为… （一）支持…"): the
# policy's own section markers, each after the space the crawler put where a line break was.
FLAT_LINE_CHARS = 1000
_FLAT_MARKER = re.compile(
    rf"(?<=\S)[ \t\u3000](?=(?:[{_CN_NUM}]+、|[（(][{_CN_NUM}]+[)）]|第[{_CN_NUM}\d]+[章条节]|\d{{1,2}}[、．](?!\d)))"
)
_SHORT_HEADING = re.compile(r"[^\s。，；：,;:]{1,16}(?=[ \t\u3000])")


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


def restore_lines(text: str) -> str:
    """Line breaks put back into a text flattened to one line (a web page's crawl), so it is chunked along the
    policy's structure: before each section marker (一、 （一） 第三条 1、) that follows a space, and after a
    short heading ("一、适用对象 本意见…"). A space becomes a newline, so every offset stays where it was. Texts
    with their lines intact are returned as they are."""
    if max(map(len, text.split("\n")), default=0) < FLAT_LINE_CHARS:
        return text
    chars = list(text)
    for marker in _FLAT_MARKER.finditer(text):
        chars[marker.start()] = "\n"
        heading = _SHORT_HEADING.match(text, marker.end())
        if heading and text[heading.end()] in " \t\u3000":
            chars[heading.end()] = "\n"
    return "".join(chars)
