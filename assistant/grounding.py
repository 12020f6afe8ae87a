"""Deterministic answers straight from the passages: amounts with their qualifiers, verbatim sentences,
refusals, and the checks that decide when the model's answer needs them."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from .keyword import tokenize
from .numbers import extract_amounts, figures_match, find_figures, split_sentences
from .retrieval import REGION_ALIASES, Hit, compared_parties
from .verify import Verification

_NUMERIC_QUESTION = re.compile(
    r"how much|funding|cap\b|ceiling|subsid|grant|amount|budget|up to|maximum|"
    r"上限|资金|补贴|补助|奖励|最高|不超过|金额|多少钱|多少元",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(text: str) -> bool:
    return bool(_CJK.search(text))


def is_numeric_question(question: str) -> bool:
    return bool(_NUMERIC_QUESTION.search(question))


def refusal_text(question: str) -> str:
    if is_chinese(question):
        return "已索引的文件中没有提到这一点。以下是最接近的段落，供参考。"
    return "The indexed documents don't say. The closest passages are shown for reference."


def unmatched_entities(question: str, hits: Sequence[Hit]) -> list[str]:
    """Places the question names that no retrieved passage mentions: the documents cannot answer for them."""
    haystack = " ".join(f"{h.metadata.get('title', '')} {h.text}" for h in hits).lower()
    return [region for region in compared_parties(question) if not any(a in haystack for a in REGION_ALIASES[region])]


def _sentences(hits: Sequence[Hit]) -> list[tuple[int, str, set[str]]]:
    return [(n, s.strip(), set(tokenize(s))) for n, hit in enumerate(hits, start=1) for s in split_sentences(hit.text)]


def _specificity(question: str, sentences: list[tuple[int, str, set[str]]]) -> dict[str, float]:
    """The question's words that occur in the passages, weighted by rarity among their sentences (IDF)."""
    frequency = Counter(word for _, _, words in sentences for word in words)
    return {word: math.log(1 + len(sentences) / frequency[word]) for word in set(tokenize(question)) if frequency[word]}


def best_sentence(question: str, hits: Sequence[Hit]) -> tuple[int, str] | None:
    """The passage sentence that shares the question's most specific words, for a verbatim extractive answer."""
    sentences = _sentences(hits)
    weights = _specificity(question, sentences)
    scored = [(sum(weights.get(w, 0.0) for w in words), -i) for i, (_, _, words) in enumerate(sentences)]
    if not scored or max(scored)[0] == 0:
        return None
    n, sentence, _ = sentences[-max(scored)[1]]
    return n, sentence


def amount_quote(question: str, hits: Sequence[Hit]) -> str | None:
    """The money amount the passages state for this question, with its qualifier, quoted verbatim."""
    wanted = set(tokenize(question))
    scored = []
    for n, hit in enumerate(hits, start=1):
        for amount in extract_amounts(hit.text):
            scored.append((len(wanted & set(tokenize(amount.sentence))), -n, n, amount))
    if not scored:
        return None
    _, _, n, amount = max(scored, key=lambda item: item[:2])
    figure = f"{amount.qualifier} {amount.figure.text}".strip()
    if is_chinese(question):
        return f"{figure} [{n}]。原文：{quote(amount.sentence, n)}"
    return f"{figure} [{n}]. The passage says: {quote(amount.sentence, n)}"


def quote(sentence: str, n: int) -> str:
    """A verbatim sentence and its citation; the closing punctuation goes after the citation, so the
    verifier reads the quote and its citation as one claim."""
    body = sentence.strip()
    end = re.search(r"[。！？!?.]+$", body)
    return f"“{body[: end.start()]}” [{n}]{end.group()}" if end else f"“{body}” [{n}]"


def extractive_answer(question: str, hits: Sequence[Hit], hint: str = "") -> str | None:
    """An answer made only of the passages' own words: the amount for numeric questions, else the sentence
    that best matches the question and the ``hint`` (the model's unverifiable draft)."""
    found_quote = amount_quote(question, hits) if is_numeric_question(question) else None
    if found_quote is None and (found := best_sentence(f"{question} {hint}", hits)):
        found_quote = quote(found[1], found[0])
    return found_quote


def states_amount(check: Verification, hits: Sequence[Hit]) -> bool:
    """The verified answer already gives one of the cited passages' amounts."""
    answer_figures = find_figures(check.text)
    return any(
        figures_match(amount.figure, figure)
        for n in check.cited
        for amount in extract_amounts(hits[n - 1].text)
        for figure in answer_figures
    )


def swap_place(previous: str, follow_up: str) -> str | None:
    """ "And Shenzhen?" after a Beijing question: the same question about Shenzhen."""
    new, old = compared_parties(follow_up), compared_parties(previous)
    if len(new) != 1 or len(old) != 1 or new == old:
        return None
    swapped = previous
    for alias in REGION_ALIASES[old[0]]:
        replacement = new[0] if alias.isascii() else REGION_ALIASES[new[0]][1]
        swapped = re.sub(re.escape(alias), replacement, swapped, flags=re.IGNORECASE)
    return swapped
