"""Funding listings in the chat: "list all computing-power subsidies above 5 million in Shanghai and Suzhou"
is answered from the funding records (assistant/funding), as a table whose every row cites its passage."""

from __future__ import annotations

import re

from assistant.answer.evidence import Relevance
from assistant.answer.question import Question
from assistant.answer.repair import quote_floor
from assistant.funding.query import find_provisions, render_markdown_table
from assistant.places import gazetteer
from assistant.search.hybrid import Hit
from assistant.text.numbers import find_figures

MAX_ROWS = 20
_LISTING = re.compile(
    r"(?i)(?:\blist\b|\ball\b|\bevery\b|\beach\b).*(?:subsid|funding|grants?\b|rewards?\b|vouchers?\b|caps?\b)"
    r"|(?:列出|列举|所有|全部|清单|一览).*(?:补贴|资金|奖励|券|资助|支持)|(?:补贴|资金|奖励|券|资助).*(?:清单|一览)"
)
_ABOVE = re.compile(r"(?i)(?:above|over|more than|at least|exceeding|no less than|超过|以上|不低于|不少于|高于)")
_BELOW = re.compile(r"(?i)(?:below|under|less than|at most|up to|以下|以内|不超过|低于)")
_FILLER = re.compile(
    r"(?i)\b(?:list|all|every|which|what|are|the|of|in|and|or|for|to|with|above|over|below|under|more|less|than|"
    r"million|billion|thousand|yuan|rmb|subsidies|subsidy|funding|grants?|rewards?|vouchers?|caps?|support|provisions?|"
    r"policies|policy|documents?|there|is|at|least|most|up)\b|列出|列举|所有|全部|清单|有哪些|哪些|以上|以下|超过|不超过|补贴|资金|"
    r"奖励|资助|支持|政策|的|和|与|及|对|在|[?？。.,，、:：;；！!]"
)


def is_listing(q: Question) -> bool:
    return bool(_LISTING.search(q.text))


def amount_bounds(text: str) -> tuple[float | None, float | None]:
    """ "above 5 million" → (5e6, None); "500万元以下" → (None, 5e6)."""
    low = high = None
    for figure in find_figures(text):
        if figure.kind not in ("amount", "count") or figure.value < 1000:
            continue
        around = text[max(0, figure.start - 15) : figure.end + 6]
        if _ABOVE.search(around):
            low = figure.value
        elif _BELOW.search(around):
            high = figure.value
    return low, high


def topic_of(q: Question) -> str:
    """What the listing is about once places, amounts and listing words are gone ("computing-power")."""
    text = q.text
    for mention in reversed(gazetteer().mentions(text)):
        if mention.end > mention.start:
            text = text[: mention.start] + " " + text[mention.end :]
    for figure in reversed(find_figures(text)):
        text = text[: figure.start] + " " + text[figure.end :]
    return " ".join(_FILLER.sub(" ", text).split())


def funding_listing(q: Question, records, relevance: Relevance, document_of) -> tuple[str, list[Hit]]:
    """The table and its passages: records of the question's places, within its amount bounds, on its topic.

    ``document_of(source)`` gives the stitched document (``FundingIndex.document``) whose chunks cite a row."""
    low, high = amount_bounds(q.text)
    found = find_provisions(records, places=[p.name for p in q.places] or None, min_yuan=low, max_yuan=high)
    topic = topic_of(q)
    if topic and found:
        scores = relevance.score(topic, [r.span for r in found])
        ranked = sorted(zip(found, scores), key=lambda item: -item[1])
        found = [r for r, s in ranked if s >= quote_floor(q.language, r.span)]
    hits: list[Hit] = []
    numbers: dict[str, int] = {}
    for record in found[:MAX_ROWS]:
        document = document_of(record.source)
        if document is None:
            continue
        text, _, _ = document.passage(record)
        chunk = document.chunks_over(record.start, record.end)
        metadata = dict(chunk[0][3]) if chunk else {"source": record.source}
        existing = next((n for n, hit in enumerate(hits, start=1) if hit.text == text), None)
        if existing is None:
            hits.append(Hit(chunk[0][2] if chunk else record.id, text, metadata, score=1.0))
            existing = len(hits)
        numbers[record.id] = existing
    chosen = [r for r in found[:MAX_ROWS] if r.id in numbers]
    return render_markdown_table(chosen, numbers), hits
