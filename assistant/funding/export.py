"""The funding table as rows, CSV and XLSX: one column order shared by the UI, the CLI and the files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from assistant.funding.query import format_ratio
from assistant.funding.records import FundingRecord
from assistant.text.unwrap import tidy

COLUMNS: list[tuple[str, str]] = [
    ("place", "Place"),
    ("title", "Document"),
    ("source", "File"),
    ("issuer", "Issuer"),
    ("doc_number", "Doc. number"),
    ("section", "Section"),
    ("item", "What it funds"),
    ("recipient", "Who receives it"),
    ("kind", "Kind"),
    ("cap_text", "Cap as written"),
    ("cap_yuan", "Cap (yuan)"),
    ("ratio", "Ratio cap"),
    ("period", "Period"),
    ("qualifiers", "Conditions"),
    ("span", "Source text"),
]
HEADERS = [header for _, header in COLUMNS]


def cell(record: FundingRecord, key: str):
    """A record's value for one column: numbers stay numbers (for sorting and spreadsheets)."""
    value = getattr(record, key)
    if key == "qualifiers":
        return "、".join(value)
    if key == "ratio":
        return format_ratio(value)
    if key == "span":
        return tidy(value)
    return "" if value is None else value


def rows(records: list[FundingRecord]) -> list[list]:
    return [[cell(record, key) for key, _ in COLUMNS] for record in records]


def _inert(value):
    """Document text that a spreadsheet would run as a formula ("=HYPERLINK(…)") is quoted as text."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def to_csv(records: list[FundingRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows([[_inert(value) for value in row] for row in rows(records)])
    return out.getvalue()


def write_csv(records: list[FundingRecord], path: Path) -> Path:
    """UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese text correctly."""
    path.write_text(to_csv(records), encoding="utf-8-sig")
    return path


def write_xlsx(records: list[FundingRecord], path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Funding"
    sheet.append(HEADERS)
    for r, row in enumerate(rows(records), start=2):
        for c, value in enumerate(row, start=1):
            written = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                written.data_type = "s"  # never a formula, whatever the document says
    for column, width in zip(
        "ABCDEFGHIJKLMNO", (10, 30, 24, 20, 18, 24, 30, 24, 9, 18, 14, 9, 12, 20, 60), strict=True
    ):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    workbook.save(path)
    return path
