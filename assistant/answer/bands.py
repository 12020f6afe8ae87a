"""Tiers by amount ("分档"): "实际到位注册资本金在10亿元及以上的，补助1000万元；10亿元以下、7亿元及以上的，补助800万元",
"1亿元（含1亿元）至2亿元的，补助150万元", "纳税总额超过5万元，可给予10万元"; and by a measure: "建筑面积90平方米以上（含90平方米）
至144平方米以下户型的，给予10000元/套补贴". A question stating a value ("注册资本金为8亿元", "operating funds of RMB 150
million", "a home of 120 square metres") is about the tier whose band holds it, though no tier writes that value."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.numbers import Figure, figures_match, find_figures

_RANGE_BETWEEN = re.compile(r"[）)]?\s*(?:及以上|以上)?\s*(?:[（(][^）)]{0,12}[）)])?\s*(?:至|到|-|—|–|～|~)\s*$")
# Which side of a bound a figure is on: "above 800 kW", "大于800千瓦", "1000万元（含）以上" vs "不高于800千瓦", "up to …".
_BELOW_BEFORE = re.compile(r"(?:不高于|不超过|不大于|不多于|低于|小于|少于|不足|未达到?|(?i:below|under|less than|up to|at most|no more than|not more than|not exceeding))\s*$")
_ABOVE_BEFORE = re.compile(r"(?:不低于|不少于|不小于|大于|超过|高于|多于|超出|达到|(?i:above|over|more than|exceed(?:s|ing)?|greater than|higher than|at least|beyond))\s*$")
_BOUND_NOTE = r"(?:[（(]\s*不?含[^）)]{0,10}[）)]|\S{0,3}?)"  # "（含1亿元）", "（不含）", "元"
_BELOW_AFTER = re.compile(rf"^\s*{_BOUND_NOTE}\s*(?:以下|以内|(?i:or less|and below|or below))")
_ABOVE_AFTER = re.compile(rf"^\s*{_BOUND_NOTE}\s*(?:及以上|以上|(?i:or more|and above|or above))")


def direction(text: str, figure: Figure) -> str:
    """ "below", "above" or "": which side of ``figure`` the words around it in ``text`` bound."""
    before, after = text[max(0, figure.start - 12) : figure.start], text[figure.end : figure.end + 16]
    if _BELOW_BEFORE.search(before) or _BELOW_AFTER.match(after):
        return "below"
    if _ABOVE_BEFORE.search(before) or _ABOVE_AFTER.match(after):
        return "above"
    return ""


# Measures a tier may be banded by, as the figure's next words write them: area (m², 亩), power.
_MEASURES = (
    ("m2", re.compile(r"^\s*(?:平方米|平米|㎡|m2|m²|(?i:square[- ]met(?:re|er)s?|sq\.?\s*m\b))")),
    ("kW", re.compile(r"^\s*(?:千瓦(?!时)|(?i:kw\b))")),
    ("mu", re.compile(r"^\s*(?:亩|(?i:mu\b))")),
)


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str  # the currency of an amount, else the measure ("m2")


def quantity(text: str, figure: Figure) -> Quantity | None:
    """An amount, or a count followed by a measure ("120 square metres", "90平方米"); None for anything else."""
    if figure.kind == "amount":
        return Quantity(figure.value, figure.currency)
    if figure.kind == "count":  # "10000(不含)平方米": the bound's note may stand between the figure and its measure
        after = re.sub(r"^\s*[（(]\s*不?含[^）)]{0,10}[）)]", "", text[figure.end : figure.end + 24])
        unit = next((name for name, pattern in _MEASURES if pattern.match(after)), "")
        return Quantity(figure.value, unit) if unit else None
    return None


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    unit: str

    def holds(self, value: Quantity) -> bool:
        if value.unit != self.unit:
            return False
        return (self.low is None or value.value >= self.low * (1 - 1e-9)) and (
            self.high is None or value.value <= self.high * (1 + 1e-9)
        )


def band_of(text: str, granted: tuple[Figure, ...]) -> Band | None:
    """The band of amounts (or of a measure) ``text`` sets as its condition, not counting the ``granted``
    figures; None when it bounds none."""
    figures = [f for f in find_figures(text) if f.kind in ("amount", "count") and not any(figures_match(f, g) for g in granted)]
    low = high = None
    unit = ""
    for i, figure in enumerate(figures):
        after = figures[i + 1] if i + 1 < len(figures) else None
        end = quantity(text, after) if after is not None else None
        if end is not None and _RANGE_BETWEEN.fullmatch(_without_unit(text[figure.end : after.start])):
            # "3000万～5000万元", "100(含100)-200万元": the unit is the second's, and so is its 万 when the first has none
            scale = _multiplier(after) if figure.kind == "count" and after.kind == "amount" else 1.0
            low, high, unit = figure.value * scale, end.value, end.unit
            break
        measured = quantity(text, figure)
        if measured is None or unit and measured.unit != unit:
            continue
        side = direction(text, figure)
        if side == "below":
            high, unit = measured.value if high is None else min(high, measured.value), measured.unit
        elif side == "above":
            low, unit = measured.value if low is None else max(low, measured.value), measured.unit
    return Band(low, high, unit) if unit and (low is not None or high is not None) else None


def _multiplier(amount: Figure) -> float:
    """What the amount's written number is multiplied by: 10000 for "200万元"."""
    number = re.match(r"\d+(?:\.\d+)?", amount.text.replace(",", ""))
    return amount.value / float(number.group()) if number and float(number.group()) else 1.0


def _without_unit(gap: str) -> str:
    """The words between a range's two figures without the first one's measure ("平方米）至" of "90平方米以上（含90平方米）
    至144平方米": the bracket's own figure splits the gap, so what is left is the bracket's end)."""
    for _, pattern in _MEASURES:
        gap = pattern.sub("", gap, count=1)
    return gap


def in_band(bands: list[Band | None], question: str, values: list[Figure], series: list[int]) -> list[bool] | None:
    """Per tier, whether its band holds every value the question states; None when that tells nothing (no
    tier has a band, or every banded tier holds them or none does). ``series``: which passage each tier is of."""
    units = {band.unit for band in bands if band is not None}
    amounts = [q for v in values if (q := quantity(question, v)) is not None and q.unit in units]
    if not amounts or not any(bands):
        return None
    holds = [band is not None and all(band.holds(v) for v in amounts if v.unit == band.unit) for band in bands]
    # the narrowest band of its series holding them: "首次超过30亿元" is the 超过30亿元 tier, though 超过10亿元
    # holds it too; another passage's series (实到外资1000万-2000万美元) is judged by its words, not its width
    holds = [
        h and not any(o and s == mine and _inside(other, band) for o, other, s in zip(holds, bands, series))
        for h, band, mine in zip(holds, bands, series)
    ]
    banded = [h for h, band in zip(holds, bands) if band is not None]
    return holds if any(banded) and not all(banded) else None


def _inside(inner: Band | None, outer: Band | None) -> bool:
    """``inner`` lies strictly inside ``outer``."""
    if inner is None or outer is None:
        return False
    low_in, low_out = _value(inner.low, -1), _value(outer.low, -1)
    high_in, high_out = _value(inner.high, 1), _value(outer.high, 1)
    return low_in >= low_out and high_in <= high_out and (low_in, high_in) != (low_out, high_out)


def _value(bound: float | None, side: int) -> float:
    return bound if bound is not None else side * float("inf")
