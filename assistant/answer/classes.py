"""Classes a question names: "汤逊湖D类人才", "a Class C talent", "II类青年人才", "第二档", "二等奖". Policy text sorts its
recipients into lettered or numbered classes and pays each its own figure; the class is what tells one item
of such a list from the next, so it is a subject term of its own. Text often writes the classes once
("B、C、D、E类人才"): :func:`spelled_ranks` writes each in full for word matching."""

from __future__ import annotations

import re

from assistant.text.translate import Term

_RANK = r"(?:[A-Z]|IV|VI{0,3}|I{1,3}|[一二三四五六七八九十])"
_KIND = r"(?:类|档|等奖)"  # 等奖: "获得市级科学技术一、二、三等奖的，分别奖励…" ranks prizes as classes rank talents
# 这一类/某一类 are "this kind", not a class
_ZH_CLASS = re.compile(
    rf"(?<![A-Za-z这那某同此哪每])({_RANK}){_KIND}|第([一二三四五六七八九十])档|(?<![A-Za-z0-9])([1-5]A)级"
)  # …, and the A-grades of logistics firms and scenic spots: 5A级, 4A级
_RUN = re.compile(rf"((?:{_RANK}[、,，和及与]){{1,8}})({_RANK})({_KIND})")
_WORDS = {"one": "一", "two": "二", "three": "三", "four": "四", "five": "五", "1": "一", "2": "二", "3": "三",
          "4": "四", "5": "五"}  # fmt: skip
_EN_CLASS = re.compile(  # the letter in capitals: "a class" is no Class A
    r"\b(?i:class|category|type|tier|grade)[- ]([A-H]|IV|V|I{1,3}|[1-5]|(?i:one|two|three|four|five))\b"
    r"|\b([A-H])-(?i:class|category|type)\b|\b([1-5]A)(?:[- ](?i:level|grade|rated))?\b"
)


def chinese_class_terms(text: str) -> list[Term]:
    """ "D类" of "汤逊湖D类人才"; "二档" of "第二档"."""
    out = []
    for match in _ZH_CLASS.finditer(text):
        name = f"{match.group(2)}档" if match.group(2) else match.group(0)
        out.append(Term(name, (name,)))
    return out


def english_class_terms(text: str) -> tuple[str, list[Term]]:
    """The text without its class mentions, and their terms: "Class C" → C类 (or C档)."""
    terms = []
    for match in _EN_CLASS.finditer(text):
        if match.group(3):  # "4A-level" → 4A级
            terms.append(Term(match.group(0), (f"{match.group(3)}级",)))
            continue
        rank = (match.group(1) or match.group(2)).upper() if (match.group(1) or match.group(2)).isalpha() else ""
        word = (match.group(1) or "").lower()
        if word in _WORDS:
            numeral = _WORDS[word]
            renderings = (f"{numeral}类", f"{numeral}档", f"第{numeral}档", f"{word}类")
        else:
            renderings = (f"{rank}类", f"{rank}档")
        terms.append(Term(match.group(0), renderings))
    return _EN_CLASS.sub(" ", text), terms


def spelled_ranks(text: str) -> str:
    """ "汤逊湖B、C、D、E类人才" → "汤逊湖B类、C类、D类、E类人才" ("一、二、三等奖" likewise), for word matching only."""

    def spell(match: re.Match) -> str:
        kind = match.group(3)
        items = re.findall(rf"({_RANK})([、,，和及与])", match.group(1))
        return "".join(f"{rank}{kind}{sep}" for rank, sep in items) + f"{match.group(2)}{kind}"

    return _RUN.sub(spell, text)


_CLASS_NAME = re.compile(rf"^{_RANK}{_KIND}$|^第?[一二三四五六七八九十]档$|^[1-5]A级$")


def asked_classes(terms) -> list[str]:
    """The classes among a question's terms, as Chinese text writes them ("C类")."""
    return [t.chinese[0] for t in terms if t.chinese and _CLASS_NAME.match(t.chinese[0])]


def names_another_class(text: str, asked: list[str]) -> bool:
    """``text`` names classes, none of them one asked: "A类/按房价总额的20%…" is no answer about B类."""
    named = {t.english for t in chinese_class_terms(spelled_ranks(text))}
    return bool(asked and named) and not named & set(asked)


# "4.F类人才:具有副高级专业技术职务任职资格人员;…;硕士研究生;潮乡特支II类人才。": who belongs to a class, as a
# talent catalogue defines it before the figures each class is paid ("F类人才30万元")
_DEFINED = re.compile(rf"(?<![A-Za-z])({_RANK}{_KIND})(?:人才|企业|项目|人员)?\s*[:：]([^。\n]{{2,400}})")


def member_classes(terms, texts) -> dict[str, list]:
    """The classes whose definition in ``texts`` names one of ``terms`` that no other class's definition names,
    with those terms: a question about "a master's degree holder" is about F类 when only F类's definition lists
    硕士研究生."""
    defined: dict[str, str] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            defined.setdefault(match.group(1), match.group(2))
    found: dict[str, list] = {}
    for term in terms if len(defined) >= 2 else []:
        holding = [name for name, members in defined.items() if any(c and c in members for c in term.chinese)]
        if len(holding) == 1:
            found.setdefault(holding[0], []).append(term)
    return found
