"""BM25 keyword search with Chinese word segmentation, kept in step with the vector store.

Scoring is bm25s (bm25_index.py). The index is built once per change of the index, at the end of the ingest
that changed it, and saved beside the vector index (keyword_folder.py); every other process loads it
memory-mapped instead of reading every chunk from the store (issue 26).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from assistant.memory import release_free_memory

if TYPE_CHECKING:  # imported when used: tokenize() alone does not need bm25s (and scipy)
    from assistant.search.bm25_index import Bm25Index, MetadataFilter

_WORD = re.compile(r"[\w\u3400-\u9fff]+")
_EN_STOPWORDS = (
    "the a an of and or to in on for by with as at is are was were be been this that these those it its from "
    "which what who whom how when where does do did has have had will would can could should"
)
_ZH_STOPWORDS = "的 了 和 与 及 是 在 为 对 等 并 或 把 被 其 之 于 以 中 上 下 个 这 那 有 也 都 而 又 及其 关于 什么 多少 哪些 如何 怎么 吗 呢"
_STOPWORDS = frozenset(_EN_STOPWORDS.split() + _ZH_STOPWORDS.split())
_jieba_lock = threading.Lock()
_jieba = None

log = logging.getLogger(__name__)


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


def store_version(store) -> str:
    """What a keyword index reflects: the collection a store reads and its version (which changes with every
    ingest that writes and every rebuild's switch)."""
    version = store.version()  # first: it follows a rebuild's switch, which changes the collection
    return f"{store.name}@{version}"


class KeywordIndex:
    """BM25 over every chunk of a store, kept at the store's version.

    ``current_version`` names the state of the store the index must reflect (read before every search: two
    small reads from Chroma); ``load_records`` reads every chunk (its words are in its metadata ``tokens``,
    segmented at ingest; Chinese character bigrams are added from the text). Without ``folder`` the index
    lives in this process and is built from the store whenever the version changes. With ``folder`` it is
    kept on disk (keyword_folder.py): a process loads the saved index when it is of the current version and
    builds from the store only when none is (then saves it, if it is a ``writer``). While an ingest holds the
    folder's writer lock a reader keeps the index it has (or the saved one) rather than building from a
    store still being written: the ingest publishes the new index when it ends (``publish``).
    """

    def __init__(
        self,
        load_records: Callable[[], list],
        current_version: Callable[[], str],
        *,
        folder: Path | None = None,
        writer: bool = False,
    ):
        self._load_records, self._current_version, self._writer = load_records, current_version, writer
        from assistant.search.keyword_folder import KeywordFolder

        self._folder = KeywordFolder(folder) if folder is not None else None
        self._lock = threading.Lock()
        self._index: Bm25Index | None = None
        self._saved: tuple[str, Bm25Index | None] = ("", None)  # the folder's current snapshot, by name
        self.events: Counter[str] = Counter()  # built (from the store), loaded, saved

    @property
    def folder(self) -> Path | None:
        return self._folder.path if self._folder else None

    def refresh(self) -> None:
        version = self._current_version()
        if self._index is not None and self._index.version == version:
            return
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = self._current(version)

    def _current(self, version: str) -> Bm25Index:
        if self._folder is None:
            return self._build(version)
        saved = self._load_saved()
        if saved is not None and saved.version == version:
            return saved
        if self._folder.busy():  # an ingest is writing the store; its index comes when it ends
            return self._index or saved or self._build(version)
        index = self._build(version)  # a writer died before publishing, or none has run yet
        if self._writer:
            with self._folder.writing(wait=False) as holding:
                if holding:
                    index = self._save(index, version) or index
        return index

    def _load_saved(self) -> Bm25Index | None:
        for _ in range(2):  # a writer may replace the snapshot between the pointer's read and the load
            name = self._folder.current()
            if name is None:
                return None
            if name == self._saved[0]:
                return self._saved[1]
            index = self._folder.load(name)
            self._saved = (name, index)
            if index is not None:
                self.events["loaded"] += 1
                return index
        return None

    def _build(self, version: str, load_records: Callable[[], list] | None = None) -> Bm25Index:
        from assistant.search.bm25_index import Bm25Index

        started = time.perf_counter()
        records = (load_records or self._load_records)()
        release_free_memory()  # Chroma's buffers for every chunk are freed but kept by the allocator: not at the build's peak
        index = Bm25Index.build(
            [r.id for r in records],
            [r.text for r in records],
            [r.metadata for r in records],
            (_index_tokens(r) for r in records),
            version,
        )
        self.events["built"] += 1
        log.info("keyword index built from %d chunks in %.1f s", len(records), time.perf_counter() - started)
        return index

    def _save(
        self, index: Bm25Index, version: str | None = None, bump: Callable[[], None] | None = None
    ) -> Bm25Index | None:
        """Save ``index`` as the folder's current one, tagged with ``version`` (None: the store's version once
        ``bump``, an ingest's last write, has run). The caller holds the writer lock. None if the disk refused."""
        try:
            staged = self._folder.stage(index)
        except OSError as exc:
            log.warning("keyword index not saved in %s (%s): other processes will build their own", self.folder, exc)
            staged = None
        if bump is not None:
            bump()
        if version is None:
            version = self._current_version()
        if staged is None:
            return None
        try:
            name = self._folder.commit(staged, version)
        except OSError as exc:
            log.warning("keyword index not saved in %s (%s): other processes will build their own", self.folder, exc)
            return None
        saved = self._folder.load(name)
        self._saved = (name, saved)
        self.events["saved"] += 1
        return saved

    def writing(self):
        """The writer lock, for a whole ingest (readers then keep their index instead of building one)."""
        return self._folder.writing() if self._folder else nullcontext(True)

    def publish(self, load_records: Callable[[], list] | None = None, bump: Callable[[], None] | None = None) -> None:
        """At the end of an ingest: index the chunks ``load_records`` reads (default: this index's store), then
        ``bump`` the store's version (the ingest's last write), and make the index current under the version
        that follows. Its files are written before the bump, so readers that see the new version find it saved
        (but for the moment of a rename)."""
        index = self._build("", load_records)
        if self._folder is None:
            if bump is not None:
                bump()
            index = index.tagged(self._current_version())
        else:
            with self._folder.writing():
                index = self._save(index, None, bump) or index.tagged(self._current_version())
        with self._lock:
            self._index = index

    def sync(self, load_records: Callable[[], list] | None = None) -> None:
        """After an ingest that changed nothing: save the index if the saved one is not of the store's version
        (an ingest killed after its last write, before it published)."""
        if self._folder is None:
            return
        saved = self._load_saved()
        if saved is None or saved.version != self._current_version():
            self.publish(load_records)

    def search(self, query: str, k: int, where: MetadataFilter | None = None) -> list[KeywordHit]:
        """The best ``k`` chunks with a positive score; ``where`` filters by metadata."""
        self.refresh()
        index = self._index  # one consistent snapshot even if a refresh swaps it meanwhile
        hits = [KeywordHit(*hit) for hit in index.search(tokenize(query) + cjk_bigrams(query), k, where)]
        index.warm()  # after a search, not at load: the first search does not wait for it
        return hits

    def share(self, where: MetadataFilter) -> float:
        """The share of the indexed chunks ``where`` keeps (0 for an empty index)."""
        self.refresh()
        kept = self._index.kept(where)
        return float(kept.mean()) if len(kept) else 0.0

    def coverage(self, query: str) -> float:
        """Share of the query's words that occur somewhere in the index (≈0 across languages)."""
        self.refresh()
        index, words = self._index, tokenize(query)
        return sum(1 for word in words if word in index) / len(words) if words else 0.0

    def ids(self) -> list[str]:
        """The chunk ids the index holds, in its order."""
        self.refresh()
        return list(self._index.ids)

    def __len__(self) -> int:
        self.refresh()
        return len(self._index)
