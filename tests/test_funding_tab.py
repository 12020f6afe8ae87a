"""The Funding tab's handlers: filters, sort, cells, the passage view and the CSV/XLSX exports."""

from __future__ import annotations

import csv

import pytest

from assistant.funding.records import FundingIndex, FundingRecord
from assistant.web.funding_tab import (
    EMPTY_PASSAGE,
    TABLE_HEADERS,
    export_files,
    filter_choices,
    passage_html,
    select_records,
    sort_records,
    summary_text,
    table_rows,
    view,
)

NOTICE = (
    "# 天津市支持人工智能发展的若干措施\n\n"
    "1.支持算力应用。发放 2 亿元算力券。对租用智能算力的企业，给予最高 30%、最高 500 万元补贴。\n\n"
    "2.支持场景建设。对<script>alert(1)</script>标杆场景项目，给予最高 1000 万元支持。\n\n"
)


@pytest.fixture(scope="module")
def embeddings(fake_embeddings):
    """These tests need an index, not retrieval: ``services`` and ``indexed`` embed with fake vectors."""
    return fake_embeddings


def record(**changes) -> FundingRecord:
    values = dict(
        id="r1", source="a.txt", title="A plan", place="Shanghai", place_code="310000", issuer="", doc_number="",
        date="", section="1", item="算力", recipient="", support="", cap_text="最高500万元", cap_yuan=5e6,
        cap_min_yuan=None, ratio_text="", ratio=None, period="", qualifiers=(), kind="subsidy",
        span="给予最高500万元补贴", start=0, end=10,
    )  # fmt: skip
    return FundingRecord(**(values | changes))


RECORDS = [
    record(),
    record(id="r2", source="b.txt", title="B plan", place="Anhui", place_code="340000", cap_yuan=2e7, item="模型"),
    record(id="r3", source="b.txt", title="B plan", place="Anhui", place_code="340000", cap_yuan=None, ratio=30.0),
]


def test_filter_choices_list_places_and_documents_once():
    places, documents = filter_choices(RECORDS)
    assert places == ["Anhui", "Shanghai"]
    assert documents == [("All documents", ""), ("A plan (a.txt)", "a.txt"), ("B plan (b.txt)", "b.txt")]


def test_select_by_places_document_amount_in_wan_and_keyword():
    assert [r.id for r in select_records(RECORDS, ["Shanghai", "Anhui"], "", None, None, "")] == ["r1", "r2", "r3"]
    assert [r.id for r in select_records(RECORDS, [], "b.txt", None, None, None)] == ["r2", "r3"]
    assert [r.id for r in select_records(RECORDS, [], "", 1000, None, None)] == ["r2"]  # ≥ 1000万元
    assert [r.id for r in select_records(RECORDS, [], "", None, 500, None)] == ["r1"]
    assert [r.id for r in select_records(RECORDS, [], "", None, None, "模型")] == ["r2"]
    assert len(select_records(RECORDS, [], "", 0, 0, "")) == 3, "an empty number box (0) sets no bound"


def test_sort_by_any_column_with_empty_values_last():
    assert [r.id for r in sort_records(RECORDS, "Cap (yuan)", descending=True)] == ["r2", "r1", "r3"]
    assert [r.id for r in sort_records(RECORDS, "Cap (yuan)")] == ["r1", "r2", "r3"]
    assert [r.id for r in sort_records(RECORDS, "Ratio cap")] == ["r3", "r1", "r2"]
    assert [r.id for r in sort_records(RECORDS, "Place")] == ["r2", "r3", "r1"]
    for header in TABLE_HEADERS:
        assert sorted(r.id for r in sort_records(RECORDS, header, True)) == ["r1", "r2", "r3"]


def test_cells_are_formatted_for_reading():
    rows = table_rows(RECORDS)
    assert len(rows[0]) == len(TABLE_HEADERS)
    cap, ratio = TABLE_HEADERS.index("Cap (yuan)"), TABLE_HEADERS.index("Ratio cap")
    assert (rows[0][cap], rows[2][cap], rows[2][ratio]) == ("5,000,000", "", "30%")
    assert summary_text(RECORDS[:2], 3) == "2 of 3 provisions, from 2 documents; largest cap 20,000,000 yuan."


def _indexed_notice(services, docs_dir) -> FundingIndex:
    (docs_dir / "tianjin.md").write_text(NOTICE, encoding="utf-8")
    services.ingest()
    return FundingIndex(services.store)


def test_passage_view_marks_the_span_and_escapes_document_text(services, docs_dir):
    index = _indexed_notice(services, docs_dir)
    _, shown = view(index, keyword="标杆场景")
    assert len(shown) == 1
    page = passage_html(index, shown[0], page_preview=lambda r: f"<div class='preview'>p. {r.page}</div>")
    assert "<mark>" in page and "1000 万元" in page.split("<mark>")[1].split("</mark>")[0]
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<div class='preview'>" in page, "the page-preview hook is shown beside the passage"
    assert passage_html(index, None) == EMPTY_PASSAGE


def test_exports_hold_the_shown_rows_as_csv_and_xlsx(services, docs_dir, tmp_path):
    from openpyxl import load_workbook

    index = _indexed_notice(services, docs_dir)
    _, shown = view(index, document="tianjin.md", sort_by="Cap (yuan)", descending=True)
    assert [r.cap_yuan for r in shown][:3] == [2e8, 1e7, 5e6]
    csv_path, xlsx_path = export_files(shown, tmp_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0][:3] == ["Place", "Document", "File"] and len(table) == len(shown) + 1
    cap = table[0].index("Cap (yuan)")
    assert [float(row[cap]) for row in table[1:4]] == [2e8, 1e7, 5e6]
    sheet = load_workbook(xlsx_path).active
    assert [c.value for c in sheet[1]] == table[0]
    assert [sheet.cell(row=r, column=cap + 1).value for r in (2, 3, 4)] == [2e8, 1e7, 5e6]


def test_exported_cells_never_run_as_formulas(tmp_path):
    from openpyxl import load_workbook

    risky = record(span='=HYPERLINK("http://x","y")', item="+1+1")
    csv_path, xlsx_path = export_files([risky], tmp_path)
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        header, row = list(csv.reader(handle))
    assert row[header.index("Source text")] == "'" + risky.span and row[header.index("What it funds")] == "'+1+1"
    sheet = load_workbook(xlsx_path).active
    cell = sheet.cell(row=2, column=header.index("Source text") + 1)
    assert cell.data_type == "s" and cell.value == risky.span
