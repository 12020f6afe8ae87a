"""Which one of the indexed documents a question singles out, so it is answered from that document: by its
number (京发改〔2024〕1081号), by a year or version in its title that no other candidate has ("the Anhui 2.0
policy"), or by the part of its title it quotes that no other candidate's title has ("按徐汇区推动人工智能产业
高质量发展的若干意见…": a place with several drafts of one kind is the normal case below the city).

Words of an English question are not matched against titles or file names: in a library of hundreds of notices
"the Beijing action plan" matches the file name of one Beijing plan and shuts out the national report that
holds the answer, and "a large-model company" the file name of another draft (bench/all_documents.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.text.docnumbers import DOC_NUMBER, compact, normalised
from assistant.text.policy_terms import STOP_WORDS
from assistant.text.translate import lookup

_VERSION = re.compile(r"\d+\.\d+|(?:19|20)\d{2}[-–—~至](?:19|20)\d{2}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# A quoted title part this long (in characters) names a document; shorter ones (人工智能, 若干意见) are any title's.
MIN_QUOTED_CHARS = 6
# The words titles are made of; a quoted part must hold this many characters besides them ("产业高质量发展的若干意见"
# is in many titles of one place and names none of them).
_BOILERPLATE = re.compile(
    "关于|印发|推动|推进|促进|加快|支持|进一步|产业|高质量|发展|若干|意见|措施|办法|方案|通知|实施|行动|计划|征求意见稿|"
    "征求意见|试行|暂行|规定|细则|建设|的"
)
MIN_TELLING_CHARS = 4



def documents_named(query: str, documents: Sequence[dict], codes: set[str]) -> list[str]:
    """Sources of the one document ``query`` singles out among ``documents`` (rows with source, title,
    doc_number, region_code), the candidates being those of the places ``codes`` (all when empty)."""
    numbers = {compact(normalised(m)) for m in DOC_NUMBER.finditer(query)}
    by_number = [d["source"] for d in documents if d["doc_number"] and compact(d["doc_number"]) in numbers]
    if by_number:
        return by_number
    candidates = [d for d in documents if not codes or d["region_code"] in codes]
    if not candidates:  # a place's only document is named too: its title's words then say which, not what
        return []
    for token in _VERSION.findall(query):
        having = [d["source"] for d in candidates if token in compact(d["title"] + " " + d["source"])]
        if len(having) == 1:
            return having
    return _by_quoted_title(query, candidates)


def _by_quoted_title(query: str, candidates: Sequence[dict]) -> list[str]:
    """The document whose title shares the longest run of characters with the question, when that run is long
    and no other candidate's title holds it. Only titles holding a long enough piece of the question are read,
    so a library of thousands costs a set lookup per title."""
    runs = _CJK_RUN.findall(query)
    grams = {run[i : i + MIN_QUOTED_CHARS] for run in runs for i in range(len(run) - MIN_QUOTED_CHARS + 1)}
    titles = {
        d["source"]: found for d in candidates if any(g in d["title"] for g in grams) and (found := _CJK_RUN.findall(d["title"]))
    }  # fmt: skip
    best: dict[str, int] = {}
    for source, own in titles.items():
        others = [run for other, their in titles.items() if other != source for run in their]
        best[source] = max((_longest_own(q, own, others) for q in runs), default=0)
    top = max(best.values(), default=0)
    winners = [source for source, length in best.items() if length == top]
    return winners if top >= MIN_QUOTED_CHARS and len(winners) == 1 else []


def _longest_own(text: str, runs: list[str], others: list[str]) -> int:
    """Length of the longest piece of ``text`` that is in one of ``runs`` and in none of ``others``, and says
    more than the words every title is made of."""
    longest = 0
    for start in range(len(text)):
        end = start + max(longest + 1, MIN_QUOTED_CHARS)
        while end <= len(text) and any(text[start:end] in run for run in runs):
            piece = text[start:end]
            if len(_BOILERPLATE.sub("", piece)) >= MIN_TELLING_CHARS and not any(piece in other for other in others):
                longest = end - start
            end += 1
    return longest


# A run of the question this long that is also in the title of the document it names only names it.
MIN_TITLE_PIECE = 4


def without_titles(query: str, titles: Sequence[str]) -> str:
    """``query`` without the pieces it shares with ``titles`` (runs of ≥4 Chinese characters): what it asks once
    the words that only say which document it means are gone ("西岸人工智能大模型科创街区扶持意见里，企业采购…"
    → "里，企业采购…"). Questions that quote a title repeat words every passage of that document holds."""
    runs = [run for title in titles for run in _CJK_RUN.findall(title)]
    out, start = [], 0
    while start < len(query):
        end = start + MIN_TITLE_PIECE
        while end <= len(query) and any(query[start:end] in run for run in runs):
            end += 1
        if end - 1 - start >= MIN_TITLE_PIECE:
            out.append(" ")
            start = end - 1
        else:
            out.append(query[start])
            start += 1
    return "".join(out)


# How English questions name a document: "Suzhou's 2026 measures for building an 'AI+' city", "Hangzhou's 2025 AI
# innovation highland policy package".
_DOCUMENT_NOUN = (
    r"(?:measures|plan|plans|policy|policies|opinions|rules|notice|programme|program|regulations|guidelines|"
    r"package|scheme|methods|provisions)"
)
_NAME_AFTER = re.compile(rf"(?i)\b{_DOCUMENT_NOUN}\s+(?:for|on|to|about|of|supporting|promoting|regarding)\s+([^,?;:()]+)")
_NAME_BEFORE = re.compile(rf"(?i)(?:'s|’s)\s+((?:[\w'+&-]+\s+){{1,8}}?){_DOCUMENT_NOUN}\b")


def english_without_titles(query: str, titles: Sequence[str]) -> str:
    """``query`` without the words of the phrases naming a document whose renderings are in one of ``titles``:
    "the most Suzhou's measures for building an AI+ city pay for…" asks nothing about 建设."""
    spans = sorted({m.span(1) for pattern in (_NAME_AFTER, _NAME_BEFORE) for m in pattern.finditer(query)}, reverse=True)
    out, done = query, len(query) + 1
    for start, end in spans:
        if end > done:
            continue  # overlaps a phrase already handled
        phrase = query[start:end].split()
        kept = [w for w in phrase if not _in_titles(w, titles)]
        rendered = [w for w in phrase if _bare(w) not in STOP_WORDS and lookup(_bare(w))]
        if rendered and len(rendered) - len([w for w in kept if w in rendered]) >= len(rendered) / 2:
            kept = []  # most of its words are the title's: the phrase only names the document ("to open wider
            # and use foreign investment" for 扩大对外开放积极利用外资: "investment" is 外资's, not a second subject)
        out, done = out[:start] + " ".join(kept) + " " + out[end:], start
    return out


def _bare(word: str) -> str:
    return re.sub(r"[^a-z0-9&+-]", "", word.lower())


def _in_titles(word: str, titles: Sequence[str]) -> bool:
    bare = _bare(word)
    return len(bare) > 2 and any(len(c) >= 2 and c in title for c in lookup(bare) for title in titles)
