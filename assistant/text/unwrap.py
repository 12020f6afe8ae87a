"""Line breaks that a PDF (or OCR) put inside a sentence, removed.

Chinese is written without spaces, so a break next to a Chinese character or a full-width mark goes away
("最高 500\\n万元" → "最高 500万元"); between two English words it becomes one space ("up to\\nRMB" →
"up to RMB"). ``unwrap`` keeps everything else as it is; ``tidy`` also folds runs of spaces, for display.
"""

from __future__ import annotations

import re

from assistant.text.language import CJK

# Written without spaces around it: Chinese characters, CJK and full-width punctuation, curly quotes, dashes.
WIDE = rf"{CJK}\u2014\u2018\u2019\u201c\u201d\u2026\u3000-\u33ff\uff00-\uffef"
_WIDE_CHAR = re.compile(f"[{WIDE}]")
_BREAK = re.compile(r"\s*\n\s*")


def joiner(before: str, after: str) -> str:
    """What goes between two pieces of one wrapped line: nothing when either side is wide, else a space."""
    wide = _WIDE_CHAR.fullmatch(before[-1:]) or _WIDE_CHAR.fullmatch(after[:1])
    return "" if wide or not before or not after else " "


def unwrap(text: str) -> str:
    """Every line break (with the spaces around it) removed next to a wide character, else made one space."""
    return _BREAK.sub(lambda m: joiner(text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]), text)


def tidy(text: str) -> str:
    """``unwrap``, then runs of spaces folded to one and the ends stripped: document words for display."""
    return re.sub(r"\s+", " ", unwrap(text)).strip()
