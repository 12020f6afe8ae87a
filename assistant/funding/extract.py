"""Funding provisions in one text: figures from ``text.figures``, their roles from the words around them
(``patterns``).

A provision is a clause that grants money and states a figure: a cap in yuan, a ratio of the cost, or
both ("给予核定合同额最高50%、最高500万元补贴"). Each figure is classified by its neighbourhood: a voucher
total ("发放6亿元算力券"), a fund size ("总规模不低于200亿元的…基金"), a cap, a threshold the applicant
must reach ("总投资超过1亿元的项目", kept as a qualifier) or a target ("产业规模达8000亿元", dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.funding import patterns as words
from assistant.text.figures import Figure, find_figures
from assistant.text.sentences import sentence_spans
from assistant.text.unwrap import tidy


@dataclass(frozen=True)
class Provision:
    """One funding provision of a text; ``start:end`` is its verbatim span in that text."""

    start: int
    end: int
    span: str
    item: str = ""
    recipient: str = ""
    support: str = ""
    cap_text: str = ""
    cap_yuan: float | None = None
    cap_min_yuan: float | None = None
    ratio_text: str = ""
    ratio: float | None = None
    period: str = ""
    qualifiers: tuple[str, ...] = ()
    kind: str = "subsidy"  # subsidy | voucher | fund
    heading: str = ""


@dataclass
class _Money:
    """A figure with the role its neighbourhood gives it."""

    figure: Figure
    low: Figure | None = None  # the first end of a range ("100-300万元")
    role: str = "cap"  # cap | ratio | voucher | fund | threshold | target
    voucher: str = ""

    @property
    def start(self) -> int:
        return (self.low or self.figure).start

    @property
    def end(self) -> int:
        return self.figure.end


def extract_provisions(text: str) -> list[Provision]:
    """Every funding provision of ``text``, in order of position."""
    headings = [(m.start(1), tidy(m.group(1))) for m in words.HEADING.finditer(text)]
    found: list[Provision] = []
    for start, end in _sentences(text):
        start = _after_stray_paren(text, start, end)
        sentence = text[start:end]
        if words.PENALTY.search(sentence):
            continue
        lead_in = not words.FUNDING.search(sentence) and (
            _under_funding_lead_in(text, start) or row_under_funding_header(text, start) or class_after_colon(text, start) is not None
        )
        if not (lead_in or words.FUNDING.search(sentence)):
            continue
        heading = next((h for offset, h in reversed(headings) if offset <= start), "")
        found += _sentence_provisions(text, start, end, heading, lead_in)
    return found


def _under_funding_lead_in(text: str, position: int) -> bool:
    """The sentence is in a numbered item ("1、分布式光伏：0.25元/千瓦时。") of a list whose lead-in line, ending in a
    colon, grants ("项目奖励标准如下："); only numbered lines may stand between the two."""
    line_start = text.rfind("\n", 0, position) + 1
    if not words.NUMBERED_LINE.match(text, line_start):
        return False
    for _, line in _lines_above(text, line_start):
        if line.endswith(("：", ":")):
            return bool(words.FUNDING.search(line)) and not words.PENALTY.search(line)
        if not words.NUMBERED_LINE.match(line):
            return False
    return False


def class_after_colon(text: str, position: int) -> int | None:
    """Where the granting colon is when the sentence at ``position`` is one class's item of a list run on after
    it, items apart by semicolons ("房票金额为:A类人才一事一议;B类人才150万元;C类人才120万元;…"); else None."""
    if not _CLASS_ITEM.match(text, position):
        return None
    colon = max(text.rfind(":", 0, position), text.rfind("：", 0, position))
    run = text[colon + 1 : position]
    if colon < 0 or re.search(r"[。\n]", run) or not re.search(r"[;；]\s*$", run):
        return None
    lead = re.split(r"[。；;\n]", text[max(0, colon - 40) : colon + 1])[-1]
    return colon if words.FUNDING_COLON.search(lead) and not words.PENALTY.search(lead) else None


_CLASS_ITEM = re.compile(r"\s*(?:[A-Z]|IV|VI{0,3}|I{1,3})类?[\u4e00-\u9fff]")


def _lines_above(text: str, line_start: int, limit: int = 30):
    """(start, stripped text) of the non-empty lines above the line starting at ``line_start``, nearest first."""
    cursor = line_start
    for _ in range(limit):
        if cursor == 0:
            return
        previous_start = text.rfind("\n", 0, cursor - 1) + 1
        line = text[previous_start : cursor - 1].strip()
        cursor = previous_start
        if line:
            yield previous_start, line


_CLASS_ROW = re.compile(r"[ \t]*(?:[A-Z]|IV|VI{0,3}|I{1,3})类")


def table_header_start(text: str, position: int) -> int | None:
    """Where the header line of the class table whose row holds ``position`` starts ("人才类别/购房补贴(3年内新购房)"
    above "A类/…", "B类/…"); None when that line is no row of such a table."""
    line_start = text.rfind("\n", 0, position) + 1
    if not _CLASS_ROW.match(text, line_start):
        return None
    return next((start for start, line in _lines_above(text, line_start) if not _CLASS_ROW.match(line)), None)


def row_under_funding_header(text: str, position: int) -> bool:
    """The sentence is a row of a class table ("B类/按房价总额的15%,最高不超过20万元") whose header names a grant."""
    header = table_header_start(text, position)
    line = text[header : text.find("\n", header)] if header is not None else ""
    return bool(words.FUNDING.search(line)) and not words.PENALTY.search(line)


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentences, and list items ("（1）一等奖…") as sentences of their own even without a full stop."""
    spans = []
    for start, end in sentence_spans(text):
        cuts = [m.start() for m in words.LIST_ITEM.finditer(text, start, end)]
        bounds = [start, *cuts, end]
        spans += [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if text[a:b].strip()]
    return spans


def _after_stray_paren(text: str, start: int, end: int) -> int:
    """A sentence that begins inside or with "（牵头单位：…；…）" starts after the closing bracket."""
    close = re.search(r"[）)]", text[start:end])
    opening = re.search(r"[（(]", text[start : start + close.start()]) if close else None
    if close and (opening is None or not text[start : start + opening.start()].strip()):
        return start + close.end()
    return start


def _clause_start(text: str, lower: int, position: int) -> int:
    breaks = list(words.CLAUSE_BREAK.finditer(text, lower, position))
    return breaks[-1].end() if breaks else lower


def _clause_end(text: str, position: int, upper: int) -> int:
    stop = words.CLAUSE_BREAK.search(text, position, upper)
    return stop.start() if stop else upper


def _moneys(text: str, start: int, end: int) -> list[_Money]:
    figures = [
        Figure(f.value, f.kind, f.text, f.start + start, f.end + start, f.currency)
        for f in find_figures(text[start:end])
    ]
    for pair in words.RATIO_PAIR.finditer(text, start, end):  # "按照1:1的比例配套": the second per unit of the first
        first, second = float(pair.group(1)), float(pair.group(2))
        if first > 0 and 0 < second / first <= 1:
            figures = [f for f in figures if f.end <= pair.start() or f.start >= pair.end()]
            figures.append(Figure(second / first * 100, "percent", pair.group(), pair.start(), pair.end()))
    figures.sort(key=lambda f: f.start)
    out: list[_Money] = []
    for i, figure in enumerate(figures):
        is_money = figure.kind == "amount" and figure.currency in ("", "CNY")
        if figure.kind == "percent" or is_money:
            previous = figures[i - 1] if i else None
            low = None
            same_unit = previous is not None and previous.kind in (figure.kind, "count")
            if same_unit and words.RANGE_GAP.match(text[previous.end : figure.start]) and previous.value < figure.value:
                low = previous
                if out and out[-1].figure is previous:
                    out.pop()
            out.append(_Money(figure, low))
    return out


def _classify(text: str, sentence_start: int, sentence_end: int, money: _Money, lead_in: bool = False) -> None:
    figure = money.figure
    clause_start = _clause_start(text, sentence_start, money.start)
    before = text[clause_start : money.start]
    after = text[money.end : sentence_end]
    near = text[max(sentence_start, money.start - 30) : min(sentence_end, money.end + 30)]
    head = text[sentence_start : money.start]
    revised_from = head.rfind("由")
    if revised_from >= 0 and not words.REVISED_TO.search(head, revised_from) and words.REVISED_TO.search(after):
        money.role = "replaced"  # "由0.15元/千瓦时调整至0.25元/千瓦时": the old figure
        return
    revision = revised_from >= 0 and re.search(rf"(?:{words.REVISED_TO.pattern})\s*$", head[revised_from:])
    if revision and words.FUNDING.search(head[:revised_from]):
        near = head[:revised_from]  # the new figure of a revised 奖励标准, however long the list it replaces
    if not (words.FUNDING.search(near) or lead_in or words.FUNDING_COLON.search(head)):
        money.role = "target"
    elif figure.kind == "percent":
        grants = list(words.GRANT_VERB.finditer(text, sentence_start, money.start))
        growth = words.GROWTH.search(text, max(clause_start, grants[-1].end() if grants else 0), money.start)
        rest_of_clause = text[money.end : _clause_end(text, money.end, sentence_end)]
        granted = (
            grants
            or words.SUPPORT_NOUN.match(after)
            or words.GRANT_VERB.search(rest_of_clause)
            or "上浮" in before[-6:]
            or (words.RATIO_BASE.search(before) and (lead_in or words.GRANT_NEXT.match(after)))
        )  # under a granting lead-in or table header, "按房价总额的15%" is the share granted
        minimum = re.search(r"(?:不少于|不低于|至少|(?i:at\s+least))\s*$", before)
        money.role = "ratio" if granted and not (growth and "上浮" not in before[-6:]) and not minimum else "target"
    elif voucher := (words.VOUCHER_AFTER.match(after) or words.VOUCHER_BEFORE.search(before)):
        money.role, money.voucher = "voucher", voucher.group(1)
    elif words.ANY_VOUCHER.search(before):  # "单张券面额最高50万元": the voucher named earlier in the sentence
        named = re.findall(words.VOUCHER_NAME, text[sentence_start : money.start])
        money.role, money.voucher = "voucher", named[-1] if named else "券"
    elif words.FUND_NOUN.search(after[:30]) or words.FUND_NOUN.search(before):
        money.role = "fund"
    elif words.RANGE_TO.match(after) or (words.RANGE_FROM.search(before) and "的" in after[:2]):
        money.role = "threshold"  # a tier's range, "1亿元（含1亿元）至2亿元的": its condition, not its grant
    elif (words.REACH.search(before) or words.SHORT_OF.search(before)) and words.GRANT_AFTER_CLAUSE.match(after):
        money.role = "threshold"  # "纳税总额超过5万元，可给予10万元": the tier's bound, then its grant
    elif words.ABOVE.match(after) or (
        words.REACH.search(before)
        and (words.METRIC.search(before) or after.lstrip().startswith("的"))
        and not words.BOUND.search(before)
    ):
        money.role = "threshold"
    elif (metric := words.METRIC.search(before)) and not (
        words.GRANT_VERB.search(before, metric.end()) or words.BOUND.search(before)
    ):
        money.role = "threshold" if "的" in after[:3] else "target"


_GRANT_FLOOR = re.compile(r"(?:给予|予以|奖励|补贴|补助|资助|安排)\s*(?:不少于|不低于)\s*$")  # "分别给予不少于500万元、…"
# "每年分别给予5000元、3000元的生活补贴": figures straight after the grant verb are granted, whatever 的 names
_GRANTED_LIST = re.compile(r"(?:给予|予以|发放)\s*(?:分别|依次)?\s*$")
_CONDITION_AFTER = re.compile(r"\s*(?:及以上|以上|以下)?\s*的(?![，,、]|奖|补|资助|扶持|支持|资金|标准|一次性)")
_LIST_GAP = re.compile(r"\s*(?:[（(][\u4e00-\u9fffA-Za-z]{1,12}[）)])?\s*[、，,]\s*")


def _one_role_per_list(text: str, moneys: list[_Money]) -> None:
    """ "每人每年3万元(博士)、1.44万元(硕士)、0.72万元(本科)…的标准发放生活补贴": the figures of one list are all
    granted when one is, however far the first stands from the grant word."""
    runs: list[list[_Money]] = []
    for money in moneys:
        if runs and _LIST_GAP.fullmatch(text[runs[-1][-1].end : money.start]) and money.figure.kind == runs[-1][-1].figure.kind:
            runs[-1].append(money)
        else:
            runs.append([money])
    for run in runs:
        before = text[max(0, run[0].start - 12) : run[0].start]
        bound = (words.REACH.search(before) or words.SHORT_OF.search(before)) and not _GRANT_FLOOR.search(before)
        condition = _CONDITION_AFTER.match(text, run[-1].end) and not _GRANTED_LIST.search(before)
        if len(run) > 1 and (bound or condition):
            for money in run:  # "财力贡献超过3000万元、2000万元、1000万元的建筑业企业": the tiers' bounds
                money.role = "threshold" if money.role in ("cap", "target") else money.role
        elif any(m.role == "cap" for m in run):
            for money in run:
                money.role = "cap" if money.role == "target" else money.role


def _groups(text: str, moneys: list[_Money]) -> list[tuple[_Money | None, list[_Money]]]:
    """(ratio, amounts) per provision: a ratio takes the cap right after it; "A、B" amounts stay separate."""
    groups: list[tuple[_Money | None, list[_Money]]] = []
    pending_ratio: _Money | None = None
    for money in moneys:
        if money.role == "ratio":
            if pending_ratio is not None:
                groups.append((pending_ratio, []))
            pending_ratio = money
        elif money.role in ("cap", "voucher", "fund"):
            gap = text[pending_ratio.end : money.start] if pending_ratio is not None else ""
            if pending_ratio is not None and (words.PAIR_GAP.match(gap) or words.PER_RECIPIENT_GAP.match(gap)):
                groups.append((pending_ratio, [money]))
            else:
                if pending_ratio is not None:
                    groups.append((pending_ratio, []))
                listed = groups and groups[-1][1] and words.LIST_GAP.match(text[groups[-1][1][-1].end : money.start])
                shared_ratio = groups[-1][0] if listed and money.role == "voucher" else None
                groups.append((shared_ratio, [money]))
            pending_ratio = None
    if pending_ratio is not None:
        groups.append((pending_ratio, []))
    return groups


def _sentence_provisions(text: str, start: int, end: int, heading: str, lead_in: bool = False) -> list[Provision]:
    moneys = _moneys(text, start, end)
    for money in moneys:
        _classify(text, start, end, money, lead_in)
    _one_role_per_list(text, moneys)
    thresholds = [
        tidy(text[_clause_start(text, start, m.start) : _clause_end(text, m.end, end)])
        for m in moneys
        if m.role == "threshold"
    ]
    provisions = []
    groups = _groups(text, moneys)
    listed_amounts = [g[1][0] for g in groups if g[1]]
    for ratio, amounts in groups:
        first = ratio or amounts[0]
        last = amounts[-1] if amounts else ratio
        lower = max([start, *(p.end for p in provisions if p.end <= first.start)])
        provisions.append(
            _provision(text, start, end, first, last, ratio, amounts, heading, thresholds, listed_amounts, lower)
        )
    return provisions


def _provision(text, start, end, first, last, ratio, amounts, heading, thresholds, listed, lower) -> Provision:
    """``lower``: where the previous provision of the sentence ended; this one's span starts after it."""
    cap = amounts[0] if amounts else None
    clause_start = _clause_start(text, lower, first.start)
    target_match = _last_target(text, start, first.start)
    span_start = clause_start
    if target_match and target_match.start() >= lower:
        span_start = min(clause_start, target_match.start())
    if not words.FUNDING.search(text[clause_start : first.start]) and span_start == clause_start > lower:
        span_start = _clause_start(text, lower, clause_start - 1)  # "分类予以奖励，最高500万元"
    span_start = _subject_start(text, lower, span_start)
    span_end = _clause_end(text, last.end, end)
    while span_end > last.end and text[span_end - 1].isspace():
        span_end -= 1
    post = text[last.end : span_end]
    support = words.SUPPORT_NOUN.match(post)
    support_text = tidy(support.group(1)) if support else ""
    recipient, item = _recipient_and_item(text, start, first.start, target_match, cap, listed)
    used_for = words.USED_FOR.search(text, last.end, end)
    if cap is not None and cap.role == "voucher":
        item = cap.voucher
    elif cap is not None and cap.role == "fund" and (fund := re.match(r"^\s*的?([^，。；]{0,24}?(?:基金|资金))", post)):
        item = tidy(fund.group(1))
    elif used_for:
        item = _shorten(tidy(used_for.group(1)).rstrip("等"))
    elif not item:
        activity_start, item = _nearest_activity(text, lower, clause_start)
        span_start = min(span_start, activity_start) if item else span_start
    if not item and support_text not in words.GENERIC_SUPPORT:
        item = support_text
    if not item:
        prefix = re.sub(r"^\s*[（(]?\d{1,2}[)）.、．]", "", text[clause_start : first.start])
        item = _shorten(tidy(re.split(r"原则上|不超过|最高|按照|按|给予|予以", prefix)[0]))
    if not item:
        item = re.sub(r"^\S*?[.．、）)]\s*", "", heading)
    period_window = tidy(text[clause_start:span_end])
    periods = [m.group().strip() for m in words.PERIOD.finditer(period_window) if not _is_year(m.group())]
    qualifier_window = tidy(text[start:span_end])
    qualifiers = tuple(dict.fromkeys([*(m.group() for m in words.QUALIFIER.finditer(qualifier_window)), *thresholds]))
    return Provision(
        start=span_start,
        end=span_end,
        span=text[span_start:span_end],
        item=item,
        recipient=recipient,
        support=support_text,
        cap_text=_cap_text(text, start, cap) if cap else "",
        cap_yuan=cap.figure.value if cap else None,
        cap_min_yuan=cap.low.value if cap and cap.low else None,
        ratio_text=_ratio_text(text, start, ratio) if ratio else "",
        ratio=ratio.figure.value if ratio else None,
        period="、".join(dict.fromkeys(tidy(p) for p in periods)),
        qualifiers=qualifiers,
        kind="voucher" if cap and cap.role == "voucher" else "fund" if cap and cap.role == "fund" else "subsidy",
        heading=heading,
    )


def _subject_start(text: str, sentence_start: int, span_start: int) -> int:
    """The span opens on its clause's own words, not on the stray whitespace before them."""
    while span_start < len(text) and text[span_start].isspace():
        span_start += 1
    return max(span_start, sentence_start)


def _is_year(token: str) -> bool:
    digits = re.sub(r"\D", "", token)
    return len(digits) == 4 and 1900 <= int(digits) <= 2100


def _last_target(text: str, start: int, position: int) -> re.Match[str] | None:
    """The last "对…"/"向…"/"面向…" (or English "For …,") phrase before ``position``: who or what is funded."""
    matches = list(words.TARGET_OF.finditer(text, start, position)) or list(
        words.FOR_EN.finditer(text, start, position)
    )
    return matches[-1] if matches else None


def _recipient_and_item(text, start, position, target, cap, listed) -> tuple[str, str]:
    if target is None:
        return "", ""
    phrase = tidy(target.group(1))
    core = words.PAREN_TAIL.sub("", phrase)
    between = text[target.end() : position]
    if "分别" in between and cap is not None and len(listed) > 1:
        parts = re.split(r"、", core)
        alike = len(parts) == len(listed) and min(map(len, parts)) * 2 >= max(map(len, parts))
        if alike and cap in listed:  # "对A、B分别给予最高200万元、100万元": A gets the first
            core = phrase = parts[listed.index(cap)]
    if words.RECIPIENT_END.search(core):
        activity = re.sub(r"的?[^的]*$", "", core) if "的" in core else ""
        if words.QUALIFIER.fullmatch(activity) or words.QUALIFIER.fullmatch(activity + "的"):
            activity = ""  # "符合条件的企业" says who, not what
        return phrase, _shorten(activity)
    return "", _shorten(phrase)


def _nearest_activity(text: str, start: int, clause_start: int) -> tuple[int, str]:
    """The closest earlier clause of the sentence that names an activity ("支持建设…基地"), and where it starts."""
    cursor = clause_start
    while cursor > start:
        previous_start = _clause_start(text, start, cursor - 1)
        clause = tidy(text[previous_start : cursor - 1])
        cursor = previous_start
        if clause and not words.CONNECTOR.match(clause) and not re.search(r"\d", clause):
            return _subject_start(text, start, previous_start), _shorten(words.LEAD_VERB.sub("", clause))
    return clause_start, ""


def _shorten(phrase: str, limit: int = 24) -> str:
    if len(phrase) <= limit or (words.ASCII_ONLY.match(phrase) and len(phrase) <= 4 * limit):
        return phrase
    for mark in ("的", "等"):
        cut = phrase.rfind(mark)
        if 0 <= cut < len(phrase) - 3:
            return phrase[cut + 1 :]
    return phrase[-limit:]


def _cap_text(text: str, start: int, cap: _Money) -> str:
    before = text[max(start, cap.start - 12) : cap.start]
    bound = words.BOUND.search(before)
    begin = cap.start - (len(before) - bound.start()) if bound else cap.start
    unit = words.PER_UNIT.match(text, cap.end)  # "0.25元/千瓦时" is a rate, not a 0.25-yuan cap
    return tidy(text[begin : unit.end() if unit else cap.end])


def _ratio_text(text: str, start: int, ratio: _Money) -> str:
    clause_start = _clause_start(text, start, ratio.start)
    before = text[clause_start : ratio.start]
    verbs = list(re.finditer(r"给予|予以|按照|按|发放|、|上浮|(?i:up\s+to)", before))
    begin = clause_start + verbs[-1].end() if verbs else clause_start
    if verbs and verbs[-1].group() in ("上浮",):
        begin = clause_start + verbs[-1].start()
    return tidy(text[begin : ratio.end])[-40:]
