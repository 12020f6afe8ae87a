"""Which places a text names: each name resolved among the places it could be, a parent named beside its
child dropped ("上海市徐汇区" is Xuhui), a parent compared with its child kept ("徐汇区和上海市")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.places.gazetteer import LEVELS, Mention, Place, Words, gazetteer

_NATIONAL_WORDS = re.compile(
    r"(?i:\bnational\b|\bnationwide\b|\bministry\b|\bMIIT\b|\bState Council\b|\bcentral government\b)"
    r"|国家|全国|国务院|中共中央|党中央|工业和信息化部|工信部|网信办|发展改革委(?!员)"
)
# Words between a parent and its child that make them two parties ("徐汇区和上海市", "Xuhui and Shanghai").
_JOINED = re.compile(r"(?i:和|与|及|跟|同|、|对比|比较|相比|\band\b|\bvs\b|\bversus\b|\bor\b|\bcompared\b|\bwith\b)")


def is_national(text: str) -> bool:
    return bool(_NATIONAL_WORDS.search(text))


def places_named(text: str, prefer: Iterable[str] = frozenset()) -> list[Place]:
    """The places ``text`` names, in order of first mention, each ambiguous name resolved (see :func:`ranked`)
    by the places the text names unambiguously, then by ``prefer`` (the places of the indexed documents)."""
    indexed = frozenset(prefer)
    mentions = _not_foreign_areas(_with_indexed_short_names(gazetteer().mentions(text), text, indexed), text)
    named = _unambiguous(mentions)
    spans: dict[Place, list[tuple[int, int]]] = {}
    for mention in mentions:
        chosen = ranked(mention.candidates, named, indexed)[0][0]
        spans.setdefault(chosen, []).append((mention.start, mention.end))
    return _drop_parents(spans, text)


def _with_indexed_short_names(mentions: list[Mention], text: str, indexed: frozenset[str]) -> list[Mention]:
    """A short name jieba knows as a word (监利, "supervise and profit") names its county only in full, unless the
    county has indexed documents: then "定西和监利" names it where it stands as a word of its own."""
    g, words, out = gazetteer(), None, list(mentions)
    for code in indexed:
        place = g.places.get(code)
        if place is None or place.short_alone or len(place.short) < 2 or place.short == place.name:
            continue
        for found in re.finditer(re.escape(place.short), text):
            start, end = found.span()
            if any(m.start < end and start < m.end for m in out):
                continue
            words = words or Words(text)
            if words.stands_alone(start, end):
                out.append(Mention(start, end, (place,)))
    return sorted(out, key=lambda m: m.start)


def ranked(candidates: tuple[Place, ...], named: list[Place], indexed: frozenset[str]) -> list[tuple[Place, tuple]]:
    """The candidates best first with their scores: one the text places ("北京朝阳区", "Suzhou in Anhui"),
    then one that has indexed documents of its own or of places inside it, then one inside a place that has
    (鼓楼区 when Nanjing's documents are indexed), then the higher-level, lower-coded one."""
    g = gazetteer()
    documents = [g.places[c] for c in indexed if c in g.places and g.places[c].level != "national"]

    def score(candidate: Place) -> tuple[int, int]:
        by_text = any(candidate.within(p) or p.within(candidate) for p in named)
        by_documents = (
            2
            if any(d.within(candidate) for d in documents)
            else 1
            if any(candidate.within(d) for d in documents)
            else 0
        )
        return (int(by_text), by_documents)

    scored = [(c, score(c)) for c in candidates]
    return sorted(scored, key=lambda item: (-item[1][0], -item[1][1], LEVELS.index(item[0].level), item[0].code))


def _not_foreign_areas(mentions: list[Mention], text: str) -> list[Mention]:
    """Without names written right after a place they cannot lie in: "宜宾市三江新区", "Yibin Sanjiang New Area"
    name an area of Yibin the gazetteer does not know, not Guangxi's 三江侗族自治县 (Sanjiang County)."""
    kept: list[Mention] = []
    for mention in mentions:
        before = kept[-1] if kept else None
        if (
            before is not None
            and before.end > before.start
            and mention.start >= before.end
            and not text[before.end : mention.start].strip()
            and mention.candidates
            and all(c.level == "county" for c in mention.candidates)
            and any(b.level in ("province", "city") for b in before.candidates)
            and not any(c.within(b) for c in mention.candidates for b in before.candidates)
        ):
            continue
        kept.append(mention)
    return kept


def _unambiguous(mentions: list[Mention]) -> list[Place]:
    """The places named without doubt: one candidate, or candidates nested in the first ("Xingtai": the city
    and its Xingtai County)."""
    return [m.candidates[0] for m in mentions if m.candidates and all(c.within(m.candidates[0]) for c in m.candidates)]


def resolve(candidates: tuple[Place, ...], context: Iterable[str] = frozenset()) -> Place:
    """One place for an ambiguous name: the candidate the context (codes of places named or indexed) names,
    contains or lies in, else the higher-level, lower-coded one."""
    g = gazetteer()
    named = [g.places[c] for c in context if c in g.places]
    return ranked(candidates, named, frozenset())[0][0]


def ambiguous_names(text: str, prefer: Iterable[str] = frozenset()) -> list[tuple[str, tuple[Place, ...]]]:
    """Names in ``text`` that stay ambiguous after :func:`ranked`: (name as written, the places it may be,
    the one chosen first). Candidates nested in one another (恩施州 and its 恩施市) are no ambiguity."""
    mentions = gazetteer().mentions(text)
    named = _unambiguous(mentions)
    out = []
    for mention in mentions:
        if len(mention.candidates) < 2:
            continue
        order = ranked(mention.candidates, named, frozenset(prefer))
        tied = tuple(p for p, s in order if s == order[0][1] and p.level == order[0][0].level)  # 河南: the province
        if len(tied) > 1 and not all(p.within(tied[0]) for p in tied):
            written = text[mention.start : mention.end] if mention.end > mention.start else tied[0].english
            out.append((written, tied))
    return out


def _drop_parents(spans: dict[Place, list[tuple[int, int]]], text: str) -> list[Place]:
    """A place named beside a place inside it only says where that one is ("广东省深圳市", "Chaoyang District,
    Beijing", "Suzhou in Anhui"): dropped, unless the words between join them as two parties ("和", "and")."""
    kept = []
    for parent, parent_spans in spans.items():
        children = [
            s
            for child, child_spans in spans.items()
            if child is not parent and child.within(parent)
            for s in child_spans
        ]
        if children and not _joined(text, parent_spans, children):
            continue
        kept.append(parent)
    return kept


def _joined(text: str, parents: list[tuple[int, int]], children: list[tuple[int, int]]) -> bool:
    gaps = []
    for a_start, a_end in parents:
        for b_start, b_end in children:
            if a_end == a_start or b_end == b_start:
                return False  # offsets unknown (English folded to other lengths): as before, a parent
            gaps.append(text[a_end:b_start] if a_end <= b_start else text[b_end:a_start])
    nearest = min(gaps, key=len)
    return bool(_JOINED.search(nearest))


def remove_places(text: str, keep: Place | None = None) -> str:
    """``text`` without the names of places (other than ``keep``): what a comparison asks of every party."""
    out, cursor = [], 0
    for mention in gazetteer().mentions(text):
        if mention.end > mention.start and (keep is None or keep not in mention.candidates):
            out.append(text[cursor : mention.start] + " ")
            cursor = mention.end
    return "".join(out) + text[cursor:]


def mentions_of(text: str) -> list[Mention]:
    return gazetteer().mentions(text)
