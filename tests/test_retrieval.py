"""Hybrid retrieval on the sample article: every dev question's evidence is near the top."""

from __future__ import annotations

from assistant.retrieval import Filter, Hit, compared_parties, fuse


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


def test_compared_parties_in_english_and_chinese():
    assert compared_parties("compare Shenzhen and Beijing on robots") == ["Shenzhen", "Beijing"]
    assert compared_parties("北京和深圳在具身智能方面有何不同") == ["Beijing", "Shenzhen"]
    assert compared_parties("What is the cap?") == []


def test_filter_parsing_and_matching():
    f = Filter.parse(["region=Beijing", "date>=2025-01-01", "date<=2025-12-31"])
    assert f.where() == {
        "$and": [{"region": "Beijing"}, {"date_int": {"$gte": 20250101}}, {"date_int": {"$lte": 20251231}}]
    }
    assert f.matches({"region": "Beijing", "date_int": 20250601})
    assert not f.matches({"region": "Beijing", "date_int": 20240601})
    assert not f.matches({"region": "Shenzhen", "date_int": 20250601})


def test_filter_narrows_search(indexed):
    assert indexed.searcher.search("plan", 5, Filter.parse(["region=Nowhere"])) == []


def test_rrf_rewards_agreement():
    a, b, c = (Hit(i, i, {}) for i in "abc")
    fused = fuse({"dense": [a, b, c], "bm25": [b, c, a]}, {"dense": 1.0, "bm25": 1.0})
    assert [h.id for h in fused][0] == "b"
