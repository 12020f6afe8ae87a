"""Which one of a place's documents a question singles out (search/naming.py): by number, by version, by the part
of its title it quotes; never by words every title shares, nor by an English question's words."""

from __future__ import annotations

import pytest

from assistant.search.naming import documents_named, without_titles

DRAFTS = [
    {"source": "ai-industry.txt", "title": "某区关于推动人工智能产业高质量发展的若干意见", "doc_number": "", "region_code": "A"},
    {"source": "robots.txt", "title": "某区关于推动具身智能产业发展的若干意见", "doc_number": "", "region_code": "A"},
    {"source": "genai-pilot-zone.txt", "title": "关于支持生成式人工智能创新生态先导区的若干措施", "doc_number": "", "region_code": "A"},
    {"source": "other-place.txt", "title": "某市关于推动低空经济产业高质量发展的若干意见", "doc_number": "某发〔2024〕3号", "region_code": "B"},
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("按某区推动人工智能产业高质量发展的若干意见，经营奖励上限是多少？", ["ai-industry.txt"]),  # quoted without 关于
        ("某区人工智能产业若干意见里算力券最多多少？", ["ai-industry.txt"]),  # a part only its title has
        ("具身智能产业那份意见对首台套奖励多少？", ["robots.txt"]),
        ("生成式人工智能先导区措施里中试基地奖励多少？", ["genai-pilot-zone.txt"]),
        ("What does the pilot-zone draft give for computing power?", []),  # English words: retrieval decides
        ("某区的若干意见对算力给多少支持？", []),  # words every title has name none
        ("某区推动产业发展的政策里算力券多少？", []),
        ("What does the district's draft give for computing power?", []),  # district, draft: any document's words
        ("某发〔2024〕3号的奖励是多少？", ["other-place.txt"]),  # a number names its document wherever it is
        ("某发[2024]第3号的奖励是多少？", ["other-place.txt"]),  # in any brackets, with 第
    ],
)
def test_a_question_singles_out_one_of_its_places_documents(question, expected):
    assert documents_named(question, DRAFTS, {"A"}) == expected


def test_only_the_places_documents_are_candidates_and_a_places_only_document_is_named_by_its_title():
    assert documents_named("低空经济产业高质量发展的若干意见给多少？", DRAFTS, {"A"}) == []
    # its title's words then say which document is meant, not what is asked (Question.about drops them)
    assert documents_named("人工智能产业高质量发展的若干意见给多少？", DRAFTS[:1], {"A"}) == [DRAFTS[0]["source"]]
    assert documents_named("高质量发展的若干意见给多少？", DRAFTS[:1], {"A"}) == []  # boilerplate names nothing


def test_what_a_question_asks_of_the_document_it_names_is_its_words_less_the_title():
    title = "徐汇区关于支持西岸人工智能大模型科创街区的扶持意见"
    asked = without_titles("西岸人工智能大模型科创街区扶持意见里，企业采购非关联企业的大模型产品和服务，采购方每年最多能补多少？", [title])
    assert "科创街区" not in asked and "扶持意见" not in asked and "企业采购非关联企业的大模型产品和服务" in asked
    assert without_titles("算力券最多多少？", [title]) == "算力券最多多少？", "no run of four shared characters: kept"


def test_an_english_question_naming_its_document_is_judged_on_its_other_words():
    from assistant.search.naming import english_without_titles

    titles = ["苏州市进一步加快建设“人工智能+”城市的若干措施（2026年版）"]
    asked = english_without_titles("Under Suzhou's 2026 measures for building an 'AI+' city, what is the award for second prize?", titles)
    assert "building" not in asked and "second prize" in asked
    plan = english_without_titles("In Hangzhou's 2025 AI innovation highland policy package, what is the award?", ["杭州市加快建设人工智能创新高地实施方案"])
    assert "innovation" not in plan and "highland" not in plan
    # a phrase most of whose words are the title's only names the document, its other words too
    opening = english_without_titles(
        "Under Dalian's measures to open wider and use foreign investment, what does the formal application stage get?",
        ["大连市扩大对外开放积极利用外资若干政策措施"],
    )
    assert "investment" not in opening and "open" not in opening and "formal application stage" in opening
    # a subject that is not in the title stays: "measures for energy storage" asks about energy storage
    assert "energy storage" in english_without_titles("What do Shanghai's measures for energy storage pay?", ["上海市促进人工智能产业发展的若干措施"])
