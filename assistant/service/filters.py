"""Filters from what a user typed or picked: one implementation for the CLI's ``--where``, the web page's
dropdowns and the API's ``filters`` object, so ``region=上海``, ``region=Shanghai`` and ``{"region": "上海"}``
narrow retrieval to the same passages."""

from __future__ import annotations

import re
from datetime import date

from assistant.places import gazetteer, places_named
from assistant.search.hybrid import NO_FILTER, Filter


def _day(value: date | str | int | None) -> int:
    """2025-01-01, 20250101, "2025-01" → 20250101 (0: no bound)."""
    if not value:
        return 0
    if isinstance(value, date):
        return int(value.strftime("%Y%m%d"))
    return int(re.sub(r"\D", "", str(value)).ljust(8, "0")[:8])


def region_condition(value: str) -> tuple[str, str]:
    """A place in any script or form (上海, 上海市, Shanghai, 沪; 徐汇, Xuhui, 徐汇区; Lingang New Area) as its
    code; an unknown label as is. The condition is hard and takes in the places inside it
    (``search.hybrid.within_places``): region 上海 matches Shanghai's documents and its districts' and zones',
    region 徐汇 those whose chain holds 310104."""
    labelled = gazetteer().by_label(value)  # the Documents tab's labels, exactly
    named = [labelled] if labelled is not None else places_named(value)
    return ("region_code", named[0].code) if named else ("region", value)


def build_filter(
    *,
    region: str | None = None,
    source: str | None = None,
    issuer: str | None = None,
    date_from: date | str | int | None = None,
    date_to: date | str | int | None = None,
    in_force: bool | str | None = None,
    **equals: str,
) -> Filter:
    """The filter for these fields; empty fields don't narrow anything. ``in_force`` true: only documents in force
    today (the machine's date): taken effect (or no effective date stored) and a stated end of validity not passed;
    a document that states no end is left out (its status is unknown). False or empty: no narrowing."""
    conditions = {key: str(value) for key, value in equals.items() if value}
    if region:
        key, value = region_condition(region)
        conditions[key] = value
    conditions |= {key: value for key, value in (("source", source), ("issuer", issuer)) if value}
    found = Filter(conditions, _day(date_from), _day(date_to), bounds=in_force_bounds() if _yes(in_force) else ())
    return found if found else NO_FILTER


def in_force_bounds(today: date | None = None) -> tuple[tuple[str, str, int], ...]:
    """In force on ``today``: effective_date_int ≤ today ≤ expires_date_int (ingest/facts.py stores both)."""
    day = _day(today or date.today())
    return (("effective_date_int", "$lte", day), ("expires_date_int", "$gte", day))


def _yes(value: bool | str | None) -> bool:
    if isinstance(value, str) and value.strip().lower() not in ("", "true", "yes", "1", "false", "no", "0"):
        raise ValueError(f"Cannot read in_force={value!r}: use in_force=true.")
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes", "1"))


def parse_where(expressions: list[str] | None) -> Filter:
    """The CLI's ``--where``: ``["region=Beijing", "date>=2025-01-01", "source=plan.pdf"]``."""
    fields: dict[str, str] = {}
    for expression in expressions or []:
        match = re.fullmatch(r"\s*(\w+)\s*(>=|<=|=)\s*(.+?)\s*", expression)
        if not match:
            raise ValueError(f"Cannot read filter {expression!r}: use key=value, date>=YYYY-MM-DD or date<=YYYY-MM-DD.")
        key, op, value = match.groups()
        if key == "date" and op != "=":
            fields["date_from" if op == ">=" else "date_to"] = value
        else:
            fields[key] = value
    return build_filter(**fields)
