"""Funding provisions in one text: figures from ``numbers``, their roles from the words around them.

A provision is a clause that grants money and states a figure: a cap in yuan, a ratio of the cost, or
both ("给予核定合同额最高50%、最高500万元补贴"). Each figure is classified by its neighbourhood: a voucher
total ("发放6亿元算力券"), a fund size ("总规模不低于200亿元的…基金"), a cap, a threshold the applicant
must reach ("总投资超过1亿元的项目", kept as a qualifier) or a target ("产业规模达8000亿元", dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..numbers import Figure, find_figures, sentence_spans

_FUNDING = re.compile(
    r"给予|予以|补贴|补助|奖励|资助|扶持|奖补|贴息|支持|资金|经费|券|基金|兑付|配套|奖金"
    r"|(?i:subsid|grant|fund|support|reward|award|voucher|incentive|bonus)"
)
_PENALTY = re.compile(r"罚款|罚金|没收|违法所得|fine[sd]?\b|penalt")
_CLAUSE_BREAK = re.compile(r"[，,：:]")
_GRANT_VERB = re.compile(r"给予|予以|补贴|补助|奖励|资助|扶持|奖补|支持|发放|兑付|(?i:offer|provid|grant|award|subsid)")
_METRIC = re.compile(
    r"投资|营收|营业收入|收入|产值|销售|合同|规模|融资|估值|市值|注册资本|研发投入|采购额|交易额|出口|增加值|总量|市场"
    r"|(?i:revenue|sales|turnover|output|investment|market)"
)
_REACH = re.compile(r"(?:(?<!不)超过|达到|达|突破|(?<!不)高于|满|在|实现|力争|(?i:exceed\w*|reach\w*|over|above))\s*$")
_ABOVE = re.compile(r"^\s*(?:及|或)?以上|^\s*(?i:or\s+more|and\s+above)")
_GROWTH = re.compile(
    r"增长|提高|提升|下降|降低|达到|占|比重|覆盖|渗透|(?<!不)超过|增速|增幅|(?i:grow|increas|reduc|share)"
)
_BOUND = re.compile(
    r"(?:最高不超过|累计不超过|不超过|不高于|最高可达|最高可|最高|最多|上限为?|封顶|合计|累计"
    r"|(?i:up\s+to(?:\s+a\s+maximum\s+of)?|a\s+maximum\s+of|no\s+more\s+than|not\s+exceeding|capped\s+at))"
    r"(?:支持|补贴|奖励|资助|给予)?\s*$"
)
_VOUCHER_NAME = r"(?:科技创新|算力|模型|语料|训力|数据|创新|科技|服务|消费|人才|培训|研发|检测|应用|智能|(?!单张|每张)[\u4e00-\u9fff]{2})券"
_ANY_VOUCHER = re.compile(r"券[”\"]?[^，。；]{0,14}$")
_VOUCHER_AFTER = re.compile(rf"^\s*的?\s*[“\"]?({_VOUCHER_NAME})")
_VOUCHER_BEFORE = re.compile(rf"({_VOUCHER_NAME})[”\"]?[^，。；]{{0,14}}$")
_FUND_NOUN = re.compile(r"^[^，。；]{0,24}?(?:基金|专项资金|引导资金|发展资金)|基金[^，。；]{0,10}$")
_RANGE_GAP = re.compile(r"^\s*(?:-|－|–|—|~|～|至|到)\s*$")
_LIST_GAP = re.compile(r"^\s*(?:的?[\u4e00-\u9fff]{0,4}券)?\s*[、，,]\s*(?:最高|不超过|最多)?\s*$")
_PAIR_GAP = re.compile(r"^[^。；\d对]{0,16}$")
_PERIOD = re.compile(
    r"一次性|每(?:年度?|季度|个?月|半年)|首年|(?:最多|最长|连续|分)?\s*[\d一二三四五六七八九十两]+"
    r"(?:\s*[-－~～至到]\s*[\d一二三四五六七八九十两]+)?\s*(?:个\s*月|年)(?:内|累计)?(?![度底初末])|累计"
    r"|(?i:one-off|one-time|annual(?:ly)?|per\s+year|each\s+year)"
)
_QUALIFIER = re.compile(
    r"经(?:认定|评定|审核|评审|评估|认证|备案|市政府批准|省政府批准|批准)|择优|首次|首版次|首台套|首批次|首购|新认定|新引进"
    r"|符合条件的|评选优秀|揭榜成功|获奖|免申即享|核定|不重复|分类|分档|分期|上浮|(?i:eligible|first-time|selected)"
)
_TARGET_OF = re.compile(
    r"(?:(?<![针相面绝应核])对(?![接外比照于象话称应口])|(?<![方导走倾转指取流去内外双横纵意志])向(?![社全国海外]))"
    r"([^，。；：]{2,60}?)(?=，|分别|给予|予以|按|发放|实施|提供)"
)
_RECIPIENT_END = re.compile(
    r"(?:主体|企业|单位|机构|团队|人才|个人|高校|院所|园区|使用方|创始人|开发者|厂商|人员|专家|骨干|创业者)$"
)
_PAREN_TAIL = re.compile(r"[（(][^）)]*[）)]$")
_USED_FOR = re.compile(r"用于([^。；]{2,60})")
_FOR_EN = re.compile(r"(?i:\bfor\s+([^,.;]{3,80}),)")
_ASCII_ONLY = re.compile(r"^[\x00-\x7f]*$")
_LEAD_VERB = re.compile(r"^(?:支持|鼓励|推动|加快|开展|组织|实施)")
_CONNECTOR = re.compile(r"^(?:按照|按|根据|依据|经|对|向|并|且|其中|同时|原则上|市级|省级|区级|市区协同|省市统筹)")
_HEADING = re.compile(
    r"(?m)^[ \t\u3000]*((?:第[一二三四五六七八九十百]+条|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}\s*[.．、])"
    r"\s*[^。\n]{2,40})"
)
_LIST_ITEM = re.compile(
    r"(?<=[\n \t\u3000])[ \t\u3000]*(?=[（(]\d{1,2}[)）])|(?<=\n)[ \t\u3000]*(?=\d{1,2}[.、．](?!\d))"
)
_GENERIC_SUPPORT = {"支持", "补贴", "奖励", "资助", "补助", "奖补", "支持资金", "资金支持", "补贴资金", ""}
_SUPPORT_NOUN = re.compile(r"^\s*的?\s*([^，。；、\d]{0,10}?(?:补贴|支持|奖励|资助|补助|奖补|奖金|贴息))")


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


def tidy(text: str) -> str:
    """Document words for display: PDF line breaks inside a sentence removed, runs of spaces folded."""
    text = re.sub(r"(?<=[^\x00-\x7f])[ \t]*\n\s*|[ \t]*\n\s*(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def extract_provisions(text: str) -> list[Provision]:
    """Every funding provision of ``text``, in order of position."""
    headings = [(m.start(1), tidy(m.group(1))) for m in _HEADING.finditer(text)]
    found: list[Provision] = []
    for start, end in _sentences(text):
        start = _after_stray_paren(text, start, end)
        sentence = text[start:end]
        if not _FUNDING.search(sentence) or _PENALTY.search(sentence):
            continue
        heading = next((h for offset, h in reversed(headings) if offset <= start), "")
        found += _sentence_provisions(text, start, end, heading)
    return found


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentences, and list items ("（1）一等奖…") as sentences of their own even without a full stop."""
    spans = []
    for start, end in sentence_spans(text):
        cuts = [m.start() for m in _LIST_ITEM.finditer(text, start, end)]
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
    breaks = list(_CLAUSE_BREAK.finditer(text, lower, position))
    return breaks[-1].end() if breaks else lower


def _clause_end(text: str, position: int, upper: int) -> int:
    stop = _CLAUSE_BREAK.search(text, position, upper)
    return stop.start() if stop else upper


def _moneys(text: str, start: int, end: int) -> list[_Money]:
    figures = [
        Figure(f.value, f.kind, f.text, f.start + start, f.end + start, f.currency)
        for f in find_figures(text[start:end])
    ]
    out: list[_Money] = []
    for i, figure in enumerate(figures):
        is_money = figure.kind == "amount" and figure.currency in ("", "CNY")
        if figure.kind == "percent" or is_money:
            previous = figures[i - 1] if i else None
            low = None
            same_unit = previous is not None and previous.kind in (figure.kind, "count")
            if same_unit and _RANGE_GAP.match(text[previous.end : figure.start]) and previous.value < figure.value:
                low = previous
                if out and out[-1].figure is previous:
                    out.pop()
            out.append(_Money(figure, low))
    return out


def _classify(text: str, sentence_start: int, sentence_end: int, money: _Money) -> None:
    figure = money.figure
    clause_start = _clause_start(text, sentence_start, money.start)
    before = text[clause_start : money.start]
    after = text[money.end : sentence_end]
    near = text[max(sentence_start, money.start - 30) : min(sentence_end, money.end + 30)]
    if not _FUNDING.search(near):
        money.role = "target"
    elif figure.kind == "percent":
        grants = list(_GRANT_VERB.finditer(text, sentence_start, money.start))
        growth = _GROWTH.search(text, max(clause_start, grants[-1].end() if grants else 0), money.start)
        rest_of_clause = text[money.end : _clause_end(text, money.end, sentence_end)]
        granted = grants or _SUPPORT_NOUN.match(after) or _GRANT_VERB.search(rest_of_clause) or "上浮" in before[-6:]
        minimum = re.search(r"(?:不少于|不低于|至少|(?i:at\s+least))\s*$", before)
        money.role = "ratio" if granted and not (growth and "上浮" not in before[-6:]) and not minimum else "target"
    elif voucher := (_VOUCHER_AFTER.match(after) or _VOUCHER_BEFORE.search(before)):
        money.role, money.voucher = "voucher", voucher.group(1)
    elif _ANY_VOUCHER.search(before):  # "单张券面额最高50万元": the voucher named earlier in the sentence
        named = re.findall(_VOUCHER_NAME, text[sentence_start : money.start])
        money.role, money.voucher = "voucher", named[-1] if named else "券"
    elif _FUND_NOUN.search(after[:30]) or _FUND_NOUN.search(before):
        money.role = "fund"
    elif _ABOVE.match(after) or (
        _REACH.search(before)
        and (_METRIC.search(before) or after.lstrip().startswith("的"))
        and not _BOUND.search(before)
    ):
        money.role = "threshold"
    elif (metric := _METRIC.search(before)) and not (_GRANT_VERB.search(before, metric.end()) or _BOUND.search(before)):
        money.role = "threshold" if "的" in after[:3] else "target"


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
            if pending_ratio is not None and _PAIR_GAP.match(text[pending_ratio.end : money.start]):
                groups.append((pending_ratio, [money]))
            else:
                if pending_ratio is not None:
                    groups.append((pending_ratio, []))
                listed = groups and groups[-1][1] and _LIST_GAP.match(text[groups[-1][1][-1].end : money.start])
                shared_ratio = groups[-1][0] if listed and money.role == "voucher" else None
                groups.append((shared_ratio, [money]))
            pending_ratio = None
    if pending_ratio is not None:
        groups.append((pending_ratio, []))
    return groups


def _sentence_provisions(text: str, start: int, end: int, heading: str) -> list[Provision]:
    moneys = _moneys(text, start, end)
    for money in moneys:
        _classify(text, start, end, money)
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
    if not _FUNDING.search(text[clause_start : first.start]) and span_start == clause_start > lower:
        span_start = _clause_start(text, lower, clause_start - 1)  # "分类予以奖励，最高500万元"
    span_start = _subject_start(text, lower, span_start)
    span_end = _clause_end(text, last.end, end)
    while span_end > last.end and text[span_end - 1].isspace():
        span_end -= 1
    post = text[last.end : span_end]
    support = _SUPPORT_NOUN.match(post)
    support_text = tidy(support.group(1)) if support else ""
    recipient, item = _recipient_and_item(text, start, first.start, target_match, cap, listed)
    used_for = _USED_FOR.search(text, last.end, end)
    if cap is not None and cap.role == "voucher":
        item = cap.voucher
    elif cap is not None and cap.role == "fund" and (fund := re.match(r"^\s*的?([^，。；]{0,24}?(?:基金|资金))", post)):
        item = tidy(fund.group(1))
    elif used_for:
        item = _shorten(tidy(used_for.group(1)).rstrip("等"))
    elif not item:
        activity_start, item = _nearest_activity(text, lower, clause_start)
        span_start = min(span_start, activity_start) if item else span_start
    if not item and support_text not in _GENERIC_SUPPORT:
        item = support_text
    if not item:
        prefix = re.sub(r"^\s*[（(]?\d{1,2}[)）.、．]", "", text[clause_start : first.start])
        item = _shorten(tidy(re.split(r"原则上|不超过|最高|按照|按|给予|予以", prefix)[0]))
    if not item:
        item = re.sub(r"^\S*?[.．、）)]\s*", "", heading)
    period_window = tidy(text[clause_start:span_end])
    periods = [m.group().strip() for m in _PERIOD.finditer(period_window) if not _is_year(m.group())]
    qualifier_window = tidy(text[start:span_end])
    qualifiers = tuple(dict.fromkeys([*(m.group() for m in _QUALIFIER.finditer(qualifier_window)), *thresholds]))
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
    matches = list(_TARGET_OF.finditer(text, start, position)) or list(_FOR_EN.finditer(text, start, position))
    return matches[-1] if matches else None


def _recipient_and_item(text, start, position, target, cap, listed) -> tuple[str, str]:
    if target is None:
        return "", ""
    phrase = tidy(target.group(1))
    core = _PAREN_TAIL.sub("", phrase)
    between = text[target.end() : position]
    if "分别" in between and cap is not None and len(listed) > 1:
        parts = re.split(r"、", core)
        alike = len(parts) == len(listed) and min(map(len, parts)) * 2 >= max(map(len, parts))
        if alike and cap in listed:  # "对A、B分别给予最高200万元、100万元": A gets the first
            core = phrase = parts[listed.index(cap)]
    if _RECIPIENT_END.search(core):
        activity = re.sub(r"的?[^的]*$", "", core) if "的" in core else ""
        if _QUALIFIER.fullmatch(activity) or _QUALIFIER.fullmatch(activity + "的"):
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
        if clause and not _CONNECTOR.match(clause) and not re.search(r"\d", clause):
            return _subject_start(text, start, previous_start), _shorten(_LEAD_VERB.sub("", clause))
    return clause_start, ""


def _shorten(phrase: str, limit: int = 24) -> str:
    if len(phrase) <= limit or (_ASCII_ONLY.match(phrase) and len(phrase) <= 4 * limit):
        return phrase
    for mark in ("的", "等"):
        cut = phrase.rfind(mark)
        if 0 <= cut < len(phrase) - 3:
            return phrase[cut + 1 :]
    return phrase[-limit:]


def _cap_text(text: str, start: int, cap: _Money) -> str:
    before = text[max(start, cap.start - 12) : cap.start]
    bound = _BOUND.search(before)
    begin = cap.start - (len(before) - bound.start()) if bound else cap.start
    return tidy(text[begin : cap.end])


def _ratio_text(text: str, start: int, ratio: _Money) -> str:
    clause_start = _clause_start(text, start, ratio.start)
    before = text[clause_start : ratio.start]
    verbs = list(re.finditer(r"给予|予以|按照|按|发放|、|上浮|(?i:up\s+to)", before))
    begin = clause_start + verbs[-1].end() if verbs else clause_start
    if verbs and verbs[-1].group() in ("上浮",):
        begin = clause_start + verbs[-1].start()
    return tidy(text[begin : ratio.end])[-40:]
