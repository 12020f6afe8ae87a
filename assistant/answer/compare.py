"""Comparison answers: a Markdown table, one column per compared place, one row per aspect asked about
(or, for "compare the two policies", per measure heading the documents themselves use). Each cell quotes
the part of the sentence that states the aspect for that place, from a passage that speaks for it, with
its citation: for a money aspect the sentence of the one provision the question's words select among that
place's (``provisions.select``, as a money answer does), else the most relevant sentence; "not stated" cells
name the place whose documents are silent.

A table is bound (it may be badged Verified) when its rows are money aspects the question names (figures the
check binds) and every cell quotes a sentence holding one of the question's telling subject words (in
Chinese, after translation; a "not stated" cell leaves the table Quoted: silence in the retrieved passages is
not a finding); a table of the documents' own headings, or of a non-money aspect ("who leads"),
is the sources' words for the reader to judge (Quoted), and so is a table of thresholds or conditions
("总投资门槛"): a figure in such a cell is a bound of a condition, not a cap the check binds."""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer.evidence import Relevance, Sentence, content_words
from assistant.answer.ground import TOPIC_MARGIN, Scope
from assistant.answer.offers import offers
from assistant.answer.provisions import select
from assistant.answer.question import asked_of
from assistant.answer.repair import quote_floor
from assistant.answer.subject import shares_subject, subject_terms
from assistant.answer.units import is_note
from assistant.places import Place, nearest
from assistant.text.language import detect_language
from assistant.text.numbers import with_english_figures
from assistant.text.unwrap import unwrap

CELL_CHARS = 240
MAX_PROVISIONS = 3
MAX_BROAD_ROWS = 5
_MONEY_ASPECT = re.compile(r"(?i)subsid|fund|money|reward|support|grant|voucher|cap|补贴|资金|奖励|支持|券|资助")
_CONDITION_ASPECT = re.compile(r"(?i)门槛|条件|要求|资格|threshold|minimum|eligib|qualif|condition|requirement")
_HEADING_NUMBER = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]+[)）.．、]\s*)+")


def owners(scope: Scope, parties: list[Place]) -> dict[int, Place]:
    """Passage number → the one compared place it speaks for; of a place and the city around it, the one its
    document is about (comparing 徐汇 with 上海, Shanghai's notice is Shanghai's cell, Xuhui's Xuhui's)."""
    out = {}
    for n in range(1, len(scope.hits) + 1):
        found = [p for p in parties if p.code in scope.speaks_for.get(n, set())]
        if len(found) > 1 and (closest := nearest(scope.hits[n - 1].metadata, scope.hits[n - 1].text, found)):
            found = [closest]
        if len(found) == 1:
            out[n] = found[0]
    return out


def comparison_table(scope: Scope, relevance: Relevance, parties: list[Place]) -> tuple[str, bool]:
    """The table, and whether it is bound: asked aspects, every stated cell on the question's subject."""
    owner = owners(scope, parties)
    chinese = scope.question.chinese
    aspects = [(a, a) for a in scope.question.aspects] or [(h, h) for h in _headings(scope, owner, parties)]
    if scope.question.party_asks:  # each party is asked its own thing: one row, each cell its party's answer
        aspects = [("所问" if chinese else "As asked", "")]
    if not aspects:  # documents without headings: what each says most to the point, and its funding
        aspects = [("概况" if chinese else "Overview", scope.question.text)]
        if any(s.has({"amount"}) for s in scope.sentences(sorted(owner))):
            aspects.append(("资金支持" if chinese else "Funding", f"{scope.question.text} 资金 funding"))
    # Only figures are bound by code: a cell answering "who leads" with a sentence on the subject is a quote.
    asked = bool(scope.question.aspects) and all(
        _MONEY_ASPECT.search(a) and not _CONDITION_ASPECT.search(a) for a in scope.question.aspects
    )  # a threshold or a condition ("总投资门槛") is read by the reader, not bound like a cap
    asked = asked and bool(subject_terms(scope.question))
    among = [hit.text for hit in scope.hits]
    rows, bound = [], asked
    for label, query in aspects:
        cells = []
        for party in parties:
            party_q = asked_of(scope.question, party)
            aspect = query or " ".join(party_q.aspects) or party_q.text
            text, quoted, picked = _cell(aspect, party, replace(scope, question=party_q), relevance, owner)
            cells.append(text)
            bound = bound and all(shares_subject(party_q, f"{s.heading} {s.text}", among) for s in quoted)
            # a cap the question's words did not select is the most relevant sentence, for the reader to judge:
            # "人才房票使用金额不超过购房总价款的50%" is no answer about the voucher of a 博士研究生
            bound = bound and (picked or len(scope.question.aspects) > 1)
            bound = bound and bool(quoted)  # "not stated" is no finding code bound: the passages may have missed it
        shown = _HEADING_NUMBER.sub("", label).strip() or label
        rows.append(f"| {_escape(shown)} | " + " | ".join(cells) + " |")
    names = [p.short if chinese else p.label for p in parties]
    header = f"| {'方面' if chinese else 'Aspect'} | " + " | ".join(names) + " |\n|---|" + "---|" * len(parties)
    return header + "\n" + "\n".join(rows), bound


def not_stated(party: Place, chinese: bool) -> str:
    if party.level == "document":
        return f"《{party.short}》中未提及" if chinese else f"not stated in “{party.short}”"
    return f"{party.short}的文件中未提及" if chinese else f"not stated in {party.label}'s documents"


def _cell(
    aspect: str, party: Place, scope: Scope, relevance: Relevance, owner: dict[int, Place]
) -> tuple[str, list[Sentence], bool]:
    """The sentence of the party's passages that states the aspect, the sentences it quotes (none for
    "not stated") and whether the question's words selected its provision; for money, with the measure's other
    provisions that are as relevant (a measure often grants several: a voucher, a rent subsidy, a cap)."""
    numbers = sorted(n for n, p in owner.items() if p == party)
    every = scope.sentences(numbers)
    money = bool(_MONEY_ASPECT.search(aspect))
    sentences = [s for s in every if not (_is_heading(s) or is_note(s.text, aspect))]
    pool = [s for s in sentences if s.funds] if money else sentences
    if not pool:
        pool = sentences
    if not pool:
        return not_stated(party, scope.question.chinese), [], False
    ranked = sorted(zip(relevance.of_sentences(aspect, pool), pool), key=lambda item: -item[0])
    selected = _selected(scope, numbers, every) if money and len(scope.question.aspects) <= 1 else None
    if selected is not None:  # the party's one provision the question's words select: its sentence, like a money answer
        ranked = [(1.0, selected)] + [item for item in ranked if item[1] is not selected]
    score, sentence = ranked[0]
    language = detect_language(aspect)  # a heading row is Chinese even when the question is English
    if selected is None and score < quote_floor(language, sentence.text):
        return not_stated(party, scope.question.chinese), [], False
    same = detect_language(sentence.text) == language
    if same and language == "zh" and not (content_words(aspect) & content_words(sentence.context)):
        return not_stated(party, scope.question.chinese), [], False  # nothing of the aspect is in that sentence
    # The same measure's other provisions, when nearly as relevant: listing one more verbatim provision of
    # the cited measure costs little; leaving out the one asked about costs the answer.
    margin = 2 * TOPIC_MARGIN[language if same else "cross"]
    chosen = [sentence] + [
        s for other, s in ranked[1:] if money and selected is None and s.n == sentence.n and other >= score - margin
    ][: MAX_PROVISIONS - 1]
    text = "；".join(_excerpt(s, money, len(chosen)).rstrip("。；;") for s in sorted(chosen, key=lambda s: s.start))
    if not scope.question.chinese:
        text = with_english_figures(text)
    return f"{_escape(text)} [{sentence.n}]", chosen, selected is not None


def _selected(scope: Scope, numbers: list[int], pool: list[Sentence]) -> Sentence | None:
    """The sentence of the one provision of the party's passages the question's words select (``provisions``)."""
    passages = [f"{hit.metadata.get('section', '')}\n{hit.text}" for hit in scope.hits]
    selection = select(scope.question, offers(replace(scope, eligible=set(numbers))), passages)
    if selection is None or len(selection.offers) != 1:
        return None
    offer = selection.offers[0]
    return next((s for s in pool if s.n == offer.n and offer.sentence.strip(" ;；。") in s.text), None)


def _excerpt(sentence: Sentence, money: bool, shared: int = 1) -> str:
    """At most ``CELL_CHARS`` (split between ``shared`` sentences) of the sentence, around its first figure of
    interest, marked with …"""
    limit = CELL_CHARS // shared
    text = unwrap(sentence.text).strip()
    if len(text) <= limit:
        return text
    figures = [f for f in sentence.figures if not money or f.kind in ("amount", "percent")] or list(sentence.figures)
    anchor = text.find(figures[0].text.replace("\n", "")) if figures else 0
    left = max(0, min(anchor - limit // 2, len(text) - limit))
    window = text[left : left + limit]
    return ("…" if left else "") + window + ("…" if left + limit < len(text) else "")


def _headings(scope: Scope, owner: dict[int, Place], parties: list[Place]) -> list[str]:
    """For a broad comparison: the measure headings of the retrieved passages, taking turns between places."""
    per_party = []
    for party in parties:
        seen = []
        for n in sorted(n for n, p in owner.items() if p == party):
            heading = str(scope.hits[n - 1].metadata.get("section", "")).split(" > ")[-1].strip()
            if heading and heading not in seen and len(heading) <= 60:
                seen.append(heading)
        per_party.append(seen)
    rows: list[str] = []
    for position in range(max(map(len, per_party), default=0)):
        for headings in per_party:
            if position < len(headings) and headings[position] not in rows and len(rows) < MAX_BROAD_ROWS:
                rows.append(headings[position])
    return rows


def _is_heading(sentence: Sentence) -> bool:
    """ "9.加快产业集聚发展。": a measure's title line says what it is about, not what it grants."""
    bare = _HEADING_NUMBER.sub("", sentence.text).strip(" 。.")
    return len(bare) < 12 or bool(sentence.heading) and bare in sentence.heading


def _escape(text: str) -> str:
    return text.replace("|", "/")
