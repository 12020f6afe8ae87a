"""Plain functions behind the web UI: no Gradio objects in or out, so they are tested directly."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

from .answer import Answer, Answerer
from .numbers import find_figures
from .retrieval import NO_FILTER, Filter, Hit

_CITATION = re.compile(r"\[(\d+)\]")


def link_citations(answer_text: str, n_passages: int) -> str:
    """Each [n] becomes a link to passage n in the sources panel (markdown-safe, no raw HTML)."""

    def link(match: re.Match) -> str:
        n = int(match.group(1))
        return f"[\\[{n}\\]](#passage-{n})" if 1 <= n <= n_passages else match.group()

    return _CITATION.sub(link, answer_text)


def escape_markdown_html(text: str) -> str:
    """Model output is text: any markup it contains is shown, never rendered."""
    return html.escape(text, quote=False)


def highlight_figures(passage: str, answer_text: str) -> str:
    """Escaped passage text with the figures that the answer states wrapped in <mark>."""
    wanted = find_figures(answer_text)
    spans = []
    for figure in find_figures(passage):
        if any(abs(figure.value - w.value) <= 1e-9 * max(1.0, abs(w.value)) for w in wanted):
            spans.append((figure.start, figure.end))
    out, cursor = [], 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        out += [html.escape(passage[cursor:start]), "<mark>", html.escape(passage[start:end]), "</mark>"]
        cursor = end
    out.append(html.escape(passage[cursor:]))
    return "".join(out)


def render_sources(hits: list[Hit], answer_text: str = "", cited: list[int] | None = None) -> str:
    """The sources panel: one card per passage with its document details; every value is escaped."""
    if not hits:
        return "<div class='sources-empty'>Sources appear here after a question.</div>"
    cards = []
    for n, hit in enumerate(hits, start=1):
        meta = hit.metadata
        details = " · ".join(
            html.escape(str(value))
            for value in (meta.get("region"), meta.get("issuer"), meta.get("date"), meta.get("doc_number"))
            if value
        )
        section = html.escape(str(meta.get("section") or ""))
        page = f" · p. {int(meta['page'])}" if meta.get("page") else ""
        css = "passage cited" if cited and n in cited else "passage"
        cards.append(
            f"<div class='{css}' id='passage-{n}'>"
            f"<div class='passage-head'><span class='passage-n'>[{n}]</span> "
            f"<b>{html.escape(str(meta.get('title') or meta.get('source') or ''))}</b></div>"
            f"<div class='passage-meta'>{html.escape(str(meta.get('source', '')))}{page}"
            f"{' · ' + details if details else ''}</div>"
            f"{f'<div class=passage-section>{section}</div>' if section else ''}"
            f"<div class='passage-text'>{highlight_figures(hit.text, answer_text)}</div></div>"
        )
    return "\n".join(cards)


def badge(answer: Answer) -> str:
    if answer.refused:
        return "⚪ Not in the documents"
    return "✅ Verified: every figure is in the passage it cites" if answer.verified else "⚠️ Not fully verified"


def answer_markdown(answer: Answer) -> str:
    """The chat message for a finished answer: linked citations, badge, rewritten question, notices."""
    body = link_citations(escape_markdown_html(answer.text), len(answer.passages))
    lines = [body, "", f"*{badge(answer)}*"]
    if answer.rewritten_question != answer.question:
        lines.append(f"*Searched for: {escape_markdown_html(answer.rewritten_question)}*")
    if answer.verification and answer.verification.unverified:
        lines.append("*Could not verify: " + escape_markdown_html("; ".join(answer.verification.unverified)) + "*")
    return "\n".join(lines)


def chat_turn(
    answerer: Answerer, message: str, history: list[dict], filters: Filter = NO_FILTER
) -> Iterator[tuple[list[dict], str, Answer | None]]:
    """One chat turn: yields (messages, sources_html, answer_or_None) while the answer streams."""
    message = (message or "").strip()
    if not message:
        yield history, render_sources([]), None
        return
    previous_questions = [m["content"] for m in history if m.get("role") == "user"]
    history = history + [{"role": "user", "content": message}, {"role": "assistant", "content": "…"}]
    hits: list[Hit] = []
    draft = ""
    for event in answerer.stream(message, previous_questions, filters):
        if event["type"] == "passages":
            hits = event["hits"]
            yield history, render_sources(hits), None
        elif event["type"] == "token":
            draft += event["text"]
            history[-1] = {"role": "assistant", "content": escape_markdown_html(draft)}
            yield history, render_sources(hits), None
        else:
            answer = event["answer"]
            history[-1] = {"role": "assistant", "content": answer_markdown(answer)}
            yield history, render_sources(answer.passages, answer.text, answer.cited), answer
