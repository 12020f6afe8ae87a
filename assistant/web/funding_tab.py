"""The Funding tab: plain handler functions (tested directly) and the Gradio layout that calls them."""

import html
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from assistant.funding.export import write_csv, write_xlsx
from assistant.funding.query import find_provisions, format_ratio, format_yuan
from assistant.funding.records import FundingIndex, FundingRecord

log = logging.getLogger(__name__)

# (header, record attribute) of the on-screen table; the exports carry every column (export.COLUMNS).
TABLE_COLUMNS: list[tuple[str, str]] = [
    ("Place", "place"),
    ("Document", "title"),
    ("Section", "section"),
    ("What it funds", "item"),
    ("Who receives it", "recipient"),
    ("Cap as written", "cap_text"),
    ("Cap (yuan)", "cap_yuan"),
    ("Ratio cap", "ratio"),
    ("Period", "period"),
    ("Conditions", "qualifiers"),
]
TABLE_HEADERS = [header for header, _ in TABLE_COLUMNS]
_NUMERIC = {"cap_yuan", "ratio"}
WAN = 10_000
EMPTY_PASSAGE = "<div class='sources-empty'>Click a row: its passage appears here with the provision highlighted.</div>"
PagePreview = Callable[[FundingRecord], str]  # page preview HTML for a record ("" when there is none)


def filter_choices(records: list[FundingRecord]) -> tuple[list[str], list[tuple[str, str]]]:
    """Place names (a multi-select: two places side by side) and (label, source) document choices."""
    places = sorted({r.place for r in records if r.place})
    documents: dict[str, str] = {}
    for record in records:
        documents.setdefault(record.source, f"{record.title} ({record.source})" if record.title else record.source)
    return places, [("All documents", "")] + [(label, source) for source, label in sorted(documents.items())]


def _yuan(wan: float | None) -> float | None:
    """万元 to yuan; an empty box (Gradio sends 0 or None) sets no bound."""
    return float(wan) * WAN if wan else None


def select_records(
    records: list[FundingRecord],
    places: list[str] | None,
    document: str | None,
    min_wan: float | None,
    max_wan: float | None,
    keyword: str | None,
) -> list[FundingRecord]:
    """The filters of the tab; amounts are entered in 万元 (10,000 yuan), as the documents write them."""
    return find_provisions(
        records,
        places=places or None,
        min_yuan=_yuan(min_wan),
        max_yuan=_yuan(max_wan),
        keyword=keyword,
        sources=[document] if document else None,
    )


def sort_records(records: list[FundingRecord], header: str | None, descending: bool = False) -> list[FundingRecord]:
    """Sorted by one on-screen column; rows without a value in it come last either way."""
    key = dict(TABLE_COLUMNS).get(header or "")
    if key is None:
        return list(records)

    def value(record: FundingRecord):
        raw = getattr(record, key)
        return "、".join(raw) if key == "qualifiers" else raw

    present = [r for r in records if value(r) not in (None, "")]
    missing = [r for r in records if value(r) in (None, "")]
    if key in _NUMERIC:
        present.sort(key=lambda r: float(value(r)), reverse=descending)
    else:
        present.sort(key=lambda r: str(value(r)), reverse=descending)
    return present + missing


def table_rows(records: list[FundingRecord]) -> list[list[str]]:
    """The on-screen cells, formatted (yuan with thousands separators, ratios as percentages)."""
    out = []
    for record in records:
        row = []
        for _, key in TABLE_COLUMNS:
            raw = getattr(record, key)
            if key == "cap_yuan":
                row.append(format_yuan(raw))
            elif key == "ratio":
                row.append(format_ratio(raw))
            elif key == "qualifiers":
                row.append("、".join(raw))
            else:
                row.append(str(raw or ""))
        out.append(row)
    return out


def summary_text(shown: list[FundingRecord], total: int) -> str:
    documents = len({r.source for r in shown})
    capped = [r.cap_yuan for r in shown if r.cap_yuan is not None]
    largest = f"; largest cap {format_yuan(max(capped))} yuan" if capped else ""
    return f"{len(shown)} of {total} provisions, from {documents} document{'s' * (documents != 1)}{largest}."


def passage_html(index: FundingIndex, record: FundingRecord | None, page_preview: PagePreview | None = None) -> str:
    """The record's passage (the indexed chunks its span touches) with the span marked; all text escaped."""
    if record is None:
        return EMPTY_PASSAGE
    document = index.document(record.source)
    if document is None:
        return "<div class='sources-empty'>This document is no longer indexed; refresh the table.</div>"
    text, start, end = document.passage(record)
    details = " · ".join(
        html.escape(str(v)) for v in (record.source, record.place, record.issuer, record.doc_number, record.date) if v
    )
    preview = page_preview(record) if page_preview else ""
    return (
        f"<div class='passage funding-passage' id='funding-passage'>"
        f"<div class='passage-head'><b>{html.escape(record.title or record.source)}</b></div>"
        f"<div class='passage-meta'>{details}</div>"
        f"{f'<div class=passage-section>{html.escape(record.section)}</div>' if record.section else ''}"
        f"<div class='passage-text'>{html.escape(text[:start])}<mark>{html.escape(text[start:end])}</mark>"
        f"{html.escape(text[end:])}</div>{preview}</div>"
    )


def export_files(records: list[FundingRecord], folder: Path | None = None) -> tuple[Path, Path]:
    """The shown rows as funding.csv and funding.xlsx in a fresh folder."""
    folder = folder or Path(tempfile.mkdtemp(prefix="policy-funding-"))
    return write_csv(records, folder / "funding.csv"), write_xlsx(records, folder / "funding.xlsx")


def view(
    index: FundingIndex,
    places: list[str] | None = None,
    document: str | None = None,
    min_wan: float | None = None,
    max_wan: float | None = None,
    keyword: str | None = None,
    sort_by: str | None = None,
    descending: bool = False,
) -> tuple[list[FundingRecord], list[FundingRecord]]:
    """(all records, the shown ones in display order) for the current filters and sort."""
    records = index.records()
    shown = sort_records(select_records(records, places, document, min_wan, max_wan, keyword), sort_by, descending)
    return records, shown


def build_funding_tab(gr) -> SimpleNamespace:
    """The Funding tab and its components; call inside ``gr.Tabs()``."""
    c = SimpleNamespace()
    with gr.Tab("Funding", id="funding-tab") as c.tab:
        _layout(gr, c)
    return c


def _layout(gr, c: SimpleNamespace) -> None:
    with gr.Row():
        c.places = gr.Dropdown(
            [], value=[], multiselect=True, label="Places (pick two to compare)", elem_id="funding-places"
        )
        c.document = gr.Dropdown([("All documents", "")], value="", label="Document", elem_id="funding-document")
        c.keyword = gr.Textbox(label="Keyword", placeholder="算力, 模型券, robot…", elem_id="funding-keyword")
    with gr.Row():
        c.min_wan = gr.Number(label="Min cap (万元; 0 = none)", value=0, minimum=0, elem_id="funding-min")
        c.max_wan = gr.Number(label="Max cap (万元; 0 = none)", value=0, minimum=0, elem_id="funding-max")
        c.sort_by = gr.Dropdown(TABLE_HEADERS, value="Place", label="Sort by", elem_id="funding-sort")
        c.descending = gr.Checkbox(label="descending", value=False, elem_id="funding-descending")
    c.summary = gr.Markdown(elem_id="funding-summary")
    c.table = gr.Dataframe(
        headers=TABLE_HEADERS,
        value=[],
        interactive=False,
        wrap=True,
        max_height=520,
        column_widths=["7%", "14%", "12%", "14%", "11%", "9%", "9%", "6%", "7%", "11%"],
        elem_id="funding-table",
    )
    with gr.Row():
        c.csv = gr.DownloadButton("Download CSV", elem_id="funding-csv", size="sm")
        c.xlsx = gr.DownloadButton("Download XLSX", elem_id="funding-xlsx", size="sm")
    gr.Markdown("### Passage")
    c.passage = gr.HTML(EMPTY_PASSAGE, elem_id="funding-passage-panel")
    c.shown = gr.State([])


def wire_funding_tab(gr, services, c: SimpleNamespace, demo, page_preview: PagePreview | None = None) -> None:
    """Filters and sort refresh the table and the downloads; a row click opens its passage."""
    index = services.funding
    filters = [c.places, c.document, c.min_wan, c.max_wan, c.keyword, c.sort_by, c.descending]

    def refresh(places, document, min_wan, max_wan, keyword, sort_by, descending):
        import pandas as pd

        try:
            records, shown = view(index, places, document, min_wan, max_wan, keyword, sort_by, descending)
        except Exception as exc:
            log.exception("cannot list funding provisions")
            return gr.skip(), gr.skip(), gr.skip(), f"Cannot read the index: {html.escape(str(exc))}", *[gr.skip()] * 3
        place_choices, document_choices = filter_choices(records)
        csv_path, xlsx_path = export_files(shown)
        return (
            gr.Dropdown(choices=place_choices),
            gr.Dropdown(choices=document_choices),
            pd.DataFrame(table_rows(shown), columns=TABLE_HEADERS),
            summary_text(shown, len(records)),
            [r.id for r in shown],
            str(csv_path),
            str(xlsx_path),
        )

    def open_row(shown_ids, data: gr.SelectData):
        row = data.index[0] if isinstance(data.index, list | tuple) else data.index
        if not shown_ids or row is None or row >= len(shown_ids):
            return EMPTY_PASSAGE
        by_id = {r.id: r for r in index.records()}
        return passage_html(index, by_id.get(shown_ids[row]), page_preview)

    outputs = [c.places, c.document, c.table, c.summary, c.shown, c.csv, c.xlsx]
    for component in (c.places, c.document, c.sort_by, c.descending):
        component.input(refresh, filters, outputs, show_progress="hidden")  # user changes only: no update loop
    for component in (c.min_wan, c.max_wan, c.keyword):
        component.submit(refresh, filters, outputs, show_progress="hidden")
        component.blur(refresh, filters, outputs, show_progress="hidden")
    c.table.select(open_row, c.shown, c.passage, show_progress="hidden")
    c.tab.select(refresh, filters, outputs, show_progress="hidden")
    demo.load(refresh, filters, outputs)
