"""Which language a text is written in: one definition of a Chinese character for the whole project.

``CJK`` is the character class (use it inside a regex: ``rf"[{CJK}]+"``); ``is_chinese`` says whether a text
writes any Chinese character; ``detect_language`` says whether it is mostly Chinese ("zh") or not ("en").
"""

from __future__ import annotations

import re

# CJK Unified Ideographs, Extension A and the compatibility ideographs: every Han character policy text uses.
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")


def is_chinese(text: str) -> bool:
    """True when ``text`` writes at least one Chinese character ("Shenzhen 深圳" is; "Shenzhen" is not)."""
    return _CJK_CHAR.search(text) is not None


def count_chinese(text: str) -> int:
    return len(_CJK_CHAR.findall(text))


def latin_words(text: str) -> list[str]:
    """Runs of ASCII letters and digits: the words of English text, and the numbers of any text."""
    return _LATIN_WORD.findall(text)


def detect_language(text: str) -> str:
    """ "zh" when Chinese characters are at least a third of the Latin letters and digits, else "en"."""
    cjk = count_chinese(text)
    latin = sum(len(w) for w in latin_words(text))
    return "zh" if cjk and cjk * 3 >= latin else "en"
