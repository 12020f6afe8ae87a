"""Money amounts with the words that bound them: "up to RMB 30 million", "每家最高不超过500万元", "8000亿元以上".

``extract_amounts`` gives each amount of a text its qualifier (a bound beats a scope: "up to" over "each")
and the whole sentence it stands in; the repair step quotes them and the funding finder reads caps from them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from assistant.text.figures import Figure, find_figures
from assistant.text.sentences import sentence_spans


@dataclass(frozen=True)
class Amount:
    """A money figure with its qualifier ("up to", "每家不超过", or "") and its verbatim sentence."""

    figure: Figure
    qualifier: str
    sentence: str
    start: int
    end: int


_CLAUSE_BREAK = re.compile(r"[，,：:；;（(]")
_QUALIFIER_BEFORE = re.compile(
    r"(?i:(?<![A-Za-z])(?:up\s+to(?:\s+a\s+maximum\s+of)?|no\s+more\s+than|not\s+more\s+than|not\s+exceeding|not\s+to\s+exceed"
    r"|at\s+most|(?:a\s+)?maximum\s+of|a\s+ceiling\s+of|capped\s+at|no\s+less\s+than|not\s+less\s+than|at\s+least"
    r"|(?:a\s+)?minimum\s+of|more\s+than|less\s+than|about|approximately|around|nearly|per\s+[a-z]+|each)(?![A-Za-z]))"
    r"|最高不超过|不超过|不高于|不多于|最高|最多|最低|至少|不少于|不低于|上限|累计|合计|总计|共计|约|近|超过"
    r"|每[家个户项人年次]|单[个家户项]|一次性"
)
_QUALIFIER_AFTER = re.compile(
    r"(?i:(?<![A-Za-z])(?:(?:for\s+)?(?:per|each)\s+(?:enterprise|company|firm|project|household|person|year|annum|applicant)"
    r"|at\s+most|or\s+less|or\s+more|at\s+the\s+most)(?![A-Za-z]))|以内|以下|以上|左右|封顶|为限|/[家个户项人年]"
)

_BOUND = re.compile(
    r"(?i:up\s+to|more|less|exceed|most|least|maximum|minimum|ceiling|capped)"
    r"|不超过|不高于|不多于|最高|最多|最低|至少|不少于|不低于|上限|超过|以内|以下|以上|封顶|为限"
)


def _qualifier(text: str, figure: Figure, window_start: int, window_end: int) -> str:
    """The qualifier phrase before the figure, or after it; a bound ("up to", 以上) beats a scope (每家)."""
    before = text[window_start : figure.start]
    matches = list(_QUALIFIER_BEFORE.finditer(before))
    after = _QUALIFIER_AFTER.search(text[figure.end : window_end])
    candidates = [before[matches[0].start() : matches[-1].end()]] if matches else []
    candidates += [after.group()] if after else []
    bounds = [q for q in candidates if _BOUND.search(q)]
    return (bounds or candidates or [""])[0]


def extract_amounts(text: str) -> list[Amount]:
    """Money amounts in ``text`` with the qualifier words near them and their whole sentence."""
    figures = find_figures(text)
    sentences = sentence_spans(text)
    amounts = []
    for i, figure in enumerate(figures):
        if figure.kind != "amount":
            continue
        i_sentence = bisect.bisect_right(sentences, (figure.start, len(text))) - 1
        start, end = sentences[i_sentence]
        prev_end = figures[i - 1].end if i else 0
        next_start = figures[i + 1].start if i + 1 < len(figures) else len(text)
        left = max(start, prev_end, figure.start - 30)
        breaks = list(_CLAUSE_BREAK.finditer(text, left, figure.start))
        left = breaks[-1].end() if breaks else left
        right = min(end, next_start, figure.end + 30)
        stop = _CLAUSE_BREAK.search(text, figure.end, right)
        right = stop.start() if stop else right
        qualifier = _qualifier(text, figure, left, right)
        amounts.append(Amount(figure, qualifier, text[start:end], start, end))
    return amounts
