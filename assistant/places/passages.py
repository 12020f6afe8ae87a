"""Which places a passage speaks for, and how near a passage's document is to the place a question names."""

from __future__ import annotations

from functools import cache

from assistant.places.gazetteer import NATIONAL_CODE, Place, gazetteer
from assistant.places.reading import places_named

# How near a passage is to the place asked about, nearest first (retrieval ranks by it, search/hybrid.py).
OWN, INSIDE, AROUND, NAMING, NATIONAL_TEXT, ELSEWHERE = range(6)


def document_of(metadata: dict) -> Place | None:
    """The place of a passage's document (None: unplaced, or a code the gazetteer does not know)."""
    return gazetteer().places.get(str(metadata.get("region_code") or ""))


def nearness(metadata: dict, text: str, wanted: Place) -> int:
    """:data:`OWN` (its document is about ``wanted``), :data:`INSIDE` (about a place inside it: a city's
    district), :data:`AROUND` (about the city or province around it, which apply there), :data:`NAMING` (a
    national or unplaced text that names it), :data:`NATIONAL_TEXT` (another national or unplaced text), or
    :data:`ELSEWHERE` (another place's: a sibling district, another city)."""
    code = str(metadata.get("region_code") or "")
    if code == wanted.code:
        return OWN
    document = document_of(metadata)
    if document is not None and document.level != "national":
        return INSIDE if document.within(wanted) else AROUND if wanted.within(document) else ELSEWHERE
    if code and code != NATIONAL_CODE and document is None:
        return ELSEWHERE
    named = named_in_passage(metadata, text, frozenset({wanted.code}))
    g = gazetteer()
    return NAMING if any(c in g.places and g.places[c].within(wanted) for c in named) else NATIONAL_TEXT


def nearest(metadata: dict, text: str, parties: list[Place]) -> Place | None:
    """The one compared place a passage speaks for most nearly: its document's own place before a place around
    or inside it (comparing 徐汇 with 上海, Shanghai's notice is Shanghai's, Xuhui's Xuhui's); None when it speaks
    for none, or for two equally (a national text naming both)."""
    ranks = [(nearness(metadata, text, p), p) for p in parties]
    best = min((r for r, _ in ranks), default=ELSEWHERE)
    found = [p for r, p in ranks if r == best]
    return found[0] if best <= NAMING and len(found) == 1 else None


def passage_about(metadata: dict, text: str, wanted: Place) -> bool:
    """A passage speaks for ``wanted`` when its document is about that place, a place inside it (a district's
    notice speaks for its city) or the city or province around it (which apply there), or when it is a
    national or unplaced text that names the place. Another place's document never does."""
    return nearness(metadata, text, wanted) <= NAMING


def named_in_passage(metadata: dict, text: str, prefer: frozenset[str] = frozenset()) -> set[str]:
    """Codes of the places a passage names, as ingest stored them (``chunk_places``) or read from its text."""
    stored = metadata.get("places")
    if stored is not None:
        return set(str(stored).split(",")) - {""}
    haystack = f"{metadata.get('section', '')} {text}"
    return {p.code for p in places_named(haystack, prefer) if p.level != "national"}


def chunk_places(sections_and_texts: list[str]) -> list[str]:
    """Per chunk of one document, the codes of the places it names ("110000,440300"); a chunk that names
    none continues the place of the chunk before it ("The action plan proposes…" after "Beijing issued…")."""
    out, previous = [], ""
    for text in sections_and_texts:
        previous = ",".join(dict.fromkeys(p.code for p in places_named(text) if p.level != "national")) or previous
        out.append(previous)
    return out


def region_codes_for(wanted: Place) -> tuple[str, ...]:
    """The document places whose passages can speak for ``wanted``: itself, the places around it, national
    and unplaced documents (places inside it: :func:`subtree_codes`)."""
    return tuple(dict.fromkeys((*wanted.chain, NATIONAL_CODE, "")))


def subtree_codes(wanted: Place) -> tuple[str, ...]:
    """``wanted`` and every place inside it: a filter on 上海 takes in its districts' and zones' documents."""
    return gazetteer().subtree(wanted)


@cache
def _subtree_set(code: str) -> frozenset[str]:
    found = gazetteer().places.get(code)
    return frozenset(subtree_codes(found)) if found is not None and found.level != "national" else frozenset({code})


def lies_in(code: str, wanted: str) -> bool:
    """A document place ``code`` lies in the place ``wanted`` or is it (310104 in 310000): a hard filter on a
    place takes in the places inside it."""
    return code in _subtree_set(wanted)
