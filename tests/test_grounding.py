"""The grounding contract (assistant/answer/ground.py) on passages shaped like real local policies:
look-alike funding caps, places, units across languages. Real embedding model; drafts are fixed strings."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answerer
from assistant.answer.evidence import Relevance
from assistant.answer.ground import ground
from assistant.answer.guard import MIN_SUBJECT_COVERAGE, subject_coverage
from assistant.answer.question import analyse
from assistant.answer.rendering import render
from assistant.answer.repair import extractive_answer
from assistant.places import gazetteer
from assistant.search.embeddings import cross_lingual_support
from assistant.search.hybrid import Hit


def code(name: str) -> str:
    return gazetteer().by_chinese[name][0].code


SHANGHAI = code("上海")
CORPUS = Hit(
    "a",
    "3.支持采购高质量语料。发放 1 亿元语料券，对购买非关联方语料进行大模型研发的主体，给予核定合同额最高 30%、最高 500\n万元采购补贴。",
    {"region_code": SHANGHAI, "source": "shanghai.txt"},
)
RESEARCH = Hit(
    "b",
    "4.开展关键技术创新。支持智能芯片、具身智能等前沿方向的技术创新，按照核定项目总投资给予最高 30%、最高 5000 万元支持。",
    {"region_code": SHANGHAI, "source": "shanghai.txt"},
)
FUND = Hit(
    "c",
    "8．构建金融支撑体系。加快运营总规模不低于 200 亿元的省人工智能产业主题基金，支持设立通用人工智能领域子基金。",
    {"region_code": code("安徽"), "source": "anhui.txt"},
)
BEIJING = Hit("d", "对具有示范价值的新装备和示范项目，给予最高 3000 万元支持。", {"region_code": code("北京"), "source": "b.txt"})


@pytest.fixture(scope="module")
def answerer(embeddings):
    searcher = SimpleNamespace(embeddings=embeddings, indexed_places=lambda: frozenset())
    return Answerer(searcher, FakeListChatModel(responses=["x"]), cross_lingual_support=cross_lingual_support("e5"))


def checked(answerer, question: str, hits: list[Hit], draft: str):
    scope = answerer.scope(analyse(question), hits)
    return ground(draft, scope, answerer.relevance), scope


def test_the_right_cap_from_the_right_sentence_is_verified(answerer):
    check, _ = checked(answerer, "上海的语料券采购补贴最高多少？", [CORPUS, RESEARCH], "最高 500 万元采购补贴 [1]。")
    assert check.verified, check.problems


def test_a_look_alike_cap_about_another_measure_is_not_verified(answerer):
    check, _ = checked(answerer, "上海的语料券采购补贴最高多少？", [CORPUS, RESEARCH], "最高 5000 万元支持 [2]。")
    assert not check.verified and "something else" in check.problems[0]


def test_a_figure_the_passage_does_not_state_is_not_verified(answerer):
    check, _ = checked(answerer, "上海的语料券采购补贴最高多少？", [CORPUS, RESEARCH], "最高 800 万元 [1]。")
    assert not check.verified and "not stated" in check.problems[0]


def test_a_unit_misread_across_languages_is_rewritten_by_code_never_shown_as_the_models(answerer):
    question = "How large is Anhui's provincial AI industry theme fund?"
    check, scope = checked(answerer, question, [FUND], "The fund is at least 200 million yuan [1].")
    assert "200 million" not in check.text and "200 亿元" in check.text  # the passage's own figure
    assert "RMB 20 billion" in render(check.text, scope.question)
    wrong, _ = checked(answerer, question, [FUND], "The fund is at least 300 million yuan [1].")
    assert not wrong.verified, "other digits are a wrong figure, not a misread unit"
    repaired = extractive_answer(scope, answerer.relevance, "at least 300 million yuan")
    assert repaired is not None and "200 亿元" in repaired
    assert "RMB 20 billion" in render(repaired, scope.question)
    assert ground(repaired, scope, answerer.relevance).verified


def test_a_passage_of_another_place_never_answers_and_a_claim_naming_another_place_fails(answerer):
    check, scope = checked(answerer, "What is the most Hangzhou pays for demonstration projects?", [BEIJING], "Up to 3000万元 [1].")
    assert not scope.eligible and not check.verified
    named, _ = checked(answerer, "上海的语料券采购补贴最高多少？", [CORPUS], "北京给予最高 500 万元采购补贴 [1]。")
    assert not named.verified and "place" in named.problems[0]


def test_english_answers_show_chinese_figures_in_both_forms_and_quotes_stay_verbatim():
    q = analyse("What is the cap?")
    assert render("Up to 5000万元 [1].", q) == "Up to 5000万元 (RMB 50 million) [1]."
    quoted = "Up to 500万元 [1]. The passage says: “最高 500万元采购补贴” [1]."
    assert render(quoted, q) == "Up to 500万元 (RMB 5 million) [1]. The passage says: “最高 500万元采购补贴” [1]."
    assert render("最高 500万元 [1]。", analyse("最高多少？")) == "最高 500万元 [1]。"
    written = "A rent subsidy of 1500 yuan per month and RMB 25000 a year [1]. The passage says: “每月1500元” [1]."
    assert render(written, q) == (
        "A rent subsidy of 1,500 yuan per month and RMB 25,000 a year [1]. The passage says: “每月1500元” [1]."
    ), "amounts the model writes in English are grouped as code writes them; years and quotes are left alone"


def test_a_chinese_question_whose_subject_no_passage_mentions_is_refused_before_the_model():
    absent = analyse("上海对人工智能企业的企业所得税有什么优惠？")
    present = analyse("上海的语料券采购补贴最高多少？")
    assert subject_coverage(absent, [CORPUS, RESEARCH]) < MIN_SUBJECT_COVERAGE
    assert subject_coverage(present, [CORPUS, RESEARCH]) >= MIN_SUBJECT_COVERAGE


def test_repair_refuses_rather_than_quote_a_sentence_about_something_else(answerer):
    scope = answerer.scope(analyse("上海对算力租赁的补贴比例是多少？"), [FUND])
    assert extractive_answer(scope, answerer.relevance) is None


def test_repair_quotes_the_first_of_the_best_sentences_that_answers_and_never_a_web_pages_header(answerer):
    header = Hit(
        "h",
        "公开渠道 : 网站 上海市关于支持语料券采购补贴的若干措施 发布时间： 2024-10-31 点击数： 1745 发布机构 : 上海市经济信息化委 "
        "为支持语料券采购，对购买语料的主体给予最高 500 万元采购补贴。",
        {"region_code": SHANGHAI, "source": "shanghai.txt"},
    )
    scope = answerer.scope(analyse("上海的语料券采购补贴最高多少？"), [header, CORPUS])
    repaired = extractive_answer(scope, answerer.relevance)
    assert repaired and "[2]" in repaired and "500" in repaired and "点击数" not in repaired
    assert extractive_answer(answerer.scope(analyse("上海的语料券采购补贴最高多少？"), [header]), answerer.relevance) is None


def test_relevance_prefers_the_sentence_about_the_question(embeddings):
    relevance = Relevance(embeddings)
    scores = relevance.score("What is Shanghai's cap for buying training corpora?", [CORPUS.text, RESEARCH.text])
    assert scores[0] > scores[1]


MEETING = [
    Hit(
        "m1",
        "The ministry held a meeting on industrial AI. The meeting stressed a solid industrial foundation, more "
        "computing power and better industry datasets. It called for improving the open-source mechanism and "
        "building open-source communities.",
        {"source": "news.txt"},
    )
]


def test_a_sentence_near_the_topic_that_lacks_what_is_asked_is_not_verified(answerer):
    question = "What did the ministry meeting say about open source?"
    drifted = "The meeting stressed a solid industrial foundation and more computing power [1]."
    check, _ = checked(answerer, question, MEETING, drifted)
    assert not check.verified and "something else" in check.problems[0]
    check, _ = checked(answerer, question, MEETING, "It called for improving the open-source mechanism [1].")
    assert check.verified, check.problems
