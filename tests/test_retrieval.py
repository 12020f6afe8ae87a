"""Hybrid retrieval on the sample article: every dev question's evidence is near the top."""

from __future__ import annotations

from assistant.search.hybrid import Filter, Hit, fuse
from assistant.service.filters import parse_where


def test_dev_evidence_is_in_the_top_three(indexed, dev_questions):
    misses = []
    for q in dev_questions:
        if not q["evidence"] or q["kind"] == "compare":
            continue
        hits = indexed.searcher.search_balanced(q["question"], 3)
        if not any(q["evidence"] in hit.text for hit in hits):
            misses.append(q["id"])
    assert misses == []


def test_comparison_represents_both_cities(indexed):
    hits = indexed.searcher.search_balanced("Compare the Beijing and Shenzhen AI plans.", 6)
    assert any("Beijing Action Plan" in hit.text or "16 measures" in hit.text for hit in hits)
    assert any("Shenzhen released four action plans" in hit.text for hit in hits)


def test_filter_parsing_and_matching():
    f = parse_where(["region=Beijing", "date>=2025-01-01", "date<=2025-12-31"])
    assert f.where() == {  # a place name is resolved through the gazetteer to its division code
        "$and": [{"region_code": "110000"}, {"date_int": {"$gte": 20250101}}, {"date_int": {"$lte": 20251231}}]
    }
    assert parse_where(["region=北京"]) == parse_where(["region=Beijing"])
    assert f.matches({"region_code": "110000", "date_int": 20250601})
    assert not f.matches({"region_code": "110000", "date_int": 20240601})
    assert not f.matches({"region_code": "440300", "date_int": 20250601})


def test_filter_narrows_search(indexed):
    assert indexed.searcher.search("plan", 5, parse_where(["region=Nowhere"])) == []


def test_rrf_rewards_agreement():
    a, b, c = (Hit(i, i, {}) for i in "abc")
    fused = fuse({"dense": [a, b, c], "bm25": [b, c, a]}, {"dense": 1.0, "bm25": 1.0})
    assert [h.id for h in fused][0] == "b"


def test_zscore_fusion_keeps_a_clear_winner():
    from assistant.search.hybrid import fuse_zscores

    dense = [Hit(i, i, {}, score=s) for i, s in (("a", 0.95), ("b", 0.80), ("c", 0.79), ("d", 0.78))]
    bm25 = [Hit(i, i, {}, score=s) for i, s in (("b", 5.0), ("a", 4.9), ("e", 1.0))]
    fused = fuse_zscores({"dense": dense, "bm25": bm25}, {"dense": 1.0, "bm25": 1.0})
    assert [h.id for h in fused][:2] == ["a", "b"]  # RRF would tie a and b; a leads dense by far
    assert fused[0].ranks == {"dense": 1, "bm25": 2}
    assert {h.id for h in fused} == set("abcde")


def _records(texts: dict[str, str]):
    from assistant.search.keyword import tokenize
    from assistant.search.store import StoredChunk

    return {i: StoredChunk(i, t, {"tokens": " ".join(tokenize(t)), "source": f"{i}.txt"}) for i, t in texts.items()}


def test_coverage_is_low_across_languages():
    from assistant.search.keyword import KeywordIndex

    records = _records({"a": "北京发布人工智能行动计划，最高支持3000万元", "b": "深圳发布四项行动计划"})
    index = KeywordIndex(lambda: list(records.values()), lambda: "1")
    assert index.coverage("How many action plans did Shenzhen release?") == 0.0
    assert index.coverage("深圳发布了几项行动计划") > 0.5
    assert [h.id for h in index.search("行动", 5)]  # bigrams match inside words jieba kept whole


def test_an_english_questions_keyword_weight_counts_its_terms_held_in_chinese():
    """The BM25 half speaks to an English question by its terms' Chinese renderings: its weight counts the
    content terms the index holds, not only the share of all its words (grammar the Chinese text cannot have)."""
    from types import SimpleNamespace

    from assistant.search.hybrid import HybridSearcher
    from assistant.search.keyword import KeywordIndex

    records = _records({"a": "对创新主体购买或租用算力，给予年度最高2000万元支持", "b": "发放算力券"})
    index = KeywordIndex(lambda: list(records.values()), lambda: "1")
    searcher = HybridSearcher(SimpleNamespace(), None, index)
    question = "If a firm buys or rents computing power itself, what is the annual cap on support?"
    from assistant.search.hybrid import keyword_query

    assert searcher.keyword_coverage(question) > 2 * index.coverage(keyword_query(question))
    assert searcher.keyword_coverage("What tax relief do robot makers get?") == 0.0
    assert searcher.keyword_coverage("租用算力的补贴") == index.coverage("租用算力的补贴")


def test_weighted_concat_keeps_the_cosine_a_weighted_mean(embeddings):
    import numpy as np

    from assistant.search.embeddings import ConcatEmbeddings, _weighted

    both = ConcatEmbeddings([embeddings, embeddings], [0.85, 0.15])
    query = np.asarray(both.embed_query("funding cap"))
    passages = np.asarray(both.embed_documents(["up to RMB 30 million", "four action plans"]))
    single = np.asarray(embeddings.embed_documents(["up to RMB 30 million", "four action plans"]))
    assert np.allclose(passages @ query, single @ np.asarray(embeddings.embed_query("funding cap")), atol=1e-5)
    assert _weighted("use") == ("use", 0.15) and _weighted("e5:0.7") == ("e5", 0.7)


def test_cross_lingual_query_finds_the_english_passage(indexed):
    hits = indexed.searcher.search("深圳三月发布了几项人工智能行动计划？", 3)
    assert any("Shenzhen released four action plans" in hit.text for hit in hits)


def test_a_filter_keeping_most_of_the_index_is_applied_after_an_unfiltered_search(indexed, monkeypatch):
    """Same hits as Chroma's filtered search, without its pre-selection of most of the index (slow at 100k)."""
    searcher = indexed.searcher
    sources = tuple({hit.metadata["source"] for hit in searcher.search("plan", 30)})
    broad, narrow = Filter(any_of=(("source", sources),)), Filter(any_of=(("source", ("none.txt",)),))
    assert searcher.keyword.share(broad) == 1.0 and searcher.keyword.share(narrow) == 0.0
    expected = {q: [r.id for r, _ in searcher.store.query(searcher.query_vector(q), 5, broad.where())] for q in QUERIES}
    asked = []
    query = searcher.store.query
    monkeypatch.setattr(searcher.store, "query", lambda *args: asked.append(args[2:]) or query(*args))
    for q in QUERIES:
        assert [hit.id for hit in searcher.dense(q, 5, broad)] == expected[q]
    assert asked and all(where in ((), (None,)) for where in asked), "the broad filter went to Chroma"
    assert searcher.dense("plan", 5, narrow) == [] and asked[-1] == (narrow.where(),)


QUERIES = ("funding cap for new equipment", "深圳 行动计划", "Beijing plan measures")
