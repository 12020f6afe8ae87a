"""Structure-aware chunking: headings first, then paragraphs, then sentences; never inside a figure.
Tables are cut between rows only, and every piece of a table starts with its header row."""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.text.language import count_chinese, detect_language, is_chinese, latin_words
from assistant.text.sentences import sentence_spans

_CN_NUM = "一二三四五六七八九十百零〇两"

# (pattern, level): lower level = higher in the hierarchy. One document rarely mixes schemes.
_HEADING_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(rf"^第[{_CN_NUM}\d]+编"), 1),
    (re.compile(rf"^第[{_CN_NUM}\d]+章"), 2),
    (re.compile(rf"^第[{_CN_NUM}\d]+节"), 3),
    (re.compile(rf"^[{_CN_NUM}]+、"), 4),
    (re.compile(rf"^[（(][{_CN_NUM}]+[)）]"), 5),
    (re.compile(rf"^第[{_CN_NUM}\d]+条"), 6),
    (re.compile(r"^(?:CHAPTER|Chapter)\s+[\dIVXLC]+\b"), 2),
    (re.compile(r"^(?:SECTION|Section)\s+[\dIVXLC]+\b"), 3),
    (re.compile(r"^(?:ARTICLE|Article)\s+[\dIVXLC]+\b"), 6),
    (re.compile(r"^[IVX]+\.\s+[A-Z]"), 4),
    (re.compile(r"^\d+\.\d+\.?\s+\S"), 6),
    (re.compile(r"^\d+[.．、]\s*\S"), 6),
    (re.compile(r"^[（(]\d+[)）]"), 7),
]
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_SHORT_HEADING_TOKENS = 40
# A figure with its unit: never split inside one.
_FIGURE = re.compile(
    r"(?:RMB|CNY|US\$|\$|¥)?\s?\d[\d,.]*\s?(?:%|percent|million|billion|thousand|trillion|[万亿千百])*\s?(?:元|yuan|dollars)?"
    rf"|[{_CN_NUM}千万亿]{{2,}}元?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int
    end: int
    section: str
    page: int | None
    language: str
    content_hash: str


def estimate_tokens(text: str) -> int:
    """Rough count for XLM-R-style tokenizers: one per CJK character, ~1.3 per Latin word."""
    return count_chinese(text) + int(1.3 * len(latin_words(text)) + 0.5)


@dataclass
class _Block:
    start: int
    end: int
    heading_level: int | None = None
    heading_text: str = ""
    heading_only: bool = False


def _heading_of(line: str) -> tuple[int, str, bool] | None:
    """(level, label, heading_only) when the line opens a section."""
    md = _MARKDOWN_HEADING.match(line)
    if md:
        return len(md.group(1)), md.group(2), True
    for pattern, level in _HEADING_PATTERNS:
        if pattern.match(line):
            short = estimate_tokens(line) <= _SHORT_HEADING_TOKENS and not line.rstrip().endswith(("。", "."))
            label = line if short else re.split(r"[。：:；;]|\.(?=\s|$)", line, maxsplit=1)[0][:40]
            if short or level in (6, 7) or line.startswith("第"):
                return level, label.strip(), short
            return level, label.strip(), False
    return None


def _blocks(
    text: str, format_headings: dict[int, tuple[int, str]], tables: Sequence[tuple[int, int]] = ()
) -> list[_Block]:
    blocks = []
    for match in re.finditer(r"[^\n]+", text):
        stripped = match.group().strip()
        if not stripped:
            continue
        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
        block = _Block(start, start + len(stripped))
        heading = format_headings.get(start) or format_headings.get(match.start())
        if heading:
            block.heading_level, block.heading_text, block.heading_only = heading[0], heading[1], True
        elif found := _heading_of(stripped):
            block.heading_level, block.heading_text, block.heading_only = found
        blocks.append(block)
    return _unwrapped(blocks, text, tables)


_WRAP_MIN_CHARS = 12
_LINE_END = tuple("。！？；：:!?;）)”\"|")


def _unwrapped(blocks: list[_Block], text: str, tables: Sequence[tuple[int, int]] = ()) -> list[_Block]:
    """Lines a PDF wrapped mid-sentence ("…最高 500" / "万元采购补贴") rejoin one paragraph, so a sentence and
    its figure stay in one chunk: a Chinese line that ends without closing punctuation continues on the next
    line unless that line opens a section. Table rows are never joined."""
    out: list[_Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if any(a <= block.start <= b for a, b in tables) or (previous and any(a <= previous.start <= b for a, b in tables)):
            out.append(block)
            continue
        line = text[previous.start : previous.end] if previous else ""
        if (
            previous is not None
            and not previous.heading_only
            and block.heading_level is None
            and len(line) >= _WRAP_MIN_CHARS
            and is_chinese(line)
            and not line.endswith(_LINE_END)
        ):
            previous.end = block.end
            continue
        out.append(block)
    return out


def _protected(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start() + start, m.end() + start) for m in _FIGURE.finditer(text[start:end]) if m.group().strip()]


def _safe_cut(text: str, start: int, end: int, limit_tokens: int) -> int:
    """A cut point after ``start`` within the budget, at punctuation or space, outside any figure."""
    spans = _protected(text, start, end)
    cut, budget = start, 0
    while cut < end and budget + estimate_tokens(text[cut]) <= limit_tokens:
        budget += estimate_tokens(text[cut]) or (1 if cut % 4 == 0 else 0)
        cut += 1
    best = None
    for pos in range(cut, start, -1):
        if any(a < pos < b for a, b in spans):
            continue
        if text[pos - 1] in "，,、：: " or best is None:
            best = pos
            if text[pos - 1] in "，,、：: ":
                break
    return best if best and best > start else max(cut, start + 1)


def _sentences(text: str, start: int, end: int, max_tokens: int) -> list[tuple[int, int]]:
    """Split [start, end) into sentence spans, hard-splitting sentences over the budget."""
    out = []
    for a, b in sentence_spans(text, start, end):
        while estimate_tokens(text[a:b]) > max_tokens:
            cut = _safe_cut(text, a, b, max_tokens)
            out.append((a, cut))
            a = cut
        out.append((a, b))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in out if text[a:b].strip()]


class _Packer:
    """Accumulates spans of one section into chunks within the token budget."""

    def __init__(self, text: str, max_tokens: int, overlap_tokens: int):
        self.text, self.max_tokens, self.overlap_tokens = text, max_tokens, overlap_tokens
        self.spans: list[tuple[int, int, str, str]] = []  # (start, end, section, repeated table header)
        self.start: int | None = None
        self.end = 0
        self.section = ""

    def tokens_if_added(self, end: int) -> int:
        return estimate_tokens(self.text[self.start : end]) if self.start is not None else 0

    def add(self, start: int, end: int, section: str, *, new_paragraph: bool = True) -> None:
        """A paragraph joins the pending chunk only while that chunk is short (header lines, list items)."""
        if self.start is not None and (
            self.tokens_if_added(end) > self.max_tokens
            or (new_paragraph and estimate_tokens(self.text[self.start : self.end]) >= self.max_tokens // 3)
        ):
            self.flush()
        if self.start is None:
            self.start, self.section = start, section
        self.end = end

    def add_long(self, pieces: list[tuple[int, int]], section: str) -> None:
        """Sentences of one long paragraph: consecutive chunks share a small overlap."""
        for a, b in pieces:
            if self.start is not None and self.tokens_if_added(b) > self.max_tokens:
                flushed_start = self.start
                self.flush()
                self.start, self.section = self._overlap_start(pieces, a, flushed_start), section
            self.add(a, b, section, new_paragraph=(a, b) == pieces[0])

    def _overlap_start(self, pieces: list[tuple[int, int]], a: int, flushed_start: int) -> int:
        """Start of the flushed chunk's trailing sentences that fit the overlap budget."""
        start = a
        for s, _ in reversed([p for p in pieces if flushed_start < p[0] < a]):
            if estimate_tokens(self.text[s:a]) > self.overlap_tokens:
                break
            start = s
        return start

    def flush(self) -> None:
        if self.start is not None and self.text[self.start : self.end].strip():
            self.spans.append((self.start, self.end, self.section, ""))
        self.start = None

    def add_table(self, rows: list[tuple[int, int]], section: str) -> None:
        """Whole rows within the budget; a piece after the first repeats the header row above its rows."""
        self.flush()
        header = self.text[rows[0][0] : rows[0][1]]
        start, end, prefix = rows[0][0], rows[0][1], ""
        for a, b in rows[1:]:
            if estimate_tokens(prefix + self.text[start:b]) > self.max_tokens and end > rows[0][1]:
                self.spans.append((start, end, section, prefix))
                start, prefix = a, header
            end = b
        self.spans.append((start, end, section, prefix))


def chunk_document(
    text: str,
    *,
    headings: Sequence[tuple[int, int, str]] = (),
    pages: Sequence[int] | None = None,
    max_tokens: int = 200,
    overlap_tokens: int = 30,
    tables: Sequence[tuple[int, int]] = (),
) -> list[Chunk]:
    """Split ``text`` along its own structure into chunks that fit ``max_tokens``.

    ``headings`` are (offset, level, text) that the file format itself marks (docx styles, HTML h1-h6).
    ``pages`` are the offsets where each PDF page starts. ``tables`` are (start, end) spans whose lines are
    rows, the first one the header: such a chunk's text is the header row, a newline and
    ``text[start:end]`` when it does not start at the header (for every other chunk it is ``text[start:end]``).
    """
    format_headings = {offset: (level, label) for offset, level, label in headings}
    packer = _Packer(text, max_tokens, overlap_tokens)
    trail: list[tuple[int, str]] = []
    rows: list[tuple[int, int]] = []
    blocks = _blocks(text, format_headings, tables)
    for i, block in enumerate(blocks):
        table = next(((a, b) for a, b in tables if a <= block.start < b), None)
        if table is not None:
            rows.append((block.start, block.end))
            if i + 1 == len(blocks) or not table[0] <= blocks[i + 1].start < table[1]:
                packer.add_table(rows, " > ".join(label for _, label in trail))
                rows = []
            continue
        if block.heading_level is not None:
            joins_pending_headings = _only_headings_pending(packer, text)
            if not joins_pending_headings:
                packer.flush()
            while trail and trail[-1][0] >= block.heading_level:
                trail.pop()
            trail.append((block.heading_level, block.heading_text))
        section = " > ".join(label for _, label in trail)
        if block.heading_level is not None and joins_pending_headings:
            packer.section = section
        if estimate_tokens(text[block.start : block.end]) > max_tokens:
            packer.add_long(_sentences(text, block.start, block.end, max_tokens), section)
        else:
            packer.add(block.start, block.end, section)
    packer.flush()
    return [_make_chunk(text, start, end, section, pages, header) for start, end, section, header in packer.spans]


def _only_headings_pending(packer: _Packer, text: str) -> bool:
    """Consecutive headings (一、 then （一）) stay together with the body that follows them."""
    if packer.start is None:
        return True
    lines = [line.strip() for line in text[packer.start : packer.end].splitlines() if line.strip()]
    return all((found := _heading_of(line)) is not None and found[2] for line in lines)


def _make_chunk(text: str, start: int, end: int, section: str, pages: Sequence[int] | None, header: str) -> Chunk:
    body = f"{header}\n{text[start:end]}" if header else text[start:end]
    page = bisect.bisect_right(pages, start) if pages else None
    return Chunk(
        text=body,
        start=start,
        end=end,
        section=section,
        page=page,
        language=detect_language(body),
        content_hash=hashlib.sha1(body.encode("utf-8")).hexdigest(),
    )
