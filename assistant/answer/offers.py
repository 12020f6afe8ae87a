"""The funding provisions of retrieved passages as offers a money question chooses among (``provisions.select``):
each with the sentence stating it, its own words (its clause; for an item of a 分别/依次 list, the sentence with
only that item: "对认定为国家级、省级、市级企业技术中心的，分别给予100万元、50万元、20万元奖励") and its context (the
measure's heading, the sentence before; for a class table's row or a class after a granting colon, the sentence
that leads the list; for a tier that opens with its band, its series' lead sentence). A per-unit rate and the
cap its sentence puts on its total are stated as one (``with_its_cap``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.answer.classes import spelled_ranks
from assistant.answer.lists import list_labels
from assistant.answer.localities import AT_A_LOCALITY
from assistant.funding.extract import Provision, class_after_colon, extract_provisions, table_header_start, tidy
from assistant.funding.patterns import BOUND
from assistant.text.numbers import Figure, find_figures, sentence_spans

if TYPE_CHECKING:
    from assistant.answer.ground import Scope

_PER_UNIT = re.compile(r"\s*(?:/|每)\s*(?:千瓦时|千瓦|瓦|度|平方米|台|套|人|家|年|个|kWh|kW|W)")
_REVISED_FROM = re.compile(r"\s*(?:/\s*[\u4e00-\u9fffA-Za-z]{1,3})?\s*(?:调整|提高|提升|降低|下调|上调|降)(?:至|为|到)")


@dataclass(frozen=True)
class Offer:
    """A provision of a retrieved passage, with the words that tell it from its neighbours."""

    n: int  # the passage's number
    provision: Provision
    sentence: str  # the sentence stating it, verbatim
    label: str  # its own item of a list ("省级"), "" when it is not one
    own: str  # its own words: the clause, with a list's other items left out
    context: str  # the heading and the sentence before

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(find_figures(self.provision.ratio_text)) + tuple(find_figures(self.provision.cap_text))

    @property
    def stated(self) -> str:
        """ "最高30%、最高500万元", "0.2元/瓦": the figures as the provision writes them, with a per-unit rate."""
        return "、".join(self.parts)

    @property
    def parts(self) -> list[str]:
        """Its ratio and its cap (with a per-unit rate), each as written."""
        cap = self.provision.cap_text
        at = self.sentence.find(cap) if cap else -1
        unit = _PER_UNIT.match(self.sentence, at + len(cap)) if at >= 0 else None
        return [tidy(p) for p in (self.provision.ratio_text, cap + (unit.group().strip() if unit else "")) if p]


@dataclass(frozen=True)
class Selection:
    offers: tuple[Offer, ...]  # one: the answer; several: equally plausible look-alikes
    matched: tuple[str, ...]  # the question's words they hold


def offers(scope: Scope) -> list[Offer]:
    """Every provision of the passages that speak for the question's places, in retrieval order."""
    numbers = sorted(scope.eligible) if scope.question.places else range(1, len(scope.hits) + 1)
    out: list[Offer] = []
    for n in numbers:
        hit = scope.hits[n - 1]
        heading = str(hit.metadata.get("section", "")).split(" > ")[-1].strip()
        out += [Offer(n, *rest) for rest in _passage_offers(hit.text, heading)]
    return out


@lru_cache(maxsize=512)
def _passage_offers(text: str, heading: str) -> tuple[tuple, ...]:
    found = extract_provisions(text)
    out, previous, starts, series = [], "", [], ""
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        header = table_header_start(text, start)  # a table's row: the sentence before the table and its header
        if header is not None and (before := [s for s in starts if s < header]):
            previous = text[before[-1] : start]
        colon = class_after_colon(text, start)  # a class's item after "房票金额为:": the sentence with the colon
        if colon is not None and (before := [s for s in starts if s <= colon]):
            previous = text[before[-1] : colon + 1]
        starts.append(start)
        # a tier that opens with its band ("10亿元以下、7亿元及以上的，补助800万元；") is of the series its lead sentence
        # names ("根据实际到位注册资本金分档予以开办补助，…10亿元及以上的，补助1000万元；"): that sentence is its context
        tier = bool(_OPENS_WITH_BAND.match(sentence))
        series = series if tier else sentence
        mine = [
            p
            for p in found
            if start <= _first_figure(p, text) < end
            and (p.cap_text or p.ratio_text)
            and not _superseded(p, text)
            and not _threshold(p, text)
        ]
        at = [_first_figure(p, text) - start for p in mine]
        labels = list_labels(sentence, at)
        for i, (provision, label) in enumerate(zip(mine, labels)):
            own = _own_words(sentence, provision, label, labels, _stretch(sentence, at, i))
            lead = sentence[: at[0]] if i else ""  # what the sentence says before its first figure is every one's
            before = f"{series} {previous}" if tier and series != previous else previous
            out.append((provision, sentence, label[0] if label else "", own, f"{heading} {before} {lead}"))
        previous = sentence
    return tuple(out)


_OPENS_WITH_BAND = re.compile(  # "10亿元以下…", "50(含50)-100万元的…"
    r"[\s（(]*\d[\d.,]*\s*(?:[（(]\s*含[^）)]{0,10}[）)])?\s*(?:[-—–~～至到]\s*\d[\d.,]*\s*)?(?:万|亿)?(?:元|美元)"
)


def _superseded(p: Provision, text: str) -> bool:
    """ "奖励标准由0.15元/千瓦时调整至0.25元/千瓦时": the figure a revision replaces is no provision."""
    at = text.find(p.cap_text, p.start) if p.cap_text else -1
    return at >= 0 and bool(_REVISED_FROM.match(text, at + len(p.cap_text)))


_BOUND_OF_CONDITION = re.compile(r"\s*(?:[（(]\s*不?含\s*[)）])?\s*(?:及|或)?(?:以上|以下|以内)")


def _threshold(p: Provision, text: str) -> bool:
    """ "总投资500万元（含）以上，1000万元（不含）以下的项目…给予支持": a bound of the condition, not a cap."""
    at = text.find(p.cap_text, p.start) if p.cap_text else -1
    return not p.ratio_text and at >= 0 and bool(_BOUND_OF_CONDITION.match(text, at + len(p.cap_text)))


def _first_figure(p: Provision, text: str) -> int:
    """Where the provision's first figure stands in the passage."""
    first = p.ratio_text or p.cap_text
    at = text.find(first, p.start, p.end + 1) if first else -1
    if at < 0:  # the extractor tidies line breaks away: find the figure itself
        figures = find_figures(text[p.start : p.end])
        return p.start + (figures[0].start if figures else 0)
    return at


_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_CLAUSE_MARK = re.compile(r"[，,：:；;]")
_BARE_GRANT = re.compile(
    r"^\s*(?:则|即|可)?(?:一次性)?(?:给予|奖励|补贴|补助|资助|发放|奖补|享受)(?:一次性)?(?:奖励|补贴|补助|资助|奖补|支持)?\s*$"
)


def _stretch(sentence: str, at: list[int], i: int) -> str:
    """The words from the figure before the ``i``-th (or the sentence's start) to the end of the ``i``-th's clause:
    a condition stands before its figure ("仅实现一级数据采集的，奖励5万元，同时实现二、三级数据采集的，奖励10万元").
    Figures with no words between them ("择优给予100万元、50万元、30万元") share the words before the first. In a run
    of named items in one clause ("按本科毕业生2万元、大专毕业生1.5万元、中职毕业生1万元的标准给予"), an item ends before the
    next one's name, and the words after the last item are every item's; so are the words that lead the first
    item's name ("对…人才,发放购房补贴:博士5万元,硕士3万元"): one item must not hold its neighbours' names, nor the
    first hold alone what all share (the items may differ only in the town: "二孩家庭在邓埠街道…300元,在中童镇…230元")."""
    begin = 0
    for j in range(i, 0, -1):
        after = _figure_end(sentence, at[j - 1])
        if _WORD.search(sentence[after : at[j]]):
            begin = after
            break
    stop = re.search(r"[，,；;。]", sentence[at[i] :])
    end = at[i] + stop.start() if stop else len(sentence)
    own = sentence[begin:end]
    mine, later = _figure_end(sentence, at[i]), [a for a in at[i + 1 :] if a < end]
    if later and _WORD.search(sentence[mine : later[0]]):
        cut = re.search(r"[、，,]", sentence[mine : later[0]])
        own = f"{sentence[begin : mine + (cut.start() if cut else 0)]} {sentence[_figure_end(sentence, later[-1]) : end]}"
    return f"{_lead(sentence, at[0])} {own}" if begin else own


def _lead(sentence: str, first: int) -> str:
    """What a sentence says before its first item's name: the clause holding the first figure, or the clause
    before it when the figure's own clause only grants ("仅实现一级数据采集的，奖励5万元")."""
    marks = [m.end() for m in _CLAUSE_MARK.finditer(sentence, 0, first)]
    if marks and _BARE_GRANT.match(sentence[marks[-1] : first]):
        marks.pop()
    town = AT_A_LOCALITY.search(sentence, marks[-1] if marks else 0, first)  # "二孩家庭在邓埠街道购买…": where items differ
    return sentence[: town.start()] if town else sentence[: marks[-1]] if marks else ""


def _figure_end(sentence: str, at: int) -> int:
    figures = find_figures(sentence[at:])
    return at + (figures[0].end if figures else 0)


def _own_words(sentence: str, provision: Provision, label, labels, stretch: str) -> str:
    if label and label[1]:  # a distributed list: the sentence with only this item
        others = [other[0] for other in labels if other and other[0] != label[0]]
        own = spelled_ranks(sentence)  # "A、B、C类" → "A类、B类、C类", so each item's own holds its class only
        for other in others:
            own = own.replace(other, " ")
        return f"{label[1]} {own}"
    if len(labels) > 1:  # several provisions in one sentence: each has its own stretch of it
        return f"{label[0] if label else ''} {stretch} {provision.item} {provision.recipient}"
    return f"{sentence} {provision.item} {provision.recipient}"


# "…给予300元/平方米购房补贴,最高不超过4万元": what lies between a per-unit rate and the total that bounds it
_RATE_TO_CAP = re.compile(r"^[^。；;\d，,]{0,16}[，,]\s*[^。；;\d，,]{0,8}?(?:最高|不超过|最多|上限)[^。；;\d，,]{0,6}$")


def bounds_the_rate_of(combined: Offer, offer: Offer) -> bool:
    """``offer`` is the cap that ``combined`` states with its rate."""
    return (
        combined is not offer
        and not offer.provision.ratio_text
        and bool(combined.provision.ratio_text)
        and (combined.n, combined.sentence, combined.provision.cap_text) == (offer.n, offer.sentence, offer.provision.cap_text)
    )


def with_its_cap(offer: Offer, found: list[Offer]) -> Offer:
    """A per-unit rate with the cap the same sentence puts on its total, as one offer stating both: the
    answer to "how much?" for 150 m² at 300元/平方米 is bounded by "最高不超过4万元"."""
    if offer.provision.ratio_text or not offer.provision.cap_text or not _PER_UNIT.search(offer.stated):
        return offer
    rate_end = offer.sentence.find(offer.provision.cap_text) + len(offer.provision.cap_text)
    for other in found:
        cap = other.provision.cap_text
        figure = re.search(r"\d", cap) if cap and not other.provision.ratio_text else None
        at = other.sentence.find(cap, rate_end) + figure.start() if figure else -1
        same = other.n == offer.n and other.sentence == offer.sentence
        if same and at > rate_end and _RATE_TO_CAP.match(offer.sentence[rate_end:at]):
            return replace(other, provision=replace(other.provision, ratio_text=offer.stated))
    return offer


_MOST_ASKED = re.compile(
    r"(?i)最多|最高|合计|累计|上限|封顶|\b(?:at most|most|maximum|max|cap|ceiling|up to|in total|largest)\b"
)


def the_total_cap(question: str, tied: list[Offer], found: list[Offer] = ()) -> list[Offer]:
    """ "每人最多能拿多少": a rate or base award ("每人每天100元", "产值每增长1000万元奖励1万元", "即享受5万元奖励") and the cap
    its sentence then puts on the total ("每人最高不超过500元"), tied or the cap among ``found``: the cap is what a
    question asking the most is asked, stated with what it bounds."""
    if not tied or not _MOST_ASKED.search(question):
        return tied
    caps = [o for o in tied if _is_cap(o)]
    if len(caps) == 1 and len(tied) > 1:
        cap, bounded = caps[0], [o for o in tied if o is not caps[0]]
    elif not caps and (after := [o for o in found if _is_cap(o) and _after_all(o, tied)]):
        cap, bounded = after[0], tied
    else:
        return tied
    at = cap.sentence.find(cap.provision.cap_text)
    for offer in bounded:
        before = _position(offer) if offer.sentence == cap.sentence and offer.n == cap.n else -1
        if not 0 <= before < at or re.search(r"[；;。]|[，,]\s*对", cap.sentence[before:at]):
            return tied  # another measure's figure, not what this cap bounds
    ratio = "、".join([*(o.stated for o in bounded), cap.provision.ratio_text]).strip("、")
    clause = max((m.end() for m in _CLAUSE_MARK.finditer(cap.sentence, 0, min(map(_position, bounded)))), default=0)
    span = cap.sentence[clause : at + len(cap.provision.cap_text)]  # the quote holds the base and its cap
    return [replace(cap, provision=replace(cap.provision, ratio_text=ratio, span=span))]


def _is_cap(offer: Offer) -> bool:
    """The provision's amount is a bound ("最高奖励50万元", "最高不超过500元"), not a grant."""
    cap = offer.provision.cap_text
    figure = re.search(r"\d", cap)
    return bool(figure and BOUND.search(cap[: figure.start()]))


def _position(offer: Offer) -> int:
    return offer.sentence.find(offer.provision.ratio_text or offer.provision.cap_text)


def _after_all(cap: Offer, tied: list[Offer]) -> bool:
    """``cap`` stands in the same sentence as every tied offer, after all of them."""
    at = cap.sentence.find(cap.provision.cap_text)
    return all(o.n == cap.n and o.sentence == cap.sentence and 0 <= _position(o) < at for o in tied)
