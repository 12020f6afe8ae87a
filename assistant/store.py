"""Vector store: a Chroma collection, embedded (``index/``) or on a Chroma server, behind one small API."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PAGE = 5000


class IndexUnavailableError(RuntimeError):
    """The index cannot be opened or written; the message says why."""


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict[str, Any]


class ChunkStore:
    """All reads and writes of chunk records. Callers always supply the embeddings."""

    def __init__(self, collection):
        self._collection = collection

    @property
    def name(self) -> str:
        return self._collection.name

    def count(self) -> int:
        return self._collection.count()

    def upsert(self, ids: list[str], texts: list[str], vectors: list[list[float]], metadatas: list[dict]) -> None:
        for i in range(0, len(ids), _PAGE):
            window = slice(i, i + _PAGE)
            self._collection.upsert(
                ids=ids[window], documents=texts[window], embeddings=vectors[window], metadatas=metadatas[window]
            )

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), _PAGE):
            self._collection.delete(ids=ids[i : i + _PAGE])

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

    def get(self, ids: list[str]) -> list[StoredChunk]:
        page = self._collection.get(ids=ids, include=["metadatas", "documents"])
        found = {
            i: StoredChunk(i, t or "", m or {}) for i, t, m in zip(page["ids"], page["documents"], page["metadatas"])
        }
        return [found[i] for i in ids if i in found]

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

    def version(self) -> str:
        """Changes whenever an ingest writes; readers (BM25, other replicas) refresh on a new value."""
        return str((self._collection.metadata or {}).get("version", "")) + f":{self.count()}"

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
        where = chroma_url or str(index_dir)
        raise IndexUnavailableError(f"Cannot open the index at {where}: {exc}") from exc
    return ChunkStore(collection)


def _http_client(chromadb, url: str, chroma_settings):
    from urllib.parse import urlparse

    parsed = urlparse(url)
    return chromadb.HttpClient(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or (443 if parsed.scheme == "https" else 8000),
        ssl=parsed.scheme == "https",
        settings=chroma_settings,
    )
