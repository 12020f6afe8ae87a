"""The keyword index on disk, shared by every process that reads the same index (issue 26).

    <folder>/CURRENT        the name of the snapshot readers load; replaced in one step (os.replace)
    <folder>/s-<hex>/       a complete saved index (bm25_index.py), never changed once it has this name
    <folder>/.tmp-<hex>/    an index being written; renamed to s-<hex> when every file is on disk
    <folder>/writer.lock    locked (flock) by the process that ingests, for the whole ingest

So a reader sees the previous snapshot or the next one, never half of one; a writer killed at any moment
leaves at most a .tmp folder (or an unnamed s- folder), which the next writer removes. The lock tells
readers that an ingest is under way (the store is changing; its snapshot comes when it ends), and keeps
two writers apart; the kernel drops it when its process dies, kill -9 included.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from assistant.search.bm25_index import Bm25Index, retag

POINTER, LOCK = "CURRENT", "writer.lock"
log = logging.getLogger(__name__)


class KeywordFolder:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._owner: int | None = None  # the thread of this process that holds the writer lock

    def current(self) -> str | None:
        """The name of the snapshot readers should load, or None when nothing was saved yet."""
        try:
            name = (self.path / POINTER).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return name or None

    def load(self, name: str) -> Bm25Index | None:
        """Snapshot ``name``, or None if it is gone (a writer replaced it meanwhile) or unreadable."""
        try:
            return Bm25Index.load(self.path / name)
        except (OSError, ValueError, KeyError) as exc:
            log.info("keyword index %s not loaded: %s", self.path / name, exc)
            return None

    @contextlib.contextmanager
    def writing(self, wait: bool = True) -> Iterator[bool]:
        """Hold the writer lock (re-entrant in the thread that holds it); yields False when ``wait`` is off and
        another process or thread holds it, or when the folder cannot be written."""
        if self._owner == threading.get_ident():
            yield True
            return
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            handle = (self.path / LOCK).open("a")
        except OSError as exc:  # a folder this process may not write: readers build their own index
            log.warning("keyword index folder %s is not writable (%s)", self.path, exc)
            yield False
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.close()
            yield False
            return
        self._owner = threading.get_ident()
        try:
            yield True
        finally:
            self._owner = None
            handle.close()  # releases the lock

    def busy(self) -> bool:
        """Whether a writer (another process, or this one in another thread) holds the lock now."""
        if self._owner is not None:
            return True
        try:
            handle = (self.path / LOCK).open("rb")
        except OSError:
            return False
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False

    def stage(self, index: Bm25Index) -> Path:
        """Write ``index`` beside the current snapshot, not yet visible; the caller holds the writer lock."""
        staged = self.path / f".tmp-{uuid.uuid4().hex[:12]}"
        index.save(staged)
        return staged

    def commit(self, staged: Path, version: str) -> str:
        """Tag a staged index with the store ``version`` it reflects and make it the current snapshot."""
        retag(staged, version)
        name = "s-" + staged.name.removeprefix(".tmp-")
        os.rename(staged, self.path / name)
        pointer = self.path / f".{POINTER}-{name}"
        pointer.write_text(name, encoding="utf-8")
        with pointer.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(pointer, self.path / POINTER)
        _sync_directory(self.path)
        self._remove_all_but(name)
        return name

    def _remove_all_but(self, name: str) -> None:
        """Older snapshots and what killed writers left; readers that loaded one keep their open files."""
        for path in self.path.iterdir():
            if path.is_dir() and path.name != name and (path.name.startswith(("s-", ".tmp-"))):
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(f".{POINTER}-"):
                path.unlink(missing_ok=True)


def _sync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
