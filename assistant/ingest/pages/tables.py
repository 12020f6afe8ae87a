"""Tables of PDF pages (pdfplumber) as 'a | b | c' rows, placed where they stand on the page."""

from __future__ import annotations

import io

CELL_SEPARATOR = " | "


def table_rows(rows: list[list[str | None]]) -> list[str]:
    """Rows as lines; cells keep their order (merged cells come back as empty ones); empty rows dropped."""
    lines = []
    for row in rows:
        cells = [" ".join((cell or "").split()) for cell in row]
        if any(cells):
            lines.append(CELL_SEPARATOR.join(cells))
    return lines


def pdf_pages_with_tables(data: bytes, pages: list[int]) -> dict[int, tuple[str, list[tuple[int, int]]]]:
    """For each listed page (0-based) that holds a ruled table: its text with tables kept as rows, and the
    (start, end) of every table in that text. Pages without tables are left out."""
    import pdfplumber

    found: dict[int, tuple[str, list[tuple[int, int]]]] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for index in pages:
            page = pdf.pages[index]
            if not (page.rects or page.lines):  # the default strategy needs ruling lines
                continue
            tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
            if tables:
                found[index] = _page_with_tables(page, tables)
    return found


def _page_with_tables(page, tables) -> tuple[str, list[tuple[int, int]]]:
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    prose = page.filter(outside)
    blocks: list[tuple[str, bool]] = []
    top = page.bbox[1]
    for table in tables:
        blocks.append((_band_text(prose, top, table.bbox[1]), False))
        blocks.append(("\n".join(table_rows(table.extract())), True))
        top = table.bbox[3]
    blocks.append((_band_text(prose, top, page.bbox[3]), False))
    text, spans = "", []
    for block, is_table in blocks:
        if not block.strip():
            continue
        if text:
            text += "\n"
        if is_table:
            spans.append((len(text), len(text) + len(block)))
        text += block
    return text, spans


def _band_text(page, top: float, bottom: float) -> str:
    if bottom - top < 1:
        return ""
    x0, _, x1, _ = page.bbox
    return (page.crop((x0, top, x1, bottom), strict=False).extract_text() or "").strip()
