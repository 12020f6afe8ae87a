"""Questions about a document's own facts — its number (文号), who issued it, when it was issued, when it takes
effect, until when it is valid, whether it is in force, what it repealed — answered from the facts read at ingest
(``ingest/facts.py``), not by the model. The document is chosen by the question's words (its number, its place,
its title or file name, retrieval to break ties); the answer states the fact rendered by code, cites the chunk
whose span holds it, and is verified only when the fact re-read from that span is the stored one. Anything less
(no document singled out, the fact not stored, a span that does not bind) returns None: the pipeline answers."""

from __future__ import annotations

import math
import re
from datetime import date

from assistant.answer.question import Question, compares_documents
from assistant.answer.result import Answer
from assistant.answer.subject import subject_terms
from assistant.answer.verify import Verification
from assistant.ingest.facts import (
    YEAR_SPAN,
    doc_number_in,
    effective_in,
    expires_in,
    facts_by_source,
    in_force,
    repeals_in,
    validity_term_in,
)
from assistant.places import remove_places
from assistant.search.hybrid import NO_FILTER, Filter, Hit, HybridSearcher
from assistant.text.dates import find_dates, render_date, same_date, small_number
from assistant.text.docnumbers import compact
from assistant.text.numerals import EN_SMALL
from assistant.text.translate import STOP_WORDS

_ASKED = (
    ("repeals", re.compile(r"(?i)废止|取代|替代|\brepeal|supersed|\breplace[sd]?\b")),
    ("doc_number", re.compile(r"(?i)文号|发文字号|文件编?号|document\s+(?:number|no\b)|reference\s+number|\bdoc\.?\s*no\b")),
    ("issuers", re.compile(r"(?i)(?:哪个|哪些|哪家|什么)(?:部门|单位|机关|机构)[^？?]{0,8}(?:印发|发布|制定|出台|发文)|发文机关|(?:由谁|谁)(?:印发|发布|发文|制定|出台)|"
                           r"who\s+issued|issued\s+by\s+whom|which\s+(?:[a-z]+\s+){0,2}(?:bod(?:y|ies)|departments?|agenc(?:y|ies)|authorit(?:y|ies)|organs?|offices?)\s+(?:issued|published|released)|(?:issuer|issuing\s+(?:body|department|authority|agency))")),
    ("issued_date", re.compile(r"(?i)(?:哪天|哪一天|何时|什么时候|哪年|几月|日期|时间)[^，,？?]{0,6}(?:印发|发布|发文|签发|出台|成文|发出)|"
                               r"(?:印发|发布|成文|发文|签发)(?:日期|时间|于哪)|(?:when|what\s+date|which\s+day)\b.*\b(?:issued|signed|"
                               r"published|promulgated|released)\b|(?:when|what\s+date|which\s+day)\s+did\b.*\b(?:issue|sign|publish|promulgate|release)\b|(?:issue|issuing|publication)\s+date")),
    # "施行后同时废止的…": a time the question refers to, not one it asks
    ("effective_date", re.compile(r"(?i)施行(?!后|以后|之后)|生效(?!后|以后|之后)|(?:开始|起)(?:实施|执行)|(?:何时|什么时候|哪天|哪一天|日期)[^，,？?]{0,4}(?:实施|执行)|"
                                  r"实施(?:日期|时间)|take[s]?\s+effect|come[s]?\s+into\s+(?:force|effect)|effective\s+(?:date|from|on)")),
    ("expires_date", re.compile(r"(?i)有效期|失效|有效至|有效到|试行期|试行多[久长]|(?:实行|执行|实施|施行|适用)年限|哪几年|(?:validity|trial)\s+period|"
                                r"(?:which|what)\s+years\b.*\b(?:apply|applies|run|cover|in\s+(?:force|effect)|valid)|"
                                r"how\s+long\b.*\b(?:trial|last|run)\b|valid(?:ity)?\b.*\b(?:until|till|through|end|expire)|"
                                r"until\s+(?:when|what\s+(?:date|day|year))|how\s+long\b.*\b(?:valid|in\s+(?:force|effect))|expir(?:e|es|y|ation)|remain\s+valid")),
    ("in_force", re.compile(r"(?i)是否(?:仍然|还|依然)?(?:有效|在有效期|失效|现行)|(?:还|仍然|仍|依然)(?:有效|在有效期)|现行有效|"
                            r"still\s+(?:valid|in\s+force|in\s+effect|effective)|(?:is|are)\s+(?:it|they|the\s+\w+)\s+(?:still\s+)?in\s+force|"
                            r"currently\s+in\s+force")),
)
_ENGLISH_FILLER = frozenset(
    re.findall(
        r"\S+",
        "a an the of in on at to for and or is are was were be do does did what which who whom when until how long its "
        "their document documents number no date day issued issue valid validity remain remains effect effective take "
        "takes force still give s version earlier previous repeal repealed this that expire expires expiry expiring "
        "government body bodies department agency authority office organ sign signed signing issuing notice notices "
        "circular municipal people people's peoples",
    )
) | STOP_WORDS  # and what English questions share with any policy question: measures, support, municipal…
_CHINESE_FILLER = re.compile(
    r"发文字号|文号|什么时候|什么|哪一天|何时|开始|施行|实施|执行|生效|有效期|失效|印发|发布|发文|成文|签发|出台|是否|有效|"
    r"部门|单位|机关|机构|日期|时间|期限|文件|联合|制定|废止|"
    r"[的是从到由谁哪何几吗呢么请问该这其天号日起至仍还已否？?，,。、！!：:（）()“”\"]"
)
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
MIN_TITLE_COVERAGE = 0.4  # d17 "Lingang's revised PV support operating rules" holds 2 of its 5 words in the file name
_GENERIC = frozenset(re.findall(r"\S+", "关于 印发 通知 管理 理办 办法 方案 计划 意见 措施 政策 实施 细则 规定 若干 试行 行动 动计 动方"))


def asked_facts(text: str) -> list[str]:
    """The facts a question asks for, in the order answered. A question about what was repealed asks that and
    the dates it names ("when does it take effect, and which document does it repeal?"); its "document number"
    or issuer is the repealed one's."""
    asked = [name for name, pattern in _ASKED if pattern.search(text)]
    if "repeals" in asked:
        return [name for name in asked if name not in ("doc_number", "issuers")]
    return asked


def fact_answer(
    searcher: HybridSearcher, question: str, q: Question, filters: Filter = NO_FILTER, notices: list[str] | None = None
) -> Answer | None:
    """The answer from the chosen document's stored facts, or None (the pipeline answers instead)."""
    if q.kind == "compare" or len(q.places) > 1 or compares_documents(q):
        return None
    asked = asked_facts(q.text)
    meta = chosen_document(searcher, q, filters) if asked else None
    if meta is None:
        return None
    hits: list[Hit] = []
    stating: list[tuple[int, str]] = []
    sentences = []
    for name in asked:
        sentence = stated_fact(searcher, meta, name, q.language, hits, stating, again=bool(sentences))
        if sentence is None:
            return None
        sentences.append(sentence)
    text = ("" if q.chinese else " ").join(sentences)
    check = Verification(text=text, cited=sorted({n for n, _ in stating}), stating=stating)
    return Answer(question, q.text, text, False, hits, check, list(notices or []), [p.label for p in q.places])


def stated_fact(
    searcher: HybridSearcher,
    meta: dict,
    name: str,
    language: str,
    hits: list[Hit],
    stating: list[tuple[int, str]],
    again: bool = False,
) -> str | None:
    """The sentence stating one fact of the document, citing the chunks whose spans bind it (added to ``hits``
    and ``stating``); None when the document does not state it or a span does not bind."""
    fields = _fields_for(name, meta)
    bound = [_bound(searcher, meta, field) for field in fields]
    if not fields or any(b is None for b in bound):
        return None
    numbers = []
    for hit, span in bound:
        if hit.id not in [h.id for h in hits]:
            hits.append(hit)
        numbers.append(next(i for i, h in enumerate(hits, 1) if h.id == hit.id))
        stating.append((numbers[-1], span))
    cite = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
    spans = {f: s for f, (_, s) in zip(fields, bound)}
    return _sentence(name, meta, language, cite, spans, again)


def _fields_for(name: str, meta: dict) -> list[str]:
    """The stored fields a fact rests on; [] when the document does not state it."""
    if name == "in_force":  # in force or ended: its end of validity; not yet in force: when it starts
        status = in_force(meta)
        not_yet = int(meta.get("effective_date_int") or 0) > _today_int()
        return [] if status == "unknown" else _fields_for("effective_date" if not_yet else "expires_date", meta)
    if name == "expires_date" and not meta.get(name) and meta.get("validity_term"):
        return ["validity_term"]  # 暂定三年有效期 from a day no date gives: the term is the answer
    if not meta.get(name):
        return []
    fields = [name]
    if name == "effective_date" and meta.get("effective_date_basis") == "issued":
        fields.append("issued_date")
    if name == "expires_date" and meta.get("expires_date_basis") == "term":
        fields += [f for f in _fields_for("effective_date", meta) if f not in fields]
    return fields


def _today_int() -> int:
    return int(date.today().strftime("%Y%m%d"))


def _bound(searcher: HybridSearcher, meta: dict, field: str) -> tuple[Hit, str] | None:
    """The indexed chunk holding the field's span and the span's text, when that text states the stored value."""
    start, end = int(meta.get(f"{field}_start") or 0), int(meta.get(f"{field}_end") or 0)
    if end <= start:
        return None
    value = str(meta.get(field, ""))
    query = " ".join([value, render_date(value, "zh") if field.endswith("_date") else "", str(meta.get("title", ""))])
    same_file = Filter({"source": str(meta.get("source", "")), "file_hash": str(meta.get("file_hash", ""))})
    holding = [
        (hit, int(hit.metadata.get("start", 0)), int(hit.metadata.get("end", 0)))
        for hit in searcher.bm25(query, max(int(meta.get("n_chunks") or 0), 10), same_file)
    ]
    # of the overlapping chunks that hold it, the one with the most text around it (a date: the signature above it)
    holding = sorted(
        ((hit, first, last) for hit, first, last in holding if first <= start and end <= last),
        key=lambda c: -(start - c[1] if field == "issued_date" else min(start - c[1], c[2] - end)),
    )
    for hit, first, last in holding:
        at = len(hit.text) - (last - first) + (start - first)  # a table chunk starts with its header line
        span = hit.text[at : at + end - start]
        if _states(field, span, meta):
            return hit, span
    return None


def _states(field: str, span: str, meta: dict) -> bool:
    """The stored value read again from its span alone: what binds the answer to the document."""
    value = str(meta.get(field, ""))
    if field == "doc_number":
        found = doc_number_in(span)
        return found is not None and found[0] == value or compact(value) in compact(span)
    if field == "issuers":
        return all(body in re.sub(r"\s+", "", span) for body in value.split("、"))
    if field == "issued_date":
        return any(same_date(d, value) for _, _, d in find_dates(span))
    if field == "effective_date":
        found = effective_in(span, str(meta.get("issued_date", "")))
        ranged = expires_in(span)  # "有效期自2025年8月25日起至2030年8月24日止": the range's first day
        return (found is not None and same_date(found[0], value)) or (ranged is not None and same_date(ranged[4], value))
    if field == "expires_date":
        found = expires_in(span, str(meta.get("effective_date", "")))
        return found is not None and same_date(found[0], value)
    if field == "validity_term":
        term = validity_term_in(span)
        return term is not None and term[0] == value
    found = repeals_in(span)
    return found is not None and found[0] == value



_ZH = {
    "doc_number": "{s}的文号是{v}",
    "issuers": "{s}由{v}印发",
    "issued_date": "{s}的成文日期是{d}",
    "repeals": "{s}废止了{v}",
    "effective_date": "{s}自{d}起施行",
    "effective_date/issued": "{s}{w}，即{d}",
    "expires_date": "{s}的有效期至{d}",
    "expires_date/term": "{s}的有效期至{d}（按原文“{clause}”计算）",
    "expires_date/term_stated": "{s}的有效期为{t}，至{d}（按原文“{clause}”计算）",
    "expires_date/years": "{s}适用于{y}，有效期至{d}（原文：“{clause}”）",
    "validity_term": "{s}的有效期为{v}（原文：“{clause}”）",
    "in_force/yes": "截至{now}，{s}仍在有效期内（有效期至{d}）",
    "in_force/ended": "截至{now}，{s}已不在有效期内（有效期至{d}）",
    "in_force/not_yet": "截至{now}，{s}尚未施行（自{d}起施行）",
}
_EN = {
    "doc_number": "{S} has the document number {v}",
    "issuers": "{S} was issued by {v}",
    "issued_date": "{S} was issued on {d}",
    "repeals": "{S} repealed {v}",
    "effective_date": "{S} takes effect on {d}",
    "effective_date/issued": "{S} takes effect from the date of issue, {d}",
    "expires_date": "{S} is valid until {d}",
    "expires_date/term": "{S} is valid until {d}, as counted from “{clause}”",
    "expires_date/term_stated": "{S} is valid for {t} from taking effect, until {d}, as counted from “{clause}”",
    "expires_date/years": "{S} applies over the years {y}, until {d} (“{clause}”)",
    "validity_term": "{S} is valid for {t} ({v}: “{clause}”)",
    "in_force/yes": "As of {now}, {s} is in force: it is valid until {d}",
    "in_force/ended": "As of {now}, {s} is no longer in force: it was valid until {d}",
    "in_force/not_yet": "As of {now}, {s} is not yet in force: it takes effect on {d}",
}


def _sentence(name: str, meta: dict, language: str, cite: str, spans: dict[str, str], again: bool) -> str | None:
    """One sentence stating the fact, rendered by code: Chinese for a Chinese question; English with each date's
    Chinese as written ("30 June 2026 (2026年6月30日)"). ``again``: the document was named by an earlier sentence."""
    zh = language == "zh"
    title, attached = str(meta.get("title") or meta.get("source") or ""), str(meta.get("attached_title") or "")
    titled = re.search(r"(?:通知|办法|方案|计划|意见|措施|政策|规定|细则|规则|条例|决定|指南|公告|通告)(?:（[^（）]{1,12}）)?$", title)
    rules = f"《{attached}》" if attached else f"《{title}》" if titled and "《" not in title else title
    whole = (title if "《" in title else f"《{title}》") if titled else rules  # a title cut short is not dressed as one
    # the notice (关于印发《X》的通知) has the number and the signature; X itself takes effect and expires
    notice = name in ("doc_number", "issuers", "issued_date", "repeals")
    subject = ("该文件" if zh else "it") if again else whole if notice else rules
    key, field = name, name
    if name == "in_force":
        status, field = in_force(meta), "expires_date"
        if status == "unknown":
            return None
        if status == "no" and int(meta.get("effective_date_int") or 0) > _today_int():
            key, field = "in_force/not_yet", "effective_date"
        else:
            key = "in_force/yes" if status == "yes" else "in_force/ended"
    elif name == "expires_date" and not meta.get(name):
        key = field = "validity_term"
    elif meta.get(f"{name}_basis") in ("issued", "term"):
        key = f"{name}/{meta[f'{name}_basis']}"
    value = str(meta.get(field, ""))
    if zh:
        when = render_date(value, "zh")
    else:
        written = next((spans[field][a:b] for a, b, d in find_dates(spans.get(field, "")) if same_date(d, value)), "")
        when = f"{render_date(value, 'en')} ({written or render_date(value, 'zh')})"
    now = render_date(date.today().isoformat(), language)
    clause = spans.get(field, "").strip()
    term = _TERM.search(clause) if key != "validity_term" else re.match(r"(.+?)(年|个月)$", value)
    if key == "expires_date/term" and term:
        key = "expires_date/term_stated"  # "how long?" is answered with the term itself, then its last day
    years = YEAR_SPAN.search(clause) if key == "expires_date" else None
    if years:
        key = "expires_date/years"  # "实行年限为2016至2020年": the years as the document gives them, then the last day
    worded = re.search(r"自\s*\S{2}之日起\s*\S{2}", clause)  # 自发布之日起实施, as the document words it
    text = (_ZH if zh else _EN)[key].format(
        s=subject, S=subject[:1].upper() + subject[1:], v=value, d=when, now=now, clause=clause,
        w=re.sub(r"\s+", "", worded.group()) if worded else "自印发之日起施行", t=_term_words(term, zh),
        y=f"{years.group(1)}至{years.group(2)}年" if zh and years else f"{years.group(1)} to {years.group(2)}" if years else "",
    )  # fmt: skip
    return f"{text}{cite}。" if zh else f"{text} {cite}."


_TERM = re.compile(r"(?:有效期|试行)(?:为|是)?\s*([一二三四五六七八九十两\d]+)\s*(年|个月)")
_ENGLISH_NUMBERS = list(EN_SMALL)


def _term_words(term: re.Match | None, zh: bool) -> str:
    """ "有效期两年" → "两年" / "two years"."""
    if term is None:
        return ""
    if zh:
        return term.group(1) + term.group(2)
    n = small_number(term.group(1))
    unit = "year" if term.group(2) == "年" else "month"
    return f"{_ENGLISH_NUMBERS[n] if n < len(_ENGLISH_NUMBERS) else n} {unit}{'s' if n != 1 else ''}"


def chosen_document(searcher: HybridSearcher, q: Question, filters: Filter = NO_FILTER) -> dict | None:
    """The one indexed document the question is about: named by its number or version; else the only one of the
    question's place (its region, or its title naming the place); else the one whose title or file name holds
    the question's words clearly best, retrieval breaking a near tie. None when no document stands out."""
    documents = [m for m in facts_by_source(searcher.store).values() if not filters or filters.matches(m)]
    by_source = {str(m.get("source", "")): m for m in documents}
    named = [by_source[s] for s in searcher.documents_named(q.text, list(q.places)) if s in by_source]
    if len(named) == 1:
        return named[0]
    if q.places:
        codes = {p.code for p in q.places}
        names = {n for p in q.places for n in (p.name, p.short) if len(n) >= 2}
        documents = [
            m for m in documents if m.get("region_code") in codes or any(n in str(m.get("title", "")) for n in names)
        ]
    documents = [m for m in documents if _coverage(q, m) >= MIN_TITLE_COVERAGE]  # not another document of the place
    if len(documents) <= 1:
        return documents[0] if documents else None
    scores = _title_scores(q, documents)
    ranked = sorted(range(len(documents)), key=lambda i: -scores[i])
    best, second = scores[ranked[0]], scores[ranked[1]]
    if best > 0 and best - second >= 1.0:
        return documents[ranked[0]]
    near = {str(documents[i].get("source")) for i in ranked if best > 0 and scores[i] >= best - 1.0}
    for hit in searcher.search_balanced(q.text, 8, filters) if near else []:
        if hit.metadata.get("source") in near:
            return by_source.get(str(hit.metadata.get("source")))
    return None


def _coverage(q: Question, meta: dict) -> float:
    """Share of the question's own words (places, question words and 管理办法-like boilerplate aside) in the
    document's title or file name: "北京市人工智能产业投资基金管理办法的文号" is not about Beijing's action plan."""
    asked = _words(remove_places(q.text), q.chinese) - _GENERIC
    title = f"{meta.get('title', '')} {meta.get('attached_title', '')} {meta.get('source', '')}"
    held = _words(title, None)
    # an English question's words count when their Chinese renderings are in the title ("low carbon" → 低碳)
    rendered = {w: t.chinese for t in ([] if q.chinese else subject_terms(q)) for w in _words(t.english, False)}
    found = [w for w in asked if w in held or any(c in title for c in rendered.get(w, ()))]
    return len(found) / len(asked) if asked else 1.0


def _title_scores(q: Question, documents: list[dict]) -> list[float]:
    """IDF-weighted count of the question's words in each document's title and file name (bigrams in Chinese)."""
    asked = _words(q.text, q.chinese)
    held = [_words(f"{m.get('title', '')} {m.get('attached_title', '')} {m.get('source', '')}", None) for m in documents]
    n = len(documents)
    weight = {w: math.log(1 + n / sum(w in h for h in held)) for w in asked if any(w in h for h in held)}
    return [sum(weight.get(w, 0.0) for w in asked & h) for h in held]


def _words(text: str, chinese: bool | None) -> set[str]:
    """Chinese bigrams (question filler removed) and lower-case English words; ``None``: both, for titles."""
    out: set[str] = set()
    if chinese is not False:
        for run in re.findall(r"[\u4e00-\u9fff]+", _CHINESE_FILLER.sub(" ", text) if chinese else text):
            out |= {run[i : i + 2] for i in range(len(run) - 1)}
    if chinese is not True:
        english = (re.sub(r"ies$", "y", w) if len(w) > 4 else w for w in _WORD.findall(text.lower().replace("'s", " ")))
        out |= {re.sub(r"(?<=[^s])s$", "", w) for w in english if w not in _ENGLISH_FILLER and len(w) > 1}
    return out
