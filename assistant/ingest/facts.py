"""Document facts read at ingest: number (文号), issuing bodies, issue date, effective date, end of validity and
what the document repeals, each with its character span in the document text (``<field>_start``/``_end``), so
an answer can cite the chunk holding it. Stored as scalar metadata on every chunk (Chroma filters on them);
dates as YYYY-MM-DD strings plus ``_int`` forms (20261231). Whether a document is in force is computed when
asked (``in_force``), from the stored dates and the machine's date."""

from __future__ import annotations

import re
import threading
from datetime import date
from itertools import islice, takewhile

from assistant.text.dates import after_term, find_dates, parse_date, small_number
from assistant.text.docnumbers import DOC_NUMBER, compact, normalised

YEAR_SPAN = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~至到]\s*((?:19|20)\d{2})\s*年")  # 2016至2020年, 2016年—2020年
_CN_SMALL = r"[一二三四五六七八九十两]{1,3}"

# "本办法" / "本政策" / "本操作办法": a clause about this document, not about a certificate or a subsidy period.
_THIS = re.compile(
    r"(?:本|以上|上述)[\u4e00-\u9fff]{0,8}?(?:办法|政策|规定|通知|方案|计划|措施|意见|细则|规则|条例|决定|指南|文件|公告|通告|制度|规范|标准)"
    r"|\b(?:this|these|the present)\s+(?:\w+\s+){0,3}?(?:measures|policy|policies|plan|notice|rules|regulations|"
    r"provisions|opinions|guidelines|document|decision|programme|program)\b",
    re.I,
)
_START = r"(?:施行|实施|执行|生效|试行)"
_EFFECTIVE = re.compile(
    rf"(?:(?:自|从|于)|(?<=[，,]))\s*(?P<d>[^自起，。；,;\n]{{6,30}}?)\s*起\s*{_START}"  # …起公布，2025年2月20日起施行
    rf"|自\s*(?P<issue>印发|发布|公布|发文|颁布|签发|下发)之日起\s*{_START}"
    r"|(?i:(?:takes?|taking|shall\s+take)\s+effect|come(?:s)?\s+into\s+(?:force|effect)|(?:is|are|be|become|becomes)"
    r"\s+effective)\s+(?:on|from|as\s+of)\s+(?P<en>\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{4}-\d{1,2}-\d{1,2})"
    r"|(?i:(?:takes?|shall\s+take)\s+effect|come(?:s)?\s+into\s+force)\s+(?P<en_issue>(?:up)?on\s+(?:the\s+date\s+of\s+)?"
    r"(?:issuance|publication|promulgation))"
)
_VALIDITY = re.compile(
    r"(?:有效期|执行期|实施期|施行期|试行期)限?|(?:实行|执行|实施|施行|适用)年限|试行(?=\s*(?:为)?\s*(?:\d|[一二两三四五六七八九十])\s*(?:个月|年))"
    r"|(?i:\bvalid\b|\bin\s+force\b|\bexpires?\b)"
)
# "本办法自2024年12月1日起施行，于2028年12月31日截止": an end written after its date, with no 有效期.
_ENDS = re.compile(r"(?:于|至|到)\s*(?P<d>\d{4}\s*年[^，。；,;\n]{2,12}?)\s*(?:截止|止|终止|失效)")
_UNTIL = re.compile(r"\s*(?:为|是)?\s*(?:至|到|截至|截止到?|(?i:until|through|till|to|on)\b)")
_TERM = re.compile(
    rf"\s*(?:为|是)?\s*(?P<n>\d{{1,2}}|{_CN_SMALL}|两)\s*(?P<unit>个月|年)"
    r"|(?i:\s*for\s+(?P<en>\d{1,2}|one|two|three|four|five)\s+(?P<en_unit>years?|months?))"
)
_CLAUSE_END = re.compile(r"[。；;\n]|(?<=[a-z0-9)])\.(?=\s|$)")
_CITING = re.compile(r"根据|按照|依据|参照|贯彻|落实")
_CITED_BEFORE = re.compile(r"(?:根据|按照|依据|落实|贯彻|参照|参见|详见|》|[（(、])\s*$")
_REPEALS = re.compile(
    r"《(?P<title>[^《》\n]{2,80})》\s*(?:[（(](?P<num>[^（）()\n]{3,30}?号)[)）])?\s*[^。；《》\n]{0,14}?废止"
)
_ATTACHED = re.compile(r"(?:关于(?:印发|发布|修订)|现将|制定了?)\s*[《〈<](?P<t>[^《》〈〉<>]{2,100})[》〉>]")  # <…>: 《》 as some sites print them
_ORG_END = re.compile(r"(?:部|委|厅|局|院|署|会|室|府|司|处|办|部门|中心|小组|银行|委员会|管委会)$")
_ISSUER_LABEL = re.compile(r"(?:发文机关|发布机构|发布单位|发文单位|印发单位)[ \t\u3000]*[:：][ \t\u3000]*([^\n【]{1,80})")
_ISSUED_LABEL = re.compile(r"(?:成文日期|印发日期|发文日期)[ \t\u3000]*[:：][ \t\u3000]*([^\n]{6,30})")
_SIGNED_AFTER = re.compile(r"\s*(?:印发|发布|制发|印)?\s*$")
DATE_FIELDS = ("issued_date", "effective_date", "expires_date")


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around ``text[start:end]``: from the previous 。；or line break to the next."""
    before = max(text.rfind(mark, 0, start) for mark in "。；;\n")
    after = _CLAUSE_END.search(text, end)
    return before + 1, after.start() if after else len(text)


def _about_this_document(text: str, start: int, end: int) -> int | None:
    """Where the sentence names this document ("本办法…"), or None when it does not."""
    begin, finish = _clause(text, start, end)
    named = _THIS.search(text, begin, finish)
    return named.start() if named else None


def effective_in(text: str, issued: str = "") -> tuple[str, str, int, int] | None:
    """The last clause saying when this document takes effect: (YYYY-MM-DD, basis, start, end); basis "stated", or
    "issued" for 自印发之日起施行 (then the issue date)."""
    found = None
    for match in _EFFECTIVE.finditer(text):
        named = _about_this_document(text, match.start(), match.end())
        if named is None:
            continue
        if match.group("issue") or match.group("en_issue"):
            value, basis = (issued, "issued") if issued else ("", "")
        else:
            day = parse_date(match.group("d") or match.group("en"))
            value, basis = (day.isoformat(), "stated") if day else ("", "")
        if value:
            found = (value, basis, min(named, match.start()), match.end())
    return found


def expires_in(text: str, effective: str = "") -> tuple[str, str, int, int, str] | None:
    """The last clause giving this document's end of validity: (YYYY-MM-DD, basis, start, end, began) with basis
    "stated" (有效期至…, 有效期为…至…) or "term" (有效期两年, 试行两年: ``effective`` + the term − 1 day); ``began``
    is the start date a range states (有效期为2024年1月1日至2025年12月31日), else ""."""
    found = None
    for match in _VALIDITY.finditer(text):
        named = _about_this_document(text, match.start(), match.end())
        if named is None:
            continue
        _, finish = _clause(text, match.start(), match.end())
        began = _range_start(text[match.end() : finish])
        result = _validity_end(text[match.end() : finish], began or effective)
        if result:
            value, basis, length = result
            found = (value, basis, min(named, match.start()), match.end() + length, began)
    return found or _end_after_date(text)


_TERM_WRITTEN = rf"(?:(?<![\d年])(?:\d{{1,2}}|{_CN_SMALL})\s*(?:个月|年半?)|(?<![\d年月])半年)"  # 三年, 6个月, 半年
_VALIDITY_TERM = re.compile(
    rf"(?:有效期|执行期|实施期|施行期|试行期)限?\s*(?:为|是|暂定为?)?\s*{_TERM_WRITTEN}"
    rf"|试行\s*(?:期)?\s*(?:为)?\s*{_TERM_WRITTEN}"
    rf"|{_TERM_WRITTEN}(?:的)?(?:有效期|试行期)"
)


def validity_term_in(text: str) -> tuple[str, int, int] | None:
    """The last term of validity stated for this document, as written ("三年" of 暂定三年有效期, "一年" of 试行一年),
    with its clause's span: a fact even when no date says when the term begins (自发布之日起施行)."""
    found = None
    for match in _VALIDITY_TERM.finditer(text):
        named = _about_this_document(text, match.start(), match.end())
        term = re.search(_TERM_WRITTEN, match.group())
        if named is not None and term:
            found = (re.sub(r"\s+", "", term.group()), min(named, match.start()), match.end())
    return found


def _end_after_date(text: str) -> tuple[str, str, int, int, str] | None:
    """The last "…于2028年12月31日截止" about this document (when no 有效期 clause says when it ends)."""
    found = None
    for match in _ENDS.finditer(text):
        named = _about_this_document(text, match.start(), match.end())
        day = parse_date(match.group("d")) if named is not None else None
        if day:
            found = (day.isoformat(), "stated", min(named, match.start()), match.end(), "")
    return found


def _range_start(rest: str) -> str:
    """The first of two dates right after 有效期 (a range), else ""."""
    dates = [d for d in find_dates(rest) if d[0] <= 40]
    return dates[0][2].isoformat() if len(dates) >= 2 else ""


def _validity_end(rest: str, effective: str) -> tuple[str, str, int] | None:
    """(end date, basis, characters used) from what follows 有效期 in its clause: a date after 至 (the last day of a
    month written without its day), the second date of a range, the end of a span of years, or a term."""
    dates = [d for d in find_dates(rest, months=True) if d[0] <= 40]
    if len(dates) >= 2 or (dates and _UNTIL.match(rest)):
        _, end, day = dates[1 if len(dates) >= 2 else 0]
        return day.isoformat(), "stated", end
    if years := YEAR_SPAN.match(rest, len(rest) - len(rest.lstrip(" 为是"))):
        return f"{years.group(2)}-12-31", "stated", years.end()
    term, start = _TERM.match(rest), parse_date(effective)
    number = small_number(term.group("n") or term.group("en")) if term else 0
    if not number or start is None:
        return None
    unit = term.group("unit") or term.group("en_unit") or ""
    years_, months = (number, 0) if unit.startswith(("年", "year")) else (0, number)
    return after_term(start, years_, months).isoformat(), "term", term.end()


def issued_in(text: str, fallback: str = "") -> tuple[str, int, int] | None:
    """The issue date (成文日期): its label, else the date under the signature, else ``fallback`` where written."""
    if (label := _ISSUED_LABEL.search(text[:3000])) and (day := parse_date(label.group(1))):
        return day.isoformat(), label.start(), label.end()
    if signature := signature_in(text):
        return signature[1], signature[4], signature[5]
    day = parse_date(fallback)
    where = next(((a, b) for a, b, d in find_dates(text) if d == day), None) if day else None
    return (day.isoformat(), *where) if where else None


def signature_in(text: str) -> tuple[str, str, int, int, int, int] | None:
    """The first signature block: issuing bodies on the lines above a date that stands alone, begins its line (a PDF
    that ran the next title on) or follows them on one line ("…办公室 2025年7月28日印发").
    (bodies, YYYY-MM-DD, bodies' start, end, date's start, end)."""
    for start, end, day in find_dates(text):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = (text.find("\n", end) + 1 or len(text) + 1) - 1
        before, after = text[line_start:start].strip(), text[end:line_end].strip()
        if before and not _is_bodies(before) and _is_bodies(flat := re.split(r"[。；]", before)[-1].strip()):
            # a page flattened to one line: "…请认真执行。 平潭综合实验区管委会 2016年3月25日 …"
            line_start = text.rfind(flat, line_start, start)
            before, after = flat, re.match(r"[^\s。；，]*", after).group()
            if _SIGNED_AFTER.fullmatch(after):
                return flat, day.isoformat(), line_start, line_start + len(flat), start, end
            continue
        if (before and not _is_bodies(before)) or re.match(r"[，。；,;、）)]|前|起|以来|至", after):
            continue  # a date inside a sentence
        if before and not _SIGNED_AFTER.fullmatch(after):
            continue
        block = list(takewhile(lambda line: _is_bodies(line[2]), islice(_lines_above(text, line_start), 8)))[::-1]
        if before:
            block.append((line_start + text[line_start:start].find(before[0]), line_start + len(text[line_start:start].rstrip()), before))
        if block:
            bodies = "、".join(body for _, _, line in block for body in _bodies(line))
            return bodies, day.isoformat(), block[0][0], block[-1][1], start, end
    return None


def _lines_above(text: str, position: int):
    """(start, end, text) of the non-empty lines above ``position`` (a line start), nearest first, stripped."""
    cursor = position - 1
    while cursor > 0:
        begin = text.rfind("\n", 0, cursor) + 1
        line = text[begin:cursor]
        if line.strip():
            yield begin + len(line) - len(line.lstrip()), begin + len(line.rstrip()), line.strip()
        cursor = begin - 1


def _is_bodies(line: str) -> bool:
    line = line.strip()
    return 2 <= len(line) <= 90 and not re.search(r"[，。；：:,.;《》“”]", line) and all(
        _ORG_END.search(part) for part in line.split()
    )


def _bodies(line: str) -> list[str]:
    """ "黄浦区发展和改革委员会黄浦区建设和管理委员会" → the two bodies: split where the first one's place begins again."""
    out = []
    for part in line.split():
        place = re.match(r"[\u4e00-\u9fff]{1,8}?[省市区县]", part)
        pieces = re.split(rf"(?<=[会局室府厅部委办心])(?={re.escape(place.group())})", part) if place else [part]
        out += [piece for piece in pieces if piece]
    return out


def issuers_in(text: str, issuer: str = "") -> tuple[str, int, int] | None:
    """The issuing bodies: the signature block, else the 发文机关/发布单位 label, else ``issuer`` where written."""
    if signature := signature_in(text):
        return signature[0], signature[2], signature[3]
    label = _ISSUER_LABEL.search(text[:3000])
    value = label.group(1).split()[0] if label else ""  # a page flattened to one line: "发布机构 : 某局 发文字号 : -"
    if value.strip("-—"):
        return value, label.start(1), label.start(1) + len(value)
    at = text.find(issuer) if issuer.strip("-— ") else -1
    return (issuer, at, at + len(issuer)) if at >= 0 else None


def doc_number_in(text: str, found: str = "") -> tuple[str, int, int] | None:
    """Where the document's number stands: on a line of its own, else after a 文号 label, else the first mention that
    does not cite another document ("根据…（X〔2024〕1号）"). ``found`` is the number metadata read (kept when placed)."""
    head = text[:3000]
    candidates = []
    for match in DOC_NUMBER.finditer(head):
        value = normalised(match)
        line = head[head.rfind("\n", 0, match.start()) + 1 : (head.find("\n", match.end()) + 1 or len(head) + 1) - 1]
        own_line = line.strip() == match.group().strip()
        labelled = bool(re.search(r"(?:文号|发文字号|字号)\s*[:：]\s*$", head[: match.start()][-12:]))
        cited = bool(_CITED_BEFORE.search(head[max(0, match.start() - 8) : match.start()]))
        if own_line or labelled or not cited:
            candidates.append((0 if own_line else 1 if labelled else 2, match.start(), value, match.end()))
    if found:
        placed = [c for c in candidates if compact(c[2]) == compact(found)]
        candidates = placed or candidates
    if not candidates:
        return None
    _, start, value, end = min(candidates)
    return value, start, end


def attached_title(text: str) -> str:
    """The name of what a notice issues, from "关于印发《X》的通知" or "现将《X》印发给你们" (also where a PDF broke the
    title across lines): the document readers mean, where the title line was cut ("上海市经济信息化委关于印发")."""
    head = text[:3000]
    for found in _ATTACHED.finditer(head):
        if not _cited_in_its_sentence(head, found.start()):
            return re.sub(r"\s+", "", found.group("t"))
    return ""


def _cited_in_its_sentence(text: str, start: int) -> bool:
    """Whether the clause before ``start`` cites another document ("根据财政部…关于印发《X》的通知"): X is then
    what it builds on, not what it issues ("为贯彻落实…，现将《X》印发给你们" issues X)."""
    opening = max(text.rfind(mark, 0, start) for mark in "。；，,\n") + 1
    return bool(_CITING.search(text[opening:start]))


def repeals_in(text: str) -> tuple[str, int, int] | None:
    """What this document repeals: "《…》（沪自贸临管规范〔2022〕7号）" from "原《…》（…）即日起废止"."""
    match = next(iter(_REPEALS.finditer(text)), None)
    if match is None:
        return None
    number = f"（{match.group('num')}）" if match.group("num") else ""
    return f"《{match.group('title')}》{number}", match.start(), match.end()



def extract_facts(text: str, *, doc_number: str = "", issuer: str = "", date_found: str = "") -> dict:
    """The facts as scalar metadata: ``<field>`` ("" when unknown), ``<field>_start``/``_end`` (0, 0), dates with
    ``_int`` (0) and ``_basis`` ("stated", "issued": from 自印发之日起, "term": from 有效期两年)."""
    out: dict = {}
    at = text.find(doc_number) if doc_number else -1  # "2025年第45号", "…令第18号": kept as metadata read them
    for field, found in (
        ("doc_number", doc_number_in(text, doc_number) or ((doc_number, max(at, 0), at + len(doc_number)) if doc_number else None)),
        ("issuers", issuers_in(text, issuer)),
        ("issued_date", issued_in(text, date_found)),
        ("repeals", repeals_in(text)),
    ):
        out |= _field(field, *(found or ("", 0, 0)))
    out["attached_title"] = attached_title(text)
    issued = out["issued_date"]
    effective = effective_in(text, issued)
    expires = expires_in(text, effective[0] if effective else "")
    if expires and expires[4] and not effective:  # 有效期为2024年1月1日至2025年12月31日
        effective = (expires[4], "stated", expires[2], expires[3])
    out |= _field("effective_date", *(effective[0], effective[2], effective[3]) if effective else ("", 0, 0))
    out["effective_date_basis"] = effective[1] if effective else ""
    out |= _field("expires_date", *(expires[0], expires[2], expires[3]) if expires else ("", 0, 0))
    out["expires_date_basis"] = expires[1] if expires else ""
    out |= _field("validity_term", *(validity_term_in(text) or ("", 0, 0)))
    return out


def _field(name: str, value: str, start: int, end: int) -> dict:
    fields = {name: value, f"{name}_start": start if value else 0, f"{name}_end": end if value else 0}
    if name in DATE_FIELDS:
        fields[f"{name}_int"] = int(value.replace("-", "")) if value else 0
    return fields


def in_force(meta: dict, today: date | None = None) -> str:
    """ "yes" (started and its stated end not passed), "no" (ended, or not yet in effect) or "unknown" (no end stated)."""
    now = int((today or date.today()).strftime("%Y%m%d"))
    start = int(meta.get("effective_date_int") or 0) or int(meta.get("issued_date_int") or 0)
    end = int(meta.get("expires_date_int") or 0)
    if (start and start > now) or (end and end < now):
        return "no"
    return "yes" if end else "unknown"


def fact_columns(meta: dict, today: date | None = None) -> dict:
    """The Documents tab's and ``GET /v1/documents``' fact columns of one document ("" when unknown; ``in_force``
    "yes", "no" or "unknown"; "" for a file not indexed)."""
    return {
        "doc_number": str(meta.get("doc_number") or ""),
        "issuer": str(meta.get("issuers") or meta.get("issuer") or ""),
        "issued": str(meta.get("issued_date") or ""),
        "effective": str(meta.get("effective_date") or ""),
        "expires": str(meta.get("expires_date") or ""),
        "valid_for": str(meta.get("validity_term") or ""),
        "in_force": in_force(meta, today) if meta else "",
    }


_cache_lock = threading.Lock()
_cache: dict[int, tuple[str, dict[str, dict]]] = {}


def facts_by_source(store) -> dict[str, dict]:
    """source → the metadata of one of its chunks (document fields and facts), read once per index version."""
    version = store.version()
    with _cache_lock:
        cached = _cache.get(id(store))
    if cached and cached[0] == version:
        return cached[1]
    rows: dict[str, dict] = {}
    for record in store.records(with_text=False):
        meta = record.metadata
        rows.setdefault(str(meta.get("source", "")), {k: v for k, v in meta.items() if k not in ("tokens", "places")})
    with _cache_lock:
        _cache[id(store)] = (version, rows)
    return rows


METADATA_KEYS = tuple(extract_facts(""))  # what the facts add to a chunk's metadata
