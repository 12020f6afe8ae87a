"""Sentences of policy text as (start, end) spans of the text they come from, so callers keep offsets.

One splitter serves the passages (grounding, funding provisions, document facts), the chunker (cut
points for a long paragraph) and the answer's claims (``semicolons=False, citations=True``).
"""

from __future__ import annotations

import re

_END = re.compile(
    r"[。！？；!?]+[”’\"'）)\]」』]*|\.(?=\s|$)|\n\s*\n"
    r"|(?<=[\u4e00-\u9fff\d%）)])\s*;(?=\s*(?:[\u4e00-\u9fff]|(?:[A-Z]|IV|VI{0,3}|I{1,3})类))"  # a half-width ; between Chinese clauses ends one too
    r"|\n(?=[ \t]*(?:[A-Z]|IV|VI{0,3}|I{1,3})类)"  # each row of a class table ("B类/按房价总额的15%…") is one
)
_CLASS_ROW = re.compile(r"^[ \t]*(?:[A-Z]|IV|VI{0,3}|I{1,3})类", re.M)
_END_OF_CLAIM = re.compile(r"[。！？!?]+[”’\"'）)\]」』]*|\.(?=\s|$|\[)|\n\s*\n")
_CITATIONS = re.compile(r"(?:\s*\[[\d,，、\s]+\])+")
_WORD_BEFORE_DOT = re.compile(r"[A-Za-z.]*$")
_ABBREVIATIONS = {"no", "art", "arts", "co", "ltd", "inc", "corp", "mr", "mrs", "ms", "dr", "vs", "etc", "para",
                  "sec", "fig", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                  "nov", "dec", "st"}  # fmt: skip


def _abbreviation(text: str, dot: int) -> bool:
    """The full stop at ``dot`` ends "U.S.", "No.", "e.g." or an initial, not a sentence."""
    word = _WORD_BEFORE_DOT.search(text, max(0, dot - 20), dot).group()
    return "." in word or len(word) == 1 or word.lower() in _ABBREVIATIONS


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, *, semicolons: bool = True, citations: bool = False
) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]``, as offsets in ``text``, without surrounding whitespace.

    A sentence ends at 。！？!? (with the closing quotes or brackets after them), at "；" (or ";" between Chinese
    clauses) unless ``semicolons`` is false, at ". " but not inside "2.5" or after "U.S.", "No." or "e.g.", and at a blank
    line. With ``citations`` (an answer's text) the markers "[1]", "[1, 2]" after the end belong to the
    sentence they follow, and a full stop right before "[" ends a sentence too.
    """
    end = len(text) if end is None else end
    pattern = _END if semicolons else _END_OF_CLAIM
    spans, cursor = [], start
    for m in pattern.finditer(text, start, end):
        if m.group() == "." and _abbreviation(text, m.start()):
            continue
        if m.start() < cursor:
            continue  # inside the citations taken with the previous sentence
        finish = m.start() if m.group()[0] == "\n" else m.end()
        if citations and (cited := _CITATIONS.match(text, finish, end)):
            finish = cited.end()
        spans.append((cursor, finish))
        cursor = max(finish, m.end())
    spans.append((cursor, end))
    out = []
    for a, b in _rows_apart(text, spans):
        piece = text[a:b]
        if piece.strip():
            out.append((a + len(piece) - len(piece.lstrip()), a + len(piece.rstrip())))
    return out


def _rows_apart(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A class table's rows end without punctuation: in a span holding one, every line is a sentence of its
    own ("C类/…最高不超过5万元" and the "备注:A类、B类、C类评定标准…" line under it are two)."""
    out = []
    for a, b in spans:
        if "\n" in text[a:b] and _CLASS_ROW.search(text, a, b):
            cuts = [m.start() for m in re.finditer("\n", text[a:b])]
            out += list(zip([a, *(a + c + 1 for c in cuts)], [*(a + c for c in cuts), b]))
        else:
            out.append((a, b))
    return out


def split_sentences(text: str, **options: bool) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, **options)]
