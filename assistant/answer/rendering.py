"""How an answer is shown: English answers give Chinese figures in both forms ("5000万元 (RMB 50 million)"),
amounts the model wrote in English grouped as code writes them, rates with their unit; a money answer that
leaves out a cap its sentence states gets that sentence quoted. Quotes of the source stay verbatim."""

from __future__ import annotations

import re

from assistant.answer.question import Question
from assistant.answer.repair import quote
from assistant.answer.verify import QUOTED_SPAN, Verification
from assistant.text.numbers import extract_amounts, figures_match, find_figures, with_english_figures

_SPACE_BEFORE_STOP = re.compile(r"(\])\s+([.。；;,，])")
_UNITS = {"千瓦时": "kWh", "度": "kWh", "千瓦": "kW", "瓦": "W", "平方米": "m²", "台": "unit", "套": "set", "人": "person"}
_RATE = re.compile(r"(\S+?元) \((RMB [^)]+)\)\s*/\s*(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")")


def render(text: str, q: Question) -> str:
    """English answers show Chinese figures in both forms ("5000万元 (RMB 50 million)"); quotes stay verbatim."""
    text = _SPACE_BEFORE_STOP.sub(r"\1\2", text)  # "…costs [1]  ." → "…costs [1]."
    if q.chinese:
        return text
    out, cursor = [], 0
    for match in QUOTED_SPAN.finditer(text):
        out.append(_english(text[cursor : match.start()]) + match.group())
        cursor = match.end()
    return "".join(out) + _english(text[cursor:])


def _english(text: str) -> str:
    return _per_unit(with_english_figures(_ENGLISH_AMOUNT.sub(_grouped, text)))


# An amount the model wrote in English ("1500 yuan", "RMB 25000"): grouped by thousands as code writes them
_ENGLISH_AMOUNT = re.compile(r"(?i)(?<![\d,.])(RMB\s*)?(\d{4,})(?![\d,])(\.\d+)?(?(1)|(?=\s*yuan\b))")


def _grouped(match: re.Match[str]) -> str:
    return f"{match.group(1) or ''}{int(match.group(2)):,}{match.group(3) or ''}"


def _per_unit(text: str) -> str:
    """ "0.25元 (RMB 0.25)/千瓦时" → "0.25元/千瓦时 (RMB 0.25 per kWh)": a rate keeps its unit beside its figure."""
    return _RATE.sub(lambda m: f"{m.group(1)}/{m.group(3)} ({m.group(2)} per {_UNITS[m.group(3)]})", text)


def with_stated_caps(check: Verification, q: Question) -> str:
    """A money answer that leaves out an amount its own sentence states ("最高 30%" where the sentence says
    "最高 30%、最高 500 万元") gets that sentence quoted after it, so the cap is never half told."""
    if q.kind != "money":
        return check.text
    stated = find_figures(check.text)
    missing = [
        (n, sentence)
        for n, sentence in dict.fromkeys(check.stating)
        if any(a.figure.kind == "amount" and not any(figures_match(a.figure, f) for f in stated) for a in extract_amounts(sentence))
    ]
    if not missing:
        return check.text
    lead = " 原文：" if q.chinese else " The passage says: "
    return check.text.rstrip() + lead + " ".join(quote(sentence, n) for n, sentence in missing)

