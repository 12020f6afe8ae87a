"""What kind of figure a money question asks for, and whether a provision or an answer states that kind.

"每月标准是多少元?" asks an amount in yuan: a share ("政府出资份额最高为保障标准50%") is no answer to it,
however many words the sentence shares with the question. "按多大比例补贴?" and "what percentage" ask a share;
"what interest subsidy rate" asks a share or a per-unit amount ("0.3元/千瓦时"), never a lump sum ("消费券50万元").
A question asking both ("按投资额的多少比例补贴，最高多少元?") or neither is judged on its words alone. Other
questions: "how many companies…" asks a count (a reward of 800万元 for listing is no answer), "多久举办一次"
asks how often (a sentence stating no frequency is no answer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.question import STATED_FREQUENCY, Question, asks_frequency
from assistant.answer.verify import QUOTED_SPAN, strip_citations
from assistant.text.numbers import Figure, find_figures

AMOUNT, SHARE, RATE, COUNT, FREQUENCY = "amount", "share", "rate", "count", "frequency"
KIND_NAMES = {
    AMOUNT: "an amount in yuan",
    SHARE: "a share (a percentage)",
    RATE: "a rate (a percentage or an amount per unit)",
    COUNT: "a count",
    FREQUENCY: "how often",
}

_AMOUNT_ASKED = re.compile(r"多少元|几元|多少钱|多少块钱|(?i:\bhow many (?:yuan|rmb)\b|\bhow much money\b)")
_SHARE_ASKED = re.compile(
    r"(?:多大|多少|什么|何种|哪个)比例|比例(?:是|为)?(?:多少|几)|百分之(?:几|多少)|多少个?百分点|几成|"
    r"(?i:\b(?:what|which|how large a|how big a|how much of a)\s+(?:percentage|share|proportion|ratio|per ?cent)\b|"
    r"\bhow many per ?cent\b|\bpercentage (?:of|does|is)\b)"
)
_RATE_ASKED = re.compile(r"(?i:\bat what rate\b|\bwhat\s+(?:[\w-]+\s+){0,3}rates?\b)")
_PER_UNIT = re.compile(
    r"元\s*/|每(?:人|户|套|月|年|平方米|千瓦时|千瓦|度|台|辆|亩|吨|个|家|次)|(?i:\bper\s+(?:person|household|month|year|"
    r"square|kwh|kw|unit|set|vehicle|mu|tonne|ton)\b)"
)


# "how many companies…", "新增多少家": a count of things, which a sum of money never answers
_COUNT_ASKED = re.compile(
    r"(?i:\bhow many\s+(?:[a-z-]+\s+){0,3}(?:companies|enterprises|firms|businesses|projects|people|persons|talents|"
    r"cases|platforms|institutions|entities|parks|bases|teams|graduates)\b)|(?:多少|几)(?:个|家|项|名|户|所|批)"
)


def kind_asked_of(q: Question) -> str:
    """The kind of figure ``q`` asks for: of a money question by its words (``kind_asked``); else a count of
    things or how often; "" when it names none."""
    if q.kind == "money":
        return kind_asked(q.text)
    if asks_frequency(q):
        return FREQUENCY
    return COUNT if _COUNT_ASKED.search(q.text) else ""


def kind_asked(text: str) -> str:
    """AMOUNT, SHARE, RATE, or "" when the question names no kind of figure (or more than one)."""
    kinds = [k for k, pattern in ((AMOUNT, _AMOUNT_ASKED), (SHARE, _SHARE_ASKED)) if pattern.search(text)]
    if not kinds and _RATE_ASKED.search(text):
        kinds = [RATE]
    return kinds[0] if len(kinds) == 1 else ""


def states_kind(kind: str, figures: Sequence[Figure], text: str) -> bool:
    """Whether ``figures`` (stated in ``text``) hold the kind asked; True when none is asked."""
    percent = any(f.kind == "percent" for f in figures)
    amount = any(f.kind == "amount" for f in figures)
    if kind == AMOUNT:
        return amount
    if kind == SHARE:
        return percent
    if kind == RATE:
        return percent or (amount and bool(_PER_UNIT.search(text)))
    if kind == COUNT:
        return any(f.kind == "count" for f in figures)
    if kind == FREQUENCY:
        return bool(STATED_FREQUENCY.search(text))
    return True


def states_what_is_asked(q: Question, answer: str) -> str:
    """"" when ``answer`` states the kind of figure ``q`` asks for (or it asks none); else that kind. The answer's
    own words are judged, or its quote when it is only a quote (the quote is then its claim)."""
    kind = kind_asked_of(q)
    answer = strip_citations(answer)  # "[1]" is no count
    own = QUOTED_SPAN.sub(" ", answer)
    figures = find_figures(own)
    says = STATED_FREQUENCY.search(own) if kind == FREQUENCY else figures
    if not says:  # an answer that is only a quote: the quote is its claim
        own, figures = answer, find_figures(answer)
    return "" if states_kind(kind, figures, own) else kind
