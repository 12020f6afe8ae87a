"""BM25 keyword search with Chinese word segmentation, kept in step with the vector store."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

import numpy as np

_WORD = re.compile(r"[\w\u3400-\u9fff]+")
_STOPWORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "as",
        "at",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "from",
        "which",
        "what",
        "who",
        "whom",
        "how",
        "when",
        "where",
        "does",
        "do",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "的",
        "了",
        "和",
        "与",
        "及",
        "是",
        "在",
        "为",
        "对",
        "等",
        "并",
        "或",
        "把",
        "被",
        "其",
        "之",
        "于",
        "以",
        "中",
        "上",
        "下",
        "个",
        "这",
        "那",
        "有",
        "也",
        "都",
        "而",
        "又",
        "及其",
        "关于",
        "什么",
        "多少",
        "哪些",
        "如何",
        "怎么",
        "吗",
        "呢",
    ]
)
_jieba_lock = threading.Lock()
_jieba = None


def _segmenter():
    global _jieba
    with _jieba_lock:
        if _jieba is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _jieba = jieba
    return _jieba


def _normalise(token: str) -> str:
    token = token.lower()
    if token.isascii() and len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Words for BM25: jieba's search-mode segmentation, lower-cased English, no stopwords."""
    tokens = []
    for piece in _segmenter().lcut_for_search(text):
        if _WORD.fullmatch(piece):
            token = _normalise(piece)
            if token not in _STOPWORDS:
                tokens.append(token)
    return tokens


class KeywordIndex:
    """In-process BM25 over every chunk; rebuilt from the store's records when its version changes.

    Chroma's sparse search is cloud-only, so this lives in the process. Tokens are stored with each
    chunk at ingest time (metadata ``tokens``), so a rebuild on start or on another replica is a
    read plus an index build, with no re-segmentation.
    """

    def __init__(self, load_records: Callable[[], list], current_version: Callable[[], str]):
        self._load_records = load_records
        self._current_version = current_version
        self._lock = threading.Lock()
        self._version: str | None = None
        self._ids: list[str] = []
        self._metadatas: list[dict] = []
        self._texts: list[str] = []
        self._bm25 = None

    def refresh(self) -> None:
        version = self._current_version()
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            records = self._load_records()
            self._rebuild(records)
            self._version = version

    def _rebuild(self, records: list) -> None:
        import bm25s

        corpus = [(r.metadata.get("tokens") or " ".join(tokenize(r.text))).split() for r in records]
        bm25 = bm25s.BM25()
        if records:
            bm25.index(corpus, show_progress=False)
        self._bm25 = bm25 if records else None
        self._ids = [r.id for r in records]
        self._texts = [r.text for r in records]
        self._metadatas = [r.metadata for r in records]

    def search(self, query: str, k: int, mask: Callable[[dict], bool] | None = None) -> list[tuple[int, float]]:
        """(position, score) of the best ``k`` chunks with a positive score; ``mask`` filters by metadata."""
        self.refresh()
        tokens = tokenize(query)
        if self._bm25 is None or not tokens:
            return []
        scores = np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
        if mask is not None:
            keep = np.fromiter((mask(m) for m in self._metadatas), dtype=bool, count=len(self._metadatas))
            scores = np.where(keep, scores, 0.0)
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(best, key=lambda i: -scores[i])
        return [(int(i), float(scores[i])) for i in ranked if scores[i] > 0]

    def record(self, position: int) -> tuple[str, str, dict]:
        return self._ids[position], self._texts[position], self._metadatas[position]

    def __len__(self) -> int:
        self.refresh()
        return len(self._ids)
