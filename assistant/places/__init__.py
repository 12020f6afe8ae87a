"""China's administrative divisions: which places a text, a question or a document is about (docs/places.md).

The gazetteer (:mod:`.gazetteer`) holds every division of the national code table down to districts and
counties, with the chain district → city → province, and the new areas and zones of :mod:`.zones`;
:mod:`.reading` finds and resolves place names in text, :mod:`.documents` places a document, and
:mod:`.passages` says which places a passage speaks for.
"""

from assistant.places.documents import PLACE_KEYS, PROVINCE_ABBREVIATIONS, document_place, place_metadata
from assistant.places.gazetteer import NATIONAL, NATIONAL_CODE, Gazetteer, Mention, Place, city_of, gazetteer, place
from assistant.places.passages import (
    AROUND,
    ELSEWHERE,
    INSIDE,
    NAMING,
    NATIONAL_TEXT,
    OWN,
    chunk_places,
    lies_in,
    named_in_passage,
    nearest,
    nearness,
    passage_about,
    region_codes_for,
    subtree_codes,
)
from assistant.places.reading import ambiguous_names, is_national, places_named, ranked, remove_places, resolve

__all__ = [
    "AROUND", "ELSEWHERE", "INSIDE", "NAMING", "NATIONAL_TEXT", "OWN", "NATIONAL", "NATIONAL_CODE", "PLACE_KEYS", "PROVINCE_ABBREVIATIONS", "Gazetteer", "Mention", "Place",
    "ambiguous_names", "chunk_places", "city_of", "document_place", "gazetteer", "is_national", "lies_in", "named_in_passage",
    "nearest", "nearness", "passage_about", "place", "place_metadata", "places_named", "ranked", "region_codes_for",
    "remove_places", "resolve", "subtree_codes",
]  # fmt: skip
