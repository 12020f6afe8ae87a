"""Figures from records for money questions: of the offers of the retrieved passages (``offers``: each funding
provision, each item of a 分别/依次 list or of a "一等奖50万元、二等奖30万元" run, with its own figure and its own
words), the one the question's words select.

Selection is lexical, on the question's subject terms (Chinese, or English rendered into Chinese by
``translate``): each provision scores the IDF-weighted terms its own words hold (its clause, its list item's
label, or for several figures of one sentence the words from the figure before: a condition precedes its figure)
and half of those only its context holds (the measure's heading, the sentence before). Figures the question
states as a condition ("能耗下降10%至15%的", "总投资500万到1000万元之间") count like terms, and only the provisions
holding most of them compete; a bound of a condition ("1000万元（不含）以下的项目") is no provision. One best
provision → its figures are the answer's, rendered by code; several equally good with different figures
(look-alike levels, classes, prizes) → a cited table of them, never a silent pick; none, or a best that holds
less than half of what is asked → the draft is judged as before.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace

from assistant.answer.bands import band_of, direction, in_band, quantity
from assistant.answer.classes import asked_classes, member_classes, names_another_class
from assistant.answer.evidence import unwrapped
from assistant.answer.figure_kind import kind_asked, states_kind
from assistant.answer.lists import list_labels
from assistant.answer.localities import of_the_asked_locality
from assistant.answer.offers import Offer, Selection, bounds_the_rate_of, the_total_cap, with_its_cap
from assistant.answer.question import Question
from assistant.answer.subject import subject_terms, term_in
from assistant.places.gazetteer import gazetteer
from assistant.text.numbers import Figure, figures_match, find_figures
from assistant.text.translate import Term

MIN_SHARE = 0.5  # the best provision must hold this share of the question's term weight (as subject_coverage)
CONTEXT_WEIGHT = 0.5  # a term only in the heading or the sentence before counts half
MAX_TABLE_ROWS = 6


def select(q: Question, found: list[Offer], passages: list[str] = ()) -> Selection | None:
    """The provision(s) the question's words select, or None when they select none clearly. Only words that
    occur in the ``passages`` count (a document's name, "征求意见稿", is in none of them and tells nothing)."""
    q, negated = _without_negated(q)  # "(not through vouchers)", "除算力券外": what is not asked
    terms = [
        t for t in subject_terms(q) if not passages or any(term_in(t, text) for text in [*passages, *(o.own for o in found)])
    ]  # an item's own words count too: "一、二、三等奖" holds 二等奖 only as a list item
    stated = find_figures(q.text)
    bounds = [f for f in stated if direction(q.text, f)]  # "not more than RMB 100,000": a tier's bound, not its grant
    found = [o for o in found if not _restates([f for f in stated if f not in bounds], o)]
    kind = kind_asked(q.text)  # "每月标准是多少元": a share is no answer, nor a lump sum to "what rate"
    if not (found := [o for o in found if states_kind(kind, o.figures, o.stated)]):
        return None
    # "a buyer without Ningguo hukou": a provision stating that lack ("非宁国市户籍居民") is the one asked about;
    # else one holding what is not asked is not ("not through vouchers")
    found = [o for o in found if any(_denied(t, _up_to(o)) for t in negated)] or [
        o for o in found if not any(term_in(t, f"{o.own} {o.context}") for t in negated)
    ] or found
    classes = asked_classes(terms)  # "B类" asked: a row or item naming only other classes is out
    if not classes and len(members := member_classes(terms, passages)) == 1:  # "硕士研究生" is listed under F类
        (member, naming), = members.items()  # the words naming the member are now its class
        classes, terms = [member], [*(t for t in terms if t not in naming), Term(member, (member,))]
    found = [o for o in found if not names_another_class(f"{o.label} {o.own}", classes)] or found
    found = of_the_asked_locality(q.text, found)  # "于中童镇购买": a provision for other towns is not it
    graded = _of_the_asked_grade(found, _grades(q, terms))  # judged among all: the words' weights are the same
    graded = _named_items(q, terms, graded) or graded
    # A figure a tier writes as the question does picks it by itself ("首次超过30亿元"); a value no tier writes
    # ("注册资本金为8亿元") or a range ("more than RMB 50,000 but not more than RMB 100,000") is of the tier whose
    # band holds it.
    conditions = _condition_figures(q, found)
    ranged = len([f for f in stated if quantity(q.text, f) is not None]) > 1  # "above 50 mu but no more than 100 mu"
    inside = None if conditions and not ranged else in_band([band_of(o.own, o.figures) for o in found], q.text, stated, [o.n for o in found])
    conditions = conditions if inside is None else []
    graded = [o for o, ok in zip(found, inside or []) if ok and o in graded] or graded
    graded = [o for o in graded if not _bound_the_other_way(q.text, o.own, conditions)] or graded
    if not (terms or conditions) and inside and len(held_by := [o for o, ok in zip(found, inside) if ok]) == 1:
        return Selection((held_by[0],), ())  # "买一套80㎡的住房": the one tier whose band holds it, no word needed
    if not (terms or conditions) or not found:
        return None
    own = [[term_in(t, o.own) for t in terms] + [_holds(o.own, f, o) for f in conditions] for o in found]
    near = [[term_in(t, o.context) for t in terms] + [_holds(o.context, f) for f in conditions] for o in found]
    held = [sum(a or b for a, b in zip(*pair)) for pair in zip(zip(*own), zip(*near))]
    weights = [math.log(1 + len(found) / n) if n else math.log(1 + len(found) + 1) for n in held]
    context = CONTEXT_WEIGHT if inside is None else 1.0  # a tier chosen by its band: its series' lead is its subject
    scores = [s if o in graded else 0.0 for s, o in zip(_scores(weights, own, near, context), found)]
    if conditions:  # the provisions holding most of the figures the question states as its condition (a range's
        # two bounds in the sentence before count more than one of them in its own), those in its own words first
        held_figures = [
            (sum(a or b for a, b in zip(mine[-len(conditions) :], ctx[-len(conditions) :])), sum(mine[-len(conditions) :]))
            for mine, ctx in zip(own, near)
        ]
        most = max(h for h, o in zip(held_figures, found) if o in graded)  # of the item the question names
        scores = [s if h == most else 0.0 for s, h in zip(scores, held_figures)]
    asked = _asked_terms(q, terms)
    asked_scores = [
        s if o in graded else 0.0
        for s, o in zip(_scores([w if k else 0.0 for w, k in zip(weights, asked)], own, near, context), found)
    ]
    if (top := max(asked_scores)) > 0:  # the provisions holding most of the asking sentence's words, judged on them
        scores = [s if a >= top - 1e-9 else 0.0 for s, a in zip(scores, asked_scores)]
        held_share = top / sum(w for w, k in zip(weights, asked) if k)
    else:
        held_share = max(scores) / sum(weights)
    best = max(scores)
    if best <= 0 or held_share < MIN_SHARE:
        return None
    tied = [o for o, s in zip(found, scores) if s >= best - 1e-9]
    distinct: list[Offer] = []
    for offer in tied:  # the same figures in several passages (overlapping chunks) are one provision
        if not any(_same_figures(offer, other) for other in distinct):
            distinct.append(offer)
    if len(distinct) > MAX_TABLE_ROWS:
        return None
    mine = own[found.index(distinct[0])]
    names = [t.english for t in terms] + [f.text for f in conditions]
    distinct = [with_its_cap(offer, found) for offer in distinct]
    distinct = [o for o in distinct if not any(bounds_the_rate_of(other, o) for other in distinct)]  # the cap once
    distinct = the_total_cap(q.about, distinct, found)
    return Selection(tuple(distinct), tuple(name for name, a in zip(names, mine) if a))


_NEGATION = re.compile(
    r"(?i)\bwithout\s+(?:an?\s+|the\s+|any\s+)?([\w'-]+(?:\s+[\w'-]+)?)"  # "a buyer without local hukou buys…"
    r"|\b(?:not|excluding|except|other than|rather than|apart from)\b(?:\s+(?:through|via|by|with|from|"
    r"including|counting|as))?\s+([^,.;:?!()]{2,40})"
    r"|(?:不含|不包括)([\u4e00-\u9fff]{2,12}?)(?=[，,。；;？?）)])|除了?([\u4e00-\u9fff]{2,12}?)(?:以外|之外|外)"
)


def _without_negated(q: Question) -> tuple[Question, list[Term]]:
    """The question without what it says it does not ask ("buys or rents computing power itself (not through
    vouchers)", "除算力券外"), and the terms of that: a provision holding them is not the one asked about."""
    spans = [next((g for g in m.groups() if g), "") for m in _NEGATION.finditer(q.about)]
    if not spans:
        return q, []
    rest = replace(q, asked=_NEGATION.sub("，", q.about))
    kept = {t.english for t in subject_terms(rest)}
    # the whole question's terms, not the spans' own: a lower-case span ("without local hukou") would read as a
    # place name (Hukou County) where the question's capitals say it is none
    negated = [t for t in subject_terms(q) if t.english not in kept and any(t.english.lower() in s.lower() for s in spans)]
    return rest, negated


_DENYING = re.compile(r"(?:非|无|没有|未|不具有|不具备)[\u4e00-\u9fff]{0,6}$")


def _up_to(offer: Offer) -> str:
    """The offer's sentence up to its figure: a cap's recipients are named before the rate it bounds
    ("对非宁国市户籍居民…给予300元/平方米购房补贴,最高不超过4万元")."""
    at = offer.sentence.find(offer.stated)
    return offer.sentence[: at + len(offer.stated)] if at >= 0 else offer.own


def _denied(term: Term, text: str) -> bool:
    """``text`` states the lack of ``term``: "非宁国市户籍居民" of 户籍, "无自有住房" of 住房."""
    flat = unwrapped(text)
    return any(_DENYING.search(flat[max(0, m.start() - 8) : m.start()]) for c in term.chinese if c for m in re.finditer(re.escape(c), flat))


def _scores(weights: list[float], own: list[list[bool]], near: list[list[bool]], context: float = CONTEXT_WEIGHT) -> list[float]:
    return [
        sum(w * (1.0 if a else context if b else 0.0) for w, a, b in zip(weights, mine, ctx)) for mine, ctx in zip(own, near)
    ]


def _asked_terms(q: Question, terms: list[Term]) -> list[bool]:
    """Which terms the asking sentence holds, when the question has several sentences: the others set the
    scene ("The fund distinguishes major demonstration projects and key projects. For a key project, what
    is …?"), and a provision is chosen by what is asked. All False for a question of one sentence."""
    asking = asking_sentence(q.about)
    if asking == q.about.strip():
        return [False] * len(terms)
    held = [term_in(t, asking) for t in terms]
    words = [set(t.english.split()) for t in terms]
    # a word of a phrase asked is no second thing asked: "degree" of "a master's degree holder" is its 硕士
    return [h and not any(k and w < other for k, other in zip(held, words)) for h, w in zip(held, words)]


_SENTENCE_END = re.compile(r"(?<=[.?!;])\s+|(?<=[。？！；])")


def asking_sentence(text: str) -> str:
    """The last sentence of a question (the whole question when it has one)."""
    pieces = [piece.strip() for piece in _SENTENCE_END.split(text.strip()) if piece.strip()]
    return pieces[-1] if pieces else text.strip()


def _condition_figures(q: Question, found: list[Offer]) -> list[Figure]:
    """The figures a question states as a condition ("能耗下降10%至15%的", "总投资500万到1000万元之间"), when some
    provision's words hold them: they pick one tier of "下降5%至10%的…5元；下降10%至15%的…10元"."""
    asked = [f for f in find_figures(q.text) if f.kind in ("amount", "percent", "count")]
    return [f for f in asked if any(_holds(o.own, f, o) or _holds(o.context, f) for o in found)]


def _bound_the_other_way(question: str, own: str, conditions: list[Figure]) -> bool:
    """A tier whose bound is the question's condition figure on the other side: "the capacity above 800 kW" is not
    "不高于800千瓦（含800千瓦）…800元/千瓦" but "大于800千瓦的部分…1200元/千瓦"."""
    for asked in conditions:
        wanted = next((direction(question, f) for f in find_figures(question) if f.start == asked.start), "")
        sides = {direction(own, f) for f in find_figures(own) if figures_match(f, asked)} - {""}
        if wanted and sides and wanted not in sides:
            return True
    return False


# Series of grades a provision is granted by: the level of a recognition, the grade of an accident (every
# safety rule's 特别重大/重大/较大/一般), the grade of a prize. One grade of a series names one item.
_INCIDENT = "(?=事故|事件|突发|火灾|险情|隐患|安全)"  # 重大 alone is "major" (重大项目): a grade only of an incident
LEVELS = {g: re.compile(g) for g in ("国家级", "省级", "市级", "区级", "县级", "镇级")}
GRADES = (
    LEVELS,
    {
        "特别重大": re.compile("特别重大"),
        "重大": re.compile(f"(?<!特别)重大{_INCIDENT}"),
        "较大": re.compile(f"较大{_INCIDENT}"),
        "一般": re.compile(f"一般{_INCIDENT}"),
    },
    {g: re.compile(g) for g in ("特等奖", "一等奖", "二等奖", "三等奖")},
)


def _grades(q: Question, terms: list[Term]) -> dict[str, tuple[str, ...]]:
    """The grades the question names (国家级, 特别重大, 二等奖 …), each with the words that name it in a provision:
    itself; in English, by a word's first rendering, and then any of its renderings ("national" is 国家级, and
    国家 in 国家标准: "a national standard" names no 国家级 recognition)."""
    if q.chinese:
        return {grade: (grade,) for grade in _named_grades(q.about)}
    return {grade: t.chinese for t in terms for grade in _named_grades(" ".join(t.chinese[:1]))}


def _of_the_asked_grade(found: list[Offer], asked: dict[str, tuple[str, ...]]) -> list[Offer]:
    """Of a series whose grade the question names, the offers naming that grade, else those naming no other grade
    of it ("特别重大事故按每人6万元…最高奖励不超过30万元" asked about 特别重大: the cap over all grades is not the grade's
    figure); of levels, only those naming another level are out ("国家级…给予30万元，市级…给予25万元" asked about
    市级), since 区级 also says whose money it is ("区级配套资金" is no answer to "区级项目" by that word alone).
    As long as one offer is left."""
    for series in GRADES:
        wanted = {grade: words for grade, words in asked.items() if grade in series}
        if not wanted:
            continue
        exact = [
            o
            for o in found
            if any(series[g].search(o.own) or any(w in o.own for w in words if w not in series) for g, words in wanted.items())
        ]
        unnamed = [o for o in found if not _named_grades(o.own) & series.keys()]
        if series is LEVELS:  # a level also says whose money it is (区级配套资金): only other levels are out
            found = [o for o in found if o in exact or o in unnamed] or found
        else:
            found = exact or unnamed or found
    return found


def _named_items(q: Question, terms: list[Term], found: list[Offer]) -> list[Offer]:
    """The list items the question names ("第二晚" of "住宿第一晚按40元/人…第二晚按60元/人", 硕士研究生 of "对博士研究生、
    硕士研究生、本科生，分别给予…"), with the offers outside any list that hold the naming word: an item named
    wins over a neighbour whose sentence merely mentions it. A word every item of its list holds (家庭 of
    二孩家庭、三孩家庭) names none. Empty when the question names no item."""
    lists: dict[tuple[int, str], list[Offer]] = {}
    for offer in found:
        if offer.label:
            lists.setdefault((offer.n, offer.sentence), []).append(offer)
    naming: list[Term] = []
    named: list[Offer] = []
    for items in lists.values():
        before = len(named)
        for term in terms:
            hit = [o for o in items if _names_label(term, o.label)]
            if hit and len(hit) < len(items):
                naming.append(term)
                named += [o for o in hit if o not in named]
        if len(named) == before and (by_name := _named_by_figure_or_place(q, [o.label for o in items])):
            named.append(items[by_name[0]])  # "at least 600 people" names the 600人 item
    if not named:
        return []
    return [o for o in found if o in named or (not o.label and any(term_in(t, o.own) for t in naming))]


def _named_grades(text: str) -> set[str]:
    return {grade for series in GRADES for grade, pattern in series.items() if pattern.search(text)}


def _restates(stated: list[Figure], offer: Offer) -> bool:
    """Every figure of the provision is one the question states (``stated``) ("按节能量给予400元/吨标准煤奖励，单个项目奖励
    总额上限是多少？", "Songjiang matches the municipal subsidy at 2:1. What is the cap?"): the question gives it
    and asks for another, so it is no answer (its words still select the neighbour that states the cap)."""
    # of the same kind: "不高于800千瓦的…奖励标准" states a capacity, not the rate 800元/千瓦
    return bool(offer.figures) and all(any(figures_match(f, a) and f.kind == a.kind for a in stated) for f in offer.figures)


def _holds(text: str, figure: Figure, offer: Offer | None = None) -> bool:
    """``text`` states ``figure``, not counting ``offer``'s own money figures: the rate 800元/千瓦 does not hold the
    condition "above 800 kW"."""
    if offer is not None:
        granted = [f for f in offer.figures if f.kind in ("amount", "percent")]
        found = [f for f in find_figures(text) if not (f.kind in ("amount", "percent") and any(figures_match(f, g) for g in granted))]
        return any(figures_match(figure, other) for other in found)
    return any(figures_match(figure, other) for other in find_figures(text))


def _same_figures(a: Offer, b: Offer) -> bool:
    fa, fb = a.figures, b.figures
    return bool(fa) and len(fa) == len(fb) and all(figures_match(x, y) for x, y in zip(fa, fb)) and a.label == b.label


def states_selected(selection: Selection, figures: list[Figure]) -> bool:
    """The draft states the one selected provision's figures: each of its money figures is the provision's,
    and the provision's cap in yuan is among them (a draft that gives the ratio alone leaves the cap untold)."""
    money = [f for f in figures if f.kind in ("amount", "percent")]
    offer = selection.offers[0]
    caps = [g for g in offer.figures if g.kind == "amount"] or list(offer.figures)
    return (
        bool(money)
        and all(any(figures_match(f, g) for g in offer.figures) for f in money)
        and all(any(figures_match(f, g) for f in money) for g in caps)
    )


def other_list_item(q: Question, sentence: str, figures: list[Figure]) -> str:
    """A claim's figure taken from the wrong item of a list: the question names one item ("省级") and the
    figure belongs to another, or it names none and the claim states some items' figures only. Returns why,
    or ""."""
    spans = [(f.start, f) for f in find_figures(sentence) if f.kind in ("amount", "percent")]
    if len(spans) < 2:
        return ""
    labels = list_labels(sentence, [start for start, _ in spans])
    if not all(labels):
        return ""
    # a word every item holds (家庭 of 二孩家庭、三孩家庭) names none of them
    terms = [t for t in subject_terms(q) if not all(_names_label(t, label[0]) for label in labels)]
    asked = [i for i, label in enumerate(labels) if any(_names_label(t, label[0]) for t in terms)]
    asked = asked or _named_by_figure_or_place(q, [label for label, _ in labels])
    stated = [f for f in figures if f.kind in ("amount", "percent")]
    if not asked:  # "二孩家庭2万元、三孩家庭3万元" asked "for a family with three children": no silent pick
        items = [i for i, (_, g) in enumerate(spans) if any(figures_match(f, g) for f in stated)]
        if items and len(items) < len(spans):
            named = "、".join(labels[i][0] for i in items)
            return f"the figure is the list's {named} item, and the question names none of the list's items"
        return ""
    if len(asked) != 1:
        return ""
    mine = spans[asked[0]][1]
    if stated and not any(figures_match(f, mine) for f in stated):
        wrong = next((labels[i][0] for i, (_, g) in enumerate(spans) if any(figures_match(f, g) for f in stated)), "")
        return f"the figure is the list's {wrong or 'other'} item, not the {labels[asked[0]][0]} one asked about"
    return ""


def _named_by_figure_or_place(q: Question, labels: list[str]) -> list[int]:
    """The item whose label holds a figure the question states ("不少于300人、600人的大型团队" asked "at least 600
    people") or a place it names ("中华老字号、湖北老字号" asked "a Hubei time-honoured brand"); empty unless
    exactly one does."""
    stated = [f for f in find_figures(q.text) if f.kind != "year"]
    mentioned = [m.candidates[0] for m in gazetteer().mentions(q.text) if len(m.candidates) == 1]  # Hubei of Qianjiang too
    names = {name for p in mentioned for name in (p.short, p.name) if len(name) >= 2}
    named = [
        i
        for i, label in enumerate(labels)
        if any(figures_match(f, g) for g in find_figures(label) for f in stated) or any(name in label for name in names)
    ]
    return named if len(named) == 1 else []


def _names_label(term: Term, label: str) -> bool:
    return any(c and (c in label or label in c) and len(c) >= min(2, len(label)) for c in term.chinese)
