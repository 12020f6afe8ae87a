"""Figures written in Chinese, rendered the way English writes them, exactly: "5000万元" → "RMB 50 million".

An English answer over Chinese passages shows both forms ("最高5000万元 (RMB 50 million)"), and an amount a
small model translated wrongly ("6 billion yuan" for 6 亿元, which is 600 million) is written back in the
passage's own words.
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.text.figures import RANGE_GAP, Figure, figures_match, find_figures
from assistant.text.language import is_chinese
from assistant.text.unwrap import unwrap

_CURRENCY_PREFIX = {"CNY": "RMB ", "USD": "US$", "HKD": "HK$", "EUR": "EUR ", "JPY": "JPY "}


def _exact(value: Decimal) -> str:
    """A decimal without float noise or trailing zeros, with thousands separators: 1234.5 → "1,234.5"."""
    text = f"{value.normalize():f}"
    whole, _, fraction = text.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


def english_amount(value: float, currency: str = "CNY") -> str:
    """A money value as English writes it, exactly: 5e7 → "RMB 50 million", 2.5e8 → "RMB 250 million",
    1.2345e6 → "RMB 1.2345 million", 3e5 → "RMB 300,000". Distinct values never render alike."""
    exact = Decimal(repr(value)).quantize(Decimal("0.01")) if value % 1 else Decimal(int(value))
    prefix = _CURRENCY_PREFIX.get(currency or "CNY", f"{currency} ")
    for scale, word in ((10**12, "trillion"), (10**9, "billion"), (10**6, "million")):
        if abs(exact) >= scale:
            return f"{prefix}{_exact(exact / scale)} {word}"
    return f"{prefix}{_exact(exact)}"


def english_rendering(figure: Figure) -> str:
    """The English form of a figure written in Chinese (5000万元, 百分之三十), or "" when it needs none."""
    if not is_chinese(figure.text):
        return ""
    if figure.kind == "amount":
        return english_amount(figure.value, figure.currency)
    if figure.kind == "percent":
        return f"{_exact(Decimal(repr(figure.value)))}%"
    if figure.kind == "count" and figure.value >= 10_000:
        return _exact(Decimal(repr(figure.value)))
    return ""


def with_english_figures(text: str) -> str:
    """Every Chinese-written amount or percentage in ``text`` followed by its English form, once:
    "最高5000万元" → "最高5000万元 (RMB 50 million)"; a range "3-5亿元" → "3-5亿元 (RMB 300 million–500 million)"."""
    out, cursor = [], 0
    figures = find_figures(text)
    skip = set()
    for i, figure in enumerate(figures):
        if i in skip:
            continue
        rendering, end = english_rendering(figure), figure.end
        following = figures[i + 1] if i + 1 < len(figures) else None
        if following and RANGE_GAP.fullmatch(text[figure.end : following.start]) and following.kind == figure.kind:
            second = english_rendering(following)
            if second:
                first = rendering or english_rendering(replace_text(figure, following))
                rendering, end = f"{first}–{second.removeprefix('RMB ')}", following.end
                skip.add(i + 1)
        if not rendering or text[end:].lstrip().startswith(("(", "（")):
            continue
        out.append(text[cursor:end] + f" ({rendering})")
        cursor = end
    return "".join(out) + text[cursor:]


def replace_text(figure: Figure, unit_source: Figure) -> Figure:
    """``figure`` written with the unit of ``unit_source``: the "3" of "3-5亿元" reads as 3亿元."""
    return Figure(
        figure.value, figure.kind, figure.text + unit_source.text[-1], figure.start, figure.end, unit_source.currency
    )


_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def misread_units(claim: str, evidence: str) -> list[tuple[Figure, Figure]]:
    """Amounts of ``claim`` that ``evidence`` does not state but writes with the same digits in Chinese units:
    "6 billion yuan" for "6 亿元" (600 million), "2.5 billion" for "2.5亿". A small model translates 亿 as
    billion; the digits it copied are right, the unit is not. Pairs (claim figure, evidence figure)."""
    stated = [f for f in find_figures(evidence) if f.kind == "amount" and is_chinese(f.text)]
    pairs = []
    for figure in find_figures(claim):
        if figure.kind != "amount" or is_chinese(figure.text) or any(figures_match(figure, s) for s in stated):
            continue
        digits = _LEADING_NUMBER.search(figure.text)
        same = [s for s in stated if digits and (m := _LEADING_NUMBER.search(s.text)) and m.group() == digits.group()]
        if len({s.value for s in same}) == 1:
            pairs.append((figure, same[0]))
    return pairs


def with_passage_units(claim: str, evidence: str) -> str:
    """``claim`` with each misread amount (see :func:`misread_units`) replaced by the passage's own writing."""
    for figure, stated in sorted(misread_units(claim, evidence), key=lambda pair: -pair[0].start):
        claim = claim[: figure.start] + unwrap(stated.text) + claim[figure.end :]
    return claim
