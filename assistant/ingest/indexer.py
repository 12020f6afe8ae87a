"""Incremental, idempotent, crash-safe indexing of the documents folder.

The index itself is the record of what is indexed: every chunk carries its source path, the
sha256 of the file version that produced it and that version's chunk count. A file is unchanged
only when exactly one complete version of it is stored. New chunks are written before old ones
are deleted and ids are deterministic, so a run killed at any moment is repaired by the next.

A rebuild writes the whole folder into a new, empty collection beside the one searches read and switches
to it when complete (generations.py says why and how): searches keep their hits during and after it, and a
rebuild that fails or is killed half-way leaves the index as it was. What a killed one wrote is dropped
by the next run, first thing.

The keyword index (search/keyword.py), when given, is rebuilt once at the end of a run that changed the
index, and saved under the version the run ends with; the run holds its writer lock throughout. The store's
version is also changed before a run's first write, so a run killed half-way leaves a version that no saved
keyword index claims: readers then build theirs from the store, and the next run saves it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from assistant.files import sha256_bytes
from assistant.ingest.chunking import Chunk, chunk_document
from assistant.ingest.loaders import LoadError, load_document
from assistant.ingest.metadata import METADATA_VERSION, extract_metadata
from assistant.places import chunk_places
from assistant.search import generations
from assistant.search.keyword import tokenize
from assistant.search.store import ChunkStore

if TYPE_CHECKING:
    from assistant.ingest.pages.scan import PageReader
    from assistant.search.keyword import KeywordIndex


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    chunks: int = 0
    failed: list[dict] = field(default_factory=list)
    partial: list[dict] = field(default_factory=list)  # indexed, but pages unreadable or left for a later run

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "chunks": self.chunks,
            "failed": self.failed,
            "partial": self.partial,
        }


@dataclass(frozen=True)
class ChunkingOptions:
    max_tokens: int = 200
    overlap_tokens: int = 30
    max_bytes: int = 20_000_000
    # Chunks of several files are embedded in one call of at least this many texts: the embedders cost up
    # to 3x more per text in small batches (most policy files have under 10 chunks); 1 embeds file by file.
    embed_batch: int = 64


@dataclass
class _Write:
    """One file's new chunks, embedded and written together with other files' chunks."""

    source: str
    outcome: str  # 'added' or 'updated'
    ids: list[str]
    texts: list[str]
    metadatas: list[dict]
    embed_texts: list[str]
    stale: list[str]  # ids of the versions this one replaces


@dataclass
class _StoredVersion:
    ids: list[str] = field(default_factory=list)
    expected: int = 0
    partial: bool = False  # the page budget stopped it: the next run continues it


def document_files(documents_dir: Path) -> list[Path]:
    """Every file below the folder except hidden ones (.gitkeep, editor files)."""
    if not documents_dir.is_dir():
        return []
    return sorted(
        p
        for p in documents_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(documents_dir).parts)
    )


def stored_versions(store: ChunkStore) -> dict[str, dict[str, _StoredVersion]]:
    """source -> file sha256 -> the chunk ids stored for that version."""
    versions: dict[str, dict[str, _StoredVersion]] = defaultdict(dict)
    for record in store.records(with_text=False):
        meta = record.metadata
        # A chunk read by an older metadata reader counts as another version, so the file is read again.
        current = meta.get("metadata_version") == METADATA_VERSION
        key = meta.get("file_hash", "") if current else f"{meta.get('file_hash', '')}:stale"
        version = versions[meta.get("source", "")].setdefault(key, _StoredVersion())
        version.ids.append(record.id)
        version.expected = int(meta.get("n_chunks", 0))
        version.partial = version.partial or bool(meta.get("partial"))
    return versions


def _is_complete(versions: dict[str, _StoredVersion], file_hash: str) -> bool:
    only = versions.get(file_hash)
    return len(versions) == 1 and only is not None and len(only.ids) == only.expected and not only.partial


def ingest(
    documents_dir: Path,
    store: ChunkStore,
    embeddings: Embeddings,
    options: ChunkingOptions = ChunkingOptions(),
    *,
    rebuild: bool = False,
    progress: Callable[[str, int], None] | None = None,
    pages: PageReader | None = None,
    page_progress: Callable[[str, int, int], None] | None = None,
    keyword: KeywordIndex | None = None,
) -> IngestReport:
    """Make the index hold exactly the readable documents in ``documents_dir``; ``pages`` reads scanned
    pages and images (OCR) within its budget. ``progress(source, chunks)`` after each file,
    ``page_progress(source, page, pages)`` after each page that OCR reads (a long scan takes minutes).
    ``keyword``: the keyword index of ``store``, published at the end (module docstring)."""
    with keyword.writing() if keyword is not None else nullcontext():
        generations.remove_strays(store)
        if not rebuild:
            return _ingest(documents_dir, store, embeddings, options, progress, pages, page_progress, keyword)
        generation = generations.new_generation(store)
        try:
            report = _ingest(documents_dir, generation, embeddings, options, progress, pages, page_progress)
        except BaseException:
            with suppress(Exception):  # else the next run drops it
                generations.discard(store, generation.name)
            raise
        switch = partial(generations.switch, store, generation)
        keyword.publish(generation.records, switch) if keyword is not None else switch()
        return report


def _ingest(
    documents_dir: Path,
    store: ChunkStore,
    embeddings: Embeddings,
    options: ChunkingOptions,
    progress: Callable[[str, int], None] | None,
    pages: PageReader | None,
    page_progress: Callable[[str, int, int], None] | None,
    keyword: KeywordIndex | None = None,
) -> IngestReport:
    report = IngestReport()
    versions = stored_versions(store)
    seen_hashes: dict[str, str] = {}
    on_disk: set[str] = set()
    changed = False
    waiting: list[_Write] = []
    writing: list[bool] = []

    def first_write() -> None:
        """A new version before anything changes: a run killed from here on leaves no saved index valid."""
        if not writing:
            store.bump_version()
            writing.append(True)

    def write_waiting() -> None:
        """Embed the waiting files' chunks in one call and write them in one upsert (Chroma's cost is per call,
        most files have under 10 chunks); then delete the versions they replace: new chunks before old ones."""
        vectors = embeddings.embed_documents([text for write in waiting for text in write.embed_texts])
        first_write()
        store.upsert(
            [i for write in waiting for i in write.ids],
            [text for write in waiting for text in write.texts],
            vectors,
            [meta for write in waiting for meta in write.metadatas],
        )
        store.delete([i for write in waiting for i in write.stale])
        for write in waiting:
            setattr(report, write.outcome, getattr(report, write.outcome) + 1)
        if progress:
            count = store.count()
            for write in waiting:
                progress(write.source, count)
        waiting.clear()

    for path in document_files(documents_dir):
        source = path.relative_to(documents_dir).as_posix()
        on_disk.add(source)
        notes: list[str] = []
        reader = pages.reporting_to(partial(page_progress, source)) if pages and page_progress else pages
        outcome = _ingest_file(path, source, versions.get(source, {}), seen_hashes, options, reader, notes)
        if notes:
            report.partial.append({"path": source, "notes": notes})
        if isinstance(outcome, _Write):
            waiting.append(outcome)
            changed = True
            if sum(len(write.ids) for write in waiting) >= options.embed_batch:
                write_waiting()
            continue
        if outcome.startswith("failed:"):
            report.failed.append({"path": source, "error": outcome.removeprefix("failed:")})
            stale = [i for v in versions.get(source, {}).values() for i in v.ids]
            if stale:
                first_write()
            store.delete(stale)
            changed |= bool(stale)
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
            changed |= outcome != "unchanged"
        if progress:
            progress(source, store.count() if outcome != "unchanged" else -1)
    if waiting:
        write_waiting()
    for source in set(versions) - on_disk:
        first_write()
        store.delete([i for v in versions[source].values() for i in v.ids])
        report.removed += 1
        changed = True
    if changed and keyword is not None:
        keyword.publish(store.records, store.bump_version)
    elif changed:
        store.bump_version()
    elif keyword is not None:
        keyword.sync(store.records)
    report.chunks = store.count()
    return report


def _ingest_file(
    path: Path,
    source: str,
    versions: dict[str, _StoredVersion],
    seen_hashes: dict[str, str],
    options: ChunkingOptions,
    pages: PageReader | None = None,
    notes: list[str] | None = None,
) -> str | _Write:
    """Read and chunk one file: 'unchanged', 'failed:<reason>', or the write that indexes it; what was left
    out of an indexed file (unreadable pages, pages past the budget) is appended to ``notes``."""
    try:
        if path.stat().st_size > options.max_bytes:
            return f"failed:file is larger than the {options.max_bytes / 1_000_000:g} MB limit"
        data = path.read_bytes()
    except OSError as exc:
        return f"failed:cannot read the file ({exc.strerror})"
    file_hash = sha256_bytes(data)
    if file_hash in seen_hashes:
        return f"failed:same content as {seen_hashes[file_hash]}; indexed once under that name"
    if _is_complete(versions, file_hash):
        seen_hashes[file_hash] = source
        return "unchanged"
    try:
        loaded = load_document(path, max_bytes=options.max_bytes, pages=pages)
        chunks = chunk_document(
            loaded.text,
            headings=loaded.headings,
            pages=loaded.pages,
            max_tokens=options.max_tokens,
            overlap_tokens=options.overlap_tokens,
            tables=loaded.tables,
        )
        doc_meta = extract_metadata(loaded.text, title=loaded.title, filename=path.name)
    except LoadError as exc:
        return f"failed:{exc}"
    except Exception as exc:  # one unreadable file must never stop the run
        return f"failed:could not read this file ({type(exc).__name__})"
    if not chunks:
        return "failed:no text to index"
    seen_hashes[file_hash] = source
    if notes is not None:
        notes += loaded.notes
    ids, texts, metadatas = _records(source, file_hash, chunks, doc_meta)
    for chunk, meta in zip(chunks, metadatas, strict=True):
        if chunk.page in loaded.ocr_pages:
            meta |= {"ocr": True, "ocr_confidence": loaded.ocr_pages[chunk.page]}
        meta["partial"] = loaded.partial  # always written: Chroma's upsert keeps keys a new record lacks
    # Every stored id this run did not write goes: other versions, the tail of a partial version continued
    # by this run, and nothing of a stale-metadata version of the same file (same ids, just overwritten).
    kept = set(ids)
    stale = [i for v in versions.values() for i in v.ids if i not in kept]
    embed_texts = [embedding_text(doc_meta["title"], c) for c in chunks]
    return _Write(source, "updated" if versions else "added", ids, texts, metadatas, embed_texts, stale)


def embedding_text(title: str, chunk: Chunk) -> str:
    """What is embedded: the passage prefixed by where it stands, so it knows whose plan it is."""
    return "\n".join(part for part in (title, chunk.section, chunk.text) if part)


def _records(source: str, file_hash: str, chunks: list[Chunk], doc_meta: dict[str, str]):
    prefix = hashlib.sha1(f"{source}\0{file_hash}".encode()).hexdigest()[:20]
    ids = [f"{prefix}-{i:05d}" for i in range(len(chunks))]
    metadatas = [
        {
            **doc_meta,
            "date_int": int(doc_meta["date"].replace("-", "")) if doc_meta.get("date") else 0,
            "source": source,
            "file_hash": file_hash,
            "n_chunks": len(chunks),
            "chunk_index": i,
            "section": chunk.section,
            "page": chunk.page or 0,
            "start": chunk.start,
            "end": chunk.end,
            "language": chunk.language,
            "content_hash": chunk.content_hash,
            "tokens": " ".join(tokenize(f"{doc_meta['title']} {chunk.section} {chunk.text}")),
            "places": named,
        }
        for i, (chunk, named) in enumerate(zip(chunks, chunk_places([f"{c.section} {c.text}" for c in chunks])))
    ]
    return ids, [c.text for c in chunks], metadatas


def list_documents(store: ChunkStore) -> list[dict]:
    """One row per indexed document, for the Documents tab and the status line."""
    rows: dict[str, dict] = {}
    for record in store.records(with_text=False):
        meta = record.metadata
        row = rows.setdefault(
            meta.get("source", ""),
            {key: meta.get(key, "") for key in ("source", "title", "region", "date", "issuer", "doc_number")}
            | {"chunks": 0, "expected": int(meta.get("n_chunks", 0))},
        )
        row["chunks"] += 1
    for row in rows.values():
        row["status"] = "indexed" if row["chunks"] == row.pop("expected") else "incomplete (re-index)"
    return sorted(rows.values(), key=lambda r: r["source"])
