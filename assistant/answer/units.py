"""Who leads a measure: Chinese plans note it after each item — "10.对新获评国家5A、4A、3A级的旅游景区…给予一次性奖补…。
(牵头单位:示范区文化广电和旅游局,责任单位:示范区财政金融局)". A question asking which department leads (or is
responsible for) a measure is answered from the note after the item its words select, rendered by code and
citing the passage; not by the model. The item is chosen like a provision: the one holding most of the
question's subject words, at least half their weight, and alone in that; else None (the pipeline answers).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.answer.ground import Scope
from assistant.answer.question import Question
from assistant.answer.repair import quote
from assistant.answer.subject import subject_terms, term_in
from assistant.answer.verify import Verification

MIN_SHARE = 0.5
_LEAD_ASKED = re.compile(
    r"牵头单位|牵头部门|责任单位|责任部门|(?:哪个|哪些|什么)(?:部门|单位|机构)(?:牵头|负责|主管)|由谁牵头|谁牵头|谁负责|"
    r"(?i:\b(?:which|what)\s+(?:[\w-]+\s+){0,2}(?:departments?|agenc(?:y|ies)|bod(?:y|ies)|bureaus?|offices?|units?)\b"
    r".{0,80}\b(?:leads?|responsible|in charge|charge)\b|\blead(?:ing)? (?:department|agency|unit|body)s?\b|"
    r"\bresponsible (?:department|agency|unit|body)s?\b|\bwho (?:leads|is responsible)\b)"
)
_RESPONSIBLE_ASKED = re.compile(r"责任单位|责任部门|负责|(?i:responsible|in charge)")
# "(牵头单位:A,责任单位:B)", "(责任单位:市商务局、市财政局)", "（牵头单位：A；配合单位：B）"
_NOTE = re.compile(r"[（(]\s*((?:牵头|责任|配合)(?:单位|部门)\s*[:：][^（）()]{2,120})[）)]")
_ROLE = re.compile(r"(牵头|责任|配合)(?:单位|部门)\s*[:：]\s*([^，,；;]+(?:[，,；;](?!\s*(?:牵头|责任|配合)(?:单位|部门))[^，,；;]+)*)")
# words that ask who, not about what: they are in every note and in no item
_ASKING = re.compile(r"牵头|责任|单位|部门|负责|措施|这项|哪个|哪些|什么|由谁")
_ASKING_EN = re.compile(r"(?i)lead\w*|responsible|charge|departments?|agenc(?:y|ies)|bod(?:y|ies)|bureaus?|offices?|units?|measures?")


@dataclass(frozen=True)
class Note:
    n: int  # the passage
    item: str  # the measure the note follows
    note: str  # the note as written: "(牵头单位:…,责任单位:…)"
    roles: dict[str, str]  # 牵头 / 责任 / 配合 → the units, as written


def asks_lead(q: Question) -> bool:
    return q.kind != "compare" and bool(_LEAD_ASKED.search(q.text))


def is_note(sentence: str, asked: str) -> bool:
    """A sentence that is only a note of who leads ("(牵头单位:…,责任单位:…)"), where ``asked`` does not ask who:
    no content of a measure, so no answer to what it grants or targets."""
    return bool(_NOTE.fullmatch(sentence.strip(" 。;；"))) and not _LEAD_ASKED.search(asked)


def lead_answer(q: Question, scope: Scope) -> tuple[str, Verification] | None:
    """The units the note after the selected item names, or None when no item is selected clearly."""
    if not asks_lead(q):
        return None
    notes = [note for n in sorted(scope.eligible) for note in _notes(n, scope.hits[n - 1].text)]
    terms = [t for t in subject_terms(q) if not (_ASKING.fullmatch(t.english) or _ASKING_EN.fullmatch(t.english))]
    if not notes or not terms:
        return None
    held = [[term_in(t, note.item) for t in terms] for note in notes]
    counts = [sum(column) for column in zip(*held)]
    weights = [math.log(1 + (len(notes) + 1) / (1 + c)) for c in counts]  # as ``subject.coverage``
    scores = [sum(w for w, h in zip(weights, row) if h) for row in held]
    best = max(scores)
    if best <= 0 or best / sum(weights) < MIN_SHARE or scores.count(best) > 1:
        return None
    note = notes[scores.index(best)]
    role = "责任" if _RESPONSIBLE_ASKED.search(q.text) and "责任" in note.roles else "牵头" if "牵头" in note.roles else "责任"
    if role not in note.roles:
        return None
    units = note.roles[role]
    sentence = f"{note.item}{note.note}"
    if q.chinese:
        text = f"{role}单位：{units} [{note.n}]。原文：{quote(sentence, note.n)}"
    else:
        what = "lead unit" if role == "牵头" else "responsible unit(s)"
        text = f"The {what}: {units} [{note.n}]. The passage says: {quote(sentence, note.n)}"
    return text, Verification(text=text, cited=[note.n], stating=[(note.n, sentence)])


def _notes(n: int, text: str) -> list[Note]:
    out, start = [], 0
    for match in _NOTE.finditer(text):
        item = _last_item(text[start : match.start()])
        roles = {role: units.strip(" 。") for role, units in _ROLE.findall(match.group(1))}
        if item and roles:
            out.append(Note(n, item, match.group(), roles))
        start = match.end()
    return out


def _last_item(text: str) -> str:
    """The item a note follows: from its number ("10.", "(三)") or the last heading, else the text's last sentences."""
    numbered = list(re.finditer(r"(?:^|\s|。)(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十]{1,3}[）)])", text))
    item = text[numbered[-1].start() :] if numbered else text
    return item.lstrip(" 。\n")[-400:]
