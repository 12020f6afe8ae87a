"""Bound how deeply an HTML page nests before it reaches the parser.

An HTML tree builder checks its stack of open elements for every tag, so a page nesting 200,000
``<div>``s costs it quadratic time (minutes for 2 MB). Real pages stay far below ``MAX_DEPTH``; past
it, opening tags and their closing tags are replaced by a space, and the text between them is kept.
"""

from __future__ import annotations

import re

MAX_DEPTH = 256
_TAG = re.compile(r"<(!--|/?)([A-Za-z][\w:.-]*)?")
_RAW_TEXT = {"script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes", "plaintext"}
# Never pushed: void elements, and elements that the next sibling closes implicitly (<p>, <li>, <td> ...).
_NOT_NESTING = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rp",
}  # fmt: skip


def flatten_deep_nesting(html: str, max_depth: int = MAX_DEPTH) -> str:
    """``html`` unchanged unless elements nest deeper than ``max_depth``; then without the excess tags."""
    lower = html.lower()
    stack: list[str] = []
    dropped: dict[str, int] = {}
    cuts: list[tuple[int, int]] = []
    pos = 0
    while (found := _TAG.search(html, pos)) is not None:
        start = found.start()
        end = html.find(">", found.end())
        if end < 0:
            break
        end += 1
        kind, name = found.group(1), (found.group(2) or "").lower()
        if kind == "!--":
            close = html.find("-->", found.end())
            pos = len(html) if close < 0 else close + 3
            continue
        pos = end
        if not name:
            continue
        if kind == "/":
            if dropped.get(name):
                dropped[name] -= 1
                cuts.append((start, end))
            elif name in stack:
                while stack.pop() != name:
                    pass
            continue
        if name in _RAW_TEXT:  # its content is text, not tags
            close = lower.find(f"</{name}", end)
            pos = len(html) if close < 0 else close
            continue
        if name in _NOT_NESTING or html[end - 2] == "/":
            continue
        if len(stack) >= max_depth:
            dropped[name] = dropped.get(name, 0) + 1
            cuts.append((start, end))
        else:
            stack.append(name)
    if not cuts:
        return html
    pieces, cursor = [], 0
    for start, end in cuts:
        pieces += [html[cursor:start], " "]
        cursor = end
    pieces.append(html[cursor:])
    return "".join(pieces)
