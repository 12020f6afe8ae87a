"""Numerals to values: Chinese ones ("三千万", "3000万", "一点五亿", "两万") read by ``cn2an``, English number
words ("twenty-five million") read here. Both return an exact ``Decimal``, or None when the text is not one
well-formed number ("一二线" and "十四五" are names, not figures)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import cn2an

CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
_NONZERO = "".join(c for c, v in CN_DIGITS.items() if v)
_ZERO = "零〇"
_SMALL_UNITS = {"十": 1, "拾": 1, "百": 2, "佰": 2, "千": 3, "仟": 3}  # their order: they must decrease
_BIG_UNITS = "万萬亿億"
_UNITS = "".join(_SMALL_UNITS) + _BIG_UNITS
_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_IN_A_ROW = re.compile(rf"[{_NONZERO}#][{_ZERO}]*[{_NONZERO}#]")  # '#' stands for an Arabic number
# A number with a fraction, or in Arabic digits, before its units: cn2an reads neither "1.5万亿" nor "25千万".
_SCALED = re.compile(rf"(\d+(?:\.\d+)?|[{_ZERO}{_NONZERO}]+点[{_ZERO}{_NONZERO}]+)([{_UNITS}]+)")
_AFTER_YI = re.compile(rf"(.+[亿億])([{_NONZERO}])")  # colloquial 一亿五 = 150 million, like 一万五


def _well_formed(core: str) -> bool:
    if _IN_A_ROW.search(_ARABIC.sub("#", core)):
        return False  # two numbers in a row: 一二线, 十四五, 三三两两
    for section in re.split(f"[{_BIG_UNITS}]", core):
        units = [_SMALL_UNITS[c] for c in section if c in _SMALL_UNITS]
        if any(a <= b for a, b in zip(units, units[1:], strict=False)):
            return False  # 二十一百, 十千
    return True


def _value(text: str) -> Decimal:
    if _ARABIC.fullmatch(text):
        return Decimal(text)
    return Decimal(str(cn2an.cn2an(text, "smart")))


def _chinese(core: str) -> Decimal | None:
    if not core or not _well_formed(core):
        return None
    if core[0] in _UNITS and core[0] not in "十拾":
        core = "一" + core  # 百分之百, 千: the one is implied
    scaled = _SCALED.fullmatch(core)
    try:
        return _value(scaled[1]) * _value("一" + scaled[2]) if scaled else _value(core)
    except (ValueError, KeyError, IndexError, InvalidOperation):
        return None


def chinese_number(text: str) -> Decimal | None:
    """A Chinese or mixed Arabic-Chinese numeral's value: "3000万" → 30000000, "一万二" → 12000, "3千余万" →
    30000000 (余 and 多, "more than", are dropped), "零点五" → 0.5; None when it is not a number."""
    core = re.sub(r"[\s,余多]", "", text)
    value = _chinese(core)
    if value is None and (colloquial := _AFTER_YI.fullmatch(core)):
        head, digit = _chinese(colloquial[1]), _chinese(colloquial[2])
        value = head + digit * 10**7 if head is not None and digit is not None else None
    return value


EN_SMALL = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    )
}  # fmt: skip
EN_TENS = {
    w: 10 * i for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2)
}
EN_SCALES = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
EN_ABBREVIATED_SCALES = {"k": 10**3, "m": 10**6, "mn": 10**6, "b": 10**9, "bn": 10**9, "tn": 10**12}


def english_number(words: str) -> Decimal | None:
    """ "twenty-five million" → 25000000, "three hundred and five" → 305; None for "one" and "zero" alone
    ("one of") and for a scale alone ("hundreds"), which are too idiomatic to be figures."""
    tokens = [t for t in re.findall(r"[a-z]+", words.lower()) if t != "and"]
    if tokens in (["one"], ["zero"]) or tokens[0] in EN_SCALES:
        return None
    total = current = 0
    last_scale = 10**15
    for tok in tokens:
        if tok in EN_SMALL or tok in EN_TENS:
            value = EN_SMALL.get(tok) or EN_TENS.get(tok, 0)
            if current % 10 or (value >= 10 and current % 100):
                return None
            current += value
        elif tok == "hundred":
            if not 0 < current < 100:
                return None
            current *= 100
        else:
            scale = EN_SCALES[tok]
            if not current or scale >= last_scale:
                return None
            total, current, last_scale = total + current * scale, 0, scale
    return Decimal(total + current)
