"""The sentences of the retrieved passages, and how relevant each is to a question or a claim.

Relevance is the dense model's similarity (it works across languages: an English question, a Chinese
sentence) plus the share of the question's words a sentence contains weighted by how rare they are among the
passages (IDF), since a policy repeats 支持 and 企业 in every sentence; an English question's words count in a
Chinese sentence by their Chinese renderings (``text.translate``), as they do in every other lexical test.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.caches import LRU
from assistant.funding.extract import extract_provisions, row_under_funding_header, table_header_start
from assistant.search.hybrid import Hit
from assistant.search.keyword import tokenize
from assistant.text.language import detect_language
from assistant.text.numbers import Figure, find_figures, sentence_spans
from assistant.text.translate import terms_of

LEXICAL_WEIGHT = 0.2  # a sentence holding every rare word of the question gains 0.2 of similarity
CONTEXT_DISCOUNT = 0.03
_CACHE = 4096
# Words that tell nothing about the subject of a policy question.
_GENERIC_WORDS = (
    "what which how much many does do is are the a an of for to in on by and or with from its their most maximum "
    "largest up give gives given issue issues provide provides support supports policy plan plans programme "
    "program city province ai artificial intelligence company companies enterprise enterprises funding fund cap caps "
    "ceiling subsidy subsidies grant grants amount money reward rewards offer offers receive receives pay pays get "
    "gets highest upper limit total "
    "什么 多少 哪些 如何 怎么 是否 最高 最多 支持 给予 政策 措施 计划 企业 人工智能 项目 补贴 资金 奖励 元 万元 亿元 对 的 和 是 有 人工 智能 可以 能够 可 能 会 要 哪个 怎样 为 什么样 比较 对比 相比 区别 异同 不同 有何 compare comparison differ "
    "difference differences versus"
)
_GENERIC = set(_GENERIC_WORDS.split())
_WRAPPED = re.compile(r"(?<=[\u4e00-\u9fff])\s*\n\s*(?=[\u4e00-\u9fff\d])")


@dataclass(frozen=True)
class Sentence:
    n: int  # the passage's number, 1-based
    text: str
    start: int  # offsets in the passage text
    end: int
    figures: tuple[Figure, ...]
    # The sentence with the one before it in its passage, verbatim: policy text often names the measure in
    # one sentence and states its cap in the next ("争创省级…产业创新园区。…予以奖励，最高 500 万元").
    with_previous: str = ""
    heading: str = ""  # the measure's heading (the passage's section), which also names its subject
    table_grant: bool = False  # a row of a class table whose header names a grant ("人才类别/购房补贴")

    def has(self, kinds: set[str]) -> bool:
        return any(f.kind in kinds for f in self.figures)

    @property
    def funds(self) -> bool:
        """It grants money (a cap, a ratio, a voucher, a fund), not a target ("产业规模达8000亿元")."""
        return self.has({"amount", "percent"}) and (self.table_grant or bool(extract_provisions(self.text)))

    @property
    def context(self) -> str:
        return f"{self.heading} {self.with_previous or self.text}".strip()


def sentences_of(hits: Sequence[Hit], numbers: Sequence[int] | None = None) -> list[Sentence]:
    wanted = set(numbers) if numbers is not None else None
    out = []
    for n, hit in enumerate(hits, start=1):
        if wanted is not None and n not in wanted:
            continue
        heading = str(hit.metadata.get("section", "")).split(" > ")[-1].strip()
        starts: list[int] = []
        for start, end in sentence_spans(hit.text):
            text = hit.text[start:end]
            header = table_header_start(hit.text, start)  # a table's row: what the sentence before the table says
            before = [s for s in starts if header is not None and s < header] or starts
            joined = hit.text[before[-1] : end] if before else ""
            row = row_under_funding_header(hit.text, start)
            out.append(Sentence(n, text, start, end, tuple(find_figures(text)), joined, heading, row))
            starts.append(start)
    return out


def unwrapped(text: str) -> str:
    """PDF line breaks inside Chinese words removed ("符\n合条件" → "符合条件"), for word matching only."""
    return _WRAPPED.sub("", text)


def content_words(text: str) -> set[str]:
    return {w for w in tokenize(unwrapped(text)) if w not in _GENERIC and not w.isdigit() and len(w) > 1}


class Relevance:
    """Similarities between a query and sentences; sentence vectors are cached (passages recur)."""

    def __init__(self, embeddings: Embeddings):
        self.embeddings = embeddings
        self._vectors: LRU[tuple[str, str], np.ndarray] = LRU(_CACHE)

    def dense(self, query: str, texts: Sequence[str]) -> list[float]:
        if not texts:
            return []
        q = self._vectors.get_or_compute(("q", query), lambda: np.asarray(self.embeddings.embed_query(query), np.float32))
        vectors = {t: self._vectors.get(("d", t)) for t in dict.fromkeys(texts)}
        missing = [t for t, vector in vectors.items() if vector is None]
        if missing:
            for text, vector in zip(missing, self.embeddings.embed_documents(missing)):
                vectors[text] = np.asarray(vector, dtype=np.float32)
                self._vectors.put(("d", text), vectors[text])
        return [float(vectors[t] @ q) for t in texts]

    def lexical(self, query: str, texts: Sequence[str]) -> list[float]:
        """IDF-weighted share of the query's content words each text contains (0 across languages)."""
        words = content_words(query)
        bags = [set(tokenize(unwrapped(t))) for t in texts]
        frequency = Counter(w for bag in bags for w in bag & words)
        weights = {w: math.log(1 + len(bags) / frequency[w]) for w in words if frequency[w]}
        total = sum(math.log(1 + len(bags)) for _ in words) or 1.0
        return [sum(weights.get(w, 0.0) for w in bag & words) / total for bag in bags]

    def rendered(self, query: str, texts: Sequence[str]) -> list[float]:
        """For an English query: the IDF-weighted share of its terms each Chinese text holds in one of their
        renderings (0 for other texts)."""
        terms = [t for t in terms_of(query) if t.chinese]
        flats = [unwrapped(t) if detect_language(t) == "zh" else "" for t in texts]
        held = [{i for i, term in enumerate(terms) if any(c in flat for c in term.chinese)} for flat in flats]
        frequency = Counter(i for found in held for i in found)
        total = sum(math.log(1 + len(texts)) for _ in terms) or 1.0
        return [sum(math.log(1 + len(texts) / frequency[i]) for i in found) / total for found in held]

    def score(self, query: str, texts: Sequence[str]) -> list[float]:
        dense = self.dense(query, texts)
        same = detect_language(query)
        lexical = self.lexical(query, texts)
        across = self.rendered(query, texts) if same != "zh" else [0.0] * len(texts)
        return [
            d + LEXICAL_WEIGHT * (x if detect_language(t) == same else y)
            for d, x, y, t in zip(dense, lexical, across, texts)
        ]

    def of_sentences(self, query: str, sentences: Sequence[Sentence]) -> list[float]:
        """Each sentence's relevance, or its context's (heading and previous sentence) when that is clearly
        higher: sentences under one heading share its context, and the one that itself says it must win."""
        own = self.score(query, [s.text for s in sentences])
        context = self.score(query, [s.context for s in sentences])
        return [max(a, b - CONTEXT_DISCOUNT) for a, b in zip(own, context)]
