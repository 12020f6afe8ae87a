"""Question → retrieved passages → cited answer, verified before it is shown."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from langchain_core.language_models import BaseChatModel

from .chunking import detect_language
from .compare import comparison_table
from .embeddings import NO_THRESHOLD, UNCALIBRATED_CROSS_LINGUAL_SUPPORT, RelevanceThreshold
from .grounding import (
    amount_quote,
    extractive_answer,
    is_numeric_question,
    refusal_text,
    states_amount,
    swap_place,
    unmatched_entities,
)
from .keyword import tokenize
from .metadata import instructions_to_assistants
from .prompts import NOT_FOUND, answer_messages, rewrite_messages
from .retrieval import NO_FILTER, Filter, Hit, HybridSearcher, compared_parties
from .verify import Verification, attribute_claims, strip_citations, verify_answer

log = logging.getLogger(__name__)

_FOLLOW_UP = re.compile(r"^(and|what about|how about|same for|also|那|还有|那么)\b|[呢]\s*[？?]?$|^\S+\s*\?$", re.I)
# A claim is attributed to a passage sharing half its words; across languages, to a passage whose
# similarity reaches the embedding's calibrated ``cross_lingual_support`` (embeddings.CROSS_LINGUAL_SUPPORT).
MIN_SUPPORT = 0.5


@dataclass
class Answer:
    question: str
    rewritten_question: str
    text: str
    refused: bool
    passages: list[Hit]
    verification: Verification | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.refused and self.verification is not None and self.verification.verified

    @property
    def cited(self) -> list[int]:
        return self.verification.cited if self.verification else []

    def as_dict(self) -> dict:
        def passage(n: int) -> dict:
            hit = self.passages[n - 1]
            return {"n": n, **hit.public_metadata(), "text": hit.text, "score": round(hit.score, 6)}

        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "citations": [passage(n) for n in sorted(self.cited)],
            "verified": self.verified,
            "unverified": self.verification.unverified if self.verification else [],
            "rewritten_question": self.rewritten_question,
            "passages": [passage(n) for n in range(1, len(self.passages) + 1)],
            "notices": self.notices,
        }


PASSAGES_PER_PARTY = 3
MAX_QUESTION_CHARS = 1000
EMPTY_QUESTION = "Please type a question about the indexed documents."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


def clean_question(question: str) -> tuple[str, list[str]]:
    """Control characters removed, whitespace folded, very long questions shortened (with a notice);
    a question without a single letter, digit or CJK character is treated as empty."""
    text = re.sub(r"\s+", " ", _CONTROL.sub(" ", question or "")).strip()
    notices = []
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        notices.append(f"The question was shortened to its first {MAX_QUESTION_CHARS:,} characters.")
    if not re.search(r"[\w\u3400-\u9fff]", text):
        return "", notices
    return text, notices


WITHHELD = "[text addressed to AI assistants withheld]"


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


class Answerer:
    """Retrieval, generation and verification; streams events for the UI and returns an ``Answer``."""

    def __init__(
        self,
        searcher: HybridSearcher,
        chat_model: BaseChatModel,
        *,
        top_k: int = 4,
        min_relevance: RelevanceThreshold = NO_THRESHOLD,
        cross_lingual_support: float = UNCALIBRATED_CROSS_LINGUAL_SUPPORT,
    ):
        self.searcher, self.chat_model, self.top_k, self.min_relevance = searcher, chat_model, top_k, min_relevance
        self.cross_lingual_support = cross_lingual_support

    def passage_count(self, question: str) -> int:
        """``top_k``, and at least three passages per party for a comparison: its table streams first,
        so the longer prompt does not delay the first token."""
        return max(self.top_k, PASSAGES_PER_PARTY * len(compared_parties(question)))

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

    def ask(self, question: str, history: Sequence[str] = (), filters: Filter = NO_FILTER) -> Answer:
        answer = None
        for event in self.stream(question, history, filters):
            if event["type"] == "final":
                answer = event["answer"]
        assert answer is not None
        return answer

    def stream(self, question: str, history: Sequence[str] = (), filters: Filter = NO_FILTER) -> Iterator[dict]:
        """Events: ``passages`` (with the rewritten question), ``token`` (draft text), ``final`` (an Answer)."""
        question, notices = clean_question(question)
        if not question:
            yield {"type": "final", "answer": Answer(question, question, EMPTY_QUESTION, True, [], notices=notices)}
            return
        rewritten = self.rewrite(question, history)
        hits, flagged = withhold_instructions(
            self.searcher.search_balanced(rewritten, self.passage_count(rewritten), filters)
        )
        if flagged:
            notices.append(
                f"Passage {', '.join(map(str, flagged))} addresses AI assistants; those sentences were not used."
            )
        yield {"type": "passages", "rewritten_question": rewritten, "hits": hits}
        if not hits or unmatched_entities(rewritten, hits) or self.off_topic(rewritten, filters):
            yield {
                "type": "final",
                "answer": Answer(question, rewritten, refusal_text(question), True, hits, None, notices),
            }
            return
        parties = compared_parties(rewritten)
        table = comparison_table(hits, parties) if len(parties) > 1 else ""
        if table:
            yield {"type": "token", "text": table + "\n\n"}
        draft = []
        try:
            for chunk in self.chat_model.stream(answer_messages(rewritten, hits)):
                draft.append(str(chunk.content))
                yield {"type": "token", "text": draft[-1]}
            answer = self.finish(question, rewritten, hits, "".join(draft))
        except Exception as exc:  # any model failure degrades to an answer from the passages alone
            log.warning("language model failed: %s", exc)
            answer = self.retrieval_only(question, rewritten, hits, exc)
        if table and not answer.refused:
            answer = self._with_table(answer, table)
        answer.notices[:0] = notices
        yield {"type": "final", "answer": answer}

    def retrieval_only(self, question: str, rewritten: str, hits: list[Hit], error: Exception) -> Answer:
        """The model is unreachable or failed: the passages' own words, with a notice saying so."""
        texts = [hit.text for hit in hits]
        quote = extractive_answer(rewritten, hits)
        check = verify_answer(quote, texts) if quote else None
        notice = f"The language model is unavailable ({error or type(error).__name__}); this answer quotes the passages directly."
        return Answer(
            question, rewritten, check.text if check else refusal_text(question), check is None, hits, check, [notice]
        )

    def _with_table(self, answer: Answer, table: str) -> Answer:
        """Comparison answers: the cited table first, then the model's verified summary."""
        texts = [hit.text for hit in answer.passages]
        combined = verify_answer(f"{table}\n\n{answer.text}", texts)
        return Answer(
            answer.question, answer.rewritten_question, combined.text, False, answer.passages, combined, answer.notices
        )

    def support_scores(self, claim: str, passages: list[str]) -> list[float]:
        """How clearly each passage states the claim: shared words, or meaning across languages."""
        words = set(tokenize(claim))
        scores = [len(words & set(tokenize(p))) / max(1, len(words)) for p in passages]
        cross_lingual = [i for i, p in enumerate(passages) if detect_language(p) != detect_language(claim)]
        if cross_lingual:
            query = np.asarray(self.searcher.embeddings.embed_query(claim))
            vectors = np.asarray(self.searcher.embeddings.embed_documents([passages[i] for i in cross_lingual]))
            for i, similarity in zip(cross_lingual, vectors @ query):
                scores[i] = max(scores[i], float(similarity) - (self.cross_lingual_support - MIN_SUPPORT))
        return scores

    def finish(self, question: str, rewritten: str, hits: list[Hit], draft: str) -> Answer:
        """Verify the draft; repair it (one strict retry, then an extractive quote) when a claim fails."""
        texts = [hit.text for hit in hits]
        if NOT_FOUND in draft or not draft.strip():
            return Answer(question, rewritten, refusal_text(question), True, hits)
        check = verify_answer(attribute_claims(draft, texts, self.support_scores, MIN_SUPPORT), texts)
        notices = []
        if check.unverified:
            retry = verify_answer(
                str(self.chat_model.invoke(answer_messages(rewritten, hits, strict=True)).content), texts
            )
            if retry.unverified or NOT_FOUND in retry.text:
                notices.append("Could not verify: " + " | ".join(check.unverified))
                check = self._extractive(rewritten, hits, texts, draft) or check
            else:
                check = retry
        if is_numeric_question(rewritten) and not states_amount(check, hits):
            quote = amount_quote(rewritten, hits)
            if quote:
                check = verify_answer(quote, texts)
        if not check.cited:
            check = self._extractive(rewritten, hits, texts, draft) or check
        return Answer(question, rewritten, check.text, False, hits, check, notices)

    def _extractive(self, question: str, hits: list[Hit], texts: list[str], draft: str) -> Verification | None:
        """The passage's own words; the model's draft, even when unverifiable, points at the sentence."""
        quote = extractive_answer(question, hits, hint=strip_citations(draft))
        return verify_answer(quote, texts) if quote else None

    def rewrite(self, question: str, history: Sequence[str]) -> str:
        """A follow-up ("And Shenzhen?") becomes a standalone question before retrieval."""
        if not history or not _FOLLOW_UP.search(question.strip()):
            return question
        previous = history[-1]
        swapped = swap_place(previous, question)
        if swapped:
            return swapped
        rewritten = str(self.chat_model.invoke(rewrite_messages(previous, question)).content).strip()
        return rewritten.splitlines()[0].strip() if rewritten else question
