"""The gazetteer: every division of China's code table down to districts and counties, and the zones users name.

Read from the division code table that ships with ``cpca`` (adcodes.csv, national GB/T 2260 codes): the
provincial-level divisions, every prefecture-level division and every county-level one (districts, counties,
banners, county-level cities), each with the chain district → city → province; plus the new areas and zones
of :mod:`.zones`. English names are the official ones for provinces and pinyin (``pypinyin``) for the rest
with the kind of division (Xuhui District, Pudong New Area). Nothing is built at import time:
:func:`gazetteer` loads the table once, on first use.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.places import names as spelling
from assistant.places.zones import DIVISION_ALIASES, ZONES, zone_code

NATIONAL_CODE = "000000"
LEVELS = ("national", "province", "city", "county", "zone")
MUNICIPALITIES = ("11", "12", "31", "50")  # provincial-level cities: their districts' city is the province


@dataclass(frozen=True)
class Place:
    code: str  # six-digit division code; "000000" for the national level; "310115-lingang" for a zone
    name: str  # full Chinese name: 苏州市
    short: str  # 苏州
    english: str  # Suzhou
    level: str  # "national", "province", "city", "county" (districts, counties, county-level cities) or "zone"
    province: str = ""  # code of the provincial-level division it belongs to ("" for national)
    short_alone: bool = True  # the short name alone names it (not 合作 for 合作市: "cooperation")
    parent: str = ""  # code of the division it lies directly in ("" for provinces and the national level)
    aliases: tuple[str, ...] = ()  # other names, Chinese or English (临港新片区, Lingang New Area)

    @property
    def label(self) -> str:
        """The name shown and stored as ``region``: English, with the place around it where English is ambiguous."""
        return gazetteer().labels.get(self.code, self.english)

    @property
    def chain(self) -> tuple[str, ...]:
        """Its code and those of the places around it, innermost first: 徐汇区 → (310104, 310000)."""
        return gazetteer().chain(self)

    def within(self, other: Place) -> bool:
        """The same place, or a place inside ``other`` (苏州 within 江苏, 徐汇 within 上海)."""
        return self.code == other.code or (other.level != "national" and other.code in self.chain)


NATIONAL = Place(NATIONAL_CODE, "全国", "国家", "National", "national")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    candidates: tuple[Place, ...]  # more than one when the name is ambiguous (Suzhou: 苏州, 宿州)


class Gazetteer:
    def __init__(self, places: list[Place]):
        self.places = {p.code: p for p in places}
        self.by_chinese: dict[str, list[Place]] = defaultdict(list)
        self.by_english: dict[str, list[Place]] = defaultdict(list)
        self._checked: set[str] = set()  # short names of districts and counties: only at word boundaries
        for place in places:
            chinese = [n for n in place.aliases if re.search(r"[\u4e00-\u9fff]", n)]
            if not spelling.is_ordinary_full_name(place.name):
                chinese.append(place.name)
            if place.short_alone:
                chinese.append(place.short)
            for name in dict.fromkeys(chinese):
                self.by_chinese[name].append(place)
            extra = tuple(n for n in place.aliases if not re.search(r"[\u4e00-\u9fff]", n))
            bare = place.short != place.name or place.level != "county"
            for name in (
                spelling.english_forms(place.short, place.english, extra, bare=bare)
                if place.level != "zone"
                else {n.lower() for n in (place.english, *extra)}
            ):
                self.by_english[_fold(name)].append(place)
        for table in (self.by_chinese, self.by_english):
            for name, found in table.items():
                table[name] = sorted(set(found), key=lambda p: (LEVELS.index(p.level), p.code))
        self._checked = {
            n for n, found in self.by_chinese.items() if all(p.level == "county" and n == p.short for p in found)
        }
        self._capital = {n for n, found in self.by_english.items() if all(p.level == "county" for p in found)}
        self._sizes = sorted({len(n) for n in self.by_chinese if len(n) > 1}, reverse=True)
        self._starts = {n[0] for n in self.by_chinese}
        self._words_in_name = max(len(n.split()) for n in self.by_english)
        self.labels = _labels(places, self.places)
        self._by_label = {text.lower(): self.places[c] for c, text in self.labels.items() if c in self.places}
        self._chains: dict[str, tuple[str, ...]] = {}
        self._subtrees: dict[str, tuple[str, ...]] = {}

    def by_label(self, label: str) -> Place | None:
        """The place a stored ``region`` label names ("Huangpu District (Shanghai)", "Lianjiang")."""
        return self._by_label.get(label.strip().lower())

    def province_of(self, place: Place) -> Place | None:
        return self.places.get(place.province) if place.province else None

    def chain(self, place: Place) -> tuple[str, ...]:
        if place.code not in self._chains:
            codes, current = [place.code], place
            while current.parent and current.parent not in codes:
                codes.append(current.parent)
                current = self.places.get(current.parent) or Place(current.parent, "", "", "", "province")
            if place.province and place.province not in codes:
                codes.append(place.province)
            self._chains[place.code] = tuple(codes)
        return self._chains[place.code]

    def subtree(self, place: Place) -> tuple[str, ...]:
        """The codes of ``place`` and of every place inside it (上海 → 310000, its 16 districts, its zones)."""
        if place.level == "national":
            return tuple(self.places)
        if place.code not in self._subtrees:
            self._subtrees[place.code] = tuple(
                c for c, o in self.places.items() if c == place.code or place.code in self.chain(o)
            )
        return self._subtrees[place.code]

    def mentions(self, text: str) -> list[Mention]:
        """Every place name in ``text``, Chinese (longest name first) and English, in reading order."""
        found = list(self._chinese_mentions(text))
        folded = _fold(text)
        aligned = len(folded) == len(text)  # offsets line up (folding only lowercases and drops apostrophes)
        capitals = any(ch.isupper() for ch in text)
        for start, end in self._english_names(folded):
            name = folded[start:end]
            if aligned and capitals and name in self._capital and not text[start].isupper():
                continue  # "xuhui" in running English is no name; a file name or a lowercase question is
            found.append(Mention(*((start, end) if aligned else (0, 0)), tuple(self.by_english[name])))
        return sorted(found, key=lambda m: m.start)

    def _english_names(self, folded: str):
        """(start, end) of the longest known English name at each word, left to right."""
        words = [(m.start(), m.end()) for m in re.finditer(r"[a-z]+", folded)]
        position = 0
        while position < len(words):
            for last in range(min(len(words), position + self._words_in_name) - 1, position - 1, -1):
                start, end = words[position][0], words[last][1]
                if folded[start:end] in self.by_english:
                    yield start, end
                    position = last + 1
                    break
            else:
                position += 1

    def _chinese_mentions(self, text: str):
        position, words = 0, None
        while position < len(text):
            if text[position] not in self._starts:
                position += 1
                continue
            for size in self._sizes:
                name = text[position : position + size]
                if len(name) < size:
                    continue
                places = self.by_chinese.get(name)
                if places and name in self._checked:
                    words = words if words is not None else Words(text)
                    if not words.stands_alone(position, position + size):
                        continue
                if places:
                    yield Mention(position, position + size, tuple(places))
                    position += size
                    break
            else:
                position += 1


class Words:
    """jieba's segmentation of a text: a district's short name counts only where it is a word of its own
    ("投资中" holds no 资中, "金山银山" no 金山) or starts a proper noun (浦东机场)."""

    def __init__(self, text: str):
        self._text = text
        self.ends: dict[int, int] = {}
        position = 0
        for word in spelling.segment(text):
            self.ends[position] = position + len(word)
            position += len(word)

    def stands_alone(self, start: int, end: int) -> bool:
        if start not in self.ends:
            return False
        token_end = self.ends[start]
        if token_end <= end:
            return token_end == end or end in self.ends.values()
        return spelling.is_proper_noun(self.text_of(start, token_end))

    def text_of(self, start: int, end: int) -> str:
        return self._text[start:end]


def _fold(text: str) -> str:
    """Lowercase; apostrophes become spaces so "Xi'an" and "Xi an" match, keeping offsets."""
    return re.sub(r"['’]", " ", text.lower())


def _labels(places: list[Place], by_code: dict[str, Place]) -> dict[str, str]:
    """English names, made unique: two prefectures called Suzhou are "Suzhou (Jiangsu)" and "Suzhou (Anhui)",
    two Chaoyang Districts "Chaoyang District (Beijing)" and "Chaoyang District (Changchun)"."""
    by_english = defaultdict(list)
    for place in places:
        by_english[place.english].append(place)
    labels = {}
    for english, same in by_english.items():
        for place in same:
            around = by_code.get(place.parent) or by_code.get(place.province)
            if len(same) == 1 or place.level == "province" or around is None:
                labels[place.code] = english
            elif around.english == english:
                labels[place.code] = f"{english} City"
            else:
                labels[place.code] = f"{english} ({around.english})"
    seen = defaultdict(list)
    for code, label in labels.items():
        seen[label].append(code)
    for label, codes in seen.items():
        for code in codes[1:] if len(codes) > 1 else ():
            labels[code] = f"{label} [{code}]"
    labels[NATIONAL_CODE] = "National"
    return labels


def load_places() -> list[Place]:
    """Every division of cpca's adcodes.csv (provinces, prefectures, districts, counties, banners, county-level
    cities) with the chain of places around it, then the zones of :mod:`.zones`."""
    folder = _cpca_resources()
    nations = (folder / "56_nations.csv").read_text(encoding="utf-8").split()
    nations = sorted((n.removesuffix("族") for n in nations if n.strip()), key=len, reverse=True)
    with (folder / "adcodes.csv").open(encoding="utf-8") as handle:
        rows = {row["adcode"][:6]: row["name"] for row in csv.DictReader(handle)}
    skipped = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")
    rows = {code: name for code, name in rows.items() if name not in skipped}
    places = [NATIONAL]
    taken = set(rows.values())
    for code, name in sorted(rows.items()):
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
        short = spelling.short_name(name, nations)
        province = "" if level == "province" else code[:2] + "0000"
        city = code[:4] + "00"
        parent = (
            "" if level == "province" else city if level == "county" and city in rows and city != province else province
        )
        if level == "province":
            english = spelling.pinyin(short)
            alone = True
        elif level == "city":
            english, alone = spelling.pinyin(short), True
        else:
            kind = "" if name.endswith("市") else spelling.kind_word(name)
            stem = short if short != name or not kind else spelling.without_kind(name)  # 丰县 → Feng County
            english = f"{spelling.pinyin(stem)} {kind}".strip()
            alone = len(short) >= 2 and short != name and not spelling.is_ordinary_word(short, county=bool(kind))
        aliases = DIVISION_ALIASES.get(code, ()) + _renamed_forms(name, taken)
        places.append(Place(code, name, short, english, level, province, alone, parent, aliases))
    for zone in ZONES:
        places.append(
            Place(zone_code(zone), zone.names[0], zone.names[-1], zone.english[0], "zone", zone.parent[:2] + "0000", True,
                  zone.parent, (*zone.names[1:], *zone.english[1:]))
        )  # fmt: skip
    return places


def _renamed_forms(name: str, taken: set[str]) -> tuple[str, ...]:
    """The names a county takes when it becomes a county-level city or a district (监利县 → 监利市 in 2020, 马龙县
    → 马龙区): the code table is older than many such changes, and documents use the new name. Only for stems of
    two characters or more, and never a name another division has."""
    stem = name.removesuffix("县")
    if stem == name or len(stem) < 2:
        return ()
    return tuple(n for n in (f"{stem}市", f"{stem}区") if n not in taken)


def _cpca_resources() -> Path:
    """cpca's data folder, found without importing cpca (its import loads pandas and builds a matcher)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.origin:
        raise RuntimeError("the cpca package (China's division codes) is not installed: run make install")
    return Path(spec.origin).parent / "resources"


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer(load_places())


def place(code: str) -> Place | None:
    return gazetteer().places.get(code)


def city_of(found: Place) -> Place | None:
    """The prefecture-level city a place lies in or is (a municipality for its districts), if any."""
    g = gazetteer()
    for code in found.chain:
        around = g.places.get(code)
        if around is not None and (
            around.level == "city" or (around.level == "province" and code[:2] in MUNICIPALITIES)
        ):
            return around
    return None
