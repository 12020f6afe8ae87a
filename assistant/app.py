"""Composition root: the only place (with the CLI entry) that builds concrete objects."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from functools import cached_property

from assistant.settings import Settings


def quiet_environment(threads: int) -> None:
    """Offline and no oversubscription: set before any model library is imported."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))


@dataclass
class Services:
    """Everything the CLI and the UI use, built lazily so `search` never loads the LLM."""

    settings: Settings
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @cached_property
    def embeddings(self):
        from assistant.search.embeddings import make_embeddings

        s = self.settings
        return make_embeddings(s.embeddings, s.n_threads, s.e5_precision)

    @cached_property
    def store(self):
        from assistant.search.store import collection_name, open_store

        name = collection_name(self.settings.collection, self.settings.embeddings)
        return open_store(index_dir=self.settings.index_dir, chroma_url=self.settings.chroma_url, name=name)

    @cached_property
    def keyword(self):
        """BM25, saved at ingest in ``keyword_index_dir`` (one folder per index) and loaded from there (issue 26).
        A process on the embedded index may save one it had to build; with a Chroma server only ingests do."""
        from assistant.search.keyword import KeywordIndex, store_version
        from assistant.search.store import collection_name

        s = self.settings
        folder = (s.keyword_index_dir or s.index_dir / "keyword") / collection_name(s.collection, s.embeddings)
        return KeywordIndex(
            lambda: self.store.records(), lambda: store_version(self.store), folder=folder, writer=not s.chroma_url
        )

    @cached_property
    def jobs(self):
        """Re-index passes, one at a time and coalesced: the web UI and the HTTP API share them."""
        from assistant.service.jobs import IngestJobs

        return IngestJobs(self)

    @cached_property
    def funding(self):
        """Funding provisions derived from the indexed chunks, refreshed when the index changes (issue 16)."""
        from assistant.funding.records import FundingIndex

        return FundingIndex(self.store)

    @cached_property
    def searcher(self):
        from assistant.search.hybrid import HybridSearcher

        s = self.settings
        return HybridSearcher(
            self.store,
            self.embeddings,
            self.keyword,
            candidates=s.candidates,
            dense_weight=s.dense_weight,
            bm25_weight=s.bm25_weight,
            rrf_k=s.rrf_k,
            fusion=s.fusion,
            bm25_by_coverage=s.bm25_by_coverage,
        )

    @cached_property
    def chat_model(self):
        from assistant.llm.backends import make_chat_model

        return make_chat_model(self.settings)

    @cached_property
    def answerer(self):
        from assistant.answer import Answerer
        from assistant.search.embeddings import cross_lingual_support

        return Answerer(
            self.searcher,
            self.chat_model,
            top_k=self.settings.top_k,
            min_relevance=self.min_relevance,
            cross_lingual_support=cross_lingual_support(self.settings.embeddings),
            funding=self.funding,
        )

    @property
    def min_relevance(self):
        from assistant.search.embeddings import RelevanceThreshold, calibrated_relevance

        s, calibrated = self.settings, calibrated_relevance(self.settings.embeddings)
        same = calibrated.same_language if s.min_relevance is None else s.min_relevance
        cross = calibrated.cross_language if s.min_relevance_cross_lingual is None else s.min_relevance_cross_lingual
        return RelevanceThreshold(same, cross)

    def ingest(self, *, rebuild: bool = False, progress=None, page_progress=None):
        from assistant.ingest.indexer import ChunkingOptions, ingest

        s = self.settings
        options = ChunkingOptions(s.chunk_tokens, s.chunk_overlap_tokens, int(s.max_file_mb * 1_000_000))
        with self._lock:
            return ingest(
                s.documents_dir,
                self.store,
                self.embeddings,
                options,
                rebuild=rebuild,
                progress=progress,
                pages=self.page_reader if s.ocr else None,
                page_progress=page_progress,
                keyword=self.keyword,
            )

    @property
    def pages_dir(self):
        return self.settings.pages_cache_dir or self.settings.cache_dir / "pages"

    @cached_property
    def page_reader(self):
        """OCR of scanned pages and images within the per-document budget (issue 17)."""
        from assistant.ingest.pages.ocr import OcrEngine, PageCache
        from assistant.ingest.pages.scan import PageBudget, PageReader

        s = self.settings
        budget = PageBudget(s.ocr_max_pages, s.ocr_max_seconds)
        return PageReader(OcrEngine(s.n_threads), PageCache(self.pages_dir / "ocr"), budget)

    @cached_property
    def previewer(self):
        """Page images with the cited passage highlighted, and text passages in context (issue 17)."""
        from assistant.ingest.pages.ocr import PageCache
        from assistant.ingest.pages.preview import Previewer

        s = self.settings
        max_bytes = int(s.max_file_mb * 1_000_000)
        return Previewer(s.documents_dir, self.pages_dir / "previews", PageCache(self.pages_dir / "ocr"), max_bytes)


def build_services(settings: Settings | None = None) -> Services:
    settings = settings or Settings()
    quiet_environment(settings.n_threads)
    return Services(settings)


def serve(services: Services) -> None:
    """The web UI and the HTTP API in one process: same settings, same services, same model queue."""
    import logging

    from assistant.access import check_exposure
    from assistant.api import create_app
    from assistant.web.layout import build_ui, launch

    for warning in check_exposure(services.settings):  # raises when the network would reach it unprotected
        logging.getLogger(__name__).warning(warning)
    launch(build_ui(services), services.settings, create_app(services))


if __name__ == "__main__":
    serve(build_services())
