"""What a file's first bytes say it is: an upload named .pdf must be a PDF, a .docx a Word document, an image
a PNG, JPEG or TIFF, and a text file not a program or an archive. Checked before the file is saved."""

from __future__ import annotations

from pathlib import Path

from assistant.ingest.encoding import decode, utf16_without_bom

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_SNIFF_BYTES = 8192
_IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"II+\x00": "TIFF",  # BigTIFF
    b"MM\x00+": "TIFF",
}
_BINARY_MAGIC = {
    b"%PDF-": "a PDF",
    b"PK\x03\x04": "a ZIP archive or an Office document",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Office document (.doc, .xls)",
    b"GIF87a": "a GIF image",
    b"GIF89a": "a GIF image",
    b"\x7fELF": "a program",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!\x1a\x07": "a RAR archive",
    b"SQLite format 3\x00": "a database",
    **{magic: f"a {kind} image" for magic, kind in _IMAGE_MAGIC.items()},
}
_TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")


def content_problem(path: Path, suffix: str) -> str | None:
    """Why the file's content is not what its extension says, in plain words, or ``None`` when it matches.

    Only the first bytes are read (a .docx: its zip directory), so a renamed file is refused before it is
    saved; whether the file is readable in full is still up to ingest."""
    suffix = suffix.lower()
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        return f"the file cannot be read ({exc.strerror or exc})"
    if suffix == ".pdf":
        start = head[:1024].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\f")
        if not start.startswith(b"%PDF-"):
            return f"the content is not a PDF{_looks_like(head)}"
        return None
    if suffix == ".docx":
        return None if _is_docx(path) else f"the content is not a Word document (.docx){_looks_like(head)}"
    if suffix in IMAGE_SUFFIXES:
        if any(head.startswith(magic) for magic in _IMAGE_MAGIC):
            return None  # the image reader goes by content, so a PNG named .jpg reads as well
        return f"the content is not an image (PNG, JPEG or TIFF){_looks_like(head)}"
    if suffix in _TEXT_SUFFIXES:
        known = next((kind for magic, kind in _BINARY_MAGIC.items() if head.startswith(magic)), None)
        if known:
            return f"the content is {known}, not text"
        if b"\x00" in head and not _utf16_text(head):
            return "the content is binary data, not text"
    return None


def _looks_like(head: bytes) -> str:
    kind = next((kind for magic, kind in _BINARY_MAGIC.items() if head.startswith(magic)), None)
    if kind:
        return f" but {kind}"
    return " but text" if head and b"\x00" not in head and decode(head[:1024]) is not None else ""


def _utf16_text(head: bytes) -> bool:
    """UTF-16 text has NUL bytes, yet is text: a byte order mark, or NULs in every other byte."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return utf16_without_bom(head[: len(head) - len(head) % 2]) is not None


def _is_docx(path: Path) -> bool:
    """A zip holding the main part of a Word document."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names:
                return True
            info = archive.getinfo("[Content_Types].xml") if "[Content_Types].xml" in names else None
            if info is None or info.file_size > 1_000_000:
                return False
            return b"wordprocessingml.document.main" in archive.read(info)
    except Exception:  # not a zip, a damaged one, or one zipfile cannot read
        return False
