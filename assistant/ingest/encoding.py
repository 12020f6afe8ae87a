"""Bytes of a text file to str: byte order marks, UTF-16 without one, UTF-8, GB18030/GBK, Big5, then
charset-normalizer's guess; binary data is refused with a ``LoadError``."""

from __future__ import annotations

import re

from assistant.ingest.document import LoadError

_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes) -> str:
    """Bytes of a text file -> str: BOMs, UTF-16, UTF-8, GB18030/GBK, Big5, then charset-normalizer."""
    text = decode(data)
    bad = len(_CONTROL.findall(text[:200_000])) if text is not None else 0
    if text is None or (bad >= 2 and bad > 0.01 * min(len(text), 200_000)):
        raise LoadError("binary data in a text file")
    return text


def decode(data: bytes) -> str | None:
    """The text in the first encoding that reads it whole, or None for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _try(data[len(bom) :], encoding)
    if utf16 := utf16_without_bom(data):
        return _try(data, utf16)
    if data.count(0) > len(data) // 100 + 2:
        return None
    for cut in range(4):  # a file cut off inside its last character is still UTF-8
        if (text := _try(data[: len(data) - cut], "utf-8")) is not None:
            return text
    gb = _try(data, "gb18030")
    # Big5 byte pairs are almost all valid GBK too, so GBK only wins if it reads as mainland text.
    if gb is not None and _mostly_gb2312(gb):
        return gb
    for encoding in ("big5", "cp950", "big5hkscs"):
        if (text := _try(data, encoding)) is not None:
            return text
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return gb if best is None else str(best)


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def utf16_without_bom(data: bytes) -> str | None:
    """Mostly-ASCII UTF-16 without a BOM has a NUL in every other byte."""
    sample = data[: 4096 if len(data) % 2 == 0 and len(data) >= 16 else 0]
    even, odd = (sample[i::2].count(0) / max(1, len(sample) / 2) for i in (0, 1))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    return "utf-16-be" if even > 0.3 and odd < 0.05 else None


def _mostly_gb2312(text: str) -> bool:
    wide = "".join(ch for ch in text[:100_000] if ord(ch) > 0x7F)
    return len(wide.encode("gb2312", errors="ignore")) // 2 >= 0.9 * len(wide)
