"""Vector store: a Chroma collection, embedded (``index/``) or on a Chroma server, behind one small API."""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

_PAGE = 5000


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


class ChunkStore:
    """All reads and writes of chunk records. Callers always supply the embeddings.

    ``url`` is the Chroma server's address (empty for the embedded index); ``client`` lets
    ``version()`` read the collection's metadata fresh, since another replica may have changed it.
    """

    def __init__(self, collection, *, client=None, url: str = ""):
        self._collection = collection
        self._client = client
        self.url = url

    @property
    def name(self) -> str:
        return self._collection.name

    @_guarded
    def count(self) -> int:
        return self._collection.count()

    @_guarded
    def upsert(self, ids: list[str], texts: list[str], vectors: list[list[float]], metadatas: list[dict]) -> None:
        for i in range(0, len(ids), _PAGE):
            window = slice(i, i + _PAGE)
            self._collection.upsert(
                ids=ids[window], documents=texts[window], embeddings=vectors[window], metadatas=metadatas[window]
            )

    @_guarded
    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), _PAGE):
            self._collection.delete(ids=ids[i : i + _PAGE])

    @_guarded
    def records(self, with_text: bool = True) -> list[StoredChunk]:
        include = ["metadatas", "documents"] if with_text else ["metadatas"]
        out: list[StoredChunk] = []
        offset = 0
        while True:
            page = self._collection.get(include=include, limit=_PAGE, offset=offset)
            texts = page.get("documents") or [""] * len(page["ids"])
            out.extend(StoredChunk(i, t or "", m or {}) for i, t, m in zip(page["ids"], texts, page["metadatas"]))
            if len(page["ids"]) < _PAGE:
                return out
            offset += _PAGE

    @_guarded
    def get(self, ids: list[str]) -> list[StoredChunk]:
        page = self._collection.get(ids=ids, include=["metadatas", "documents"])
        found = {
            i: StoredChunk(i, t or "", m or {}) for i, t, m in zip(page["ids"], page["documents"], page["metadatas"])
        }
        return [found[i] for i in ids if i in found]

    @_guarded
    def query(self, vector: list[float], k: int, where: dict | None = None) -> list[tuple[StoredChunk, float]]:
        """Nearest chunks with cosine similarity (1 - distance)."""
        if k <= 0 or self.count() == 0:
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

    @_guarded
    def version(self) -> str:
        """Changes whenever an ingest writes; readers (BM25, other replicas) refresh on a new value."""
        return str(self._fresh_metadata().get("version", "")) + f":{self.count()}"

    def _fresh_metadata(self) -> dict:
        """The collection object caches its metadata; another replica's ingest only shows on a new read."""
        if self._client is None:
            return self._collection.metadata or {}
        return self._client.get_collection(self.name, embedding_function=None).metadata or {}

    @_guarded
    def bump_version(self) -> None:
        self._collection.modify(metadata={"version": uuid.uuid4().hex})


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
        raise RuntimeError("pip install -r requirements.txt (missing: chromadb)") from exc
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if chroma_url:
            client = _http_client(chromadb, chroma_url, chroma_settings)
        else:
            index_dir.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(index_dir), settings=chroma_settings)
        collection = client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
    except PermissionError as exc:
        raise IndexUnavailableError(f"The index folder {index_dir} is not writable ({exc.strerror}).") from exc
    except Exception as exc:
        if chroma_url:
            raise server_unavailable(chroma_url, exc) from exc
        raise IndexUnavailableError(f"Cannot open the index at {index_dir}: {exc}") from exc
    return ChunkStore(collection, client=client, url=chroma_url)


def _http_client(chromadb, url: str, chroma_settings):
    parsed = urlparse(url)
    return chromadb.HttpClient(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
        ssl=parsed.scheme == "https",
        settings=chroma_settings,
    )
