"""Deterministic answers straight from the passages: amounts with their qualifiers, verbatim sentences,
refusals, and the checks that decide when the model's answer needs them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .keyword import tokenize
from .numbers import extract_amounts, figures_match, find_figures, split_sentences
from .retrieval import REGION_ALIASES, Hit, compared_parties
from .verify import Verification

_NUMERIC_QUESTION = re.compile(
    r"how much|funding|cap\b|ceiling|subsid|grant|amount|budget|up to|maximum|"
    r"多少|上限|资金|补贴|补助|奖励|最高|不超过|金额",
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
        return f"{figure} [{n}]。原文：“{amount.sentence.strip()}” [{n}]"
    return f"{figure} [{n}]. The passage says: “{amount.sentence.strip()}” [{n}]"


def extractive_answer(question: str, hits: Sequence[Hit]) -> str | None:
    """An answer made only of the passages' own words: the amount for numeric questions, else the best sentence."""
    quote = amount_quote(question, hits) if is_numeric_question(question) else None
    if quote is None and (found := best_sentence(question, hits)):
        quote = f"“{found[1]}” [{found[0]}]"
    return quote


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
