"""Dates as policy texts write them, compared as dates: 2026年6月30日 = 二〇二六年六月三十日 = 2026-06-30 =
30 June 2026. Read with the figure reader of text/numbers.py, so the answer check and the document facts
(ingest/facts.py) agree on what a date is."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import date, timedelta

from assistant.text.numbers import find_figures

_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN |= {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")  # fmt: skip


def find_dates(text: str, *, months: bool = False) -> list[tuple[int, int, date]]:
    """Every date written in ``text`` (2026年6月30日, 二〇二六年六月三十日, 2026-06-30, 30 June 2026), by position: the
    figures the answer check reads as dates (text/numbers.py). ``months``: "2026年6月" too, as its last day."""
    found = []
    for figure in find_figures(text):
        year, rest = divmod(int(figure.value), 10000) if figure.kind == "date" else (0, 0)
        month, day = divmod(rest, 100)
        if day == 0 and months and 1 <= month <= 12:
            day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
        with suppress(ValueError):
            found.append((figure.start, figure.end, date(year, month, day)))
    return found


def parse_date(value) -> date | None:
    """The first date written in ``value`` (also 20260630, the ``_int`` form); a ``date`` as is; None if none."""
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if re.fullmatch(r"(?:19|20)\d{6}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    dates = find_dates(text)
    return dates[0][2] if dates else None


def same_date(a, b) -> bool:
    """2026年6月30日 = 2026-06-30 = 30 June 2026; nothing equals an unreadable date."""
    first, second = parse_date(a), parse_date(b)
    return first is not None and first == second


def render_date(value, language: str) -> str:
    """2026-06-30 → "2026年6月30日" (zh) or "30 June 2026" (en)."""
    day = parse_date(value)
    if day is None:
        return str(value or "")
    return f"{day.year}年{day.month}月{day.day}日" if language == "zh" else f"{day.day} {_MONTH_NAMES[day.month - 1]} {day.year}"


def after_term(start: date, years: int = 0, months: int = 0) -> date:
    """The last day of a term of ``years`` and ``months`` beginning on ``start`` (2025-03-20 + 2 years → 2027-03-19)."""
    month = start.month - 1 + months + 12 * years
    year, month = start.year + month // 12, month % 12 + 1
    try:
        return date(year, month, start.day) - timedelta(days=1)
    except ValueError:  # 31 January + 1 month: the term ends on the last day of February
        return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def small_number(text: str) -> int:
    """一 … 九十九, 1 … 99, one … five; "两" is 2."""
    if text.isdigit():
        return int(text)
    tens, ten, units = text.lower().partition("十")
    return (_CN.get(tens, 1) * 10 if ten else 0) + _CN.get(units if ten else tens, 0)


