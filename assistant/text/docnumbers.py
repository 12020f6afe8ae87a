"""Chinese document numbers (发文字号: 京发改〔2024〕1081号), written with any of the brackets PDFs and web pages use:
one pattern and one normal form for the ingest that reads them, the facts that cite them and the questions that
name a document by them."""

from __future__ import annotations

import re

# prefix, year, serial: "京发改〔2024〕1081号", "沪府办发 [2025] 第 3 号"
DOC_NUMBER = re.compile(
    r"([\u4e00-\u9fff]{1,14})\s*[〔\[［(（﹝【]\s*((?:19|20)\d{2})\s*[〕\]］)）﹞】]\s*(?:第\s*)?(\d{1,5})\s*号"
)


def normalised(match: re.Match[str]) -> str:
    """A matched number in its usual form: 京发改〔2024〕1081号."""
    return f"{match.group(1)}〔{match.group(2)}〕{match.group(3)}号"


def compact(text: str) -> str:
    """Spaces and bracket styles folded: "京发改[2024] 1081 号" reads as "京发改〔2024〕1081号"."""
    return re.sub(r"[\[［(（﹝【]", "〔", re.sub(r"[\]］)）﹞】]", "〕", re.sub(r"\s+", "", text)))
