"""Comparisons of document facts ("How long do Jiading's and Fengxian's measures stay in force?", "两地文件的文号
各是什么？"): a table, one column per compared place or document, one row per fact asked, each cell the fact of
that party's document rendered by code from the facts read at ingest and citing the span that binds it
(``facts.stated_fact``). A party whose document is not singled out, or does not state the fact, gets a
"not stated" cell. Verified when every cell is bound (a "not stated" cell may be a fact the reading at ingest
missed: the table is then Quoted); None (the pipeline answers) when no cell is."""

from __future__ import annotations

from dataclasses import replace

from assistant.answer.compare import not_stated
from assistant.answer.facts import asked_facts, chosen_document, stated_fact
from assistant.answer.parties import party_phrases
from assistant.answer.question import Question, asked_of
from assistant.answer.result import Answer
from assistant.answer.verify import Verification
from assistant.ingest.facts import facts_by_source
from assistant.places import Place
from assistant.search.hybrid import NO_FILTER, Filter, Hit, HybridSearcher

_LABELS = {
    "doc_number": ("文号", "Document number"),
    "issuers": ("发文机关", "Issued by"),
    "issued_date": ("印发日期", "Issued on"),
    "effective_date": ("施行日期", "Takes effect"),
    "expires_date": ("有效期", "Valid until"),
    "in_force": ("是否有效", "In force"),
}


def fact_table(
    searcher: HybridSearcher, question: str, q: Question, filters: Filter = NO_FILTER, notices: list[str] | None = None
) -> Answer | None:
    asked = [name for name in asked_facts(q.text) if name in _LABELS]
    parties = list(q.compared)
    if q.kind != "compare" or not asked or not 2 <= len(parties) <= 4:
        return None
    documents = [_document_of(searcher, q, party, filters) for party in parties]
    hits: list[Hit] = []
    stating: list[tuple[int, str]] = []
    rows, unread = [], []
    for name in asked:
        cells = []
        for party, meta in zip(parties, documents):
            sentence = stated_fact(searcher, meta, name, q.language, hits, stating) if meta else None
            cells.append(_cell(sentence) if sentence else not_stated(party, q.chinese))
            if sentence is None:  # the reading at ingest may have missed it: the table is not Verified
                unread.append(f"{party.label}: {_LABELS[name][1].lower()} not read from its document")
        rows.append(f"| {_LABELS[name][0 if q.chinese else 1]} | " + " | ".join(cells) + " |")
    if not stating:
        return None
    names = [p.short if q.chinese else p.label for p in parties]
    header = f"| {'方面' if q.chinese else 'Aspect'} | " + " | ".join(names) + " |\n|---|" + "---|" * len(parties)
    text = header + "\n" + "\n".join(rows)
    check = Verification(text=text, cited=sorted({n for n, _ in stating}), unverified=unread, stating=stating)
    return Answer(question, q.text, text, False, hits, check, list(notices or []), [p.label for p in q.places])


def _document_of(searcher: HybridSearcher, q: Question, party: Place, filters: Filter) -> dict | None:
    """The party's document: itself when it is one; else the one document of its place the question singles out."""
    if party.code.startswith("doc:"):
        return facts_by_source(searcher.store).get(party.code[4:])
    asked = replace(asked_of(q, party), kind="fact")
    chosen = chosen_document(searcher, asked, filters)
    phrases = () if chosen or q.party_asks else party_phrases(q.text, list(q.compared))
    if phrases:  # "…Lucheng's industrial policy or Ganjingzi's reward measures?": the words after its name
        chosen = chosen_document(searcher, replace(asked, text=phrases[list(q.compared).index(party)]), filters)
    return chosen


def _cell(sentence: str) -> str:
    return sentence.rstrip("。.").replace("|", "/")
