"""BM25 keyword search with Chinese word segmentation, kept in step with the vector store."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import NamedTuple

import numpy as np

_WORD = re.compile(r"[\w\u3400-\u9fff]+")
_EN_STOPWORDS = (
    "the a an of and or to in on for by with as at is are was were be been this that these those it its from "
    "which what who whom how when where does do did has have had will would can could should"
)
_ZH_STOPWORDS = "的 了 和 与 及 是 在 为 对 等 并 或 把 被 其 之 于 以 中 上 下 个 这 那 有 也 都 而 又 及其 关于 什么 多少 哪些 如何 怎么 吗 呢"
_STOPWORDS = frozenset(_EN_STOPWORDS.split() + _ZH_STOPWORDS.split())
_jieba_lock = threading.Lock()
_jieba = None

# Lucene's BM25 (the variant bm25s defaults to).
K1, B = 1.5, 0.75


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


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_BIGRAM = "§"  # marks character bigrams so they never merge with two-character words


def cjk_bigrams(text: str) -> list[str]:
    """Overlapping Chinese character pairs: they match where jieba cuts query and passage differently."""
    return [_BIGRAM + run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]


def _index_tokens(record) -> list[str]:
    words = record.metadata.get("tokens")
    return (words.split() if words else tokenize(record.text)) + cjk_bigrams(record.text)


class KeywordHit(NamedTuple):
    id: str
    text: str
    metadata: dict
    score: float


@dataclass(frozen=True)
class _Entry:
    text: str
    metadata: dict
    terms: np.ndarray  # term ids, one per token occurrence


class _Postings:
    """Immutable BM25 weights laid out by term: ``docs[offsets[t]:offsets[t + 1]]`` hold term ``t``."""

    def __init__(self, ids: list[str], entries: list[_Entry], vocabulary_size: int):
        self.ids, self.entries = ids, entries
        n = len(entries)
        lengths = np.fromiter((len(e.terms) for e in entries), dtype=np.int64, count=n)
        terms = np.concatenate([e.terms for e in entries]) if n else np.zeros(0, dtype=np.int64)
        pairs, tf = np.unique(terms.astype(np.int64) * max(n, 1) + np.repeat(np.arange(n), lengths), return_counts=True)
        term, doc = np.divmod(pairs, max(n, 1))
        self.df = np.bincount(term, minlength=vocabulary_size)
        idf = np.log1p((n - self.df + 0.5) / (self.df + 0.5))
        norm = K1 * (1 - B + B * lengths / max(lengths.mean() if n else 1.0, 1e-9))
        self.docs = doc.astype(np.int32)
        self.weights = (idf[term] * tf / (tf + norm[doc])).astype(np.float32)
        self.offsets = np.concatenate([[0], np.cumsum(self.df)])

    def scores(self, term_ids: list[int]) -> np.ndarray:
        out = np.zeros(len(self.entries), dtype=np.float32)
        for term in term_ids:
            span = slice(self.offsets[term], self.offsets[term + 1])
            out[self.docs[span]] += self.weights[span]  # a term lists each document once
        return out


class KeywordIndex:
    """In-process BM25 over every chunk, refreshed when the store's version changes.

    Chroma's sparse search is cloud-only, so this lives in the process. Words are stored with each
    chunk at ingest time (metadata ``tokens``), so a refresh never re-segments text; Chinese character
    bigrams are added from the text (cheap, and older indexes gain them without re-ingesting). Given
    ``list_ids`` and ``load_by_ids`` a refresh reads only the chunks it has not seen (chunk ids are
    content-addressed, so an id never changes meaning) and re-lays the postings in memory;
    otherwise it reads every record.
    """

    def __init__(
        self,
        load_records: Callable[[], list],
        current_version: Callable[[], str],
        *,
        list_ids: Callable[[], list[str]] | None = None,
        load_by_ids: Callable[[list[str]], list] | None = None,
    ):
        self._load_records, self._current_version = load_records, current_version
        self._list_ids, self._load_by_ids = list_ids, load_by_ids
        self._lock = threading.Lock()
        self._version: str | None = None
        self._vocabulary: dict[str, int] = {}
        self._entries: dict[str, _Entry] = {}
        self._postings = _Postings([], [], 0)

    def refresh(self) -> None:
        version = self._current_version()
        if version == self._version:
            return
        with self._lock:
            if version == self._version:
                return
            if self._version is None or self._list_ids is None or self._load_by_ids is None:
                self._entries = self._new_entries(self._load_records())
            else:
                self._apply_changes()
            ids = list(self._entries)
            self._postings = _Postings(ids, [self._entries[i] for i in ids], len(self._vocabulary))
            self._version = version

    def _apply_changes(self) -> None:
        current = self._list_ids()
        wanted = set(current)
        entries = {i: e for i, e in self._entries.items() if i in wanted}
        missing = [i for i in current if i not in entries]
        entries.update(self._new_entries(self._load_by_ids(missing) if missing else []))
        self._entries = entries

    def _new_entries(self, records: list) -> dict[str, _Entry]:
        """Entries for records, their words mapped to term ids in one pass (C-speed dict and map calls)."""
        token_lists = [_index_tokens(r) for r in records]
        flat = list(chain.from_iterable(token_lists))
        vocabulary = self._vocabulary
        for token in dict.fromkeys(flat):
            vocabulary.setdefault(token, len(vocabulary))
        terms = np.fromiter(map(vocabulary.__getitem__, flat), dtype=np.int64, count=len(flat))
        bounds = np.cumsum([len(tokens) for tokens in token_lists])[:-1]
        return {r.id: _Entry(r.text, r.metadata, t) for r, t in zip(records, np.split(terms, bounds))}

    def _term_ids(self, tokens: list[str]) -> list[int]:
        return [self._vocabulary[t] for t in tokens if t in self._vocabulary]

    def search(self, query: str, k: int, mask: Callable[[dict], bool] | None = None) -> list[KeywordHit]:
        """The best ``k`` chunks with a positive score; ``mask`` filters by metadata."""
        self.refresh()
        postings = self._postings  # one consistent snapshot even if a refresh swaps it meanwhile
        term_ids = self._term_ids(tokenize(query) + cjk_bigrams(query))
        if not postings.entries or not term_ids or k <= 0:
            return []
        scores = postings.scores([t for t in term_ids if t < len(postings.df)])
        if mask is not None:
            keep = np.fromiter((mask(e.metadata) for e in postings.entries), dtype=bool, count=len(postings.entries))
            scores = np.where(keep, scores, 0.0)
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(best, key=lambda i: -scores[i])
        entries, ids = postings.entries, postings.ids
        return [
            KeywordHit(ids[i], entries[i].text, entries[i].metadata, float(scores[i])) for i in ranked if scores[i] > 0
        ]

    def coverage(self, query: str) -> float:
        """Share of the query's words that occur somewhere in the index (≈0 across languages)."""
        self.refresh()
        words = tokenize(query)
        df = self._postings.df
        return sum(1 for t in self._term_ids(words) if t < len(df) and df[t] > 0) / len(words) if words else 0.0

    def __len__(self) -> int:
        self.refresh()
        return len(self._postings.ids)
