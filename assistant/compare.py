"""Comparison answers: a Markdown table, one column per compared party, every cell cited."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import extract_amounts, find_figures, split_sentences
from .retrieval import REGION_ALIASES, Hit

NOT_STATED = "not stated"


@dataclass(frozen=True)
class Aspect:
    label: str
    pattern: re.Pattern[str]
    needs_figure: bool = False


ASPECTS = (
    Aspect(
        "Issued by",
        re.compile(r"\b(issued|released|published|bureau|ministry|commission)\b|印发|发布|局|委员会|部", re.I),
    ),
    Aspect("Plans and measures", re.compile(r"\b(measures?|plans?|tasks?)\b|措施|条|项|行动计划|方案", re.I), True),
    Aspect("Funding", re.compile(r"\b(RMB|yuan|million|billion|funding|subsid\w*)\b|元|资金|补贴|奖励", re.I), True),
    Aspect("Embodied intelligence and robots", re.compile(r"embodied|robot|具身|机器人", re.I)),
    Aspect("Terminals and devices", re.compile(r"terminal|device|equipment|终端|装备|设备", re.I)),
    Aspect("Enterprises", re.compile(r"enterprise|compan|unicorn|gazelle|企业|独角兽|瞪羚", re.I)),
    Aspect("Large models", re.compile(r"large model|大模型", re.I)),
)


def parties_of(hit: Hit, parties: list[str]) -> list[str]:
    haystack = f"{hit.metadata.get('title', '')} {hit.text}".lower()
    return [p for p in parties if hit.metadata.get("region") == p or any(a in haystack for a in REGION_ALIASES[p])]


def assign_parties(hits: list[Hit], parties: list[str]) -> dict[int, str]:
    """Passage number -> the one party it is about. A passage naming none continues the party of the
    passage just before it in the same document ("The action plan proposes…" after "Beijing … issued")."""
    by_position = {(h.metadata.get("source"), int(h.metadata.get("chunk_index", -9))): h for h in hits}
    owner: dict[int, str] = {}
    for n, hit in enumerate(hits, start=1):
        named = parties_of(hit, parties)
        if len(named) == 1:
            owner[n] = named[0]
            continue
        previous = by_position.get((hit.metadata.get("source"), int(hit.metadata.get("chunk_index", -9)) - 1))
        inherited = parties_of(previous, parties) if previous is not None and not named else []
        if len(inherited) == 1:
            owner[n] = inherited[0]
    return owner


CELL_CHARS = 180


def _excerpt(sentence: str, start: int, end: int) -> str:
    """At most ``CELL_CHARS`` of the sentence around ``[start, end)``, cut at word boundaries, marked with …"""
    if len(sentence) <= CELL_CHARS:
        return sentence
    room = max(0, CELL_CHARS - (end - start)) // 2
    left, right = max(0, start - room), min(len(sentence), end + room)
    left, right = max(0, min(left, len(sentence) - CELL_CHARS)), min(len(sentence), max(right, CELL_CHARS))
    window = sentence[left:right]
    if left > 0:
        window = "…" + (window.split(" ", 1)[1] if " " in window[:20] else window)
    if right < len(sentence):
        window = (window.rsplit(" ", 1)[0] if " " in window[-20:] else window) + "…"
    return window


def _anchor(aspect: Aspect, sentence: str) -> tuple[int, int] | None:
    """Where the sentence states the aspect: the keyword, or for figures the figure nearest a keyword."""
    keywords = [m.span() for m in aspect.pattern.finditer(sentence)]
    if not keywords:
        return None
    if not aspect.needs_figure:
        return keywords[0]
    figures = [(a.figure.start, a.figure.end) for a in extract_amounts(sentence)] or [
        (f.start, f.end) for f in find_figures(sentence)
    ]
    if not figures:
        return None
    _, figure, keyword = min((abs(f[0] - k[0]), f, k) for f in figures for k in keywords)
    return min(figure[0], keyword[0]), max(figure[1], keyword[1])


def _cell(aspect: Aspect, sentences: list[tuple[int, str]]) -> str:
    for n, sentence in sentences:
        anchor = _anchor(aspect, sentence)
        if anchor is not None:
            return f"{_excerpt(sentence, *anchor).replace('|', '/')} [{n}]"
    return NOT_STATED


def comparison_table(hits: list[Hit], parties: list[str]) -> str:
    """Rows are the aspects some passage states; cells quote the stating sentence with its citation."""
    owner = assign_parties(hits, parties)
    sentences = {
        party: [(n, s.strip()) for n in sorted(owner) if owner[n] == party for s in split_sentences(hits[n - 1].text)]
        for party in parties
    }
    rows = []
    for aspect in ASPECTS:
        cells = [_cell(aspect, sentences[party]) for party in parties]
        if any(cell != NOT_STATED for cell in cells):
            rows.append(f"| {aspect.label} | " + " | ".join(cells) + " |")
    if not rows:
        return ""
    header = "| Aspect | " + " | ".join(parties) + " |\n|---|" + "---|" * len(parties)
    return header + "\n" + "\n".join(rows)
