"""Comparisons of document facts (assistant/answer/fact_compare.py): each place's column states its own document's
fact from the metadata, citing the span that binds it; a place whose document does not state it says so."""

from __future__ import annotations

import pytest
from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answerer
from tests.test_facts import HashEmbeddings

JIADING = """关于印发《嘉定区绿色低碳示范建设管理办法》的通知
嘉府规〔2024〕2号

嘉定区人民政府

2024年3月4日

第一条 为推进本区绿色低碳示范建设，制定本办法。
第二十条 本办法自2024年4月1日起施行，有效期至2028年3月31日。
"""
FENGXIAN = """关于印发《奉贤区绿色低碳示范建设管理办法》的通知
奉府规〔2024〕5号

奉贤区人民政府

2024年6月10日

第一条 为推进本区绿色低碳示范建设，制定本办法。
第十八条 本办法自2024年7月1日起施行，有效期两年。
"""
MINHANG = """闵行区绿色低碳示范建设工作要点

一、推进本区绿色低碳示范建设。
"""
SONGJIANG = """松江区经济工作奖励暂行办法

第一条 对经济工作成绩突出的企业给予奖励。
第六条 本办法有效期至2020年12月31日。
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory):
    from assistant import app
    from assistant.settings import Settings

    tmp_path = tmp_path_factory.mktemp("fact-compare")
    folder = tmp_path / "documents"
    folder.mkdir()
    for name, text in (
        ("jiading-green.txt", JIADING),
        ("fengxian-green.txt", FENGXIAN),
        ("minhang-green.txt", MINHANG),
        ("songjiang-rewards.txt", SONGJIANG),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    services = app.build_services(Settings(documents_dir=folder, index_dir=tmp_path / "index", ocr=False))
    services.__dict__["embeddings"] = HashEmbeddings()
    assert services.ingest().failed == []
    return Answerer(services.searcher, FakeListChatModel(responses=[]))  # any call to the model would fail


def cell_sources(answer, cell: str) -> set[str]:
    return {answer.passages[int(n) - 1].metadata["source"] for n in cell.split("[")[1:] for n in [n.split("]")[0]]}


def test_the_validity_of_two_districts_measures_is_compared_from_their_metadata(answerer):
    answer = answerer.ask("How long do Jiading's and Fengxian's green low-carbon measures stay valid?")
    assert answer.verified and not answer.refused
    header, _, row = answer.text.splitlines()
    assert "Jiading" in header and "Fengxian" in header
    jiading, fengxian = row.split("|")[2:4]
    assert "31 March 2028" in jiading and cell_sources(answer, jiading) == {"jiading-green.txt"}
    assert "两年" in fengxian and cell_sources(answer, fengxian) == {"fengxian-green.txt"}


def test_a_place_whose_document_states_no_such_fact_gets_a_not_stated_cell_and_no_verified_badge(answerer):
    """Silence is no finding code bound: the reading at ingest may have missed the fact (a validity written as a
    range was), so a table with a "not stated" cell is not Verified; its stated cell still cites its span."""
    answer = answerer.ask("嘉定和闵行的绿色低碳示范建设文件的文号分别是什么？")
    jiading, minhang = answer.text.splitlines()[2].split("|")[2:4]
    assert "嘉府规〔2024〕2号" in jiading and "未提及" in minhang
    assert not answer.verified and answer.badge != "verified"
    check = answer.verification
    assert check.stating and check.unverified == ["Minhang District: document number not read from its document"]


def test_each_party_of_one_clause_is_read_by_the_words_after_its_name(answerer):
    answer = answerer.ask(
        "Which expires later: Jiading District's green low-carbon demonstration measures or Songjiang District's "
        "interim economic-work reward measures? Give both expiry dates."
    )
    assert "31 March 2028" in answer.text and "31 December 2020" in answer.text and answer.verified
    row = next(line for line in answer.text.splitlines() if "31 December 2020" in line)
    assert cell_sources(answer, row.split("|")[3]) == {"songjiang-rewards.txt"}
