"""Figures in English and Chinese policy text: find them, normalise them, compare them.

``find_figures`` reads every amount, percentage, count, year, month and date of a text with its unit and
scale applied ("3000万元" and "RMB 30 million" are both 30,000,000 yuan); ``unsupported_figures`` is what the
grounding calls to catch a figure in an answer that the passage it cites does not state, so "RMB 30 million"
must equal "3000万元" and must not equal "RMB 3 million". The numerals themselves are read by ``numerals``.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from assistant.text.language import CJK
from assistant.text.numerals import (
    CN_DIGITS,
    EN_ABBREVIATED_SCALES,
    EN_SCALES,
    EN_SMALL,
    EN_TENS,
    chinese_number,
    english_number,
)

# Values come from exact Decimal arithmetic, so equal surface values give identical floats; the
# tolerance only absorbs float noise. 1e-9 would merge distinct yuan amounts above 1e9.
_REL_TOL = 1e-12

_MONTHS = {
    m: i for i, names in enumerate(
        ["January Jan", "February Feb", "March Mar", "April Apr", "May", "June Jun", "July Jul",
         "August Aug", "September Sept Sep", "October Oct", "November Nov", "December Dec"], 1)
    for m in names.split()
}  # fmt: skip
# Classifiers that make a lone Chinese digit a count ("三年", "五家") rather than a word ("三农").
_CN_CLASSIFIERS = set("个年月日天周项家条类次人名批所种张位倍期轮级岁台套件座亩户笔份部间")

_CN_D = "".join(CN_DIGITS)
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN_UNIT = r"(?:[十拾百佰万萬亿億]|[千仟](?![瓦米克]))"  # 千瓦/千米/千克 are kW/km/kg
_CN_CORE = (
    rf"(?:{_ARABIC}\s?[余多]?{_CN_UNIT}|[{_CN_D}十拾])"
    rf"(?:{_CN_UNIT}|[{_CN_D}余多]|{_ARABIC}\s?{_CN_UNIT}|点[{_CN_D}]+)*"
)
_EN_WORD = "|".join(sorted([*EN_SMALL, *EN_TENS, *EN_SCALES], key=len, reverse=True))
_EN_NUMBER = (
    rf"(?i:(?<![A-Za-z])(?:{_EN_WORD})(?![A-Za-z])(?:(?:[\s-]+|(?<=hundred)\s+and\s+)(?:{_EN_WORD})(?![A-Za-z]))*)"
)
_EN_SCALE = r"(?i:\s*(?:hundred|thousand|million|billion|trillion)|(?:k|mn|m|bn|b|tn))(?![A-Za-z])"
_PREFIX = r"(?:US\$|HK\$|人民币|[$¥￥€]|(?i:RMB|CNY|USD|HKD|EUR)(?![A-Za-z]))"
_SUFFIX = (
    r"(?:元人民币|人民币|美元|港元|港币|欧元|日元|元(?![化论素件旦首老宵序结组函方次体])"
    r"|(?i:yuan|renminbi|RMB|CNY|USD|HKD|EUR|JPY|(?:US\s+|U\.S\.\s+|Hong\s+Kong\s+)?dollars?|euros?)(?![A-Za-z]))"
)
_PERCENT = r"(?:[%％]|(?i:per\s?cent|pct)(?![A-Za-z]))"
_QUANTITY = re.compile(
    rf"(?<![A-Za-z\d._])(?<![A-Za-z]-)(?:(?P<pre>{_PREFIX})\s*)?"
    rf"(?:(?P<cn>{_CN_CORE})|(?P<ar>{_ARABIC})(?P<scale>{_EN_SCALE})?|(?P<en>{_EN_NUMBER}))"
    rf"(?:\s*(?P<pct>{_PERCENT})|\s*(?P<cur>{_SUFFIX}))?"
    r"(?![A-Za-z\d_]|\.\d|,\d{3}(?!\d))"
)
_CLOCK_TIME = re.compile(r"(?<![\d.:])\d{1,2}:\d{2}(?::\d{2})?(?![\d:])")
_CN_PERCENT = re.compile(rf"百分之(?P<n>{_ARABIC}|[{_CN_D}十拾百佰千仟]+(?:点[{_CN_D}]+)?)")
_CN_MD = r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s?月(?:\s?(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s?[日号])"
_MON = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATES = [
    re.compile(r"(?<![\d.])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"),
    re.compile(rf"(?<![\d.])(?P<y>\d{{4}}|[{_CN_D}]{{4}})\s?年\s?{_CN_MD}"),
    re.compile(rf"(?<![\d.])(?P<y>\d{{4}}|[{_CN_D}]{{4}})\s?年\s?(?P<m>\d{{1,2}}|[一二三四五六七八九十]{{1,2}})\s?月"),
    re.compile(rf"(?<!\d)(?<![\d{_CN_D}]年){_CN_MD}"),  # 3月5日, 今年3月5日; not the tail of 25年3月5日
    re.compile(rf"(?<![A-Za-z])(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?(?![\d])"),
    re.compile(
        rf"(?<![A-Za-z\d])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{_MON})\.?(?:,?\s+(?P<y>\d{{4}}))?(?![\d])"
    ),
    re.compile(rf"(?<![A-Za-z])(?P<mon>{_MON})\.?,?\s+(?P<y>\d{{4}})(?!\d)"),
    re.compile(rf"(?<![\d.])(?P<y>\d{{4}})\s+(?P<mon>{_MON})(?![A-Za-z])"),  # 2025 May
]
# A month alone: 三月, 3月, 十二月, 今年3月 (2025年3月 and 3月5日 are dates, taken first). A lone 一月 needs a
# boundary or a time word before it, since 统一月报, 同一月份 are words.
_CN_MONTH = re.compile(
    rf"(?<![\d.,第{_CN_D}十拾百佰千仟万萬亿億])(?<![\d{_CN_D}]年)"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s?月(?!\s?\d)"
)
_CN_ONE_MONTH_BEFORE = re.compile(rf"(?:^|[^{CJK}]|[年今至到从自于在和与及或、])$")
# A capitalised month name alone ("in March"); "May" only after a preposition, since "May" also opens
# sentences as a modal verb. "March 2025", "May 5" are dates, taken first. "Long March" is a rocket.
_EN_MONTH = re.compile(
    r"(?<![A-Za-z])(?<!Long )(?P<mon>January|February|March|April|May|June|July|August|September|October|November"
    r"|December)(?![A-Za-z])"
)
_BEFORE_MAY = re.compile(
    r"(?i:(?<![A-Za-z])(?:in|of|since|by|during|from|until|till|before|after|early|late|mid))[\s-]+$"
)
_EN_ORDINAL_AFTER = re.compile(
    r"(?i:-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|[\s-]+(?:hundredth|thousandth|millionth|billionth))(?![A-Za-z])"
)
_STRUCTURE_WORD = re.compile(
    r"(?i:(?<![A-Za-z])(?:article|section|chapter|clause|paragraph|item|part|annex|appendix|schedule|table|figure)\s*)$"
)
_FIVE_YEAR_PLAN = re.compile(r"(?i:-year\s+plan)")
_NIAN = re.compile(r"\s?年")
RANGE_GAP = re.compile(r"\s*(?:-|–|—|~|～|至|到|(?i:to))\s*")
_CN_TRAILING_SCALE = re.compile(rf"(?:(?<=[\d{_CN_D}])[十拾百佰千仟])?[万萬亿億]+$")


@dataclass(frozen=True)
class Figure:
    """One number in a text: normalised ``value`` and ``kind``, exact surface ``text`` at ``start:end``.

    ``kind`` is "amount" (money), "percent", "year", "date" (value yyyymmdd; yyyymm00 for a month,
    mmdd when the year is not stated), "month" (1..12, a month with neither year nor day: 三月, in March)
    or "count". Ordinals (第一项, 第五批, twenty-first) are structure, not figures. ``currency`` ("CNY", "USD", "HKD", "EUR", "JPY")
    is set for amounts only.
    """

    value: float
    kind: str
    text: str
    start: int
    end: int
    currency: str = ""


@dataclass
class _Hit:
    start: int
    end: int
    value: Decimal
    kind: str
    currency: str = ""
    scale: Decimal = Decimal(1)  # the unit word's multiplier, used to complete ranges like "3-5亿元"


def _currency_code(token: str) -> str:
    low = token.lower()
    for code, marks in (("HKD", ("hk", "hong kong", "港")), ("EUR", ("€", "eur", "欧")), ("JPY", ("jpy", "日元"))):
        if any(mark in low for mark in marks):
            return code
    return "USD" if any(mark in low for mark in ("$", "usd", "dollar", "美元")) else "CNY"


def _cn_number(text: str) -> int | None:
    value = int(text) if text.isdigit() else chinese_number(text)
    return None if value is None else int(value)


def _date_hit(m: re.Match[str]) -> _Hit | None:
    groups = m.groupdict()
    year_text = groups.get("y") or ""
    year = int("".join(str(CN_DIGITS.get(c, c)) for c in year_text)) if year_text else 0
    month = _MONTHS[groups["mon"]] if groups.get("mon") else _cn_number(groups["m"])
    day = _cn_number(groups["d"]) if groups.get("d") else 0
    if month is None or day is None or not 1 <= month <= 12 or day > 31 or (year and not 1900 <= year <= 2100):
        return None
    return _Hit(m.start(), m.end(), Decimal(year * 10000 + month * 100 + day), "date")


def _cn_month_hit(m: re.Match[str], text: str) -> _Hit | None:
    month = _cn_number(m["m"])
    if month is None or not 1 <= month <= 12:
        return None
    if m["m"] == "一" and not _CN_ONE_MONTH_BEFORE.search(text[max(0, m.start() - 1) : m.start()]):
        return None
    return _Hit(m.start(), m.end(), Decimal(month), "month")


def _en_month_hit(m: re.Match[str], text: str) -> _Hit | None:
    if m["mon"] == "May" and not _BEFORE_MAY.search(text[max(0, m.start() - 20) : m.start()]):
        return None
    return _Hit(m.start(), m.end(), Decimal(_MONTHS[m["mon"]]), "month")


def _is_structure(text: str, start: int, end: int, value: Decimal) -> bool:
    """Section and list numbers (第十条, Article 5, （一）, 十一、, a line-leading "1.", also at the start of a quote
    of that line: “1.启动…”) are not figures."""
    before = text[max(0, start - 40) : start].rstrip(" \t")
    after = text[end : end + 1]
    line_before = text[max(text.rfind("\n", max(0, start - 40), start) + 1, start - 40, 0) : start]
    return (
        before.endswith("第")
        or bool(_STRUCTURE_WORD.search(before))
        or (text[start - 1 : start] in ("(", "（") and after in (")", "）") and start > 0)
        or (value < 100 and after == "、")
        or (value < 100 and not line_before.strip(" \t“\"「『‘") and after in (".", "．", ")", "）")
            and not text[end + 1 : end + 2].isdigit())
    )  # fmt: skip


def _quantity_hit(m: re.Match[str], text: str) -> _Hit | None:
    pre, cn, ar, scale_word, en = m["pre"], m["cn"], m["ar"], m["scale"], m["en"]
    currency_token = pre or m["cur"]
    start, end = m.start(), m.end()
    after = text[end : end + 2].lstrip()[:1]
    scale = Decimal(1)
    if cn is not None:
        core = cn.rstrip("余多")
        if len(core) == 4 and all(c in CN_DIGITS for c in core) and after == "年" and not currency_token:
            return _year_hit(text, start, end, int("".join(str(CN_DIGITS[c]) for c in core)))
        value = chinese_number(cn)
        lone = len(core) == 1 and not core.isdigit()
        if lone and not (currency_token or m["pct"] or (core != "一" and text[end : end + 1] in _CN_CLASSIFIERS)):
            return None
        trailing = _CN_TRAILING_SCALE.search(core)
        if trailing:
            scale = chinese_number("一" + trailing.group()) or Decimal(1)
    elif ar is not None:
        value = Decimal(ar.replace(",", ""))
        if scale_word:
            word = scale_word.strip().lower()
            if word in EN_ABBREVIATED_SCALES and not currency_token:
                return None  # "30m" without a currency is more likely metres
            scale = Decimal(EN_SCALES.get(word) or EN_ABBREVIATED_SCALES[word])
            value *= scale
        elif not (currency_token or m["pct"]) and re.fullmatch(r"\d{4}", ar) and 1900 <= int(ar) <= 2100:
            return _year_hit(text, start, end, int(ar))
    elif _FIVE_YEAR_PLAN.match(text, end):
        return None  # a name: "the 14th Five-Year Plan" is 十四五 in the sources
    elif _EN_ORDINAL_AFTER.match(text, end):
        return None  # an ordinal: "twenty-first", "two hundredth"
    else:
        value = english_number(en)
    if value is None:
        return None
    if m["pct"]:
        return _Hit(start, end, value, "percent")
    if currency_token:
        return _Hit(start, end, value, "amount", _currency_code(currency_token), scale)
    if scale == 1 and _is_structure(text, start, end, value):
        return None
    return _Hit(start, end, value, "count", scale=scale)


def _year_hit(text: str, start: int, end: int, year: int) -> _Hit:
    nian = _NIAN.match(text, end)
    return _Hit(start, nian.end() if nian else end, Decimal(year), "year")


def _complete_ranges(hits: list[_Hit], text: str) -> None:
    """In "3-5亿元", "10~20%", "RMB 2 to 5 million" the first number takes the unit of the second."""
    for first, second in itertools.pairwise(hits):
        if not RANGE_GAP.fullmatch(text[first.end : second.start]):
            continue
        if second.kind == "month" and first.kind == "count" and first.scale == 1 and 1 <= first.value <= 12:
            first.kind = "month"  # 1-3月
            continue
        if first.kind == "amount" and second.kind == "count":
            second.kind, second.currency = "amount", first.currency
        if first.kind not in ("count", "year", "amount") or first.scale != 1 or text[first.end - 1] == "年":
            continue
        if second.kind == "percent" and first.kind == "count":
            first.kind = "percent"
        elif second.scale != 1 or (second.kind == "amount" and first.kind != "amount"):
            first.value *= second.scale
            if second.kind == "amount" or first.kind == "year":
                first.kind, first.currency = second.kind, first.currency or second.currency


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    parts, cursor = [], 0
    for start, end in spans:
        parts += [text[cursor:start], "\0" * (end - start)]
        cursor = end
    return "".join([*parts, text[cursor:]])


def _percent_hit(m: re.Match[str]) -> _Hit | None:
    n = m["n"]
    value = Decimal(n.replace(",", "")) if n[0].isdigit() else chinese_number(n)
    return None if value is None else _Hit(m.start(), m.end(), value, "percent")


def find_figures(text: str) -> list[Figure]:
    """Every number in ``text`` with its unit and scale applied, in order of position."""
    passes: list[tuple[re.Pattern[str], Callable[[re.Match[str]], _Hit | None] | None]] = [
        *((pattern, _date_hit) for pattern in _DATES),
        (_CN_MONTH, lambda m: _cn_month_hit(m, text)),
        (_EN_MONTH, lambda m: _en_month_hit(m, text)),
        (_CLOCK_TIME, None),  # "17:30" is a time, not two counts
        (_CN_PERCENT, _percent_hit),
        (_QUANTITY, lambda m: _quantity_hit(m, text)),
    ]
    hits: list[_Hit] = []
    work = text  # each pass blanks what it took, so later, looser patterns cannot re-match inside it
    for pattern, make_hit in passes:
        taken = []
        for m in pattern.finditer(work):
            hit = make_hit(m) if make_hit else _Hit(m.start(), m.end(), Decimal(0), "")  # blanked, not a figure
            if hit is not None:
                taken.append(hit)
        hits += [h for h in taken if h.kind]
        work = _blank(work, [(h.start, h.end) for h in taken])
    hits.sort(key=lambda h: h.start)
    _complete_ranges(hits, text)
    return [Figure(float(h.value), h.kind, text[h.start : h.end], h.start, h.end, h.currency) for h in hits]


def figures_match(a: Figure, b: Figure) -> bool:
    """Same value and compatible kind: an amount matches a bare count, a year matches a count."""
    if not math.isclose(a.value, b.value, rel_tol=_REL_TOL):
        return False
    if a.kind == b.kind:
        return a.kind != "amount" or not (a.currency and b.currency) or a.currency == b.currency
    return {a.kind, b.kind} in ({"amount", "count"}, {"year", "count"})


def _year_month_day(figure: Figure) -> tuple[int, int, int] | None:
    """A time figure as (year, month, day), 0 where the text does not state the part; None if not a time."""
    value = int(figure.value)
    if figure.kind == "year":
        return value, 0, 0
    if figure.kind == "month":
        return 0, value, 0
    if figure.kind == "date":
        return value // 10000, value // 100 % 100, value % 100
    return None


def figure_supported(claim: Figure, evidence: Figure) -> bool:
    """``evidence`` states ``claim``: they match, or ``evidence`` is a date that contains the claimed time.

    "2025" is supported by "2025年3月5日", "三月" by "2025年3月" or "3月5日", "March 2025" by "March 5, 2025";
    never the other way round (the claim would be more precise than its source), and never across years or months.
    """
    if figures_match(claim, evidence):
        return True
    claimed, stated = _year_month_day(claim), _year_month_day(evidence)
    return (
        claimed is not None
        and stated is not None
        and evidence.kind == "date"
        and all(part in (0, other) for part, other in zip(claimed, stated, strict=True))
    )


def unsupported_figures(claim: str, evidence_texts: list[str]) -> list[Figure]:
    """Figures in ``claim`` that no figure in any of ``evidence_texts`` supports (see :func:`figure_supported`)."""
    evidence = [f for text in evidence_texts for f in find_figures(text)]
    return [f for f in find_figures(claim) if not any(figure_supported(f, e) for e in evidence)]
