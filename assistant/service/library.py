"""The documents folder as the Documents tab sees it: add uploads safely, delete, re-index, list.

Plain functions over a folder path and the services object, so they are tested without a browser.
Every outcome is a sentence a user can act on; nothing here lets an exception reach the page.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.files import sha256_file
from assistant.ingest.facts import fact_columns, facts_by_source
from assistant.ingest.filetype import content_problem
from assistant.ingest.indexer import document_files, list_documents
from assistant.ingest.loaders import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)

ACCEPTED_TYPES = list(SUPPORTED_SUFFIXES)
_UNSAFE = re.compile(r"[^\w.\-()（）\[\] ]+")  # \w keeps CJK and other letters
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_MAX_NAME_BYTES = 200  # file systems allow 255; leaves room for " (2)"
MAX_SOURCE_CHARS = 1000  # a name as listed (folders included); longer is malformed, not merely unknown
_FILE_SYSTEM_NAME_BYTES = 255
_MAX_NUMBERED = 10_000  # "name (2).ext" ... tried before giving up
# Full-width punctuation stays as typed (Chinese names use （2025）); full-width letters and digits, ligatures
# and the like become their plain forms, so ｒｅｐｏｒｔ.txt cannot sit beside report.txt as another file.
_KEEP_WIDE = re.compile(r"[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]")


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
    base = re.split(r"[\\/]", _fold_look_alikes(name or ""))[-1]
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


def _fold_look_alikes(name: str) -> str:
    """NFKC (full-width letters and digits, ligatures, superscripts to their plain forms), except for
    full-width punctuation, which stays as typed."""
    parts, at = [], 0
    for kept in _KEEP_WIDE.finditer(name):
        parts += [unicodedata.normalize("NFKC", name[at : kept.start()]), kept.group()]
        at = kept.end()
    parts.append(unicodedata.normalize("NFKC", name[at:]))
    return unicodedata.normalize("NFC", "".join(parts))


def name_key(name: str) -> str:
    """What two names must not share in one folder: equal after NFKC and case folding (look-alikes)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


_hashes: dict[Path, tuple[int, int, str]] = {}  # path -> (size, mtime_ns, sha256): a folder is not re-read
_hashes_lock = threading.Lock()


def _sha256_cached(path: Path) -> str:
    stat = path.stat()
    with _hashes_lock:
        known = _hashes.get(path)
    if known and known[:2] == (stat.st_size, stat.st_mtime_ns):
        return known[2]
    digest = sha256_file(path)
    with _hashes_lock:
        if len(_hashes) > 50_000:
            _hashes.clear()
        _hashes[path] = (stat.st_size, stat.st_mtime_ns, digest)
    return digest


def find_duplicate(documents_dir: Path, sha256: str) -> str | None:
    """The name of a file in the folder with exactly this content, if any."""
    for path in document_files(documents_dir):
        try:
            if _sha256_cached(path) == sha256:
                return path.relative_to(documents_dir).as_posix()
        except OSError:
            continue
    return None


def numbered_names(name: str) -> Iterator[str]:
    """``name``, then ``stem (2).ext``, ``stem (3).ext`` and so on."""
    path = Path(name)
    yield name
    for n in range(2, _MAX_NUMBERED):
        yield f"{path.stem} ({n}){path.suffix}"


def _taken_names(documents_dir: Path) -> set[str]:
    try:
        return {name_key(entry) for entry in os.listdir(documents_dir)}
    except FileNotFoundError:
        return set()


_folder_locks: dict[str, threading.Lock] = {}
_folder_locks_guard = threading.Lock()


@contextmanager
def folder_lock(documents_dir: Path) -> Iterator[None]:
    """One change at a time to a folder within this process (the API's threads and the web UI share it)."""
    key = os.path.realpath(documents_dir)
    with _folder_locks_guard:
        lock = _folder_locks.setdefault(key, threading.Lock())
    with lock:
        yield


def add_document(documents_dir: Path, upload: Path, original_name: str, max_mb: float) -> AddResult:
    """Copy one uploaded file into the folder after checking its type, size and content.

    The duplicate check, the choice of name and the write happen under the folder's lock, and the file is
    created exclusively (a hard link that fails if the name exists), so two uploads at once, even from two
    processes, never overwrite each other: the second one of a name becomes ``name (2).ext``."""
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
    problem = content_problem(upload, suffix)
    if problem:
        return AddResult(shown, "", f"{shown}: {problem}; it was not added.")
    try:
        digest = sha256_file(upload)
        documents_dir.mkdir(parents=True, exist_ok=True)
        with _staged_copy(upload, documents_dir) as staged, folder_lock(documents_dir):
            duplicate = find_duplicate(documents_dir, digest)
            if duplicate:
                return AddResult(shown, "", f"{shown}: the same content is already in the library as {duplicate}.")
            target = _place_exclusively(staged, documents_dir, name)
    except OSError as exc:
        return AddResult(shown, "", f"{shown}: could not be saved in the documents folder ({exc.strerror or exc}).")
    renamed = f" (saved as {target})" if target != original_name else ""
    return AddResult(shown, target, f"{shown}: added{renamed}.")


@contextmanager
def _staged_copy(source: Path, folder: Path) -> Iterator[Path]:
    """The upload copied to a hidden temporary file in the folder (ingest skips hidden files), removed after."""
    handle, temporary = tempfile.mkstemp(prefix=".upload-", dir=folder)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        yield Path(temporary)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _place_exclusively(staged: Path, folder: Path, name: str) -> str:
    """Give the staged file the first free name of ``name``, ``name (2)``...; never replaces a file.

    ``os.link`` fails when the name exists, whoever made it meanwhile: another thread, another process.
    A folder whose file system has no hard links gets an exclusively created file, then a rename onto it."""
    taken = _taken_names(folder)
    for candidate in numbered_names(name):
        if name_key(candidate) in taken:
            continue
        target = folder / candidate
        try:
            os.link(staged, target)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            try:
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                continue
            os.replace(staged, target)  # onto the empty file this call just created, and nothing else
        return candidate
    raise OSError(errno.EEXIST, f"no free name for {name}")


def listed_source(documents_dir: Path, source: str) -> Path | None:
    """The file a name from the documents list stands for, or ``None``: hidden files, folders, names from
    outside the folder, and malformed names are not documents."""
    if not source or malformed_source(source):
        return None
    for path in document_files(documents_dir):
        if path.relative_to(documents_dir).as_posix() == source:
            return path
    return None


def malformed_source(source: str) -> str:
    """Why ``source`` cannot name any document (a NUL or other control character, too long), or ''."""
    if any(unicodedata.category(ch) == "Cc" for ch in source):
        return "the name contains a control character"
    if len(source) > MAX_SOURCE_CHARS:
        return f"the name is longer than {MAX_SOURCE_CHARS} characters"
    if any(len(part.encode("utf-8", "surrogatepass")) > _FILE_SYSTEM_NAME_BYTES for part in source.split("/")):
        return f"a part of the name is longer than {_FILE_SYSTEM_NAME_BYTES} bytes"
    return ""


def shown_name(source: str, limit: int = 120) -> str:
    """A name fit to be repeated in a message: printable, and not endless."""
    printable = "".join(ch if unicodedata.category(ch)[0] != "C" else "\ufffd" for ch in source)
    return printable if len(printable) <= limit else printable[: limit - 1] + "…"


def delete_document(documents_dir: Path, source: str) -> str:
    """Remove one file of the folder by its name as listed; refuses anything the documents list does not
    show (hidden files, folders, anything outside the folder)."""
    if not source:
        return "Choose a document to delete first."
    with folder_lock(documents_dir):
        path = listed_source(documents_dir, source)
        if path is None:
            return f"{shown_name(source)} is not a document in the documents folder."
        try:
            path.unlink()
        except OSError as exc:
            return f"Could not delete {shown_name(source)}: {exc.strerror or exc}."
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
    """Indexed documents plus files in the folder that are not (yet) in the index, with their status, and each
    document's facts (ingest/facts.py): number, issuing bodies, issued, effective, expires, in force today."""
    rows = {row["source"]: row for row in list_documents(services.store)}
    facts = facts_by_source(services.store)
    for source, row in rows.items():
        row |= fact_columns(facts.get(source, {}))
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
            } | fact_columns({})
    on_disk = {p.relative_to(folder).as_posix() for p in document_files(folder)}
    for source, row in rows.items():
        if source not in on_disk and row["chunks"]:
            row["status"] = "file deleted (re-index to remove)"
    return sorted(rows.values(), key=lambda r: r["source"])
