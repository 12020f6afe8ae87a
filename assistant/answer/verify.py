"""Post-generation checks: citations point at given passages, every figure is in the passage it cites."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text.numbers import unsupported_figures
from assistant.text.sentences import sentence_spans

_QUOTE = re.compile(r"“[^”\n]*”")
_CITATION = re.compile(r"\[(\d+(?:\s*[,，、]\s*\d+)*)\]")
_TABLE_STRUCTURE = re.compile(r"\|(?:[^|\[\]\d]*\|)+|\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?")


QUOTED_SPAN = re.compile(r"“[^”]*”")  # a quote of the source inside an answer: its figures are the source's


@dataclass
class Verification:
    text: str
    cited: list[int] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    uncited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "claim — why it is not verified"
    stating: list[tuple[int, str]] = field(default_factory=list)  # (passage, sentence) that states each claim

    @property
    def verified(self) -> bool:
        return not self.unverified and not self.uncited


def citations_in(text: str) -> list[int]:
    numbers = []
    for match in _CITATION.finditer(text):
        numbers.extend(int(n) for n in re.split(r"[,，、\s]+", match.group(1)) if n)
    return numbers


def strip_citations(text: str) -> str:
    return _CITATION.sub(" ", text)


# "…东北部。段落[1]" / "… end. Passage [1]": a citation left dangling after the sentence it belongs to.
_DANGLING = re.compile(
    r"([.。])\s*(?:(?:段落|原文)(?:编号)?[:：]?|(?:passages?|sources?)(?: numbers?)?:?)?\s*((?:\[\d+\]\s*)+)[.。]?(?=$|\n)",
    re.I,
)


def drop_invalid_citations(text: str, n_passages: int) -> str:
    """Citations to passages that were not given are removed; dangling ones rejoin their sentence."""

    def keep_valid(match: re.Match) -> str:
        valid = [n for n in citations_in(match.group()) if 1 <= n <= n_passages]
        return "".join(f"[{n}]" for n in dict.fromkeys(valid))

    text = _DANGLING.sub(lambda m: f" {m.group(2).strip()}{m.group(1)}", text)
    text = re.sub(r"(\[\d+\])(?:\s*\1)+", r"\1", text)
    return re.sub(r"\s+(?=[.。,，;；]|$)", "", _CITATION.sub(keep_valid, text)).strip()


def claims(text: str) -> list[str]:
    """Sentences that assert something. A table row is one claim; header and separator rows are structure."""
    found, in_table = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            header, in_table = not in_table, True  # a table's first row names its columns
            found += [] if header or _TABLE_STRUCTURE.fullmatch(stripped) else [stripped]
            continue
        in_table = False
        masked = _QUOTE.sub(lambda m: "“" + re.sub(r"[。！？!?.]", "，", m.group()[1:-1]) + "”", line)
        spans = sentence_spans(masked, semicolons=False, citations=True)  # a quote is never split into claims
        found += [line[a:b].strip() for a, b in spans if line[a:b].strip(" []0123456789,.")]
    return found


def verify_answer(answer: str, passages: list[str]) -> Verification:
    """Checks every sentence: it cites a given passage, and its figures occur in what it cites."""
    text = drop_invalid_citations(answer, len(passages))
    result = Verification(text=text)
    for claim in claims(text):
        cited = [n for n in citations_in(claim) if 1 <= n <= len(passages)]
        result.cited.extend(n for n in cited if n not in result.cited)
        bare = _CITATION.sub("", claim).strip()
        if not cited:
            result.uncited.append(bare)
            if unsupported_figures(bare, passages):
                result.unverified.append(bare)
            continue
        if unsupported_figures(bare, [passages[n - 1] for n in cited]):
            result.unverified.append(bare)
    return result
