"""Vector store: a Chroma collection, embedded (``index/``) or on a Chroma server, behind one small API.

An index is a series of generations (generations.py: why and how a rebuild builds a new collection and
switches to it). A store reads the active one and follows a switch made by any process: ``version()``
finds a retired generation forwarding to its successor, and a read that finds its collection dropped
asks the pointer for the active collection and tries once more.
"""

from __future__ import annotations

import functools
import re
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# Chroma holds a page's rows several times over while it converts them (≈75 KB a chunk at 5,000, freed but kept by
# the allocator): 500 a page reads 3,744 chunks in 0.63 s with 150 MB less at the peak than 5,000 (0.86 s).
_PAGE = 500
VERSION_TTL_S = 1.0
POINTER = "--active"  # appended to the base name: the collection whose metadata names the active one
CONFIGURATION = {"hnsw": {"space": "cosine"}}


class IndexUnavailableError(RuntimeError):
    """The index cannot be opened or written; the message says why."""


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict[str, Any]


def server_unavailable(url: str, cause: object) -> IndexUnavailableError:
    return IndexUnavailableError(
        f"The Chroma server at {url} is unreachable ({cause}). Start it (`chroma run --path DIR --port P`) "
        "or point ASSISTANT_CHROMA_URL at a running one; leave it empty to use the embedded index."
    )


def _guarded(method):
    """A Chroma server that went away mid-session becomes one clear ``IndexUnavailableError``."""

    @functools.wraps(method)
    def call(self: ChunkStore, *args, **kwargs):
        if not self.url:
            return method(self, *args, **kwargs)
        import httpx

        try:
            return method(self, *args, **kwargs)
        except httpx.TransportError as exc:
            raise server_unavailable(self.url, f"{type(exc).__name__}: {exc}") from exc

    return call


def _is_gone(exc: BaseException) -> bool:
    """Chroma's answer for a collection that does not exist (dropped by a switch, or never created)."""
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


def _following(method):
    """A read whose collection was dropped meanwhile (a rebuild switched) asks the pointer and tries once more."""

    @functools.wraps(method)
    def call(self: ChunkStore, *args, **kwargs):
        seen = self._collection
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            if not (self._follows and _is_gone(exc)):
                raise
            self._move(seen, self._resolve())
            return method(self, *args, **kwargs)

    return call


_VERSION_CELLS: dict[tuple[str, str], list] = {}


def _version_cell(client, url: str, base: str) -> list:
    """One (read at, value) cell per index in this process, so a write through any of its stores (a rebuild's
    generation, a second replica object) is seen by all of them at once."""
    where = url or (str(client.get_settings().persist_directory) if client is not None else "")
    if not where:
        return [None]
    return _VERSION_CELLS.setdefault((where, base), [None])


def active_name(client, base: str) -> str:
    """The collection searches read: the pointer's, else (no rebuild yet) the base collection."""
    try:
        pointer = client.get_collection(base + POINTER, embedding_function=None)
    except Exception as exc:
        if _is_gone(exc):
            return base
        raise
    return (pointer.metadata or {}).get("active") or base


class ChunkStore:
    """All reads and writes of chunk records. Callers always supply the embeddings.

    ``url`` is the Chroma server's address (empty for the embedded index); ``client`` lets
    ``version()`` read the collection's metadata fresh, since another replica may have changed it, and
    lets the store follow a rebuild's switch (module docstring). ``base`` is the index's name; a store
    with ``follows=False`` stays on its collection (a generation being built).
    """

    def __init__(self, collection, *, client=None, url: str = "", base: str | None = None, follows: bool = True):
        self._collection = collection
        self._client = client
        self.url = url
        self.base = base or collection.name
        self._follows = follows and client is not None
        self._lock = threading.Lock()
        self._version = _version_cell(client, url, self.base)  # shared by this process's stores of this index

    @property
    def name(self) -> str:
        """The collection this store reads now."""
        return self._collection.name

    @property
    def client(self):
        """The Chroma client (None for a store over a bare collection)."""
        return self._client

    @_guarded
    @_following
    def count(self) -> int:
        return self._collection.count()

    @_guarded
    def upsert(self, ids: list[str], texts: list[str], vectors: list[list[float]], metadatas: list[dict]) -> None:
        self._forget_version()
        for i in range(0, len(ids), _PAGE):
            window = slice(i, i + _PAGE)
            self._collection.upsert(
                ids=ids[window], documents=texts[window], embeddings=vectors[window], metadatas=metadatas[window]
            )

    @_guarded
    def delete(self, ids: list[str]) -> None:
        self._forget_version()
        for i in range(0, len(ids), _PAGE):
            self._collection.delete(ids=ids[i : i + _PAGE])

    @_guarded
    @_following
    def records(self, with_text: bool = True) -> list[StoredChunk]:
        collection = self._collection  # every page from the same generation
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        out: list[StoredChunk] = []
        offset = 0
        while True:
            page = collection.get(include=include, limit=_PAGE, offset=offset)
            texts = page.get("documents") or [""] * len(page["ids"])
            out.extend(StoredChunk(i, t or "", m or {}) for i, t, m in zip(page["ids"], texts, page["metadatas"]))
            if len(page["ids"]) < _PAGE:
                return out
            offset += _PAGE

    @_guarded
    @_following
    def get(self, ids: list[str]) -> list[StoredChunk]:
        page = self._collection.get(ids=ids, include=["metadatas", "documents"])
        found = {
            i: StoredChunk(i, t or "", m or {}) for i, t, m in zip(page["ids"], page["documents"], page["metadatas"])
        }
        return [found[i] for i in ids if i in found]

    @_guarded
    @_following
    def query(self, vector: list[float], k: int, where: dict | None = None) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks with cosine similarity (1 - distance)."""
        if k <= 0:  # an empty collection answers with no ids (a count() first cost 8 ms a query at 100k chunks)
            return []
        result = self._collection.query(
            query_embeddings=[vector], n_results=k, where=where or None, include=["metadatas", "documents", "distances"]
        )
        return [
            (StoredChunk(i, t or "", m or {}), 1.0 - d)
            for i, t, m, d in zip(
                result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]
            )
        ]

    def version(self) -> str:
        """Changes whenever an ingest writes or a rebuild switches; readers (BM25, funding, the catalogue of
        places) refresh on a new value. Read from Chroma at most once per ``VERSION_TTL_S`` (a question asks
        about ten times; with a Chroma server each read is a round trip), and at once after this store writes;
        another replica's ingest shows within that time."""
        cached = self._version[0]
        if cached is not None and time.monotonic() - cached[0] < VERSION_TTL_S:
            return cached[1]
        value = self._read_version()
        self._version[0] = (time.monotonic(), value)
        return value

    def _forget_version(self) -> None:
        self._version[0] = None

    @_guarded
    @_following
    def _read_version(self) -> str:
        """Two reads: the collection's metadata and its count (two more on following a switch)."""
        collection = self._collection
        metadata = self._fresh_metadata(collection)
        forward = metadata.get("active")
        if self._follows and forward and forward != collection.name:  # a retired generation
            self._move(collection, forward)
            collection = self._collection
            metadata = self._fresh_metadata(collection)
        return str(metadata.get("version", "")) + f":{collection.count()}"

    def _fresh_metadata(self, collection) -> dict:
        """The collection object caches its metadata; another replica's ingest only shows on a new read."""
        if self._client is None:
            return collection.metadata or {}
        return self._client.get_collection(collection.name, embedding_function=None).metadata or {}

    @_guarded
    def bump_version(self) -> None:
        self._forget_version()
        self._collection.modify(metadata={"version": uuid.uuid4().hex})

    def _resolve(self) -> str:
        return active_name(self._client, self.base)

    def _move(self, seen, name: str) -> None:
        """Read ``name`` from now on, unless another thread has already moved on from ``seen``."""
        self._forget_version()
        if name == seen.name:
            return
        collection = self._client.get_collection(name, embedding_function=None)
        with self._lock:
            if self._collection is seen:
                self._collection = collection

    def follow(self, name: str) -> None:
        """Read collection ``name`` from now on (a rebuild switched to it)."""
        self._move(self._collection, name)

    def pinned(self, collection) -> ChunkStore:
        """A store of this index that stays on ``collection`` (a generation being built)."""
        return ChunkStore(collection, client=self._client, url=self.url, base=self.base, follows=False)


def collection_name(base: str, embeddings: str) -> str:
    """One collection per embedding model, so switching models never mixes vector spaces."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", Path(embeddings).name if "/" in embeddings else embeddings)
    return f"{base}-{slug}".strip("-.")[:200]


def open_store(*, index_dir: Path, chroma_url: str, name: str) -> ChunkStore:
    """Factory: a Chroma server when ``chroma_url`` is set, else the embedded index in ``index_dir``."""
    try:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError("make install (missing: chromadb)") from exc
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if chroma_url:
            client = _http_client(chromadb, chroma_url, chroma_settings)
        else:
            index_dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(index_dir), settings=chroma_settings)
        active = active_name(client, name)
        if active == name:
            collection = client.get_or_create_collection(name, embedding_function=None, configuration=CONFIGURATION)
        else:
            collection = client.get_collection(active, embedding_function=None)
    except PermissionError as exc:
        raise IndexUnavailableError(f"The index folder {index_dir} is not writable ({exc.strerror}).") from exc
    except Exception as exc:
        if chroma_url:
            raise server_unavailable(chroma_url, exc) from exc
        raise IndexUnavailableError(f"Cannot open the index at {index_dir}: {exc}") from exc
    return ChunkStore(collection, client=client, url=chroma_url, base=name)


def _http_client(chromadb, url: str, chroma_settings):
    parsed = urlparse(url)
    return chromadb.HttpClient(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
        ssl=parsed.scheme == "https",
        settings=chroma_settings,
    )
