"""Stage 1, the question: cleaned, made standalone, and read for its places, its kind and its aspects."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.answer.parties import party_clauses
from assistant.places import Place, ambiguous_names, gazetteer, places_named, subtree_codes
from assistant.search.naming import english_without_titles, without_titles
from assistant.text.language import detect_language, is_chinese

MAX_QUESTION_CHARS = 1000
EMPTY_QUESTION = "Please type a question about the indexed documents."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")
_FOLLOW_UP = re.compile(r"^(and|what about|how about|same for|also|那|还有|那么)\b|[呢]\s*[？?]?$|^\S+\s*\?$", re.I)
_MONEY = re.compile(
    r"how much|money|funding|fund\b|cap\b|ceiling|subsid|grant|reward|award|voucher|amount|budget|up to|maximum|"
    r"allowance|stipend|bonus|rebate|津贴|奖金|"
    r"largest|most\b|support|上限|资金|补贴|补助|奖补|奖励|资助|支持|最高|不超过|金额|多少钱|多少元|券",
    re.IGNORECASE,
)
_FIGURE = re.compile(
    r"how (?:many|large|big)|what size|size|scale|target|percent|ratio|share|when|until|which year|how long|"
    r"多少|几|规模|比例|上浮|何时|什么时候|截至|有效期|目标",
    re.IGNORECASE,
)
_AMOUNT_ASKED = re.compile(
    r"how much|how large|how big|maximum|\bmax\b|\bcap\b|ceiling|up to|largest|\bmost\b|amount|budget|limit|"
    r"多少|最高|上限|不超过|金额|额度|多大",
    re.IGNORECASE,
)
# A figure asked for in a unit that is not money ("expressed in generation hours", "多少平方公里", "几家企业"): a
# count or a size, even when the question also says "cap" or "reward".
_OTHER_UNIT_ASKED = re.compile(
    r"(?i:\bhow many\s+(?:[a-z-]+\s+)?(?:hours|days|weeks|months|years|square|hectares|people|persons|companies|"
    r"enterprises|firms|projects)\b"
    r"|\bin\s+(?:[a-z-]+\s+)?(?:hours|square (?:metres|meters|kilometres|kilometers)|hectares)\b)"
    r"|(?:多少|几)(?:个)?(?:小时|天|周|个月|年|平方米|平方公里|公顷|亩|人|家|项|台)"
)
# "Until what date can employers claim the subsidy?": a date, though the question names a subsidy
_DATE_ASKED = re.compile(
    r"(?i:\buntil (?:when|what (?:date|day|time|year))|\bby (?:when|what date)|\b(?:what|which) (?:date|day|deadline)\b|"
    r"\bwhen\b)|截至何时|截止(?:到)?(?:何时|什么时候|哪天)|什么时候|何时|哪一?天|哪年|截止日期|申报期限|(?:哪|什么|哪个)(?:段)?时间段?"
)
# "多久…发布一次", "how often": the answer is a frequency, stated by the sentence that says how often.
_FREQUENCY_ASKED = re.compile(
    r"(?i:how often|how frequently|how many times (?:a|per|each)\b)|多久.{0,24}一次|多长时间.{0,12}一次|每隔多久|频次|频率"
)
STATED_FREQUENCY = re.compile(
    r"每隔?(?:半|[一两二三四五六\d]+个?)?(?:年|季度|季|月|周|天|日)(?!度)|一年[一两二三四\d]次"
    r"|(?i:\b(?:annually|quarterly|monthly|weekly|every (?:\w+ )?(?:years?|months?|weeks?|days?)|(?:once|twice) a (?:year|month|week))\b)"
)
_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")
_KINDS_ASKED = re.compile(r"\bwhich\b|\bwhat (?:kinds?|types?|sorts?)\b|哪些|哪几|哪种|什么", re.IGNORECASE)
_COMPARE = re.compile(r"\bcompare|comparison|versus|\bvs\.?\b|difference|differ|比较|对比|相比|区别|异同|不同", re.I)
# One place's documents side by side without a comparison word: "两份若干意见…各是多少", "both drafts".
_SEVERAL_DOCUMENTS = re.compile(
    r"[两二三四]份|各是多少|分别是多少|分别为多少"
    r"|(?i:\b(?:two|three|four|both)\b[^.?]{0,60}\b(?:drafts|plans|policies|documents|opinions|measures|versions)\b)"
)
_TITLE_WORDS = re.compile(r"[a-z]{3,}|[\u4e00-\u9fff]{2,}")
_ASPECT_FILLER = re.compile(
    r"(?i:\b(?:compare|comparison of|contrast|between|the|their|its|on|in terms of|regarding|about|with respect to|"
    r"and|or|versus|vs\.?|how do|how does|what are|differ|differences?|in|two|both|three)\b)"
    r"|两个|两份|二者|两者|三个|各自|分别由谁|分别是多少|分别为多少|各是多少|分别|由谁"
    r"|比较|对比|相比|之间|有何|有什么|哪些|区别|异同|不同|在|对|的|和|与|及|方面|[?？。.,，、:：;；！!]"
)
_BROAD = re.compile(
    r"(?i:\b(?:ai|artificial intelligence|policy|policies|plans?|action plans?|measures|documents?|support|"
    r"programmes?|programs?)\b)|人工智能|政策|措施|行动计划|计划|方案|文件|若干|支持|s\b"
)


@dataclass(frozen=True)
class Question:
    text: str  # the standalone question the rest of the pipeline answers
    language: str  # "zh" or "en"
    places: tuple[Place, ...]  # the places it names, ambiguous names resolved by the indexed documents
    kind: str  # "compare", "money" (caps, subsidies), "figure" (counts, sizes, dates) or "fact"
    aspects: tuple[str, ...] = ()  # what a comparison compares; () for "compare the two policies"
    notices: tuple[str, ...] = ()
    parties: tuple[Place, ...] = ()  # what a comparison compares: its places, or documents (document_party)
    asked: str = ""  # the text without the title words of the document it names (``about``)
    party_asks: tuple[str, ...] = ()  # a comparison asking each party its own thing: each one's clause (``parties``)

    @property
    def about(self) -> str:
        """What the question asks about: its text, less the words that only say which document it means."""
        return self.asked or self.text

    @property
    def compared(self) -> tuple[Place, ...]:
        return self.parties or self.places

    @property
    def chinese(self) -> bool:
        return self.language == "zh"


def clean_question(question: str) -> tuple[str, list[str]]:
    """Control characters removed, whitespace folded, very long questions shortened (with a notice);
    a question without a single letter, digit or CJK character is treated as empty."""
    text = re.sub(r"\s+", " ", _CONTROL.sub(" ", question or "")).strip()
    notices = []
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS]
        notices.append(f"The question was shortened to its first {MAX_QUESTION_CHARS:,} characters.")
    if not re.search(r"[\w\u3400-\u9fff]", text):
        return "", notices
    return text, notices


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.search(question.strip()))


def swap_place(previous: str, follow_up: str, indexed: frozenset[str] = frozenset()) -> str | None:
    """ "And Shenzhen?" after a Beijing question: the same question about Shenzhen."""
    new, old = places_named(follow_up, indexed), places_named(previous, indexed)
    if len(new) != 1 or len(old) != 1 or new == old:
        return None
    out, cursor = [], 0
    for mention in gazetteer().mentions(previous):
        if old[0] in mention.candidates and mention.end > mention.start:
            written = previous[mention.start : mention.end]
            out.append(previous[cursor : mention.start] + (new[0].short if is_chinese(written) else new[0].english))
            cursor = mention.end
    return "".join(out) + previous[cursor:] if out else None


def analyse(text: str, indexed: frozenset[str] = frozenset()) -> Question:
    places = tuple(p for p in places_named(text, indexed) if p.level != "national")
    notices = tuple(_ambiguity_notice(name, found, indexed) for name, found in ambiguous_names(text, indexed))
    if len(places) >= 2 and not (_COMPARE.search(text) or _SEVERAL_DOCUMENTS.search(text)):
        places, notices = _places_with_documents(places, indexed, notices, detect_language(text) == "zh")
    if len(places) >= 2:
        kind = "compare"
    elif _OTHER_UNIT_ASKED.search(text):
        kind = "figure"
    elif _MONEY.search(text) and (_AMOUNT_ASKED.search(text) or not (_KINDS_ASKED.search(text) or _DATE_ASKED.search(text))):
        kind = "money"  # "which vouchers does it issue?" asks for names, not an amount
    elif _FIGURE.search(text):
        kind = "figure"
    else:
        kind = "fact"
    aspects = _aspects(text) if kind == "compare" else ()
    asks = party_clauses(text, places) if kind == "compare" else ()
    return Question(text, detect_language(text), places, kind, aspects, notices, party_asks=asks)


def asked_of(q: Question, party: Place) -> Question:
    """The question one compared party is asked: its own clause when the comparison asks each its own thing,
    else the whole question; about that party alone."""
    parties = list(q.compared)
    if q.party_asks and party in parties:
        text = q.party_asks[parties.index(party)]
        return replace(q, text=text, places=(party,), aspects=_aspects(text), parties=(), party_asks=(), asked="")
    return replace(q, places=(party,), parties=(), party_asks=())


def _places_with_documents(
    places: tuple[Place, ...], indexed: frozenset[str], notices: tuple[str, ...], chinese: bool
) -> tuple[tuple[Place, ...], tuple[str, ...]]:
    """Of several places named without a comparison word, the one with indexed documents when only one has:
    the others say who the measure is for ("天河区…港澳青年", "Tianhe's support to Hong Kong and Macao youth"),
    not a second party. Said in a notice, so a user who meant a comparison sees why there is none."""
    g = gazetteer()
    documents = [g.places[c] for c in indexed if c in g.places and g.places[c].level != "national"]
    kept = [p for p in places if any(d.within(p) or p.within(d) for d in documents)]
    if len(kept) != 1:
        return places, notices
    others = [p for p in places if p not in kept]
    names = "、".join(p.short for p in others) if chinese else " or ".join(p.label for p in others)
    notice = (
        f"没有{names}的已索引文件，按{kept[0].short}的文件回答。"
        if chinese
        else f"No indexed document is of {names}; answering from {kept[0].label}'s documents."
    )
    return tuple(kept), (*notices, notice)


def naming(q: Question, titles: Sequence[str]) -> Question:
    """The question about one of the documents ``titles`` names, with ``asked`` set to its words that are not
    that title's (kept whole when nothing else is left); in English, the words of its phrases naming a document
    whose renderings are in a title."""
    if not titles:
        return q
    rest = without_titles(q.text, titles) if q.chinese else english_without_titles(q.text, titles)
    return replace(q, asked=rest) if rest != q.text and (_CJK_WORD.search(rest) or not q.chinese) else q


def asks_frequency(q: Question) -> bool:
    return bool(_FREQUENCY_ASKED.search(q.text))


def compares_documents(q: Question) -> bool:
    """ "Compare Shenzhen's two plans", "深圳2024年和2025年的计划有何不同", "徐汇区两份若干意见…各是多少": one
    place, comparison words or several of its documents asked about at once."""
    return q.kind != "compare" and len(q.places) <= 1 and bool(_COMPARE.search(q.text) or _SEVERAL_DOCUMENTS.search(q.text))


def document_party(row: dict) -> Place:
    """A document as a compared party: its code is ``doc:<source>``, its name its title."""
    title = row.get("title") or row["source"]
    code = row.get("region_code", "")
    return Place(f"doc:{row['source']}", title, title[:30], title[:60], "document", code, True, code)


def with_document_parties(q: Question, documents: list[dict]) -> Question:
    """The comparison of two to four documents of the question's place (its own, else also those of the places
    inside it): those whose title or file name holds a year or version the question names, else those with a
    title word no other of them has that the question uses ("embodied", "pilot zone"), else all of them."""
    codes = {p.code for p in q.places}
    mine = [d for d in documents if not codes or d.get("region_code") in codes]
    if len(mine) < 2 and q.places:
        inside = set(subtree_codes(q.places[0]))
        mine = [d for d in documents if d.get("region_code") in inside]
    tokens = re.findall(r"\d+\.\d+|(?:19|20)\d{2}", q.text)
    named = [d for d in mine if any(tok in f"{d.get('title', '')} {d['source']}" for tok in tokens)]
    chosen = named if len(named) >= 2 else _by_title_words(mine, q.text)
    if not 2 <= len(chosen) <= 4:
        return q
    aspects = _aspects(_without_years(_without_document_names(q.text, chosen)))
    return replace(q, kind="compare", parties=tuple(document_party(d) for d in chosen), aspects=aspects)


_DOCUMENT_WORDS = re.compile(r"[两三四]份|若干意见|若干措施|征求意见稿|(?i:\b(?:drafts?|opinions|measures|plans?|rules)\b)")


def _without_document_names(text: str, documents: list[dict]) -> str:
    """The part of the question that asks, without the clauses that name the documents ("…three AI drafts:
    the AI-industry opinions, the embodied-intelligence opinions and …"; "徐汇区…两份若干意见，对规上企业…")."""
    words = [_distinctive(documents, d) for d in documents]
    clauses = [c for c in re.split(r"[:：，,;；]", text) if c.strip()]

    def naming(clause: str) -> int:
        squashed = re.sub(r"[\s\-_'’]+", "", clause.lower())
        return len(_DOCUMENT_WORDS.findall(clause)) + sum(w in squashed for found in words for w in found)

    scores = [naming(c) for c in clauses]
    if len(clauses) < 2 or max(scores) < 2 or min(scores) == max(scores):
        return text
    return "，".join(c for c, n in zip(clauses, scores) if n == min(scores))


def _distinctive(documents: list[dict], document: dict) -> set[str]:
    """The title and file-name words of ``document`` that no other of ``documents`` has."""
    def words(d: dict) -> set[str]:
        return set(_TITLE_WORDS.findall(f"{d.get('title', '')} {d['source']}".lower()))

    return words(document) - set().union(*(words(o) for o in documents if o is not document))


def _by_title_words(documents: list[dict], question: str) -> list[dict]:
    """The documents with a title or file-name word that no other of them has and the question uses; all of
    them when fewer than two do."""
    asked = re.sub(r"[\s\-_'’]+", "", question.lower())
    chosen = [d for d in documents if any(w in asked for w in _distinctive(documents, d))]
    return chosen if len(chosen) >= 2 else documents


def _without_years(text: str) -> str:
    return re.sub(r"(?:19|20)\d{2}\s*年?(?:版)?|\d+\.\d+\s*版?|\b(?:plans?|documents?|versions?)\b", " ", text)


def _ambiguity_notice(name: str, candidates: tuple[Place, ...], indexed: frozenset[str]) -> str:
    """``candidates`` as :func:`places.ambiguous_names` gives them: the one answered for first."""
    options = " or ".join(f"{p.name} ({p.label})" for p in candidates)
    chosen = candidates[0]
    return f"“{name}” could be {options}; answering for {chosen.name} ({chosen.label}). Name the city or province to choose."


def _aspects(text: str) -> tuple[str, ...]:
    """What a comparison asks about: the question without its places and comparison words ("on subsidies for
    renting computing power"); () when nothing specific is left ("compare the Shanghai and Anhui policies")."""
    remaining = text
    for mention in reversed(gazetteer().mentions(text)):
        if mention.end > mention.start:
            remaining = remaining[: mention.start] + " " + remaining[mention.end :]
    remaining = re.sub(r"(?i)\b(?:[A-Z][a-z]+)(?:'s|’s)", " ", remaining)
    remaining = re.sub(r"['’]s\b", " ", remaining)
    core = " ".join(_ASPECT_FILLER.sub(" ", remaining).split())
    if not _BROAD.sub(" ", core).strip():
        return ()
    return (core,)
