"""China's administrative divisions: which places a text, a question or a document is about.

The gazetteer is read from the division code table that ships with ``cpca`` (adcodes.csv, national
GB/T 2260 codes): all provincial-level divisions, every prefecture-level division and the county-level
cities. English names are the official ones for provinces and pinyin (``pypinyin``) for the rest, plus
the exonyms English text actually uses (Harbin, Urumqi, Hohhot, Lhasa). Nothing here is built at import
time: :func:`gazetteer` loads the table once, on first use.
"""

from __future__ import annotations

import csv
import importlib.util
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

NATIONAL_CODE = "000000"
# The one-character abbreviations (简称) of the provincial-level divisions, as GB/T 2260 publishes them;
# document numbers start with them: 京发改, 沪经信智, 皖政秘, 苏政发.
PROVINCE_ABBREVIATIONS = {
    "京": "11", "津": "12", "冀": "13", "晋": "14", "蒙": "15", "辽": "21", "吉": "22", "黑": "23", "沪": "31",
    "苏": "32", "浙": "33", "皖": "34", "闽": "35", "赣": "36", "鲁": "37", "豫": "41", "鄂": "42", "湘": "43",
    "粤": "44", "桂": "45", "琼": "46", "渝": "50", "川": "51", "蜀": "51", "黔": "52", "贵": "52", "滇": "53",
    "云": "53", "藏": "54", "陕": "61", "秦": "61", "甘": "62", "陇": "62", "青": "63", "宁": "64", "新": "65",
}  # fmt: skip
# Official English names where pinyin of the short name is not what English text writes.
_ENGLISH = {
    "陕西": ("Shaanxi",), "内蒙古": ("Inner Mongolia", "Nei Mongol"), "西藏": ("Tibet", "Xizang"),
    "香港": ("Hong Kong",), "澳门": ("Macao", "Macau"), "哈尔滨": ("Harbin",), "乌鲁木齐": ("Urumqi",),
    "呼和浩特": ("Hohhot",), "拉萨": ("Lhasa",), "日喀则": ("Shigatse",),
}  # fmt: skip
_NATIONAL_WORDS = re.compile(
    r"(?i:\bnational\b|\bnationwide\b|\bministry\b|\bMIIT\b|\bState Council\b|\bcentral government\b)"
    r"|国家|全国|国务院|中共中央|党中央|工业和信息化部|工信部|网信办|发展改革委(?!员)"
)
_LEVELS = ("national", "province", "city", "county")


@dataclass(frozen=True)
class Place:
    code: str  # six-digit division code; "000000" for the national level
    name: str  # full Chinese name: 苏州市
    short: str  # 苏州
    english: str  # Suzhou
    level: str  # "national", "province", "city" or "county"
    province: str = ""  # code of the provincial-level division it belongs to ("" for national)
    short_alone: bool = True  # the short name alone names it (not 合作 for 合作市: "cooperation")

    @property
    def label(self) -> str:
        """The name shown and stored as ``region``: English, with the province where English is ambiguous."""
        return gazetteer().labels.get(self.code, self.english)

    def within(self, other: Place) -> bool:
        """The same place, or a place inside ``other`` (苏州 within 江苏)."""
        return self.code == other.code or (other.level == "province" and self.province == other.code)


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
        for place in places:
            for name in {place.name, place.short} if place.short_alone else {place.name}:
                self.by_chinese[name].append(place)
            for name in _english_names(place):
                self.by_english[_fold(name)].append(place)
        for table in (self.by_chinese, self.by_english):
            for name, found in table.items():
                table[name] = sorted(set(found), key=lambda p: (_LEVELS.index(p.level), p.code))
        self._longest = max(map(len, self.by_chinese))
        self._english = re.compile(
            r"(?<![a-z])(" + "|".join(sorted(map(re.escape, self.by_english), key=len, reverse=True)) + r")(?![a-z])"
        )
        self.labels = _labels(places)

    def province_of(self, place: Place) -> Place | None:
        return self.places.get(place.province) if place.province else None

    def mentions(self, text: str) -> list[Mention]:
        """Every place name in ``text``, Chinese (longest name first) and English, in reading order."""
        found = list(self._chinese_mentions(text))
        folded = _fold(text)
        if len(folded) == len(text):  # offsets line up (folding only lowercases and drops apostrophes)
            found += [Mention(m.start(), m.end(), tuple(self.by_english[m.group()])) for m in self._english.finditer(folded)]
        else:
            found += [Mention(0, 0, tuple(self.by_english[m.group()])) for m in self._english.finditer(folded)]
        return sorted(found, key=lambda m: m.start)

    def _chinese_mentions(self, text: str):
        position = 0
        while position < len(text):
            for size in range(min(self._longest, len(text) - position), 1, -1):
                places = self.by_chinese.get(text[position : position + size])
                if places:
                    yield Mention(position, position + size, tuple(places))
                    position += size
                    break
            else:
                position += 1


def _fold(text: str) -> str:
    """Lowercase; apostrophes become spaces so "Xi'an" and "Xi an" match, keeping offsets."""
    return re.sub(r"['’]", " ", text.lower())


def _english_names(place: Place) -> set[str]:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(place.short)
    names = {"".join(syllables), " ".join(syllables)} if len(syllables) > 1 else set()
    names |= {n.lower() for n in _ENGLISH.get(place.short, ())}
    names.add(place.english.lower())
    return {n for n in names if len(n) > 3}


def _labels(places: list[Place]) -> dict[str, str]:
    """English name, made unique: two prefectures called Suzhou are "Suzhou (Jiangsu)" and "Suzhou (Anhui)"."""
    by_english = defaultdict(list)
    for place in places:
        by_english[place.english].append(place)
    provinces = {p.code: p for p in places if p.level == "province"}
    labels = {}
    for english, same in by_english.items():
        for place in same:
            qualify = len(same) > 1 and place.level != "province" and place.province in provinces
            parent = provinces[place.province].english if qualify else ""
            labels[place.code] = (f"{english} City" if parent == english else f"{english} ({parent})") if qualify else english
    labels[NATIONAL_CODE] = "National"
    return labels


def _short_name(name: str, nations: list[str]) -> str:
    short = re.sub(r"(?:特别行政区|自治区|自治州|自治县|地区|省|市|盟|县)$", "", name)
    while "自治" in name and (nation := next((n for n in nations if short.endswith((n, n + "族"))), None)):
        if len(short.removesuffix("族")) - len(nation) < 2:  # 西藏, 内蒙古: the region's own name
            break
        short = short.removesuffix("族").removesuffix(nation)  # 延边朝鲜族自治州 → 延边, 广西壮族自治区 → 广西
    return short if len(short) >= 2 else name


def _english(short: str, level: str) -> str:
    from pypinyin import lazy_pinyin

    if short in _ENGLISH:
        return _ENGLISH[short][0]
    syllables = lazy_pinyin(short)
    joined = syllables[0] + "".join(("'" + s) if s[0] in "aoe" else s for s in syllables[1:])
    return joined[:1].upper() + joined[1:]


def load_places() -> list[Place]:
    """Provinces, prefectures and county-level cities from cpca's adcodes.csv."""
    folder = _cpca_resources()
    table = folder / "adcodes.csv"
    nations = (folder / "56_nations.csv").read_text(encoding="utf-8").split()
    nations = sorted((n.removesuffix("族") for n in nations if n.strip()), key=len, reverse=True)
    places, word_tags = [NATIONAL], _word_tags()
    with table.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, name = row["adcode"][:6], row["name"]
            level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
            if name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划") or (
                level == "county" and not name.endswith("市")
            ):
                continue
            short = _short_name(name, nations)
            province = "" if level == "province" else code[:2] + "0000"
            alone = level != "county" or not _is_ordinary_word(short, word_tags)
            places.append(Place(code, name, short, _english(short, level), level, province, alone))
    return places


def _word_tags() -> dict[str, str]:
    """Part-of-speech tags of the words in jieba's dictionary (already loaded for BM25)."""
    import jieba.posseg

    jieba.posseg.dt.tokenizer.initialize()
    return jieba.posseg.dt.word_tag_tab


def _is_ordinary_word(name: str, word_tags: dict[str, str]) -> bool:
    """jieba knows ``name`` as a word that is not a place or other proper name. A county-level city with
    such a short name (合作 "cooperation", 灯塔 "lighthouse", 东方 "east") is only named in full (合作市):
    policies say 产学研合作 and 灯塔工厂 far more often than they name those cities. A name jieba does not
    know (任丘, 吴川) is no ordinary word."""
    tag = word_tags.get(name)
    return tag is not None and not tag.startswith(("ns", "nr", "nz", "nt"))


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


def places_named(text: str, prefer: frozenset[str] = frozenset()) -> list[Place]:
    """The places ``text`` names, in order of first mention, each ambiguous name resolved (see :func:`resolve`)."""
    found: list[Place] = []
    mentions = gazetteer().mentions(text)
    context = {c.code for m in mentions if len(m.candidates) == 1 for c in m.candidates}
    for mention in mentions:
        chosen = resolve(mention.candidates, prefer | context)
        if chosen not in found:
            found.append(chosen)
    return _drop_contained(found)


def resolve(candidates: tuple[Place, ...], context: frozenset[str] | set[str] = frozenset()) -> Place:
    """One place for an ambiguous name: the candidate the context names or contains (the documents
    present, the province the text also names), else the higher-level, lower-coded one."""
    if len(candidates) == 1:
        return candidates[0]
    for candidate in candidates:
        if candidate.code in context or candidate.province in context:
            return candidate
    return candidates[0]


def ambiguous_names(text: str, prefer: frozenset[str] = frozenset()) -> list[tuple[str, tuple[Place, ...]]]:
    """Names in ``text`` that stay ambiguous after :func:`resolve`'s context: (name as written, candidates)."""
    out = []
    for mention in gazetteer().mentions(text):
        known = [c for c in mention.candidates if c.code in prefer or c.province in prefer]
        if len(mention.candidates) > 1 and len(known) != 1 and len({c.english for c in mention.candidates}) == 1:
            out.append((text[mention.start : mention.end], mention.candidates))
    return out


def _drop_contained(places: list[Place]) -> list[Place]:
    """"广东省深圳市" is about Shenzhen: a province named only as the parent of a named city is dropped."""
    return [p for p in places if not any(o is not p and o.within(p) and o.level != "province" for o in places)]


def is_national(text: str) -> bool:
    return bool(_NATIONAL_WORDS.search(text))


def document_place(*, doc_number: str, issuer: str, title: str, filename: str, head: str) -> Place | None:
    """The place a document is about: the most specific place consistent with its strongest signal.

    Signals, strongest first: the document number's prefix (京发改 → Beijing, 深工信 → Shenzhen), the
    issuing body, the title, the file name. A weaker signal can only narrow a stronger one (苏府 says
    Jiangsu, the issuer 苏州市人民政府 narrows it to Suzhou). Without a place, a central issuer (国务院, a
    ministry) makes the document national; only then does the opening of the text count, since a national
    notice opens with its addressees (各省、自治区、直辖市…).
    """
    signals = [_from_doc_number(doc_number), *(places_named(s) for s in (issuer, title, _words(filename)))]
    chosen = _most_specific(signals)
    if chosen is not None:
        return chosen
    if any(is_national(s) for s in (issuer, doc_number[:6], title, head[:200])):
        return NATIONAL
    return _most_specific([places_named(head)])


def _most_specific(signals: list[list[Place]]) -> Place | None:
    chosen: Place | None = None
    for found in signals:
        for candidate in found:
            if candidate.level == "national":
                continue
            if chosen is None or (candidate.within(chosen) and candidate.code != chosen.code):
                chosen = candidate
                break
    return chosen


def _words(filename: str) -> str:
    """"shenzhen-ai-terminal_2025.txt" → "shenzhen ai terminal 2025 txt": names in file names are words."""
    return re.sub(r"[-_.]+", " ", filename)


def _from_doc_number(doc_number: str) -> list[Place]:
    """深工信〔2025〕42号 → the prefecture whose short name starts the prefix; 京发改 → the province."""
    prefix = re.match(r"[\u4e00-\u9fff]+", doc_number or "")
    if not prefix:
        return []
    first = prefix.group()[0]
    g = gazetteer()
    if first in PROVINCE_ABBREVIATIONS:
        return [g.places[PROVINCE_ABBREVIATIONS[first] + "0000"]]
    cities = {p.code: p for name, found in g.by_chinese.items() if name.startswith(first) and len(name) == 2 for p in found}
    cities = {c: p for c, p in cities.items() if p.level == "city"}
    return list(cities.values()) if len(cities) == 1 else []


def passage_about(metadata: dict, text: str, wanted: Place) -> bool:
    """A passage speaks for ``wanted`` when its document is about that place, or when it names the place and
    its document is national, unplaced, or the province around it (an Anhui policy on its Hefei parks)."""
    code = str(metadata.get("region_code") or "")
    if code == wanted.code:
        return True
    if code and code not in (NATIONAL_CODE, wanted.province):
        return False
    return wanted.code in named_in_passage(metadata, text, frozenset({wanted.code}))


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
    """The document places whose passages can speak for ``wanted`` (see :func:`passage_about`)."""
    return tuple(dict.fromkeys(c for c in (wanted.code, wanted.province, NATIONAL_CODE, "") if c is not None))


def remove_places(text: str, keep: Place | None = None) -> str:
    """``text`` without the names of places (other than ``keep``): what a comparison asks of every party."""
    out, cursor = [], 0
    for mention in gazetteer().mentions(text):
        if mention.end > mention.start and (keep is None or keep not in mention.candidates):
            out.append(text[cursor : mention.start] + " ")
            cursor = mention.end
    return "".join(out) + text[cursor:]
