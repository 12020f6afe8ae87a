"""Selecting funding records and writing them as a cited Markdown table (for the chat and the CLI)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from assistant import places as gazetteer
from assistant.funding.records import FundingRecord
from assistant.text.unwrap import tidy

_KEYWORD_FIELDS = ("item", "recipient", "support", "section", "title", "kind", "cap_text", "ratio_text", "period")


def place_matcher(names: Iterable[str]):
    """A test for records of any of ``names`` (上海, Shanghai, 江苏 — a province takes in its cities)."""
    wanted, labels = [], set()
    for name in (n.strip() for n in names if n and n.strip()):
        labels.add(name.lower())
        found = gazetteer.places_named(name)
        wanted += found[:1]

    def matches(record: FundingRecord) -> bool:
        if record.place.lower() in labels or any(record.place_code == w.code for w in wanted):
            return True
        own = gazetteer.place(record.place_code) if record.place_code else None
        return own is not None and any(own.within(w) for w in wanted)

    return matches


def matches_keyword(record: FundingRecord, keyword: str) -> bool:
    """Case-insensitive, line-break-insensitive substring of the record's words or its span."""
    needle = "".join(keyword.split()).lower()
    haystack = [getattr(record, name) for name in _KEYWORD_FIELDS] + list(record.qualifiers) + [tidy(record.span)]
    return any(needle in "".join(str(value).split()).lower() for value in haystack)


def find_provisions(
    records: Iterable[FundingRecord],
    places: Iterable[str] | None = None,
    min_yuan: float | None = None,
    max_yuan: float | None = None,
    keyword: str | None = None,
    sources: Iterable[str] | None = None,
) -> list[FundingRecord]:
    """The records of any of ``places`` (names in any language), whose cap lies in [min_yuan, max_yuan].

    An amount bound keeps only records that state a cap in yuan (a ratio alone has no amount); a range
    cap ("100-300万元") is compared by its upper end. ``keyword`` is matched as in :func:`matches_keyword`.
    """
    place_names = [p for p in places or [] if p and p.strip()]
    in_places = place_matcher(place_names) if place_names else None
    wanted_sources = {s for s in sources or [] if s}
    found = []
    for record in records:
        if in_places is not None and not in_places(record):
            continue
        if wanted_sources and record.source not in wanted_sources:
            continue
        if (min_yuan is not None or max_yuan is not None) and record.cap_yuan is None:
            continue
        if min_yuan is not None and record.cap_yuan < min_yuan:
            continue
        if max_yuan is not None and record.cap_yuan > max_yuan:
            continue
        if keyword and keyword.strip() and not matches_keyword(record, keyword):
            continue
        found.append(record)
    return found


def format_yuan(value: float | None) -> str:
    """20000000 → "20,000,000"; None → ""."""
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def format_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:g}%"


def _cell(text: str) -> str:
    return tidy(str(text)).replace("|", "\\|")


def render_markdown_table(records: list[FundingRecord], passage_numbers: Mapping[str, int]) -> str:
    """A Markdown table of ``records``; each row cites ``[n]`` with n = ``passage_numbers[record.id]``.

    Rows whose record has no passage number carry no citation (the caller decides what it cites).
    """
    if not records:
        return ""
    lines = [
        "| Place | Document | What it funds | Cap | Ratio | Period | Conditions | Source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for record in records:
        n = passage_numbers.get(record.id)
        cap = f"{record.cap_text} ({format_yuan(record.cap_yuan)} yuan)" if record.cap_yuan is not None else ""
        cells = [
            record.place,
            record.title or record.source,
            record.item,
            cap,
            record.ratio_text,
            record.period,
            "、".join(record.qualifiers),
            f"[{n}]" if n else "",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)
