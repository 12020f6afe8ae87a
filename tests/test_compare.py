"""Comparisons of places the sample article never mentions, from their own documents, cell by cell."""

from __future__ import annotations

import re

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answerer
from assistant.service.filters import parse_where

HEFEI = """合肥市加快人工智能产业发展若干政策
合政〔2025〕7号
1．降低算力使用成本。对租用智能算力开展大模型训练的企业，按不超过租金的 30%给予补贴，每家企业每年最高 300 万元。
2．支持人才引进。对引进的人工智能领军人才，给予最高 100 万元安家补助。
"""
WUHAN = """武汉市促进人工智能产业创新发展的若干措施
武政规〔2025〕3号
一、支持算力租用。对租用本市智能算力的企业，给予不超过实际支出 20%的补贴，单个企业年度最高 500 万元。
二、支持场景开放。对入选市级标杆应用场景的项目，给予最高 200 万元奖励。
"""


def answerer_over(services, docs_dir, files: dict[str, str]) -> Answerer:
    """An answerer over ``files`` (name → text) indexed for real; comparisons never call the model."""
    for name, text in files.items():
        (docs_dir / name).write_text(text, encoding="utf-8")
    assert services.ingest().failed == []
    return Answerer(services.searcher, FakeListChatModel(responses=["unused"]), top_k=4)


@pytest.fixture
def two_cities(services, docs_dir):
    return answerer_over(services, docs_dir, {"hefei-ai-policy.txt": HEFEI, "wuhan-ai-measures.txt": WUHAN})


def cited_sources(cell: str, answer) -> set[str]:
    return {answer.passages[int(n) - 1].metadata["source"] for n in re.findall(r"\[(\d+)\]", cell)}


@pytest.mark.parametrize(
    "question",
    ["Compare Hefei and Wuhan on subsidies for renting computing power.", "比较合肥和武汉对租用算力的补贴。"],
)
def test_two_places_absent_from_the_sample_article_are_compared_from_their_own_documents(two_cities, question):
    answer = two_cities.ask(question)
    assert not answer.refused and answer.verified
    header, _, *rows = answer.text.splitlines()
    assert "Hefei" in header or "合肥" in header
    hefei_cell, wuhan_cell = rows[0].split("|")[2:4]
    assert "300 万元" in hefei_cell and cited_sources(hefei_cell, answer) == {"hefei-ai-policy.txt"}
    assert "500 万元" in wuhan_cell and cited_sources(wuhan_cell, answer) == {"wuhan-ai-measures.txt"}
    if question.isascii():
        assert "RMB 3 million" in hefei_cell and "RMB 5 million" in wuhan_cell


def test_a_compared_place_without_documents_gets_a_not_stated_column(two_cities):
    answer = two_cities.ask("Compare Hefei and Chongqing on subsidies for renting computing power.")
    assert not answer.refused
    hefei_cell, chongqing_cell = answer.text.splitlines()[2].split("|")[2:4]
    assert "300 万元" in hefei_cell
    assert chongqing_cell.strip() == "not stated in Chongqing's documents"


def test_the_documents_tab_and_filters_know_each_documents_place(two_cities, services):
    from assistant.ingest.indexer import list_documents

    regions = {row["source"]: row["region"] for row in list_documents(services.store)}
    assert regions["hefei-ai-policy.txt"] == "Hefei" and regions["wuhan-ai-measures.txt"] == "Wuhan"
    hits = services.searcher.search("算力补贴", 4, parse_where(["region=合肥"]))
    assert hits and {h.metadata["source"] for h in hits} == {"hefei-ai-policy.txt"}


HEFEI_2024 = """合肥市人工智能产业发展行动方案（2024年）
1．支持算力使用。对租用智能算力的企业，给予最高 100 万元补贴。
"""


def test_two_documents_of_one_place_are_compared_as_parties(two_cities, services, docs_dir):
    (docs_dir / "hefei-ai-plan-2024.txt").write_text(HEFEI_2024, encoding="utf-8")
    services.ingest()
    answer = two_cities.ask("Compare Hefei's 2024 and 2025 policies on computing power subsidies.")
    assert not answer.refused, answer.text
    header, _, first, *_ = answer.text.splitlines()
    assert header.count("|") == 4, header  # aspect + two documents
    cells = first.split("|")[2:4]
    sources = [cited_sources(cell, answer) for cell in cells]
    assert {"hefei-ai-plan-2024.txt"} in sources and {"hefei-ai-policy.txt"} in sources


def test_a_table_of_the_documents_own_headings_is_quoted_not_verified(two_cities):
    answer = two_cities.ask("比较合肥和武汉的人工智能政策。")
    assert not answer.refused and answer.text.startswith("| 方面 |")
    assert answer.badge == "quoted" and not answer.verified, "no aspect asked: the cells are for the reader to judge"


def test_a_table_on_an_aspect_that_is_not_money_is_quoted_not_verified(two_cities):
    answer = two_cities.ask("Compare Hefei and Wuhan on talent introduction.")
    assert not answer.refused and answer.text.startswith("| Aspect |")
    assert answer.badge == "quoted" and not answer.verified, "only figures are bound; a cell on the subject is a quote"


NANTONG = """南通市支持算力发展的若干措施
一、对租用智能算力开展模型训练的企业，给予最高300万元补贴。对购买智能算力服务器的企业，按设备投资额的10%给予最高100万元补贴。
二、项目总投资5000万元以上的，方可申报。
"""
YANGZHOU = """扬州市算力产业扶持办法
一、对购买智能算力服务器的企业，按设备投资额的15%给予最高150万元补贴。对租用智能算力的企业，给予最高80万元补贴。
二、项目总投资2000万元以上的，方可申报。
"""


@pytest.fixture
def look_alike_cities(services, docs_dir):
    return answerer_over(services, docs_dir, {"nantong-compute.txt": NANTONG, "yangzhou-compute.txt": YANGZHOU})


def test_each_cell_states_the_provision_the_questions_words_select(look_alike_cities):
    answer = look_alike_cities.ask("南通和扬州对购买智能算力服务器的补贴上限分别是多少？")
    nantong, yangzhou = answer.text.splitlines()[2].split("|")[2:4]
    assert "100万元" in nantong and "300万元" not in nantong, answer.text
    assert "150万元" in yangzhou and "80万元" not in yangzhou, answer.text
    assert answer.verified


def test_a_threshold_asked_in_a_comparison_is_quoted_not_bound_like_a_cap(look_alike_cities):
    answer = look_alike_cities.ask("南通和扬州申报算力支持资金的项目总投资门槛分别是多少？")
    assert not answer.refused and not answer.verified and answer.badge == "quoted", answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Compare the caps: the maximum subsidy for renting computing power in Hefei versus the maximum reward for a "
        "municipal benchmark application scenario in Wuhan.",
        "合肥对租用智能算力的企业每年最高补贴多少？武汉对入选市级标杆应用场景的项目最高奖励多少？",
    ],
)
def test_a_comparison_asking_each_place_its_own_thing_answers_each_from_its_own_clause(services, docs_dir, question):
    scenes = "\n3．支持场景开放。对入选市级标杆应用场景的项目，给予最高 150 万元奖励。\n"
    answerer = answerer_over(services, docs_dir, {"hefei-ai-policy.txt": HEFEI + scenes, "wuhan-ai-measures.txt": WUHAN})
    answer = answerer.ask(question)
    assert not answer.refused
    hefei_cell, wuhan_cell = answer.text.splitlines()[2].split("|")[2:4]
    assert "300 万元" in hefei_cell and "150 万元" not in hefei_cell  # the rent subsidy, not the scenario reward
    assert "200 万元" in wuhan_cell and "500 万元" not in wuhan_cell  # the scenario reward, not the rent one
    assert cited_sources(hefei_cell, answer) == {"hefei-ai-policy.txt"}
    assert cited_sources(wuhan_cell, answer) == {"wuhan-ai-measures.txt"}


def test_places_named_only_as_who_a_measure_is_for_are_no_second_party(services, docs_dir):
    tianhe = """广州市天河区支持港澳青年创新创业实施办法
穗天科规字〔2023〕1号
一、对在天河区注册的港澳青年企业，按实际租金的50%给予租金补贴，每个企业每年不超过5万元。
二、对被评为省级港澳青年创新创业孵化基地的载体，给予30万元一次性建设支持。
"""
    answerer = answerer_over(services, docs_dir, {"guangzhou-tianhe-hk-youth.txt": tianhe})
    answerer.chat_model = FakeListChatModel(responses=["每个企业每年不超过5万元 [1]。", "Up to 5万元 [1]."])
    answer = answerer.ask("天河区对港澳青年企业的租金补贴每年最高多少？")
    assert not answer.text.startswith("|") and "5万元" in answer.text
    english = answerer.ask("What is Tianhe District's annual cap on rent subsidies for Hong Kong and Macao youth firms?")
    assert not english.text.startswith("|")
    assert any("Hong Kong" in n for n in english.notices)  # the reader sees why it is no comparison


def test_a_cell_whose_provision_the_questions_words_do_not_select_is_quoted_not_verified(services, docs_dir):
    """The Jinhua voucher is paid by class; the passage never says which class a 博士研究生 is. Its most relevant
    money sentence (the voucher's use cap) answers nothing about a doctorate: the table is for the reader."""
    jinhua = "金华市人才房票实施办法\n一、人才房票使用金额不超过购房总价款的50%。\n二、房票金额为:B类人才150万元;C类人才120万元。\n"
    lishui = "丽水市人才购房补贴办法\n一、对新引进的博士研究生，给予最高30万元购房补贴；对硕士研究生，给予最高15万元购房补贴。\n"
    answerer = answerer_over(services, docs_dir, {"jinhua-vouchers.txt": jinhua, "lishui-housing.txt": lishui})
    answer = answerer.ask("金华人才房票给博士研究生的金额和丽水给新引进博士研究生的购房补贴上限分别是多少？")
    assert not answer.refused and "30万元" in answer.text, answer.text
    assert not answer.verified and answer.badge == "quoted", answer.text


def test_a_clause_naming_only_its_place_asks_nothing_of_its_own():
    """ "X in Qianjiang compared with Wuhan?": Wuhan is asked the same thing, not "compared with"."""
    from assistant.answer.question import analyse

    assert analyse("What is the maximum support for a product launch event in Qianjiang compared with Wuhan?").party_asks == ()
    asks = analyse("嘉定区的办法按什么比例承担？静安区不超过多少比例？").party_asks
    assert asks == ("嘉定区的办法按什么比例承担？", "静安区不超过多少比例？")
