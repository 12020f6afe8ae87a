"""Hybrid retrieval: dense (Chroma) + BM25 fused by z-scores (or reciprocal rank), with per-party quotas."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.caches import LRU, PerVersion
from assistant.places import (
    AROUND,
    INSIDE,
    NAMING,
    OWN,
    Place,
    lies_in,
    nearest,
    nearness,
    place,
    places_named,
    region_codes_for,
    remove_places,
    subtree_codes,
)
from assistant.search.keyword import KeywordIndex
from assistant.search.naming import documents_named
from assistant.search.store import ChunkStore
from assistant.text.language import detect_language
from assistant.text.translate import terms_of

FUSIONS = ("zscore", "rrf")
_DOCUMENT_KEYS = ("source", "title", "doc_number", "region_code")
_QUERY_CACHE = 256
# How much nearer text is preferred, in fused score (a sum of z-scores): about one standard deviation of one
# signal for the place's own text, half that for the places inside it (a city's districts), the city and
# province around it and a national text naming it (bench/all_documents.py, docs/places.md).
NEARNESS_BONUS = {OWN: 1.0, INSIDE: 0.5, AROUND: 0.5, NAMING: 0.5}
PUBLIC_METADATA = (
    "source", "title", "section", "page", "region", "region_code", "issuer", "doc_number", "date", "start", "end",
)  # fmt: skip

@dataclass
class Hit:
    id: str
    text: str
    metadata: dict[str, Any]
    score: float = 0.0
    dense_similarity: float = 0.0
    bm25_score: float = 0.0
    ranks: dict[str, int] = field(default_factory=dict)

    def public_metadata(self) -> dict[str, Any]:
        return {key: self.metadata.get(key, "") for key in PUBLIC_METADATA}


@dataclass(frozen=True)
class Filter:
    """Metadata conditions, usable by Chroma (``where``) and by the in-process BM25 (``matches``)."""

    equals: dict[str, str] = field(default_factory=dict)
    date_from: int = 0
    date_to: int = 0
    any_of: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (key, allowed values): Chroma's $in
    bounds: tuple[tuple[str, str, int], ...] = ()  # (key, "$gte" or "$lte", value) on an int field (in force)

    def narrowed(self, key: str, values: tuple[str, ...]) -> Filter:
        return replace(self, any_of=(*self.any_of, (key, values)))

    def __bool__(self) -> bool:
        return bool(self.equals or self.date_from or self.date_to or self.any_of or self.bounds)

    def where(self) -> dict | None:
        conditions: list[dict] = [{k: v} for k, v in self.equals.items()]
        conditions += [{k: {"$in": list(values)}} for k, values in self.any_of]
        conditions += [{k: {op: value}} for k, op, value in self.bounds]
        if self.date_from:
            conditions.append({"date_int": {"$gte": self.date_from}})
        if self.date_to:
            conditions.append({"date_int": {"$lte": self.date_to}})
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def keys(self) -> tuple[str, ...]:
        """The metadata fields ``matches`` reads."""
        fields = [*self.equals, *(k for k, _ in self.any_of), *(k for k, _, _ in self.bounds)]
        return tuple(dict.fromkeys([*fields, *(["date_int"] if self.date_from or self.date_to else [])]))

    def matches(self, metadata: dict) -> bool:
        if any(str(metadata.get(k, "")) != v and not (k == "region_code" and lies_in(str(metadata.get(k, "")), v)) for k, v in self.equals.items()):
            return False
        if any(str(metadata.get(k, "")) not in values for k, values in self.any_of):
            return False
        if any((int(metadata.get(k) or 0) < v) if op == "$gte" else (int(metadata.get(k) or 0) > v) for k, op, v in self.bounds):
            return False
        date = int(metadata.get("date_int") or 0)
        return not ((self.date_from and date < self.date_from) or (self.date_to and (not date or date > self.date_to)))


NO_FILTER = Filter()
BROAD_FILTER_SHARE = 0.25  # a filter keeping at least this share of the chunks is applied after an unfiltered search


class HybridSearcher:
    """Dense + BM25 search over one ``ChunkStore``.

    ``fusion="zscore"`` (default) adds each signal's scores standardised over its own candidates;
    ``"rrf"`` is weighted reciprocal rank fusion. With ``bm25_by_coverage`` the BM25 weight is scaled
    per query by the share of its words found in the index: across languages BM25 only adds noise.
    """

    def __init__(
        self,
        store: ChunkStore,
        embeddings: Embeddings,
        keyword: KeywordIndex,
        *,
        candidates: int = 30,
        dense_weight: float = 1.0,
        bm25_weight: float = 1.0,
        rrf_k: int = 60,
        fusion: str = "zscore",
        bm25_by_coverage: bool = True,
    ):
        if fusion not in FUSIONS:
            raise ValueError(f"Unknown fusion {fusion!r}: use {' or '.join(FUSIONS)}.")
        self.store, self.embeddings, self.keyword = store, embeddings, keyword
        self.candidates, self.rrf_k, self.fusion, self.bm25_by_coverage = candidates, rrf_k, fusion, bm25_by_coverage
        self.weights = {"dense": dense_weight, "bm25": bm25_weight}
        self._vectors: LRU[str, list[float]] = LRU(_QUERY_CACHE)
        self._places: tuple[str, frozenset[str]] = ("", frozenset())
        self._documents = PerVersion(lambda: self.store.version(), self._read_documents)

    def query_vector(self, query: str) -> list[float]:
        """The query's embedding, remembered for recent queries (balanced search re-asks the pooled one)."""
        return self._vectors.get_or_compute(query, lambda: self.embeddings.embed_query(query))

    def clear_query_cache(self) -> None:
        self._vectors.clear()

    def dense(self, query: str, k: int, filters: Filter = NO_FILTER) -> list[Hit]:
        filters = within_places(filters)
        vector = self.query_vector(query)
        found = self._broadly_filtered(vector, k, filters) if filters else None
        return [
            Hit(r.id, r.text, r.metadata, score=sim, dense_similarity=sim)
            for r, sim in (found if found is not None else self.store.query(vector, k, filters.where()))
        ]

    def _broadly_filtered(self, vector: list[float], k: int, filters: Filter):
        """A filter that keeps much of the index (the national documents, when a question names a province) is
        applied to an unfiltered search's nearest chunks: Chroma's filtered search pre-selects the chunks and
        compares each, 0.43 s at 100,000 chunks for a filter keeping 88% of them, against 0.02 s unfiltered
        (docs/retrieval.md, "Filters at 100,000 chunks"). None when the filter is narrow or too few of those nearest chunks pass it."""
        share = self.keyword.share(filters)
        if share < BROAD_FILTER_SHARE:
            return None
        kept = [(r, sim) for r, sim in self.store.query(vector, int(2 * k / share) + k) if filters.matches(r.metadata)]
        return kept[:k] if len(kept) >= k else None

    def bm25(self, query: str, k: int, filters: Filter = NO_FILTER) -> list[Hit]:
        filters = within_places(filters)
        return [
            Hit(h.id, h.text, h.metadata, score=h.score, bm25_score=h.score)
            for h in self.keyword.search(keyword_query(query), k, filters if filters else None)
        ]

    def search(self, query: str, k: int, filters: Filter = NO_FILTER, mode: str = "hybrid") -> list[Hit]:
        if mode == "dense":
            return dedupe(self.dense(query, self.candidates, filters))[:k]
        if mode == "bm25":
            return dedupe(self.bm25(query, self.candidates, filters))[:k]
        rankings = {
            "dense": self.dense(query, self.candidates, filters),
            "bm25": self.bm25(query, self.candidates, filters),
        }
        weights = dict(self.weights)
        if self.bm25_by_coverage and rankings["bm25"]:
            weights["bm25"] *= self.keyword_coverage(query)
        fused = fuse_zscores(rankings, weights) if self.fusion == "zscore" else fuse(rankings, weights, self.rrf_k)
        return dedupe(fused)[:k]

    def indexed_places(self) -> frozenset[str]:
        """Division codes of the indexed documents, to resolve an ambiguous name ("Suzhou") to the one present."""
        version = self.store.version()
        if self._places[0] != version:
            codes = {str(r.metadata.get("region_code") or "") for r in self.store.records(with_text=False)}
            self._places = (version, frozenset(codes - {""}))
        return self._places[1]

    def indexed_documents(self) -> list[dict]:
        """One row per indexed document (source, title, doc_number, region_code), cached per index version."""
        return self._documents.get()

    def _read_documents(self) -> list[dict]:
        rows = {}
        for record in self.store.records(with_text=False):
            meta = record.metadata
            rows.setdefault(meta.get("source", ""), {k: str(meta.get(k, "")) for k in _DOCUMENT_KEYS})
        return list(rows.values())

    def documents_named(self, query: str, places: list[Place] = ()) -> list[str]:
        """Sources of the one document a question singles out among its places' documents (``naming``)."""
        return documents_named(query, self.indexed_documents(), {c for p in places for c in subtree_codes(p)})

    def places_in(self, query: str) -> list[Place]:
        return [p for p in places_named(query, self.indexed_places()) if p.level != "national"]

    def search_about(self, query: str, k: int, wanted: Place, filters: Filter = NO_FILTER, *, fill: bool = True) -> list[Hit]:
        """The best passages for one place. Candidates come from its own documents and those of the places inside
        it (a city's districts), from the city and province around it (which apply there) and, with ``fill``, from
        everywhere; all are fused on one scale (``pooled``). The passages that speak for the place come first,
        ranked by that score plus a preference for nearness (``NEARNESS_BONUS``): its own text wins a close call,
        a national report naming it that says far more on the question still ranks first. Then, with ``fill``,
        the rest by score: another place's text never answers for this one (the grounding refuses it), but a
        question never ends with fewer passages than plain search would give it."""
        pool = max(self.candidates, 3 * k)
        scopes = [
            filters.narrowed("region_code", subtree_codes(wanted)),
            filters.narrowed("region_code", region_codes_for(wanted)[1:]),
        ]
        found = self.pooled(query, pool, [*scopes, filters] if fill else scopes)
        tiers = {hit.id: nearness(hit.metadata, hit.text, wanted) for hit in found}
        speaking = sorted(
            (hit for hit in found if tiers[hit.id] <= NAMING), key=lambda h: -(h.score + NEARNESS_BONUS[tiers[h.id]])
        )
        rest = [hit for hit in found if tiers[hit.id] > NAMING] if fill else []
        return dedupe(speaking + rest)[:k]

    def keyword_coverage(self, query: str) -> float:
        """How far the keyword index can speak to the query: the share of its words the index holds; for an
        English question, the share of its content terms held in English or in one of their Chinese renderings
        (its grammar is in no Chinese text, so its share of words is low whatever it asks). Measured in
        docs/retrieval.md, against the share of words and their geometric mean."""
        terms = [t for t in terms_of(query) if t.chinese] if detect_language(query) != "zh" else []
        if not terms:
            return self.keyword.coverage(keyword_query(query))
        return sum(any(self.keyword.coverage(w) == 1.0 for w in (t.english, *t.chinese)) for t in terms) / len(terms)

    def pooled(self, query: str, k: int, scopes: list[Filter]) -> list[Hit]:
        """One hybrid search over the union of several filtered searches' candidates, fused once: the raw
        similarities and BM25 scores of one index share a scale, the per-search z-scores would not."""
        rankings: dict[str, dict[str, Hit]] = {"dense": {}, "bm25": {}}
        for scope in scopes:
            for hit in self.dense(query, k, scope):
                rankings["dense"].setdefault(hit.id, hit)
            for hit in self.bm25(query, k, scope):
                rankings["bm25"].setdefault(hit.id, hit)
        ranked = {name: sorted(hits.values(), key=lambda h: -h.score) for name, hits in rankings.items()}
        weights = dict(self.weights)
        if self.bm25_by_coverage and ranked["bm25"]:
            weights["bm25"] *= self.keyword_coverage(query)
        return fuse_zscores(ranked, weights) if self.fusion == "zscore" else fuse(ranked, weights, self.rrf_k)

    def search_balanced(self, query: str, k: int, filters: Filter = NO_FILTER) -> list[Hit]:
        """A question naming places gets passages that speak for them; a comparison, an equal share for each."""
        places = self.places_in(query)
        if not places:
            return self.search(query, k, filters)
        if len(places) == 1:
            return self.search_about(query, k, places[0], filters)
        return self.search_parties(remove_places(query), k, places, filters)

    def search_parties(
        self, query: str, k: int, places: list[Place], filters: Filter = NO_FILTER, own: Sequence[str] | None = None
    ) -> list[Hit]:
        """Each compared place gets an equal share of the passages that speak for it more nearly than for any
        other party (comparing 徐汇 with 上海, Shanghai's share is Shanghai's own text), searched with its own
        query in ``own`` when the comparison asks each place something of its own; then what plain search
        finds, so no comparison has fewer passages than plain search. Queries name no place: within a
        place's own documents its name only matches their letterheads."""
        quota = max(2, k // len(places))
        queries = list(own) if own and len(own) == len(places) else [query] * len(places)
        per_party = [
            [hit for hit in self.search_about(asked, 3 * quota, p, filters, fill=False) if nearest(hit.metadata, hit.text, places) == p][:quota]
            for p, asked in zip(places, queries)
        ]
        found = dedupe(_interleave(per_party, quota))[:k]
        ids = {hit.id for hit in found}
        return found + [hit for hit in self.search(query, k, filters) if hit.id not in ids][: max(0, k - len(found))]


def keyword_query(query: str) -> str:
    """An English question searches Chinese text by its words' Chinese renderings too (CC-CEDICT,
    ``text.translate``): dictionary query translation for the keyword half, measured in docs/retrieval.md."""
    if detect_language(query) == "zh":
        return query
    renderings = [chinese for term in terms_of(query) for chinese in term.chinese]
    return " ".join([query, *dict.fromkeys(renderings)])


def within_places(filters: Filter) -> Filter:
    """A user's filter on a place is hard at any level and takes in the places inside it: region 上海 (its code
    310000) matches Shanghai's documents and its districts' and zones'; 徐汇 only Xuhui's."""
    code = filters.equals.get("region_code")
    found = place(code) if code else None
    if found is None or found.level == "national":
        return filters
    equals = {key: value for key, value in filters.equals.items() if key != "region_code"}
    return replace(filters, equals=equals).narrowed("region_code", subtree_codes(found))


def _interleave(groups: list[list[Hit]], quota: int) -> list[Hit]:
    out, seen = [], set()
    for position in range(quota):
        for group in groups:
            fresh = [hit for hit in group if hit.id not in seen]
            if position < len(group) and fresh:
                out.append(fresh[0])
                seen.add(fresh[0].id)
    return out


def fuse(rankings: dict[str, list[Hit]], weights: dict[str, float], rrf_k: int = 60) -> list[Hit]:
    """Weighted reciprocal rank fusion; keeps each signal's raw score on the fused hit."""
    merged: dict[str, Hit] = {}
    for name, hits in rankings.items():
        for rank, hit in enumerate(hits, start=1):
            target = merged.setdefault(hit.id, Hit(hit.id, hit.text, hit.metadata))
            target.score += weights.get(name, 1.0) / (rrf_k + rank)
            target.ranks[name] = rank
            target.dense_similarity = max(target.dense_similarity, hit.dense_similarity)
            target.bm25_score = max(target.bm25_score, hit.bm25_score)
    return sorted(merged.values(), key=lambda h: -h.score)


def fuse_zscores(rankings: dict[str, list[Hit]], weights: dict[str, float]) -> list[Hit]:
    """Weighted sum of each signal's z-scores over its candidates; a chunk a signal did not return gets
    that signal's lowest z. Unlike ranks, this keeps how far ahead a clear winner is."""
    merged: dict[str, Hit] = {}
    floors: dict[str, float] = {}
    standardised: dict[str, dict[str, float]] = {}
    for name, hits in rankings.items():
        z = _zscores([hit.score for hit in hits])
        standardised[name] = {hit.id: value for hit, value in zip(hits, z)}
        floors[name] = min(z, default=0.0)
        for rank, hit in enumerate(hits, start=1):
            target = merged.setdefault(hit.id, Hit(hit.id, hit.text, hit.metadata))
            target.ranks[name] = rank
            target.dense_similarity = max(target.dense_similarity, hit.dense_similarity)
            target.bm25_score = max(target.bm25_score, hit.bm25_score)
    for hit in merged.values():
        hit.score = sum(
            weights.get(name, 1.0) * standardised[name].get(hit.id, floors[name]) for name in rankings if rankings[name]
        )
    return sorted(merged.values(), key=lambda h: -h.score)


def _zscores(scores: list[float]) -> list[float]:
    if not scores:
        return []
    values = np.asarray(scores, dtype=np.float64)
    spread = values.std()
    return ((values - values.mean()) / spread).tolist() if spread > 0 else [0.0] * len(scores)


def dedupe(hits: list[Hit], max_overlap: float = 0.5) -> list[Hit]:
    """Drop a hit whose span mostly overlaps a better hit of the same document."""
    kept: list[Hit] = []
    for hit in hits:
        if not any(_overlap(hit, other) > max_overlap for other in kept):
            kept.append(hit)
    return kept


def _overlap(a: Hit, b: Hit) -> float:
    if a.id == b.id:
        return 1.0
    if a.metadata.get("source") != b.metadata.get("source"):
        return 0.0
    start = max(int(a.metadata.get("start", 0)), int(b.metadata.get("start", 0)))
    end = min(int(a.metadata.get("end", 0)), int(b.metadata.get("end", 0)))
    shorter = min(len(a.text), len(b.text)) or 1
    return max(0, end - start) / shorter
