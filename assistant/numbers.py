"""Numbers in English and Chinese policy text: find, normalise, compare, and extract money amounts.

The verifier calls :func:`unsupported_figures` to catch figures in an answer that no retrieved
passage states, so "RMB 30 million" must equal "3000万元" and must not equal "RMB 3 million".
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

# Values come from exact Decimal arithmetic, so equal surface values give identical floats; the
# tolerance only absorbs float noise. 1e-9 would merge distinct yuan amounts above 1e9.
_REL_TOL = 1e-12

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
_CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_EN_SMALL = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    )
}  # fmt: skip
_EN_TENS = {
    w: 10 * i for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2)
}
_EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_ABBREV_SCALES = {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}
_MONTHS = {
    m: i for i, names in enumerate(
        ["January Jan", "February Feb", "March Mar", "April Apr", "May", "June Jun", "July Jul",
         "August Aug", "September Sept Sep", "October Oct", "November Nov", "December Dec"], 1)
    for m in names.split()
}  # fmt: skip
# Classifiers that make a lone Chinese digit a count ("三年", "五家") rather than a word ("三农").
_CN_CLASSIFIERS = set("个年月日天周项家条类次人名批所种张位倍期轮级岁台套件座亩户笔份部间")

_CN_D = "".join(_CN_DIGITS)
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN_UNIT = r"(?:[十拾百佰万萬亿億]|[千仟](?![瓦米克]))"  # 千瓦/千米/千克 are kW/km/kg
_CN_CORE = (
    rf"(?:{_ARABIC}\s?[余多]?{_CN_UNIT}|[{_CN_D}十拾])"
    rf"(?:{_CN_UNIT}|[{_CN_D}余多]|{_ARABIC}\s?{_CN_UNIT}|点[{_CN_D}]+)*"
)
_EN_WORD = "|".join(sorted([*_EN_SMALL, *_EN_TENS, *_EN_SCALES], key=len, reverse=True))
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
_CN_ONE_MONTH_BEFORE = re.compile(r"(?:^|[^\u4e00-\u9fff]|[年今至到从自于在和与及或、])$")
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
_RANGE_GAP = re.compile(r"\s*(?:-|–|—|~|～|至|到|(?i:to))\s*")
_CN_TOKEN = re.compile(rf"{_ARABIC}|点[{_CN_D}]+|\S")
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


@dataclass(frozen=True)
class Amount:
    """A money figure with its qualifier ("up to", "每家不超过", or "") and its verbatim sentence."""

    figure: Figure
    qualifier: str
    sentence: str
    start: int
    end: int


@dataclass
class _Hit:
    start: int
    end: int
    value: Decimal
    kind: str
    currency: str = ""
    scale: Decimal = Decimal(1)  # the unit word's multiplier, used to complete ranges like "3-5亿元"


def _parse_cn(core: str) -> Decimal | None:
    """Chinese (or mixed Arabic-Chinese) numeral to a value; None when it is not a well-formed number."""
    total = wan = section = Decimal(0)
    number: Decimal | None = None
    small_unit = 0  # last small unit in this section: they must decrease (一百二十, not 二十一百)
    prev_unit = after_unit = 0
    for tok in _CN_TOKEN.findall(core):
        if tok in "余多":
            continue
        if tok[0].isdigit() or (tok in _CN_DIGITS and _CN_DIGITS[tok]):
            if number is not None:
                return None  # two digits in a row: 一二线, 十四五
            number = Decimal(tok.replace(",", "")) if tok[0].isdigit() else Decimal(_CN_DIGITS[tok])
            after_unit = prev_unit if tok in _CN_DIGITS else 0
        elif tok in _CN_DIGITS:
            prev_unit = 0  # 零: 一百零五 is 105, not the colloquial 一百五 (150)
        elif tok[0] == "点":
            if number is None and not section:
                return None
            number = section + (number or 0) + Decimal("0." + "".join(str(_CN_DIGITS[c]) for c in tok[1:]))
            section, small_unit, after_unit = Decimal(0), 0, 0
        elif tok in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[tok]
            if (small_unit and unit >= small_unit) or (number is None and section):
                return None
            section += (1 if number is None else number) * unit
            number, small_unit, prev_unit = None, unit, unit
        elif tok in _CN_BIG_UNITS:
            unit = _CN_BIG_UNITS[tok]
            base = section + (number or 0)
            if unit == 10**4:
                if not base or wan:
                    return None
                wan = base * unit
            else:
                if not base + wan or total:
                    return None
                total, wan = (base + wan) * unit, Decimal(0)
            section, number, small_unit, prev_unit = Decimal(0), None, 0, unit
        else:
            return None
    if number is not None and after_unit >= 100:
        number *= after_unit // 10  # colloquial 一万二 = 12000, 三百五 = 350
    return total + wan + section + (number or 0)


def _parse_en(words: str) -> Decimal | None:
    tokens = [t for t in re.findall(r"[a-z]+", words.lower()) if t != "and"]
    if tokens in (["one"], ["zero"]) or tokens[0] in _EN_SCALES:
        return None  # "one of", "hundreds": too idiomatic to be figures
    total = current = 0
    last_scale = 10**15
    for tok in tokens:
        if tok in _EN_SMALL or tok in _EN_TENS:
            value = _EN_SMALL.get(tok) or _EN_TENS.get(tok, 0)
            if current % 10 or (value >= 10 and current % 100):
                return None
            current += value
        elif tok == "hundred":
            if not 0 < current < 100:
                return None
            current *= 100
        else:
            scale = _EN_SCALES[tok]
            if not current or scale >= last_scale:
                return None
            total, current, last_scale = total + current * scale, 0, scale
    return Decimal(total + current)


def _currency_code(token: str) -> str:
    low = token.lower()
    for code, marks in (("HKD", ("hk", "hong kong", "港")), ("EUR", ("€", "eur", "欧")), ("JPY", ("jpy", "日元"))):
        if any(mark in low for mark in marks):
            return code
    return "USD" if any(mark in low for mark in ("$", "usd", "dollar", "美元")) else "CNY"


def _cn_number(text: str) -> int | None:
    value = int(text) if text.isdigit() else _parse_cn(text)
    return None if value is None else int(value)


def _date_hit(m: re.Match[str]) -> _Hit | None:
    groups = m.groupdict()
    year_text = groups.get("y") or ""
    year = int("".join(str(_CN_DIGITS.get(c, c)) for c in year_text)) if year_text else 0
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
    """Section and list numbers (第十条, Article 5, （一）, 十一、, a line-leading "1.") are not figures."""
    before = text[max(0, start - 40) : start].rstrip(" \t")
    after = text[end : end + 1]
    line_before = text[max(text.rfind("\n", max(0, start - 40), start) + 1, start - 40, 0) : start]
    return (
        before.endswith("第")
        or bool(_STRUCTURE_WORD.search(before))
        or (text[start - 1 : start] in ("(", "（") and after in (")", "）") and start > 0)
        or (value < 100 and after == "、")
        or (value < 100 and not line_before.strip() and after in (".", "．", ")", "）")
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
        if len(core) == 4 and all(c in _CN_DIGITS for c in core) and after == "年" and not currency_token:
            return _year_hit(text, start, end, int("".join(str(_CN_DIGITS[c]) for c in core)))
        value = _parse_cn(cn)
        lone = len(core) == 1 and not core.isdigit()
        if lone and not (currency_token or m["pct"] or (core != "一" and text[end : end + 1] in _CN_CLASSIFIERS)):
            return None
        trailing = _CN_TRAILING_SCALE.search(core)
        if trailing:
            scale = _parse_cn("一" + trailing.group()) or Decimal(1)
    elif ar is not None:
        value = Decimal(ar.replace(",", ""))
        if scale_word:
            word = scale_word.strip().lower()
            if word in _EN_ABBREV_SCALES and not currency_token:
                return None  # "30m" without a currency is more likely metres
            scale = Decimal(_EN_SCALES.get(word) or _EN_ABBREV_SCALES[word])
            value *= scale
        elif not (currency_token or m["pct"]) and re.fullmatch(r"\d{4}", ar) and 1900 <= int(ar) <= 2100:
            return _year_hit(text, start, end, int(ar))
    elif _FIVE_YEAR_PLAN.match(text, end):
        return None  # a name: "the 14th Five-Year Plan" is 十四五 in the sources
    elif _EN_ORDINAL_AFTER.match(text, end):
        return None  # an ordinal: "twenty-first", "two hundredth"
    else:
        value = _parse_en(en)
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
        if not _RANGE_GAP.fullmatch(text[first.end : second.start]):
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
    value = Decimal(n.replace(",", "")) if n[0].isdigit() else _parse_cn(n)
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


_SENTENCE_END = re.compile(r"[。！？；!?]+[”’\"'）)\]」』]*|\.(?=\s|$)|\n\s*\n")
_ABBREVIATIONS = {"no", "art", "arts", "co", "ltd", "inc", "corp", "mr", "mrs", "ms", "dr", "vs", "etc", "para",
                  "sec", "fig", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
                  "nov", "dec", "st"}  # fmt: skip
_CLAUSE_BREAK = re.compile(r"[，,：:；;（(]")
_QUALIFIER_BEFORE = re.compile(
    r"(?i:(?<![A-Za-z])(?:up\s+to(?:\s+a\s+maximum\s+of)?|no\s+more\s+than|not\s+more\s+than|not\s+exceeding|not\s+to\s+exceed"
    r"|at\s+most|(?:a\s+)?maximum\s+of|a\s+ceiling\s+of|capped\s+at|no\s+less\s+than|not\s+less\s+than|at\s+least"
    r"|(?:a\s+)?minimum\s+of|more\s+than|less\s+than|about|approximately|around|nearly|per\s+[a-z]+|each)(?![A-Za-z]))"
    r"|最高不超过|不超过|不高于|不多于|最高|最多|最低|至少|不少于|不低于|上限|累计|合计|总计|共计|约|近|超过"
    r"|每[家个户项人年次]|单[个家户项]|一次性"
)
_QUALIFIER_AFTER = re.compile(
    r"(?i:(?<![A-Za-z])(?:(?:for\s+)?(?:per|each)\s+(?:enterprise|company|firm|project|household|person|year|annum|applicant)"
    r"|at\s+most|or\s+less|or\s+more|at\s+the\s+most)(?![A-Za-z]))|以内|以下|以上|左右|封顶|为限|/[家个户项人年]"
)

_BOUND = re.compile(
    r"(?i:up\s+to|more|less|exceed|most|least|maximum|minimum|ceiling|capped)"
    r"|不超过|不高于|不多于|最高|最多|最低|至少|不少于|不低于|上限|超过|以内|以下|以上|封顶|为限"
)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence spans, split on 。！？；!? and ". " but not inside "2.5" or after "U.S." or "No."."""
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.group() == ".":
            word = re.search(r"[A-Za-z.]*$", text[max(0, m.start() - 20) : m.start()]).group()
            if "." in word or len(word) == 1 or word.lower() in _ABBREVIATIONS:
                continue
        spans.append((start, m.start() if m.group()[0] == "\n" else m.end()))
        start = m.end()
    spans.append((start, len(text)))
    stripped = []
    for begin, finish in spans:
        chunk = text[begin:finish]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            stripped.append((begin + lead, begin + len(chunk.rstrip())))
    return stripped


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _qualifier(text: str, figure: Figure, window_start: int, window_end: int) -> str:
    """The qualifier phrase before the figure, or after it; a bound ("up to", 以上) beats a scope (每家)."""
    before = text[window_start : figure.start]
    matches = list(_QUALIFIER_BEFORE.finditer(before))
    after = _QUALIFIER_AFTER.search(text[figure.end : window_end])
    candidates = [before[matches[0].start() : matches[-1].end()]] if matches else []
    candidates += [after.group()] if after else []
    bounds = [q for q in candidates if _BOUND.search(q)]
    return (bounds or candidates or [""])[0]


def extract_amounts(text: str) -> list[Amount]:
    """Money amounts in ``text`` with the qualifier words near them and their whole sentence."""
    figures = find_figures(text)
    sentences = sentence_spans(text)
    amounts = []
    for i, figure in enumerate(figures):
        if figure.kind != "amount":
            continue
        i_sentence = bisect.bisect_right(sentences, (figure.start, len(text))) - 1
        start, end = sentences[i_sentence]
        prev_end = figures[i - 1].end if i else 0
        next_start = figures[i + 1].start if i + 1 < len(figures) else len(text)
        left = max(start, prev_end, figure.start - 30)
        breaks = list(_CLAUSE_BREAK.finditer(text, left, figure.start))
        left = breaks[-1].end() if breaks else left
        right = min(end, next_start, figure.end + 30)
        stop = _CLAUSE_BREAK.search(text, figure.end, right)
        right = stop.start() if stop else right
        qualifier = _qualifier(text, figure, left, right)
        amounts.append(Amount(figure, qualifier, text[start:end], start, end))
    return amounts


_CURRENCY_PREFIX = {"CNY": "RMB ", "USD": "US$", "HKD": "HK$", "EUR": "EUR ", "JPY": "JPY "}
_CJK_FIGURE = re.compile(r"[\u4e00-\u9fff]")


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
    if not _CJK_FIGURE.search(figure.text):
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
        if following and _RANGE_GAP.fullmatch(text[figure.end : following.start]) and following.kind == figure.kind:
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
    return Figure(figure.value, figure.kind, figure.text + unit_source.text[-1], figure.start, figure.end, unit_source.currency)


_LEADING_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def misread_units(claim: str, evidence: str) -> list[tuple[Figure, Figure]]:
    """Amounts of ``claim`` that ``evidence`` does not state but writes with the same digits in Chinese units:
    "6 billion yuan" for "6 亿元" (600 million), "2.5 billion" for "2.5亿". A small model translates 亿 as
    billion; the digits it copied are right, the unit is not. Pairs (claim figure, evidence figure)."""
    stated = [f for f in find_figures(evidence) if f.kind == "amount" and _CJK_FIGURE.search(f.text)]
    pairs = []
    for figure in find_figures(claim):
        if figure.kind != "amount" or _CJK_FIGURE.search(figure.text) or any(figures_match(figure, s) for s in stated):
            continue
        digits = _LEADING_NUMBER.search(figure.text)
        same = [s for s in stated if digits and (m := _LEADING_NUMBER.search(s.text)) and m.group() == digits.group()]
        if len({s.value for s in same}) == 1:
            pairs.append((figure, same[0]))
    return pairs


def with_passage_units(claim: str, evidence: str) -> str:
    """``claim`` with each misread amount (see :func:`misread_units`) replaced by the passage's own writing."""
    for figure, stated in sorted(misread_units(claim, evidence), key=lambda pair: -pair[0].start):
        claim = claim[: figure.start] + re.sub(r"\s*\n\s*", "", stated.text) + claim[figure.end :]
    return claim
