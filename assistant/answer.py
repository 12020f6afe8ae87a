"""Question → retrieved passages → cited answer, verified before it is shown."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from langchain_core.language_models import BaseChatModel

from .chunking import detect_language
from .compare import comparison_table
from .keyword import tokenize
from .numbers import extract_amounts, figures_match, find_figures, split_sentences
from .prompts import NOT_FOUND, answer_messages, rewrite_messages
from .retrieval import NO_FILTER, REGION_ALIASES, Filter, Hit, HybridSearcher, compared_parties
from .verify import Verification, attribute_claims, verify_answer

_NUMERIC_QUESTION = re.compile(
    r"how much|funding|cap\b|ceiling|subsid|grant|amount|budget|up to|maximum|"
    r"多少|上限|资金|补贴|补助|奖励|最高|不超过|金额",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(r"^(and|what about|how about|same for|also|那|还有|那么)\b|[呢]\s*[？?]?$|^\S+\s*\?$", re.I)
# A claim is attributed to a passage sharing half its words; e5 similarities sit in 0.75-0.95,
# so across languages 0.83 plays the role of that half (0.83 - 0.33 = 0.5).
MIN_SUPPORT = 0.5
CROSS_LINGUAL_OFFSET = 0.33


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


def refusal_text(question: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", question):
        return "已索引的文件中没有提到这一点。以下是最接近的段落，供参考。"
    return "The indexed documents don't say. The closest passages are shown for reference."


def is_numeric_question(question: str) -> bool:
    return bool(_NUMERIC_QUESTION.search(question))


def unmatched_entities(question: str, hits: Sequence[Hit]) -> list[str]:
    """Places the question names that no retrieved passage mentions: the documents cannot answer for them."""
    haystack = " ".join(f"{h.metadata.get('title', '')} {h.text}" for h in hits).lower()
    return [
        region
        for region in compared_parties(question)
        if not any(alias in haystack for alias in REGION_ALIASES[region])
    ]


def best_sentence(question: str, hits: Sequence[Hit]) -> tuple[int, str] | None:
    """The passage sentence sharing most words with the question, for a verbatim extractive answer."""
    wanted = set(tokenize(question))
    best, best_overlap = None, 0
    for n, hit in enumerate(hits, start=1):
        for sentence in split_sentences(hit.text):
            overlap = len(wanted & set(tokenize(sentence)))
            if overlap > best_overlap:
                best, best_overlap = (n, sentence.strip()), overlap
    return best


def amount_quote(question: str, hits: Sequence[Hit]) -> tuple[int, str] | None:
    """The money amount the passages state for this question, with its qualifier, quoted verbatim."""
    wanted = set(tokenize(question))
    scored = []
    for n, hit in enumerate(hits, start=1):
        for amount in extract_amounts(hit.text):
            overlap = len(wanted & set(tokenize(amount.sentence)))
            scored.append((overlap, -n, n, amount))
    if not scored:
        return None
    _, _, n, amount = max(scored, key=lambda item: item[:2])
    figure = f"{amount.qualifier} {amount.figure.text}".strip()
    if re.search(r"[\u4e00-\u9fff]", question):
        return n, f"{figure} [{n}]。原文：“{amount.sentence.strip()}” [{n}]"
    return n, f"{figure} [{n}]. The passage says: “{amount.sentence.strip()}” [{n}]"


class Answerer:
    """Retrieval, generation and verification; streams events for the UI and returns an ``Answer``."""

    def __init__(self, searcher: HybridSearcher, chat_model: BaseChatModel, *, top_k: int = 6):
        self.searcher, self.chat_model, self.top_k = searcher, chat_model, top_k

    def ask(self, question: str, history: Sequence[str] = (), filters: Filter = NO_FILTER) -> Answer:
        answer = None
        for event in self.stream(question, history, filters):
            if event["type"] == "final":
                answer = event["answer"]
        assert answer is not None
        return answer

    def stream(self, question: str, history: Sequence[str] = (), filters: Filter = NO_FILTER) -> Iterator[dict]:
        """Events: ``passages`` (with the rewritten question), ``token`` (draft text), ``final`` (an Answer)."""
        rewritten = self.rewrite(question, history)
        hits = self.searcher.search_balanced(rewritten, self.top_k, filters)
        yield {"type": "passages", "rewritten_question": rewritten, "hits": hits}
        if not hits or unmatched_entities(rewritten, hits):
            yield {"type": "final", "answer": Answer(question, rewritten, refusal_text(question), True, hits)}
            return
        parties = compared_parties(rewritten)
        table = comparison_table(hits, parties) if len(parties) > 1 else ""
        if table:
            yield {"type": "token", "text": table + "\n\n"}
        draft = []
        for chunk in self.chat_model.stream(answer_messages(rewritten, hits)):
            draft.append(str(chunk.content))
            yield {"type": "token", "text": draft[-1]}
        answer = self.finish(question, rewritten, hits, "".join(draft))
        if table and not answer.refused:
            answer = self._with_table(answer, table)
        yield {"type": "final", "answer": answer}

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
                scores[i] = max(scores[i], float(similarity) - CROSS_LINGUAL_OFFSET)
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
                check = self._extractive(rewritten, hits, texts) or check
            else:
                check = retry
        if is_numeric_question(rewritten) and not _states_amount(check, hits):
            quote = amount_quote(rewritten, hits)
            if quote:
                check = verify_answer(quote[1], texts)
        if not check.cited:
            check = self._extractive(rewritten, hits, texts) or check
        return Answer(question, rewritten, check.text, False, hits, check, notices)

    def _extractive(self, question: str, hits: list[Hit], texts: list[str]) -> Verification | None:
        found = amount_quote(question, hits) if is_numeric_question(question) else None
        if found is None:
            sentence = best_sentence(question, hits)
            found = (sentence[0], f"“{sentence[1]}” [{sentence[0]}]") if sentence else None
        return verify_answer(found[1], texts) if found else None

    def rewrite(self, question: str, history: Sequence[str]) -> str:
        """A follow-up ("And Shenzhen?") becomes a standalone question before retrieval."""
        if not history or not _FOLLOW_UP.search(question.strip()):
            return question
        previous = history[-1]
        swapped = _swap_place(previous, question)
        if swapped:
            return swapped
        rewritten = str(self.chat_model.invoke(rewrite_messages(previous, question)).content).strip()
        return rewritten.splitlines()[0].strip() if rewritten else question


def _swap_place(previous: str, follow_up: str) -> str | None:
    """ "And Shenzhen?" after a Beijing question: the same question about Shenzhen."""
    new, old = compared_parties(follow_up), compared_parties(previous)
    if len(new) != 1 or len(old) != 1 or new == old:
        return None
    swapped = previous
    for alias in REGION_ALIASES[old[0]]:
        replacement = new[0] if alias.isascii() else REGION_ALIASES[new[0]][1]
        swapped = re.sub(re.escape(alias), replacement, swapped, flags=re.IGNORECASE)
    return swapped


def _states_amount(check: Verification, hits: list[Hit]) -> bool:
    """The verified answer already gives one of the cited passages' amounts."""
    answer_figures = find_figures(check.text)
    for n in check.cited:
        for amount in extract_amounts(hits[n - 1].text):
            if any(figures_match(amount.figure, f) for f in answer_figures):
                return True
    return False
