"""Plain functions behind the web UI: no Gradio objects in or out, so they are tested directly.

Every piece of document or model text passes through ``html.escape`` before it reaches the page.
"""

from __future__ import annotations

import base64
import html
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from assistant.answer import Answer, Answerer
from assistant.answer.badge import LABELS as BADGE_LABELS
from assistant.answer.badge import NOT_FOUND, QUOTED, UNVERIFIED, VERIFIED
from assistant.answer.events import Final, Passages, Token
from assistant.search.hybrid import NO_FILTER, Filter, Hit
from assistant.text.numbers import figures_match, find_figures

log = logging.getLogger(__name__)

_CITATION = re.compile(r"\[(\d+)\]")
EMPTY_SOURCES = "<div class='sources-empty'>Ask a question: the passages behind the answer appear here.</div>"


@dataclass(frozen=True)
class Turn:
    """One question of a conversation and what has arrived for it so far."""

    question: str
    hits: list[Hit] = field(default_factory=list)
    draft: str = ""
    answer: Answer | None = None
    error: str = ""
    waiting: int = 0


def escape_markdown_html(text: str) -> str:
    """Model and document text is text: markup is shown, never rendered; no remote images either."""
    return html.escape(text, quote=False).replace("![", "!\\[").replace("](", "]\\(")


def link_citations(answer_text: str, n_passages: int, turn: int = 1) -> str:
    """Each [n] becomes a link to passage n of this turn in the sources panel (markdown, no raw HTML)."""

    def link(match: re.Match) -> str:
        n = int(match.group(1))
        return f"[\\[{n}\\]](#passage-{turn}-{n})" if 1 <= n <= n_passages else match.group()

    return _CITATION.sub(link, answer_text)


def highlight_figures(passage: str, answer_text: str) -> str:
    """Escaped passage text with the figures that the answer states wrapped in <mark>."""
    wanted = find_figures(answer_text)
    spans = []
    for figure in find_figures(passage):
        if any(figures_match(figure, w) for w in wanted):
            spans.append((figure.start, figure.end))
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        out += [html.escape(passage[cursor:start]), "<mark>", html.escape(passage[start:end]), "</mark>"]
        cursor = end
    out.append(html.escape(passage[cursor:]))
    return "".join(out)


def passage_details(meta: dict) -> str:
    """'file.pdf · p. 3 · Beijing · issuer · 2025-03-01 · No. 5' with every value escaped."""
    page = f"p. {int(meta['page'])}" if str(meta.get("page") or "0").isdigit() and int(meta.get("page") or 0) else ""
    values = (
        meta.get("source"),
        page,
        meta.get("region"),
        meta.get("issuer"),
        meta.get("date"),
        meta.get("doc_number"),
    )
    return " · ".join(html.escape(str(v)) for v in values if v)


def render_passage(hit: Hit, n: int, turn: int, answer_text: str = "", cited: bool = False) -> str:
    meta = hit.metadata
    title = html.escape(str(meta.get("title") or meta.get("source") or "Untitled"))
    section = html.escape(str(meta.get("section") or ""))
    return (
        f"<div class='passage{' cited' if cited else ''}' id='passage-{turn}-{n}'>"
        f"<div class='passage-head'><span class='passage-n'>[{n}]</span> <b>{title}</b>"
        f"{' <span class=cited-tag>cited</span>' if cited else ''}{ocr_tag(meta)}</div>"
        f"<div class='passage-meta'>{passage_details(meta)}</div>"
        f"{f'<div class=passage-section>{section}</div>' if section else ''}"
        f"<div class='passage-text'>{highlight_figures(hit.text, answer_text)}</div></div>"
    )


def ocr_tag(meta: dict) -> str:
    """A passage read from a page image says so, with the recogniser's mean confidence."""
    if not meta.get("ocr"):
        return ""
    confidence = f"{float(meta.get('ocr_confidence') or 0):.0%}"
    return f" <span class='ocr-tag' title='Read by OCR from a page image; mean confidence {confidence}'>OCR</span>"


# --- page preview (issue 17): clicking [n] shows where the passage stands in its source ---------------


def render_preview(hit: Hit, n: int, previewer) -> str:
    """The passage's page image with its region highlighted (PDF, image), else the passage in context."""
    meta = hit.metadata
    title = html.escape(str(meta.get("title") or meta.get("source") or "Untitled"))
    head = f"<div class='preview-head'><span class='passage-n'>[{n}]</span> <b>{title}</b>{ocr_tag(meta)}</div>"
    head += f"<div class='passage-meta'>{passage_details(meta)}</div>"
    try:
        if previewer.has_page_image(meta) and (path := previewer.page_image(meta, hit.text)):
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            alt = html.escape(f"page {meta.get('page')} of {meta.get('source')}, passage {n} highlighted")
            image = f"<img class='page-image' alt='{alt}' src='data:image/jpeg;base64,{data}'>"
            return f"<div class='preview' data-kind='page'>{head}{image}</div>"
        if context := previewer.context(meta, hit.text):
            body = f"{html.escape(context.before)}<mark class='cited-span'>{html.escape(context.passage)}</mark>"
            body += html.escape(context.after)
            return f"<div class='preview' data-kind='text'>{head}<div class='preview-text'>{body}</div></div>"
    except Exception:  # a damaged or vanished file must not break the panel
        log.exception("preview failed for %s", meta.get("source"))
    missing = "The source file is not available as it was indexed (moved, changed or deleted)."
    return f"<div class='preview' data-kind='missing'>{head}<div class='sources-empty'>{missing}</div></div>"


def preview_for_request(request: str, turns: list[Turn], previewer) -> str:
    """``request`` is the clicked link's target, 'passage-<turn>-<n>' (anything after '#' is ignored)."""
    found = re.fullmatch(r"passage-(\d+)-(\d+)", (request or "").split("#")[0])
    if not found or not 1 <= int(found.group(1)) <= len(turns):
        return ""
    turn = turns[int(found.group(1)) - 1]
    hits = turn.answer.passages if turn.answer else turn.hits
    n = int(found.group(2))
    return render_preview(hits[n - 1], n, previewer) if 1 <= n <= len(hits) else ""


def render_sources(hits: list[Hit], answer_text: str = "", cited: list[int] | None = None, turn: int = 1) -> str:
    """The passages of one answer, one card each."""
    if not hits:
        return EMPTY_SOURCES
    cited = cited or []
    return "\n".join(render_passage(hit, n, turn, answer_text, n in cited) for n, hit in enumerate(hits, 1))


def render_sources_panel(turns: list[Turn]) -> str:
    """Every turn's passages, newest first and open; older turns folded so their [n] links still resolve."""
    if not turns:
        return EMPTY_SOURCES
    sections = []
    for number in range(len(turns), 0, -1):
        turn = turns[number - 1]
        answer = turn.answer
        cards = (
            render_sources(answer.passages, answer.text, answer.cited, number)
            if answer
            else render_sources(turn.hits, "", None, number)
        )
        if not (answer.passages if answer else turn.hits):
            cards = "<div class='sources-empty'>No passages for this question.</div>"
        sections.append(
            f"<details class='turn' id='turn-{number}'{' open' if number == len(turns) else ''}>"
            f"<summary>Q{number}: {html.escape(turn.question)}</summary>{cards}</details>"
        )
    return "\n".join(sections)


def badge(answer: Answer) -> str:
    """Verified, Quoted or Not found, in words (answer.badge)."""
    return BADGE_LABELS.get(answer.badge, BADGE_LABELS[UNVERIFIED])


_BADGE_CLASS = {VERIFIED: "verified", QUOTED: "quoted", NOT_FOUND: "refused", UNVERIFIED: "unverified"}
_QUOTED_STYLE = " style='background:#e0f2fe;color:#075985'"  # the stylesheet predates the Quoted badge


def badge_html(answer: Answer) -> str:
    kind = _BADGE_CLASS.get(answer.badge, "unverified")
    style = _QUOTED_STYLE if kind == "quoted" else ""
    return f"<span class='badge badge-{kind}'{style}>{html.escape(badge(answer))}</span>"


def answer_markdown(answer: Answer, turn: int = 1) -> str:
    """The chat message for a finished answer: linked citations, badge, rewritten question, notices."""
    body = link_citations(escape_markdown_html(answer.text), len(answer.passages), turn)
    lines = [body, "", badge_html(answer)]
    if answer.rewritten_question != answer.question:
        lines.append(f"*Searched for: {escape_markdown_html(answer.rewritten_question)}*")
    for notice in answer.notices:
        lines.append(f"*{escape_markdown_html(notice)}*")
    unverified = answer.verification.unverified if answer.verification else []
    if unverified and not any(n.startswith("Could not verify") for n in answer.notices):
        lines.append("*Could not verify: " + escape_markdown_html("; ".join(unverified)) + "*")
    return "\n".join(lines)


def reply_markdown(turn: Turn, number: int) -> str:
    """What the assistant bubble shows at this moment of the turn."""
    if turn.answer:
        return answer_markdown(turn.answer, number)
    if turn.error:
        return f"Sorry, no answer this time: {escape_markdown_html(turn.error)}"
    if turn.draft:
        return link_citations(escape_markdown_html(turn.draft), len(turn.hits), number)
    if turn.waiting:
        return f"*Waiting for the model ({turn.waiting} ahead)…*"
    return "*Reading the passages…*" if turn.hits else "*Searching the documents…*"


def chat_messages(turns: list[Turn]) -> list[dict]:
    messages = []
    for number, turn in enumerate(turns, 1):
        messages.append({"role": "user", "content": escape_markdown_html(turn.question)})
        messages.append({"role": "assistant", "content": reply_markdown(turn, number)})
    return messages


def context_questions(turns: list[Turn]) -> list[str]:
    """Earlier questions for follow-up rewriting; a rewritten follow-up stands in for its short form."""
    return [t.answer.rewritten_question if t.answer else t.question for t in turns if not t.error]


def chat_turn(
    answerer: Answerer,
    message: str,
    turns: list[Turn],
    filters: Filter = NO_FILTER,
    waiting: Callable[[], int] = lambda: 0,
) -> Iterator[tuple[list[dict], str, list[Turn]]]:
    """One question: yields (chat messages, sources panel html, turns) each time something arrives."""
    message = (message or "").strip()
    if not message:
        yield chat_messages(turns), render_sources_panel(turns), turns
        return
    earlier, turn = list(turns), Turn(message)

    def update(**changes) -> tuple[list[dict], str, list[Turn]]:
        nonlocal turn
        turn = replace(turn, **changes)
        now = earlier + [turn]
        return chat_messages(now), render_sources_panel(now), now

    yield update()
    try:
        for event in answerer.stream(message, context_questions(earlier), filters):
            if isinstance(event, Passages):
                yield update(hits=event.hits, waiting=waiting())
            elif isinstance(event, Token):
                yield update(draft=turn.draft + event.text, waiting=0)
            elif isinstance(event, Final):
                yield update(answer=event.answer)
    except Exception as exc:  # the page shows a sentence; the log keeps the traceback
        log.exception("answering failed")
        yield update(error=str(exc).strip().splitlines()[0] if str(exc).strip() else "an unexpected error.")


def make_filter(region: str | None, source: str | None) -> Filter:
    from assistant.service.filters import build_filter

    return build_filter(region=region, source=source)


def filter_choices(rows: list[dict]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Dropdown choices (label, value) for region and document; the empty value means all."""
    regions = sorted({str(r["region"]) for r in rows if r.get("region")})
    region_choices = [("All regions", "")] + [(region, region) for region in regions]
    document_choices = [("All documents", "")] + [
        (f"{r['title']} ({r['source']})" if r.get("title") else r["source"], r["source"]) for r in rows if r["chunks"]
    ]
    return region_choices, document_choices


def export_markdown(turn: Turn) -> str:
    """An answer as a Markdown file: question, answer with [n], its badge, and every passage it was given."""
    answer = turn.answer
    if answer is None:
        return ""
    lines = [f"# {turn.question}", "", answer.text, "", f"*{badge(answer)}*", "", "## Passages", ""]
    for n, hit in enumerate(answer.passages, 1):
        meta = hit.metadata
        title = meta.get("title") or meta.get("source") or "Untitled"
        details = html.unescape(passage_details(meta))
        section = f" — {meta['section']}" if meta.get("section") else ""
        lines.append(f"**[{n}] {title}**{' (cited)' if n in answer.cited else ''}  ")
        lines.append(f"{details}{section}")
        lines.append("")
        lines += [f"> {line}" if line.strip() else ">" for line in hit.text.splitlines()]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def status_text(model: str, documents: int, chunks: int, index_location: str, waiting: int = 0) -> str:
    counts = f"{documents} document{'s' * (documents != 1)}, {chunks} passage{'s' * (chunks != 1)}"
    parts = [f"Model: {model}", counts, f"index: {index_location}"]
    if waiting > 0:
        parts.append(f"⏳ waiting for the model ({waiting} ahead)")
    return " · ".join(html.escape(part) for part in parts)


_FACT_KEYS = ("doc_number", "issuer", "issued", "effective", "expires", "valid_for", "in_force")  # ingest/facts.fact_columns


def render_documents(rows: list[dict]) -> str:
    """The Documents tab table; every value escaped (titles come from the documents themselves)."""
    if not rows:
        return "<div class='sources-empty'>No documents yet: add some below.</div>"
    columns = (
        "Title", "File", "Region", "Date", "Doc. number", "Issuer", "Issued", "Effective", "Expires", "Valid for", "In force",
    )  # fmt: skip
    head = "".join(f"<th>{h}</th>" for h in (*columns, "Passages", "Status"))
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(row.get(key, '')))}</td>"
            for key in ("title", "source", "region", "date", *_FACT_KEYS, "chunks", "status")
        )
        + "</tr>"
        for row in rows
    )
    return f"<div class='doc-table'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
