"""What a comparison asks of each party when it asks each something of its own: "the maximum subsidy per
enterprise under Pudong's NOx rules versus the maximum one-off subsidy per rooftop PV project under Songjiang's
measures"; "嘉定区…按什么比例承担？静安区…不超过多少比例？". Each party's clause is its own question: its
passages are searched with it, its provision selected by its words, its document chosen by its title words.
A comparison asking one thing of every party ("Compare Shanghai and Anhui on computing-power subsidies") has
no party clauses and is read as a whole."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.places import Place, gazetteer, remove_places

# Where one party's question ends and the next one's begins: a sentence end, or a contrasting link.
_CLAUSE_BREAK = re.compile(
    r"[;；?？。]"
    r"|[,，]?\s*(?i:\bcompared (?:with|to)\b|\bas against\b|\bversus\b|\bvs\.?(?=\s)|\bwhile\b|\bwhereas\b)"
    r"|[,，]\s*(?:而|相比之下|与之相比)"
)


def party_clauses(text: str, parties: Sequence[Place]) -> tuple[str, ...]:
    """Each party's own clause of ``text``, aligned with ``parties``; () when the question does not split into
    clauses that each name exactly one party (the whole question is then asked of every party). A clause
    naming no party (a lead-in, "Compare the per-recipient caps:") is part of the clause after it."""
    if len(parties) < 2:
        return ()
    pieces, lead = [], ""
    for clause in _clauses(text):
        named = [p for p in parties if _names(clause, p)]
        if not named:
            lead += clause
            continue
        if len(named) > 1:
            return ()
        pieces.append((named[0], (lead + clause).strip(" ,，")))
        lead = ""
    if lead.strip(" ,，?？。") and pieces:  # a tail naming no party ("…, respectively?") belongs to every clause
        pieces = [(p, f"{c} {lead.strip()}") for p, c in pieces]
    owners = [p for p, _ in pieces]
    if sorted(p.code for p in owners) != sorted(p.code for p in parties) or not all(_asks(c) for _, c in pieces):
        return ()
    return tuple(next(c for p, c in pieces if p == party) for party in parties)


def party_phrases(text: str, parties: Sequence[Place]) -> tuple[str, ...]:
    """What ``text`` says right after each party's name, up to the next party's name or the sentence's end:
    "Lucheng's policy on industrial development or Ganjingzi's interim reward measures?" → each one's document
    words, where no clause split the question. () when a party is not named."""
    starts = []
    for party in parties:
        at = [m.start for m in gazetteer().mentions(text) if party in m.candidates]
        if not at:
            return ()
        starts.append(min(at))
    ends = sorted(starts)[1:] + [len(text)]
    out = []
    for start in starts:
        phrase = text[start : min(e for e in ends if e > start)]
        words = re.split(r"[;；?？。,，]", phrase)[0].strip()
        out.append(re.sub(r"(?:\s+(?:or|and|versus|vs\.?)|[和与或及])$", "", words).strip())
    return tuple(out)


def _clauses(text: str) -> list[str]:
    out, cursor = [], 0
    for found in _CLAUSE_BREAK.finditer(text):
        out.append(text[cursor : found.end()] if found.group().strip() in "?？;；。" else text[cursor : found.start()])
        cursor = found.end()
    out.append(text[cursor:])
    return [c for c in out if c.strip()]


_LINK_WORDS = re.compile(
    r"(?i:\b(?:compared|with|to|as|against|versus|vs|while|whereas|and|in|of|for|the|that|those|one|ones|about|"
    r"how|what|does|do|is|are|it|its|their|s)\b)|而|相比之下|与之相比|相比|对比|比较|和|与|呢|的|[\W_]"
)


def _asks(clause: str) -> bool:
    """A clause asks something of its own: words besides its place and the links ("compared with Wuhan?" does not)."""
    return bool(_LINK_WORDS.sub("", remove_places(clause)).strip())


def _names(clause: str, party: Place) -> bool:
    if party.level == "document":
        return False  # documents compared are named by title words, not places: read as a whole
    return any(party in m.candidates for m in gazetteer().mentions(clause))

