"""Tiers by amount ("分档"): "实际到位注册资本金在10亿元及以上的，补助1000万元；10亿元以下、7亿元及以上的，补助800万元",
"1亿元（含1亿元）至2亿元的，补助150万元", "纳税总额超过5万元，可给予10万元". A question stating a value ("注册资本金为8亿元",
"operating funds of RMB 150 million") is about the tier whose band holds it, though no tier writes that value."""

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


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    currency: str

    def holds(self, value: Figure) -> bool:
        if value.currency != self.currency:
            return False
        return (self.low is None or value.value >= self.low * (1 - 1e-9)) and (
            self.high is None or value.value <= self.high * (1 + 1e-9)
        )


def band_of(text: str, granted: tuple[Figure, ...]) -> Band | None:
    """The band of amounts ``text`` sets as its condition, not counting the ``granted`` figures; None when it
    bounds no amount."""
    figures = [f for f in find_figures(text) if f.kind in ("amount", "count") and not any(figures_match(f, g) for g in granted)]
    low = high = None
    currency = ""
    for i, figure in enumerate(figures):
        after = figures[i + 1] if i + 1 < len(figures) else None
        if after is not None and after.kind == "amount" and _RANGE_BETWEEN.fullmatch(text[figure.end : after.start]):
            low, high, currency = figure.value, after.value, after.currency  # "3000万～5000万元": the unit is the second's
            break
        if figure.kind != "amount":
            continue
        side = direction(text, figure)
        if side == "below":
            high, currency = figure.value if high is None else min(high, figure.value), figure.currency
        elif side == "above":
            low, currency = figure.value if low is None else max(low, figure.value), figure.currency
    return Band(low, high, currency) if currency and (low is not None or high is not None) else None


def in_band(bands: list[Band | None], values: list[Figure], series: list[int]) -> list[bool] | None:
    """Per tier, whether its band holds every value the question states; None when that tells nothing (no
    tier has a band, or every banded tier holds them or none does). ``series``: which passage each tier is of."""
    amounts = [v for v in values if v.kind == "amount"]
    if not amounts or not any(bands):
        return None
    holds = [band is not None and all(band.holds(v) for v in amounts) for band in bands]
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
