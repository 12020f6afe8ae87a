"""Which place a document is about, down to its district or zone, and the chain of codes stored on its chunks."""

from __future__ import annotations

import re
from collections import Counter

from assistant.places.gazetteer import MUNICIPALITIES, NATIONAL, Place, city_of, gazetteer
from assistant.places.reading import is_national, places_named
from assistant.places.zones import CITY_ABBREVIATIONS, DISTRICT_PREFIXES, ZONES, zone_code

# The one-character abbreviations (简称) of the provincial-level divisions, as GB/T 2260 publishes them;
# document numbers start with them: 京发改, 沪经信智, 皖政秘, 苏政发.
PROVINCE_ABBREVIATIONS = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23", "沪": "31",
    "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41", "鄂": "42", "湘": "43",
    "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "蜀": "51", "黔": "52", "贵": "52", "滇": "53",
    "云": "53", "藏": "54", "陕": "61", "秦": "61", "甘": "62", "陇": "62", "青": "63", "宁": "64", "新": "65",
}  # fmt: skip
# A district's own words: a notice of 徐汇区 says 我区 / 本区 where a city's says 本市.
_OWN_DISTRICT = re.compile(r"我区|本区")
PLACE_KEYS = ("province_code", "city_code", "county_code", "zone_code")


def document_place(
    *, doc_number: str, issuer: str, title: str, filename: str, head: str, text: str = ""
) -> Place | None:
    """The place a document is about: the most specific place consistent with its strongest signal.

    Signals, strongest first: the document number's prefix (京发改 → Beijing, 沪自贸临管 → Lingang, 沪奉建发 →
    Fengxian; an ambiguous one, 宁数发 (Ningxia or Nanjing) or 嘉建管 (Jiaxing or Jiading), is settled by the
    other signals), the issuing body, the title, the file name. A weaker signal can only narrow a stronger one
    (苏府 says Jiangsu, the issuer 苏州市人民政府 narrows it to Suzhou). A city's document whose text speaks as a
    district (我区, 本区) and names one of the city's districts is that district's. Without a place, a central
    issuer (国务院, a ministry) makes the document national; only then does the opening of the text count,
    since a national notice opens with its addressees (各省、自治区、直辖市…).
    """
    title = title.lower() if title and title in filename else title  # a file name as title: words, any case
    # an ambiguous name ("shawan": 沙湾区 of Leshan or 沙湾县 of Xinjiang) is the one the text itself names
    named = frozenset(c for p in places_named(head or text[:3000]) for c in p.chain)
    signals = [p for s in (issuer, title, _words(filename)) for p in places_named(s, named) if p.level != "national"]
    chosen = _from_number(number_candidates(doc_number), signals)
    for candidate in signals:
        if chosen is None or (candidate.within(chosen) and candidate.code != chosen.code):
            chosen = candidate
    chosen = _own_district(chosen, text) if text else chosen
    if chosen is not None:
        return chosen
    if any(is_national(s) for s in (issuer, doc_number[:6], title, head[:200])):
        return NATIONAL
    found = [p for p in places_named(head) if p.level != "national"]
    return found[0] if found else None


def _from_number(candidates: list[Place], signals: list[Place]) -> Place | None:
    """The first candidate of the number that another signal agrees with (names it, a place in it or around
    it), else the number's own default (its first candidate), else nothing."""
    for candidate in candidates:
        if any(s.within(candidate) or candidate.within(s) for s in signals):
            return candidate
    return candidates[0] if candidates and candidates[0] is not _UNSURE else None


_UNSURE = NATIONAL  # marks a number whose candidates include no default


def number_candidates(doc_number: str) -> list[Place]:
    """The places a document number's prefix may stand for, the default first: a zone's administration
    (沪自贸临管), a Shanghai district government (徐府发), a place whose name starts it (渝北府发), a place of the province its abbreviation names
    (沪奉建发 → 奉贤), the province (京发改), a city abbreviation (宁 → Nanjing, 穗 → Guangzhou), the one
    prefecture whose short name starts with its first character (深工信 → Shenzhen); then, with no default,
    the other places whose name starts with that character (徐府发: 徐州, or 徐汇 when the issuer says so)."""
    prefix = re.match(r"[\u4e00-\u9fff]+", doc_number or "")
    if not prefix:
        return []
    prefix = prefix.group()
    g = gazetteer()
    out: list[Place] = [g.places[zone_code(z)] for z in ZONES if any(prefix.startswith(p) for p in z.prefixes)]
    out += [g.places[code] for start, code in DISTRICT_PREFIXES.items() if prefix.startswith(start)]
    out += [
        p
        for size in (4, 3, 2)
        for p in g.by_chinese.get(prefix[:size], ())
        if p.short == prefix[:size] and p.level != "zone"
    ]
    first, province = prefix[0], PROVINCE_ABBREVIATIONS.get(prefix[0])
    if province and len(prefix) > 1:
        out += [p for p in _starting_with(prefix[1]) if p.province == province + "0000"]
    if province:
        out.append(g.places[province + "0000"])
    if first in CITY_ABBREVIATIONS:
        out.append(g.places[CITY_ABBREVIATIONS[first]])
    cities = [p for p in _starting_with(first) if p.level == "city" and len(p.short) == 2]
    if len(cities) == 1:
        out += cities
    rest = [p for p in _starting_with(first) if p not in out]
    if not out and rest:
        out.append(_UNSURE)
    return list(dict.fromkeys(out + rest))


def _starting_with(character: str) -> list[Place]:
    return [
        p for name, found in gazetteer().by_chinese.items() if name[0] == character for p in found if name == p.short
    ]


def _own_district(chosen: Place | None, text: str) -> Place | None:
    """A city's (or municipality's) document that speaks as a district (我区) is the district it names most."""
    city_like = (
        chosen is None or chosen.level == "city" or (chosen.level == "province" and chosen.code[:2] in MUNICIPALITIES)
    )
    if not city_like or not _OWN_DISTRICT.search(text):
        return chosen
    counts = Counter(
        p
        for p in places_named(text[:3000] + "\n" + text[-1500:])
        if p.level in ("county", "zone") and (chosen is None or p.within(chosen))
    )
    return counts.most_common(1)[0][0] if counts else chosen


def _words(filename: str) -> str:
    """ "shenzhen-ai-terminal_2025.txt" → "shenzhen ai terminal 2025 txt": names in file names are words."""
    return re.sub(r"[-_.]+", " ", filename).lower()


def place_metadata(found: Place | None) -> dict[str, str]:
    """What a chunk stores of its document's place: ``region`` (the label), ``region_code`` (the most specific
    code) and the chain, one key per level (``county_code`` 310104, ``city_code`` 310000, ``province_code``
    310000; ``zone_code`` for a zone), so a filter at any level finds it."""
    out = {"region": found.label if found else "", "region_code": found.code if found else ""} | dict.fromkeys(
        PLACE_KEYS, ""
    )
    if found is None or found.level == "national":
        return out
    g = gazetteer()
    for code in found.chain:
        around = g.places.get(code)
        key = f"{around.level}_code" if around is not None else ""
        if key in PLACE_KEYS and not out[key]:
            out[key] = code
    city = city_of(found)
    out["city_code"] = city.code if city else ""
    return out
