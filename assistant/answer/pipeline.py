"""The answer pipeline, read top to bottom once: question → retrieval → guards → generation → grounding →
repair → rendering. Each stage is a plain function in its own module; this one only runs them in order
and streams its events (``answer.events``): ``Passages``, ``Token`` (draft text), one ``Final``."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cached_property

from langchain_core.language_models import BaseChatModel

from assistant.answer.badge import QUOTED, badge_for
from assistant.answer.compare import comparison_table
from assistant.answer.events import Event, Final, Passages, Token, final_answer
from assistant.answer.evidence import Relevance
from assistant.answer.fact_compare import fact_table
from assistant.answer.facts import asked_facts, fact_answer
from assistant.answer.figure_kind import KIND_NAMES, states_what_is_asked
from assistant.answer.ground import MIN_SUPPORT, Scope, ground
from assistant.answer.guard import (
    MIN_SUBJECT_COVERAGE,
    document_chunks,
    own_passages,
    places_without_passages,
    states_asked_fact,
    subject_coverage,
    unmentioned_names,
    unmentioned_phrases,
    withhold_instructions,
)
from assistant.answer.listing import funding_listing, is_listing
from assistant.answer.money import money_answer, selected, unasked_item, weakly_bound
from assistant.answer.prompts import NOT_FOUND, answer_messages, rewrite_messages
from assistant.answer.question import (
    EMPTY_QUESTION,
    Question,
    analyse,
    clean_question,
    compares_documents,
    is_follow_up,
    naming,
    swap_place,
    with_document_parties,
)
from assistant.answer.rendering import render, with_stated_caps
from assistant.answer.repair import extractive_answer, quote_only, refusal_text
from assistant.answer.result import Answer
from assistant.answer.units import lead_answer
from assistant.answer.verify import Verification, verify_answer
from assistant.places import named_in_passage, passage_about, place, remove_places, subtree_codes
from assistant.search.embeddings import NO_THRESHOLD, UNCALIBRATED_CROSS_LINGUAL_SUPPORT, RelevanceThreshold
from assistant.search.hybrid import NO_FILTER, Filter, Hit, HybridSearcher
from assistant.text.language import detect_language
from assistant.text.numbers import find_figures

log = logging.getLogger(__name__)

__all__ = ["MIN_SUPPORT", "Answerer"]
PASSAGES_PER_PARTY = 4  # comparisons are built without the model: more passages cost no prompt time
# The model reads the top_k passages; the grounding and the repair weigh twice as many, so a sentence the
# model was not shown can still answer (and a look-alike it was shown can still be told apart).
EVIDENCE_FACTOR = 2


class Answerer:
    """Retrieval, generation and the grounding contract; streams events and returns an ``Answer``."""

    def __init__(
        self,
        searcher: HybridSearcher,
        chat_model: BaseChatModel,
        *,
        top_k: int = 4,
        min_relevance: RelevanceThreshold = NO_THRESHOLD,
        cross_lingual_support: float = UNCALIBRATED_CROSS_LINGUAL_SUPPORT,
        funding=None,
    ):
        self.searcher, self.chat_model, self.top_k, self.min_relevance = searcher, chat_model, top_k, min_relevance
        self.cross_lingual_support = cross_lingual_support
        self.funding = funding  # a FundingIndex: listings of funding provisions answer from its records

    @cached_property
    def relevance(self) -> Relevance:
        return Relevance(self.searcher.embeddings)

    def ask(self, question: str, history: Sequence[str] = (), filters: Filter = NO_FILTER) -> Answer:
        return final_answer(self.stream(question, history, filters))

    def stream(self, question: str, history: Sequence[str] = (), filters: Filter = NO_FILTER) -> Iterator[Event]:
        text, notices = clean_question(question)
        if not text:
            yield Final(Answer(question, text, EMPTY_QUESTION, True, [], notices=notices))
            return
        # 1. the question, standalone, with its places and kind
        question = text
        q = analyse(self.rewrite(text, history), self.searcher.indexed_places())
        notices += list(q.notices)
        if compares_documents(q):
            q = with_document_parties(q, self.searcher.indexed_documents())
        from_facts = fact_answer(self.searcher, question, q, filters, notices)
        if (from_facts := from_facts or fact_table(self.searcher, question, q, filters, notices)) is not None:
            yield Passages(q.text, from_facts.passages)  # a document's number, dates, validity: from its metadata
            yield Final(from_facts)
            return
        if self.funding is not None and is_listing(q):
            listed = yield from self.listing(question, q, notices)
            if listed:
                return
        # 2. retrieval, with what speaks to an AI assistant withheld; a question naming one document is about
        # what it asks of that document, not about the words of its title
        named = self.named(q)
        hits, flagged = withhold_instructions(self.retrieve(q, filters, named))
        q = naming(q, self.titles(q, named))
        if flagged:
            notices.append(f"Passage {', '.join(map(str, flagged))} addresses AI assistants; those sentences were not used.")
        yield Passages(q.text, hits)
        scope = self.scope(q, hits)
        # 3. guards: questions the documents cannot answer are refused before the model runs
        refusal = self.refusal_before(q, scope, filters)
        if refusal is not None:
            if not hits:  # nothing speaks for the place asked about: still show what comes closest
                scope = self.scope(q, self.searcher.search(q.text, self.top_k, filters))
            yield Final(self._answer(question, q, refusal, True, scope, None, notices))
            return
        if (led := self.led(question, q, scope, notices)) is not None:  # who leads a measure: the note after it
            yield Final(led)
            return
        # comparisons are built from the passages themselves, cell by cell
        if q.kind == "compare":
            yield Final(self.compare(question, q, scope, notices))
            return
        # 4. generation, streamed
        draft, numbers = [], self.shown(q, scope)
        try:
            for chunk in self.chat_model.stream(answer_messages(q.text, [hits[n - 1] for n in numbers], numbers)):
                draft.append(str(chunk.content))
                yield Token(draft[-1])
        except Exception as exc:  # any model failure degrades to an answer from the passages alone
            log.warning("language model failed: %s", exc)
            notices.append(f"The language model is unavailable ({exc or type(exc).__name__}); this answer quotes the passages directly.")
            yield Final(self.repaired(question, q, scope, "", notices))
            return
        # 5.–7. grounding, repair, rendering
        yield Final(self.finish(question, q, scope, "".join(draft), notices))

    def led(self, question: str, q: Question, scope: Scope, notices: list[str]) -> Answer | None:
        """Which department leads (or is responsible for) a measure, from the note after it (``units``)."""
        if (found := lead_answer(q, scope)) is None:
            return None
        return self._answer(question, q, render(found[0], q), False, scope, found[1], notices)

    def listing(self, question: str, q: Question, notices: list[str]):
        """A funding listing, from the funding records: one cited row per provision. Returns False (and yields
        nothing) when no record qualifies, so the question is answered from the passages instead."""
        table, hits = funding_listing(q, self.funding.records(), self.relevance, self.funding.document)
        if not table:
            return False
        yield Passages(q.text, hits)
        scope = Scope(hits, q, set(range(1, len(hits) + 1)), {}, self.cross_lingual_support)
        check = verify_answer(table, [hit.text for hit in hits])
        yield Final(self._answer(question, q, check.text, False, scope, check, notices))
        return True

    def rewrite(self, question: str, history: Sequence[str]) -> str:
        """A follow-up ("And Shenzhen?") becomes a standalone question before retrieval."""
        if not history or not is_follow_up(question):
            return question
        previous = history[-1]
        swapped = swap_place(previous, question, self.searcher.indexed_places())
        if swapped:
            return swapped
        rewritten = str(self.chat_model.invoke(rewrite_messages(previous, question)).content).strip()
        return rewritten.splitlines()[0].strip() if rewritten else question

    def named(self, q: Question) -> list[str]:
        """The one document a question about one place singles out by its number or title (``search.naming``)."""
        return self.searcher.documents_named(q.text, list(q.places)) if not q.parties and len(q.places) <= 1 else []

    def titles(self, q: Question, named: list[str]) -> list[str]:
        """The titles a question may name its document by: the named one's; for an English question naming
        none, those of its places' documents (its name phrase is matched against them, ``naming``)."""
        documents = self.searcher.indexed_documents()
        if named or q.chinese:
            return [d["title"] for d in documents if d["source"] in named]
        codes = {c for p in q.places for c in subtree_codes(p)}
        return [d["title"] for d in documents if codes and d.get("region_code") in codes]

    def retrieve(self, q: Question, filters: Filter, named: list[str] | None = None) -> list[Hit]:
        if q.parties:  # documents compared: each gets its own retrieval and quota, on the question and its aspect
            queries = dict.fromkeys((q.text, " ".join(q.aspects) or q.text))
            per_party = [
                list({
                    hit.id: hit for query in queries
                    for hit in self.searcher.search(query, PASSAGES_PER_PARTY, filters.narrowed("source", (p.code[4:],)))
                }.values())
                for p in q.parties
            ]  # fmt: skip
            return [hit for group in zip(*per_party) for hit in group] + [
                hit for group in per_party for hit in group[min(map(len, per_party)) :]
            ]
        named = self.named(q) if named is None else named
        if named:  # a question about one document is answered from that document
            filters = filters.narrowed("source", tuple(named))
        if len(q.places) > 1:  # a comparison: the aspect asked about, in each place's own passages
            query = " ".join(q.aspects) or remove_places(q.text)
            k = max(self.top_k, PASSAGES_PER_PARTY * len(q.places))
            own = [remove_places(clause) for clause in q.party_asks] or None
            return self.searcher.search_parties(query, k, list(q.places), filters, own)
        if q.places:  # its own documents first, then those of the places around it; never fewer than plain search
            return self.searcher.search_about(q.text, self.top_k * EVIDENCE_FACTOR, q.places[0], filters)
        return self.searcher.search(q.text, self.top_k * EVIDENCE_FACTOR, filters)

    def shown(self, q: Question, scope: Scope) -> list[int]:
        """The numbers of the passages the model reads: the first ``top_k``; for a money question whose words
        select provisions, only the passages stating them (the answer states the selected provision's figures
        whatever the draft says, so the rest only lengthens the prompt: issue 26)."""
        selection = selected(q, scope) if q.kind == "money" else None
        if selection is not None:
            return sorted({offer.n for offer in selection.offers})
        return list(range(1, min(self.top_k, len(scope.hits)) + 1))

    def scope(self, q: Question, hits: list[Hit]) -> Scope:
        speaks_for = {}
        for n, hit in enumerate(hits, start=1):
            meta = hit.metadata
            document = place(str(meta.get("region_code") or ""))
            codes = {str(meta.get("region_code") or "")} - {""}
            codes |= set(document.chain) if document is not None and document.level != "national" else set()
            codes |= named_in_passage(meta, hit.text)
            codes |= {p.code for p in q.places if passage_about(meta, hit.text, p)}
            speaks_for[n] = codes | {f"doc:{meta.get('source', '')}"}
        wanted = {p.code for p in q.compared}
        eligible = {n for n, codes in speaks_for.items() if not wanted or codes & wanted}
        return Scope(hits, q, eligible, speaks_for, self.cross_lingual_support)

    def refusal_before(self, q: Question, scope: Scope, filters: Filter) -> str | None:
        if not scope.hits:
            return refusal_text(q.text, q.chinese, missing=q.places)
        missing = places_without_passages(q, {n: scope.speaks_for[n] for n in scope.eligible})
        if missing and (q.kind != "compare" or len(missing) == len(q.places)):  # a table can say who is silent
            return refusal_text(q.text, q.chinese, missing=missing)
        if self.off_topic(q.text, filters):
            return refusal_text(q.text, q.chinese, q.places)
        evidence = own_passages(q, [scope.hits[n - 1] for n in sorted(scope.eligible)])
        chinese = [h for h in evidence if detect_language(h.text) == "zh"]  # English questions: words rendered
        documents = document_chunks(self.funding, evidence) if not q.chinese else []
        english_table = not q.chinese and q.kind == "compare"  # a table says per cell what is not stated
        # an English question's document-naming words still count here: its renderings are too few to judge
        # the evidence on the rest alone ("a provider of high-quality datasets": 提供方 is not rendered)
        judged = q if q.chinese else replace(q, asked="")
        if chinese and not english_table and subject_coverage(judged, chinese, documents) < MIN_SUBJECT_COVERAGE:
            return refusal_text(q.text, q.chinese, q.places)
        return None

    def off_topic(self, question: str, filters: Filter) -> bool:
        """No indexed chunk is even close to the question in meaning (thresholds: bench/calibrate_refusal.py)."""
        if not (self.min_relevance.same_language or self.min_relevance.cross_language):
            return False
        best = self.searcher.dense(question, 1, filters)
        if not best:
            return True
        same = detect_language(best[0].text) == detect_language(question)
        threshold = self.min_relevance.same_language if same else self.min_relevance.cross_language
        return best[0].dense_similarity < threshold

    def compare(self, question: str, q: Question, scope: Scope, notices: list[str]) -> Answer:
        table, bound = comparison_table(scope, self.relevance, list(q.compared))
        if not table:
            return self._answer(question, q, refusal_text(q.text, q.chinese, q.places), True, scope, None, notices)
        check = verify_answer(table, [hit.text for hit in scope.hits])
        return self._answer(question, q, check.text, False, scope, check, notices, "" if bound else QUOTED)

    def finish(self, question: str, q: Question, scope: Scope, draft: str, notices: list[str]) -> Answer:
        """The draft if every claim meets the grounding contract; else the passages' own words; else a refusal."""
        if NOT_FOUND in draft or not draft.strip():
            return self._answer(question, q, refusal_text(q.text, q.chinese, q.places), True, scope, None, notices)
        scope = replace(scope, drafted=tuple(find_figures(draft)))
        check = ground(draft, scope, self.relevance)
        from_records = money_answer(q, scope, check)  # a money question: the selected provision's figures win
        if from_records is not None:
            text, check = from_records
            missing = self.unmentioned(q, scope, check)
            if len(check.stating) > 1 and (missing or (missing := self.unmentioned(q, scope, check, unmentioned_names))):
                return self.not_mentioned(question, q, scope, missing, notices)  # look-alikes; what picks one is absent
            badge = self.quoted_for_missing(missing, notices)
            if why := unasked_item(q, check):  # two readings of the question disagree on the item: not bound
                notices.append(f"The figure is one item of a list the question may not name ({why}).")
                badge = QUOTED
            # a table of look-alikes states no answer: the reader picks the row, so nothing asked is bound
            badge = QUOTED if len(check.stating) > 1 else badge
            return self._answer(question, q, render(text, q), False, scope, check, notices, badge)
        if check.verified and check.cited and not states_asked_fact(asked_facts(q.text), check.text):
            notices.append("The documents do not state what was asked: the answer named no number or date.")
            return self._answer(question, q, refusal_text(q.text, q.chinese, q.places), True, scope, None, notices)
        if check.verified and check.cited:
            text = render(with_stated_caps(check, q), q)
            missing = self.unmentioned(q, scope, check)
            weak = weakly_bound(q, scope, check)
            if missing and weak:
                return self.not_mentioned(question, q, scope, missing, notices)
            if weak:
                notices.append("The provision stating this figure holds few of the question's words: it may be about something else.")
            badge = QUOTED if weak else self.quoted_for_missing(missing, notices)
            return self._answer(question, q, text, False, scope, check, notices, badge)
        notices.append("Could not verify: " + " | ".join(check.problems or check.uncited))
        return self.repaired(question, q, scope, draft, notices)

    def unmentioned(self, q: Question, scope: Scope, check: Verification, absent=unmentioned_phrases) -> str:
        """What the question names that the cited documents never mention (``absent``: which of its terms count),
        for a notice ("" when none)."""
        cited = [scope.hits[n - 1] for n in check.cited if 1 <= n <= len(scope.hits)]
        missing = absent(q, document_chunks(self.funding, cited))
        return ", ".join(f"“{t.english}” ({'/'.join(t.chinese[:2])})" for t in missing)

    def not_mentioned(self, question: str, q: Question, scope: Scope, missing: str, notices: list[str]) -> Answer:
        """A refusal: the question names a thing the documents never mention, and their figures are not selected
        by its other words (look-alike provisions, or one that holds few of them)."""
        notices.append(f"The documents never mention {missing}: the figures found are about something else.")
        return self._answer(question, q, refusal_text(q.text, q.chinese, q.places), True, scope, None, notices)

    def quoted_for_missing(self, missing: str, notices: list[str]) -> str:
        """QUOTED (with a notice) when the cited documents never mention a phrase the question names."""
        if not missing:
            return ""
        notices.append(f"The cited documents never mention {missing}: the answer is their own words, for you to judge.")
        return QUOTED

    def repaired(self, question: str, q: Question, scope: Scope, draft: str, notices: list[str]) -> Answer:
        """The sentence the draft points at, else the one most relevant to the question alone; it must meet
        the contract like any answer, or the answer is a refusal."""
        for hint in dict.fromkeys((draft, "")):
            quoted = extractive_answer(scope, self.relevance, hint)
            check = ground(quoted, scope, self.relevance) if quoted else None
            if check is not None and not check.verified and quote_only(quoted) != quoted:
                check = ground(quote_only(quoted), scope, self.relevance)  # a figure before the quote failed: drop it
            if check is not None and check.verified:  # the source's words, for the reader to judge: Quoted
                if missing := self.unmentioned(q, scope, check):  # about something the documents never mention
                    return self.not_mentioned(question, q, scope, missing, notices)
                return self._answer(question, q, render(check.text, q), False, scope, check, notices, QUOTED)
        return self._answer(question, q, refusal_text(q.text, q.chinese, q.places), True, scope, None, notices)

    def _answer(self, question, q, text, refused, scope, check: Verification | None, notices, badge="") -> Answer:
        """The answer as shown: ``text`` (rendered) with the verification of what it says and its badge
        (answer.badge); ``badge=QUOTED`` caps it at Quoted (the repair, a table not bound to the subject)."""
        if not refused and not self.states_kind_asked(q, text, notices):
            text, refused, check = refusal_text(q.text, q.chinese, q.places), True, None
        verification = replace(check, text=text) if check is not None else None
        checked = verification is not None and verification.verified
        badge = badge_for(refused, checked, badge == QUOTED)
        return Answer(question, q.text, text, refused, scope.hits, verification, notices, [p.label for p in q.places], badge)


    @staticmethod
    def states_kind_asked(q: Question, text: str, notices: list[str]) -> bool:
        """The answer states the kind of figure asked (``figure_kind``); when not, a notice says so."""
        if not (kind := states_what_is_asked(q, text)):
            return True
        notices.append(f"The question asks for {KIND_NAMES[kind]}; the passages found state nothing of that kind.")
        return False
