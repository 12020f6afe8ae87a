"""Stage 2, guards: what never reaches the model, and the questions the documents cannot answer.

Before generation a question is refused when nothing was retrieved, when a place it names has no passage
that speaks for it, when no indexed chunk is even close to it in meaning (the calibrated threshold), or
when the subject it asks about is absent from the Chinese passages: too few of its specific words occur in
them (an English question's words rendered into Chinese first, ``translate``; dense similarity cannot tell
related from unrelated across languages).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer import subject
from assistant.answer.question import Question
from assistant.ingest.metadata import instructions_to_assistants
from assistant.places import INSIDE, Place, nearness
from assistant.search.hybrid import Hit
from assistant.search.keyword import tokenize
from assistant.text.dates import find_dates
from assistant.text.docnumbers import DOC_NUMBER
from assistant.text.language import detect_language
from assistant.text.translate import Term

WITHHELD = "[text addressed to AI assistants withheld]"
# Share of a question's specific words (IDF-weighted) that must occur in the passages of its language:
# calibrated on CMRC and the dev sets (bench/calibrate_grounding.py, docs/answers.md).
MIN_SUBJECT_COVERAGE = 0.5


def withhold_instructions(hits: list[Hit]) -> tuple[list[Hit], list[int]]:
    """Sentences that speak to an AI assistant never reach the model, the verifier or an extractive answer."""
    out, flagged = [], []
    for n, hit in enumerate(hits, start=1):
        text = hit.text
        for start, end in reversed(instructions_to_assistants(text)):
            text = text[:start] + WITHHELD + text[end:]
        out.append(hit if text == hit.text else replace(hit, text=text))
        flagged += [] if text == hit.text else [n]
    return out, flagged


def places_without_passages(question: Question, speaks_for: dict[int, set[str]]) -> list[Place]:
    """The places the question names that no retrieved passage speaks for."""
    covered = set().union(*speaks_for.values()) if speaks_for else set()
    return [p for p in question.places if p.code not in covered]


def subject_coverage(question: Question, hits: Sequence[Hit], documents: Sequence[str] = ()) -> float:
    """IDF-weighted share of the question's specific words that occur in the passages (1.0 when there are
    none to check); a word no passage has weighs most. An English question's words are rendered into Chinese
    (CC-CEDICT, ``translate``) and looked up in ``documents`` (the chunks of the documents the passages come
    from) when given: a rendering is less exact than a word, and retrieval for a long English question is
    weaker, so what counts is whether the documents mention the subject at all ("tax relief": never)."""
    texts = documents or [f"{h.metadata.get('section', '')}\n{h.text}" for h in hits]
    return subject.coverage(question, list(texts))  # Chinese text is matched with its PDF line breaks undone


def own_passages(question: Question, hits: Sequence[Hit]) -> list[Hit]:
    """The passages of the asked places' own documents (or of places inside them) when there are any: what a
    question about a place asks must be in that place's documents, not in a neighbour's or a province's that
    retrieval ranked beside them (``nearness``)."""
    own = [h for h in hits if any(nearness(h.metadata, h.text, p) <= INSIDE for p in question.places)]
    return own or list(hits)


def document_chunks(funding, hits: Sequence[Hit]) -> list[str]:
    """The Chinese chunks of the documents ``hits`` come from (``FundingIndex.document``), for the evidence test."""
    out: list[str] = []
    for source in dict.fromkeys(str(h.metadata.get("source", "")) for h in hits):
        document = funding.document(source) if funding is not None and source else None
        if document is not None:
            out += [document.text[start:end] for start, end, _, _ in document.chunks]
    return [text for text in out if detect_language(text) == "zh"]



def unmentioned_phrases(question: Question, documents: Sequence[str]) -> list:
    """An English question's phrases ("doctoral degree", "charging station") that no chunk of ``documents`` holds
    in any rendering: the question names something those documents never mention, so an answer from them can
    be the source's words for the reader to judge, never Verified. Phrases only: a dictionary phrase names a
    thing, where a single word's renderings are often too loose to say the documents lack it; so does a Chinese
    term the question writes out ("home-appliance vouchers (家电消费券)")."""
    if question.chinese or not documents:
        return []
    return [
        t
        for t in subject.topic_terms(question)
        if (" " in t.english or subject.written_in_chinese(t)) and not any(subject.term_in(t, d) for d in documents)
    ]


def unmentioned_names(question: Question, documents: Sequence[str]) -> list:
    """Besides ``unmentioned_phrases``, the question's words that name one thing exactly and that no chunk of
    ``documents`` holds: a Chinese word of three or more characters (退役军人), an English word whose every
    rendering is one (blockchain → 区块链). For telling look-alike provisions apart: when the word the question
    would pick its row by is nowhere in the documents, no row is about what was asked."""
    if not documents:
        return []
    exact = [
        t
        for t in subject.topic_terms(question)
        if t.chinese and min(map(len, t.chinese)) >= EXACT_NAME and not any(c.startswith("每") for c in t.chinese)
    ]  # 每平方米, 每套: what a figure is per (元/平方米 says it too), not a thing
    joined = "\n".join(documents)
    return [t for t in exact if not any(subject.term_in(t, d) for d in documents) and not _parts_in(t, joined)]


def _parts_in(term, text: str) -> bool:
    """Every word of one of ``term``'s renderings is in ``text``: 外贸企业 where the text says 外贸 and 企业 is a
    paraphrase, not a thing the text lacks (退役军人: 退役 and 军人 are not both there)."""
    for rendering in term.chinese:
        parts = [w for w in tokenize(rendering) if len(w) >= 2 and w != rendering]
        if parts and all(subject.term_in(Term(w, (w,)), text) for w in parts):
            return True
    return False


EXACT_NAME = 3  # characters: 2-character words (城区, 补贴) are too loose to say a document lacks the thing


def states_asked_fact(asked: Sequence[str], text: str) -> bool:
    """A draft answering a question about a document's number or dates states one: "The document number of the
    measures is [1]." states nothing, and nothing is no answer (the fact path found none stored: the documents
    do not give it)."""
    if "doc_number" in asked and not DOC_NUMBER.search(text):
        return False
    dated = {"issued_date", "effective_date", "expires_date"} & set(asked)
    return not dated or bool(find_dates(text, months=True)) or bool(re.search(r"\d+\s*(?:年|个月|years?|months?)", text))
