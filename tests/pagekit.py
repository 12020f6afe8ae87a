"""Test inputs for scanned pages and tables, built here: policy text rendered to page images with a Debian
CJK font (fonts-wqy-zenhei, installed by `make fonts`), image-only PDFs, and a PDF with a funding table."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")

ZH_PAGE = [
    "北京市促进人工智能产业高质量发展若干措施",
    "一、支持首台套装备应用",
    "对具有示范价值的首台套人工智能装备，按照设备投资额的30%给予补贴，单个项目最高支持3000万元。",
    "二、支持算力券发放",
    "面向中小企业发放算力券，每家企业每年最高补贴200万元，资金由市经济和信息化局统筹安排。",
]
EN_PAGE = [
    "Shenzhen Action Plan for Embodied Intelligence Robots",
    "Article 5. The city grants up to RMB 7.5 million to each robot",
    "demonstration project that enters operation before the end of 2026.",
    "Applications are reviewed every quarter by the municipal bureau.",
]
TABLE_HEADER = ("项目", "支持标准", "上限")
TABLE_ROWS = [
    ("首台套装备", "设备投资额的30%", "3000万元"),
    ("算力券", "服务费用的50%", "200万元"),
    ("数据标注基地", "建设投入的20%", "500万元"),
    ("开源社区", "运营费用的40%", "100万元"),
]


def need_font() -> Path:
    if not CJK_FONT.exists():
        pytest.skip("the CJK test font is missing: run `make fonts` (apt-get install fonts-wqy-zenhei)")
    return CJK_FONT


def render_page(lines: list[str], size: tuple[int, int] = (1240, 1754), font_px: int = 30):
    """One A4 page at 150 dpi, black text on white, a blank line between paragraphs."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(need_font()), font_px)
    page = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(page)
    y = 120
    for paragraph in lines:
        for line in wrap(paragraph, font, size[0] - 200):
            draw.text((100, y), line, font=font, fill="black")
            y += int(font_px * 1.5)
        y += int(font_px * 0.8)
    return page


def wrap(paragraph: str, font, width: float) -> list[str]:
    """Lines that fit ``width``: English breaks at spaces, Chinese between any two characters."""
    lines, current = [], ""
    for piece in re.findall(r"[A-Za-z0-9.,%$]+ ?|.", paragraph):
        if current and font.getlength(current + piece.rstrip()) > width:
            lines.append(current.rstrip())
            current = ""
        current += piece
    return [*lines, current.rstrip()] if current.strip() else lines


def png_bytes(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def image_only_pdf(pages: list[list[str]]) -> bytes:
    """What a scanner produces: every page a picture, no text layer."""
    from fpdf import FPDF

    document = FPDF(format="A4")
    for lines in pages:
        document.add_page()
        document.image(io.BytesIO(png_bytes(render_page(lines))), x=0, y=0, w=210, h=297)
    return bytes(document.output())


def funding_table_pdf() -> bytes:
    """A text PDF whose funding figures sit in a ruled table under a short introduction."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    document = FPDF(format="A4")
    document.add_font("zh", fname=str(need_font()))
    document.add_page()
    document.set_font("zh", size=12)
    document.multi_cell(0, 8, "附件：人工智能产业专项资金支持标准\n本表列出各类项目的支持标准和上限。")
    document.ln(4)
    with document.table(col_widths=(40, 50, 30), headings_style=FontFace(emphasis=None)) as table:
        for row in (TABLE_HEADER, *TABLE_ROWS):
            cells = table.row()
            for value in row:
                cells.cell(value)
    document.ln(4)
    document.multi_cell(0, 8, "申报单位须在每年六月底前提交材料。")
    return bytes(document.output())


def character_error_rate(reference: str, recognised: str) -> float:
    """Levenshtein distance over the reference length, whitespace ignored (OCR spaces are not errors)."""
    ref, hyp = "".join(reference.split()), "".join(recognised.split())
    previous = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, 1):
        current = [i]
        for j, b in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] / max(1, len(ref))
