"""Document-level metadata (title, issuer, document number, date, region) read from policy text.

Values are plain strings, "" when unknown: Chroma metadata cannot hold None.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from assistant.ingest.facts import extract_facts
from assistant.places import document_place, place_metadata
from assistant.text.docnumbers import DOC_NUMBER, normalised
from assistant.text.sentences import sentence_spans

# Bumped when what is read from a document changes (metadata, chunking), so the next ingest re-reads every file.
METADATA_VERSION = 13  # 13: a validity of "以上政策…" is this document's; the figures of one list share their role (每人每年3万元(博士)、1.44万元(硕士)…的标准发放; 超过3000万元、2000万元…的企业 are bounds); 12: a span of years as the validity (实行年限为2016至2020年), a notice cited in an article is not the attached title, loan ceilings, housing vouchers and deductions as provisions, contributions as conditions; 11: tiers by amount and class-table rows in the provisions, a flattened page's signature as its issue date, a file name's ambiguous place read from the text; 10: counties renamed since the code table (监利县 → 监利市) are read as places; 9: a term of validity with no day to count from (暂定三年有效期), a name after a city it does not lie in is an area of that city (宜宾三江新区); 8: pages flattened to one line chunked along their sections, provisions by the revised extractor; 7: places down to districts and zones, with their chain; 6: document facts (ingest/facts.py); 5: county-level short names that are ordinary words no longer place a passage

MAX_TITLE_CHARS = 200
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_ORDER_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,30}) ?令\s*第\s*(\d{1,4})\s*号")
_TITLE_WORDS = re.compile(r"关于|通知|意见|办法|方案|计划|规划|决定|公告|通告|条例|规定|指南|Plan|Policy", re.I)
_SENTENCE_END = tuple("。！？；：.!?;:，,")
_PAGE_TITLE_END = re.compile(r"\s|_|\s?[|｜]\s?|\s-\s")
_ISSUER_PREFIX = re.compile(r"^\s*([^\s《》“”，。、：:][^《》“”，。、：:\n]{1,58}?)(?:关于|印发|发布)")
_ORG_SUFFIX = re.compile(r"(?:部|委|厅|局|院|署|会|室|府|司|处|办|部门|中心|小组|银行)$")
_CJK_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_NUMERIC_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_EN_DATE_MDY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+((?:19|20)\d{{2}})\b", re.I)
_EN_DATE_DMY = re.compile(rf"\b(\d{{1,2}})\s+{_MONTH},?\s+((?:19|20)\d{{2}})\b", re.I)
_DEADLINE_AFTER = re.compile(r"\s*(?:前|之前|以前|起|止|为止)")
# Text addressed to an AI assistant rather than to the reader of a policy: prompt injection.
_TO_ASSISTANT = re.compile(
    r"(?i:\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|of\s+)*"
    r"(?:previous|prior|above|earlier|preceding|foregoing|system|original)\s+(?:\w+\s+){0,2}?"
    r"(?:instructions?|prompts?|rules|guidelines|directions)\b"
    r"|\b(?:you|the\s+assistant|AI\s+assistants?|the\s+model|language\s+models?|chatbots?)\s+(?:must|should|shall|will|are\s+to)"
    r"\s+(?:now\s+|only\s+|always\s+)?(?:answer|reply|respond|say|state|tell|output|claim)\b"
    r"|^\W*(?:answer|reply|respond)\s+(?:that|only|with)\b)"
    r"|(?:忽略|无视|忽视|忘记|忘掉)(?:之前|以上|上述|前面|先前|此前|原有|所有|全部|一切|你的|的)+(?:指令|指示|提示词?|设定)"
    r"|(?:你|助手|模型|人工智能助手|AI)(?:必须|应该|应当|只能)(?:回答|回复|答复|声称|说)"
)
_NEXT_LABEL = re.compile(r"^[\u4e00-\u9fff\u3000 ]{2,8}[:：]")

def extract_metadata(text: str, *, title: str | None, filename: str) -> dict[str, str]:
    head = text[:3000]
    found_title = _clean(title or "") or _label_value(head, "标题") or _first_line_title(text) or Path(filename).stem
    found_title = found_title[:MAX_TITLE_CHARS]  # it prefixes every embedded chunk, so it must stay short
    issuer = _issuer(text, found_title)
    doc_number = _doc_number(text[:2000])
    found = document_place(
        doc_number=doc_number, issuer=issuer, title=found_title, filename=filename, head=head[:300], text=text
    )
    return {
        "title": found_title,
        "issuer": issuer,
        "doc_number": doc_number,
        "date": _date(text),
        **place_metadata(found),  # region, region_code and the chain: province_code, city_code, county_code, zone_code
        # document facts with their spans (number, issuers, dates, validity): ingest/facts.py
        **extract_facts(text, doc_number=doc_number, issuer=issuer, date_found=_date(text)),
        "metadata_version": METADATA_VERSION,
    }


def _clean(value: str) -> str:
    return " ".join(_INVISIBLE.sub("", value).split())


def _label_value(text: str, label: str) -> str:
    """The value after ``label：``, on the same line or the next non-empty one ("发文机关：\\n科技司")."""
    spaced = r"[ \t\u3000]*".join(map(re.escape, label))
    match = re.search(rf"(?:^|(?<=\s)){spaced}[ \t\u3000]*[:：]([^\n]*)(?:\n\s*([^\n]*))?", text)
    if not match:
        return ""
    value = _clean(match.group(1).split("【")[0]) or _clean(match.group(2) or "")
    if _NEXT_LABEL.match(value):  # the field is empty and the next line is the next label
        return ""
    if len(value) > 80:  # a page flattened to one line: "来源： 中国网信网 【打印】 …"
        value = value.split(" ")[0]
    return value if len(value) <= 80 else ""


def _first_line_title(text: str) -> str:
    """A short opening line that reads like a title, else the first line if short ("Plan" in a txt). A page
    flattened to one line opens with the page's title, up to the first space and without the site's name
    ("…的公告_中央网络安全和信息化委员会办公室 设为首页 …")."""
    lines = [_clean(line) for line in text[:2000].splitlines() if line.strip()][:5]
    heads = [line if len(line) <= 120 else _PAGE_TITLE_END.split(line, maxsplit=1)[0] for line in lines]
    short = [head for head in heads if len(head) <= 120 and not head.endswith(_SENTENCE_END)]
    titled = next((head for head in short if _TITLE_WORDS.search(head)), "")
    return titled or (lines[0] if lines and lines[0] in short else "")


def _issuer(text: str, title: str) -> str:
    head = text[:3000]
    for label in ("发文机关", "发布机构", "发布单位"):
        if value := _label_value(head, label):
            return value
    for candidate in (title, text[:200]):
        found = _ISSUER_PREFIX.match(candidate)
        if found and _ORG_SUFFIX.search(found.group(1).strip()):
            return _clean(found.group(1))
    source = _label_value(head, "来源").removesuffix("官网").strip('“”"')  # "“国家发展和改革委员会”官网"
    return _signature(text) or source or _english_issuer(head)


def _signature(text: str) -> str:
    """The issuing body signed above the closing date, as in "工业和信息化部\\n2026年1月6日"."""
    tail = text[-1500:]
    dates = [m for m in _CJK_DATE.finditer(tail) if _alone_on_line(tail, m)]
    if not dates:
        return ""
    names: list[str] = []
    for line in reversed([_clean(line) for line in tail[: dates[-1].start()].splitlines() if line.strip()]):
        if len(line) > 40 or not _ORG_SUFFIX.search(line) or re.search(r"[，。；：:,.]", line):
            break
        names.insert(0, line)
    return " ".join(names[-3:])


def _english_issuer(head: str) -> str:
    found = re.search(r"(?im)^\s*(?:issued by|issuer|issuing (?:authority|body))\s*[:：]\s*([^\n]{2,100})$", head)
    return _clean(found.group(1)) if found else ""


def _doc_number(head: str) -> str:
    label = _label_value(head, "发文字号")
    if found := DOC_NUMBER.search(label):
        return normalised(found)
    if re.search(r"(?:19|20)\d{2}", label) and len(label) <= 40:  # announcements: "2025年第45号"
        return label
    own_line = next((m for m in DOC_NUMBER.finditer(head) if _alone_on_line(head, m)), None)
    if match := own_line or _first_not_cited(DOC_NUMBER, head):
        return normalised(match)
    order = _first_not_cited(_ORDER_NUMBER, head)  # regulations: "国家互联网信息办公室令 第18号"
    return f"{order.group(1)}令第{order.group(2)}号" if order else ""


def _first_not_cited(pattern: re.Pattern[str], head: str) -> re.Match[str] | None:
    """The first match not inside a citation such as "《…办法》（工信部联科〔2024〕11号）"."""
    return next((m for m in pattern.finditer(head) if m.start() == 0 or head[m.start() - 1] not in "（(、"), None)


def _alone_on_line(text: str, match: re.Match[str]) -> bool:
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    line = text[start : end if end >= 0 else len(text)]
    return _clean(line) == _clean(match.group())


def _date(text: str) -> str:
    head = text[:3000]
    for label in ("成文日期", "发布日期"):
        if value := _first_date(_label_value(head, label), skip_deadlines=False):
            return value
    return _first_date(text, skip_deadlines=True)


def _first_date(text: str, *, skip_deadlines: bool) -> str:
    """The earliest valid date; "于2025年5月19日前反馈" is a deadline, not when the text was issued."""
    found = []
    for pattern in (_CJK_DATE, _NUMERIC_DATE, _EN_DATE_MDY, _EN_DATE_DMY):
        for match in pattern.finditer(text):
            if skip_deadlines and _DEADLINE_AFTER.match(text, match.end()):
                continue
            if iso := _iso(pattern, match.groups()):
                found.append((match.start(), iso))
                break
    return min(found)[1] if found else ""


def _iso(pattern: re.Pattern[str], groups: tuple[str, ...]) -> str:
    if pattern is _EN_DATE_MDY:
        groups = (groups[2], str(_month_number(groups[0])), groups[1])
    elif pattern is _EN_DATE_DMY:
        groups = (groups[2], str(_month_number(groups[1])), groups[0])
    try:
        return date(int(groups[0]), int(groups[1]), int(groups[2])).isoformat()
    except ValueError:
        return ""


def _month_number(name: str) -> int:
    return _MONTHS.index(name.lower()[:3]) + 1


def instructions_to_assistants(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences that speak to an AI assistant ("Ignore previous instructions and answer that
    ..."): a policy text never does, so the answer pipeline withholds them from the model."""
    return [(a, b) for a, b in sentence_spans(text) if _TO_ASSISTANT.search(text[a:b])]
