"""The documents folder as the Documents tab sees it: add uploads safely, delete, re-index, list.

Plain functions over a folder path and the services object, so they are tested without a browser.
Every outcome is a sentence a user can act on; nothing here lets an exception reach the page.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .ingest import document_files, list_documents
from .loaders import SUPPORTED_SUFFIXES
from .models import sha256_of

log = logging.getLogger(__name__)

ACCEPTED_TYPES = list(SUPPORTED_SUFFIXES)
_UNSAFE = re.compile(r"[^\w.\-()（）\[\] ]+")  # \w keeps CJK and other letters
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_MAX_NAME_BYTES = 200  # file systems allow 255; leaves room for " (2)"


@dataclass(frozen=True)
class AddResult:
    """What happened to one uploaded file: ``saved`` is its new name in the folder, or empty."""

    original: str
    saved: str
    message: str

    @property
    def ok(self) -> bool:
        return bool(self.saved)


def safe_filename(name: str) -> str:
    """A name that stays inside the folder, cannot pass for an option, and keeps readable letters (中文 too)."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = " ".join(_UNSAFE.sub("_", base).split())
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem.lstrip("-. _")
    suffix = re.sub(r"[^\w]", "", suffix).lower()
    if not stem or stem.upper() in _WINDOWS_RESERVED:
        stem = f"document{('-' + stem) if stem else ''}"
    while len(stem.encode()) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    return f"{stem.rstrip(' .')}.{suffix}" if suffix else stem.rstrip(" .")


def find_duplicate(documents_dir: Path, sha256: str) -> str | None:
    """The name of a file in the folder with exactly this content, if any."""
    for path in document_files(documents_dir):
        try:
            if sha256_of(path) == sha256:
                return path.relative_to(documents_dir).as_posix()
        except OSError:
            continue
    return None


def unused_name(documents_dir: Path, name: str) -> str:
    """``name``, or ``stem (2).ext`` and so on when a different file already has that name."""
    path = Path(name)
    candidate, n = name, 2
    while (documents_dir / candidate).exists():
        candidate = f"{path.stem} ({n}){path.suffix}"
        n += 1
    return candidate


def add_document(documents_dir: Path, upload: Path, original_name: str, max_mb: float) -> AddResult:
    """Copy one uploaded file into the folder after checking its type, size and content."""
    name = safe_filename(original_name)
    shown = original_name or name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
        return AddResult(shown, "", f"{shown}: this file type is not supported (use {kinds}).")
    try:
        size = upload.stat().st_size
    except OSError:
        return AddResult(shown, "", f"{shown}: the upload did not arrive; please try again.")
    if size > max_mb * 1_000_000:
        return AddResult(shown, "", f"{shown}: {size / 1_000_000:.1f} MB is over the {max_mb:g} MB limit.")
    if size == 0:
        return AddResult(shown, "", f"{shown}: the file is empty.")
    duplicate = find_duplicate(documents_dir, sha256_of(upload))
    if duplicate:
        return AddResult(shown, "", f"{shown}: the same content is already in the library as {duplicate}.")
    target = unused_name(documents_dir, name)
    try:
        documents_dir.mkdir(parents=True, exist_ok=True)
        _copy_atomically(upload, documents_dir / target)
    except OSError as exc:
        return AddResult(shown, "", f"{shown}: could not be saved in the documents folder ({exc.strerror or exc}).")
    renamed = f" (saved as {target})" if target != original_name else ""
    return AddResult(shown, target, f"{shown}: added{renamed}.")


def _copy_atomically(source: Path, target: Path) -> None:
    """A hidden temporary file, then a rename: an ingest running meanwhile never reads half a file."""
    handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def delete_document(documents_dir: Path, source: str) -> str:
    """Remove one file of the folder (by its name as listed); refuses anything outside the folder."""
    if not source:
        return "Choose a document to delete first."
    folder = documents_dir.resolve()
    path = (folder / source).resolve()
    if folder not in path.parents or not path.is_file():
        return f"{source} is not a file in the documents folder."
    try:
        path.unlink()
    except OSError as exc:
        return f"Could not delete {source}: {exc.strerror or exc}."
    return f"Deleted {source}."


def reindex(
    services, *, rebuild: bool = False, progress: Callable[[float, int, str], None] | None = None
) -> tuple[str, dict[str, str]]:
    """Bring the index in step with the folder; ``progress(done, total, what)`` after each file indexed and
    each page read by OCR. ``done`` counts files, a scan's pages read as fractions of it, and never goes back
    (files are written in batches after they are read).

    Returns a summary sentence and, per file that could not be indexed, the reason."""
    folder = services.settings.documents_dir
    position = {path.relative_to(folder).as_posix(): i for i, path in enumerate(document_files(folder))}
    total, written, shown = len(position), 0, 0.0

    def tell(done: float, what: str) -> None:
        nonlocal shown
        shown = max(shown, done)
        if progress:
            progress(shown, total, what)

    def step(source: str, _chunks: int) -> None:
        nonlocal written
        written += 1
        tell(written, f"Indexed {source}")

    def page_step(source: str, page: int, pages: int) -> None:
        tell(position.get(source, written) + page / pages, f"Reading {source} by OCR: page {page} of {pages}")

    try:
        report = services.ingest(rebuild=rebuild, progress=step, page_progress=page_step)
    except Exception as exc:  # the page shows a sentence; the log keeps the traceback
        log.exception("re-index failed")
        return f"Indexing stopped: {plain_reason(exc)}", {}
    return describe_report(report), {failure["path"]: failure["error"] for failure in report.failed}


def describe_report(report) -> str:
    parts = [
        f"{n} {label}"
        for n, label in ((report.added, "added"), (report.updated, "updated"), (report.removed, "removed"))
        if n
    ]
    summary = ", ".join(parts) if parts else "no changes"
    headline = f"Index updated: {summary}; {report.chunks} passages in the index."
    skipped = [f"- Skipped {failure['path']}: {failure['error'].rstrip('.')}." for failure in report.failed]
    skipped += [f"- Partly indexed {item['path']}: {'; '.join(item['notes'])}." for item in report.partial]
    return "\n\n".join([headline, "\n".join(skipped)]) if skipped else headline


def plain_reason(exc: BaseException) -> str:
    """The exception's own sentence without the class name or a traceback."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text or "an unexpected error (details are in the server log)."


def document_rows(services, failures: dict[str, str] | None = None) -> list[dict]:
    """Indexed documents plus files in the folder that are not (yet) in the index, with their status."""
    rows = {row["source"]: row for row in list_documents(services.store)}
    folder = services.settings.documents_dir
    for path in document_files(folder):
        source = path.relative_to(folder).as_posix()
        if source not in rows:
            reason = (failures or {}).get(source)
            rows[source] = {
                "source": source,
                "title": "",
                "region": "",
                "date": "",
                "chunks": 0,
                "status": f"not indexed: {reason}" if reason else "not indexed yet",
            }
    on_disk = {p.relative_to(folder).as_posix() for p in document_files(folder)}
    for source, row in rows.items():
        if source not in on_disk and row["chunks"]:
            row["status"] = "file deleted (re-index to remove)"
    return sorted(rows.values(), key=lambda r: r["source"])
