"""One BM25 index over a fixed set of chunks, scored by bm25s: built from the chunks' words, saved to a
folder, loaded from it memory-mapped. It never changes: when the chunks change, a new one is built (bm25s
has no incremental add; the words are stored with each chunk, so a build never segments text again).

A saved folder holds bm25s's own files (the score matrix as ``.npy`` arrays, loaded with ``mmap=True``, its
vocabulary and parameters), the chunk ids (``ids.json``), their texts and metadata one JSON value a line
with each line's byte offset (so a hit is read without reading the rest), and ``state.json``: the index
version it reflects (collection name and store version, keyword.py) and the chunk count.
"""

from __future__ import annotations

import json
import mmap
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

import bm25s
import numpy as np
from bm25s.utils import json_functions

# Lucene's BM25, as before bm25s: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf / (tf + k1 (1 - b + b |d| / avg)).
K1, B, METHOD = 1.5, 0.75, "lucene"
STATE = "state.json"
FORMAT = 1


class _Lines:
    """Values written one JSON value a line, with every line's start in ``<name>.offsets.npy``."""

    def __init__(self, path: Path):
        self._file = path.open("rb")  # opened now: a later writer may remove this folder
        size = os.fstat(self._file.fileno()).st_size
        self._data = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self._offsets = np.load(_offsets(path), mmap_mode="r")

    def __getitem__(self, i: int):
        return json_functions.loads(self._data[int(self._offsets[i]) : int(self._offsets[i + 1])])

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def all(self, batch: int = 1000) -> list:
        """Every value, ``batch`` lines a parse (a JSON value never contains a raw newline): one parse holds the
        GIL, so other threads (searches) run between batches rather than wait for the whole file."""
        values, ends = [], self._offsets
        for start in range(0, len(self), batch):
            lines = self._data[int(ends[start]) : int(ends[min(start + batch, len(self))])]
            values += json_functions.loads(b"[" + lines.rstrip(b"\n").replace(b"\n", b",") + b"]")
        return values

    @staticmethod
    def write(path: Path, values) -> None:
        offsets = [0]
        with path.open("wb") as out:
            for value in values:
                line = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
                out.write(line)
                offsets.append(offsets[-1] + len(line))
        np.save(_offsets(path), np.asarray(offsets, dtype=np.int64))


def _offsets(path: Path) -> Path:
    return path.with_name(path.name + ".offsets.npy")


class MetadataFilter(Protocol):
    """A condition on a chunk's metadata that reads only the fields ``keys()`` names."""

    def matches(self, metadata: dict) -> bool: ...

    def keys(self) -> tuple[str, ...]: ...


class Bm25Index:
    """BM25 over chunks ``0..n-1``: scores for query words, and the chunk (id, text, metadata) at a position.

    A filter is judged once per distinct combination of the fields it reads (a place filter: once per region
    code, not once per chunk): at 100,000 chunks judging every chunk took ~0.3 s a search (docs/benchmarks.md)."""

    def __init__(
        self,
        retriever: bm25s.BM25 | None,
        ids: Sequence[str],
        texts: Sequence[str],
        metadatas: Sequence[dict] | _Lines,
        version: str = "",
        folder: Path | None = None,
    ):
        self.retriever, self.ids, self.version, self.folder = retriever, ids, version, folder
        self._texts, self._metadatas = texts, metadatas
        self._all_metadata: list[dict] | None = metadatas if isinstance(metadatas, list) else None
        self._lock = threading.Lock()
        self._warming = False
        self._groups: dict[tuple[str, ...], tuple[np.ndarray, list[dict]]] = {}

    @classmethod
    def build(
        cls, ids: list[str], texts: list[str], metadatas: list[dict], words: Iterable[list[str]], version: str = ""
    ) -> Bm25Index:
        """The index of these chunks; ``words`` yields chunk i's words (repeated as often as they occur) in turn:
        each chunk's become term ids before the next is read, so no chunk's words are held as strings for long."""
        if not ids:
            return cls(None, [], [], [], version)
        vocabulary: dict[str, int] = {}
        corpus = [[vocabulary.setdefault(word, len(vocabulary)) for word in chunk] for chunk in words]
        retriever = bm25s.BM25(k1=K1, b=B, method=METHOD)
        retriever.index((corpus, vocabulary), create_empty_token=False, show_progress=False)
        kept = [m.copy() for m in metadatas]
        for metadata in kept:
            metadata.pop("tokens", None)  # the words are in the index
        return cls(retriever, list(ids), list(texts), kept, version)

    def tagged(self, version: str) -> Bm25Index:
        return Bm25Index(self.retriever, self.ids, self._texts, self._metadatas, version, self.folder)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, word: str) -> bool:
        return self.retriever is not None and word in self.retriever.vocab_dict

    def search(self, words: list[str], k: int, where: MetadataFilter | None = None) -> list[tuple]:
        """The best ``k`` chunks with a positive score, as (id, text, metadata, score), best first."""
        if self.retriever is None or k <= 0:
            return []
        term_ids = self.retriever.get_tokens_ids(words)
        if not term_ids:
            return []
        scores = self.retriever.get_scores_from_ids(term_ids)
        if where is not None:
            scores = np.where(self.kept(where), scores, 0.0)
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(best, key=lambda i: -scores[i])
        return [(self.ids[i], self._texts[i], self._metadatas[i], float(scores[i])) for i in ranked if scores[i] > 0]

    def kept(self, where: MetadataFilter) -> np.ndarray:
        """For every chunk, whether ``where`` keeps it."""
        groups, representatives = self._grouped(where.keys())
        allowed = np.fromiter(map(where.matches, representatives), dtype=bool, count=len(representatives))
        return allowed[groups] if len(groups) else np.zeros(0, dtype=bool)

    def _grouped(self, keys: tuple[str, ...]) -> tuple[np.ndarray, list[dict]]:
        """Each chunk's group (its values of ``keys``) and one chunk's metadata per group; built once per keys."""
        if keys not in self._groups:
            positions: dict[tuple, int] = {}
            metadatas = self.metadatas()
            groups = np.empty(len(metadatas), dtype=np.int32)
            representatives: list[dict] = []
            for i, metadata in enumerate(metadatas):
                values = tuple(str(metadata.get(key, "")) for key in keys)
                if values not in positions:
                    positions[values] = len(representatives)
                    representatives.append(metadata)
                groups[i] = positions[values]
            self._groups[keys] = (groups, representatives)
        return self._groups[keys]

    def warm(self) -> None:
        """Read every chunk's metadata in the background (once), before a filtered search needs them."""
        if self._all_metadata is None and not self._warming:
            self._warming = True
            threading.Thread(target=self.metadatas, name="keyword-metadata", daemon=True).start()

    def metadatas(self) -> list[dict]:
        """Every chunk's metadata (filters need them all); a loaded index reads them at the first need."""
        if self._all_metadata is None:
            with self._lock:
                if self._all_metadata is None:
                    self._all_metadata = self._metadatas.all()
        return self._all_metadata

    def save(self, folder: Path) -> None:
        """Write the index into ``folder`` (new or empty), every file flushed to disk."""
        folder.mkdir(parents=True, exist_ok=True)
        if self.retriever is not None:
            self.retriever.save(folder, show_progress=False)
        (folder / "ids.json").write_text(json.dumps(list(self.ids)), encoding="utf-8")
        _Lines.write(folder / "texts.jsonl", self._texts)
        _Lines.write(folder / "metadata.jsonl", self.metadatas())
        state = {"format": FORMAT, "version": self.version, "chunks": len(self.ids), "bm25s": bm25s.__version__}
        (folder / STATE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        for path in folder.iterdir():
            _flush(path)

    @classmethod
    def load(cls, folder: Path) -> Bm25Index:
        """A saved index, its score matrix memory-mapped; raises OSError/ValueError when the folder is unusable."""
        state = json.loads((folder / STATE).read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            raise ValueError(f"{folder} is keyword index format {state.get('format')}, not {FORMAT}")
        ids = json_functions.loads((folder / "ids.json").read_bytes())
        retriever = bm25s.BM25.load(folder, mmap=True, show_progress=False) if ids else None
        texts, metadatas = _Lines(folder / "texts.jsonl"), _Lines(folder / "metadata.jsonl")
        if not len(ids) == len(texts) == len(metadatas) == state["chunks"]:
            raise ValueError(f"{folder} is incomplete")
        return cls(retriever, ids, texts, metadatas, state["version"], folder)


def retag(folder: Path, version: str) -> None:
    """Say in a saved folder which store version it reflects (one step: a new state file replaces the old)."""
    state = json.loads((folder / STATE).read_text(encoding="utf-8")) | {"version": version}
    temporary = folder / (STATE + ".new")
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    _flush(temporary)
    os.replace(temporary, folder / STATE)


def _flush(path: Path) -> None:
    with path.open("rb") as written:
        os.fsync(written.fileno())
