"""Metadata from real policy texts (read from the shared corpus at test time) and small synthetic snippets."""

from __future__ import annotations

import pytest

from assistant.ingest.facts import METADATA_KEYS
from assistant.ingest.metadata import extract_metadata
from assistant.places import PLACE_KEYS

from .conftest import read_jsonl, shared_path

KEYS = {"title", "issuer", "doc_number", "date", "region", "region_code", "metadata_version"} | set(METADATA_KEYS)
KEYS |= set(PLACE_KEYS)  # the chain of the document's place (tests/test_places_levels.py)


@pytest.fixture(scope="module")
def corpus() -> dict[str, dict]:
    return {doc["doc_id"]: doc for doc in read_jsonl(shared_path("data", "cn_ai_policy", "corpus.jsonl"))}


def described(meta: dict) -> dict:
    """The fields a person reads; ``region_code`` and ``metadata_version`` are checked where they matter."""
    return {k: v for k, v in meta.items() if k not in ("region_code", "metadata_version", *METADATA_KEYS, *PLACE_KEYS) or k == "doc_number"}


def meta_of(doc: dict, title: str | None = None) -> dict[str, str]:
    return extract_metadata(doc["text"], title=title, filename=doc["doc_id"])


def test_miit_notice_with_header_block(corpus):
    doc = next(d for d in corpus.values() if "工信厅科函〔2025〕528号" in d["text"])
    assert described(meta_of(doc)) == {
        "title": "工业和信息化部办公厅关于印发2025年第五批行业标准制修订和外文版项目计划的通知",
        "issuer": "工业和信息化部办公厅",  # 发文机关, not 发布机构 (工业和信息化部)
        "doc_number": "工信厅科函〔2025〕528号",
        "date": "2025-12-12",  # 成文日期, not 发布日期 2025-12-29
        "region": "National",
    }


def test_values_on_the_next_line_and_zero_width_space(corpus):
    doc = corpus["cnpol-12261ea367dc"]
    assert "发文字号：\n\u200b工信部科函〔2026〕2号" in doc["text"]
    meta = meta_of(doc)
    assert meta["issuer"] == "科技司"
    assert meta["doc_number"] == "工信部科函〔2026〕2号"
    assert meta["date"] == "2026-01-06"
    assert meta["region"] == "National"  # the issuer is a department; the title names the ministry


def test_announcement_number_and_spaced_brackets(corpus):
    announcement = meta_of(corpus["cnpol-b2b4c8f411da"])
    assert announcement["doc_number"] == "2025年第45号"
    assert announcement["issuer"] == "工业和信息化部"
    spaced = next(d for d in corpus.values() if "工信厅科函 ﹝2022﹞ 88号" in d["text"])
    assert meta_of(spaced)["doc_number"] == "工信厅科函〔2022〕88号"


def test_standards_committee_notice_signature_and_deadline(corpus):
    doc = corpus["cnpol-bd75ad45288f"]
    assert "2025年05月19日前反馈" in doc["text"]  # a deadline precedes the signed date
    meta = meta_of(doc, title=doc["title"])
    assert meta["issuer"] == "全国网络安全标准化技术委员会秘书处"
    assert meta["date"] == "2025-03-20"
    assert meta["doc_number"] == ""
    assert meta["region"] == "National"


def test_web_page_flattened_to_one_line(corpus):
    doc = corpus["cnpol-7c07b41af6ee"]
    meta = meta_of(doc)
    assert meta["issuer"] == "国家互联网信息办公室"
    assert meta["date"] == "2024-12-20"
    assert meta["title"] == "国家互联网信息办公室关于发布第九批深度合成服务算法备案信息的公告"  # the page's title, no site name
    assert meta["region"] == "National"


def test_dates_agree_with_the_corpus_publication_dates(corpus):
    metas = {doc_id: meta_of(doc) for doc_id, doc in corpus.items()}
    assert all(set(m) == KEYS and all(isinstance(v, str | int) for v in m.values()) for m in metas.values())
    agree = sum(metas[i]["date"] == doc["extra"]["publication_date"] for i, doc in corpus.items())
    assert agree >= 0.95 * len(corpus)
    assert sum(bool(m["issuer"]) for m in metas.values()) >= 0.95 * len(corpus)


# --- synthetic snippets ---------------------------------------------------------------------


def test_beijing_document_with_square_brackets():
    text = "北京市人民政府关于印发《北京市推动人工智能产业发展行动计划》的通知\n京政发[2025]3号\n各区人民政府：\n现印发给你们。\n北京市人民政府\n2025年3月5日\n"
    meta = extract_metadata(text, title=None, filename="beijing.txt")
    assert meta["region_code"] == "110000"
    assert described(meta) == {
        "title": "北京市人民政府关于印发《北京市推动人工智能产业发展行动计划》的通知",
        "issuer": "北京市人民政府",
        "doc_number": "京政发〔2025〕3号",
        "date": "2025-03-05",
        "region": "Beijing",
    }


def test_shenzhen_title_wins_over_national_issuer():
    text = "发文机关：工业和信息化部\n标题：关于支持深圳市建设人工智能先锋城市的复函\n发文字号：工信部科函［2025］12号\n发布日期：2025.01.09\n"
    meta = extract_metadata(text, title=None, filename="x.txt")
    assert meta["title"] == "关于支持深圳市建设人工智能先锋城市的复函"
    assert meta["issuer"] == "工业和信息化部"
    assert meta["doc_number"] == "工信部科函〔2025〕12号"
    assert meta["date"] == "2025-01-09"
    assert meta["region"] == "Shenzhen"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("国办发〔2024〕12号", "国办发〔2024〕12号"),
        ("深府办规（2025）1号", "深府办规〔2025〕1号"),
        ("工信部联科(2025)279号", "工信部联科〔2025〕279号"),
    ],
)
def test_doc_number_forms(number, expected):
    meta = extract_metadata(f"某某通知\n{number}\n正文。", title=None, filename="n.txt")
    assert meta["doc_number"] == expected


def test_cited_document_number_is_not_this_documents():
    text = "关于加快中试平台建设的通知\n为落实《制造业中试创新发展实施意见》（工信部联科〔2024〕11号），现通知如下。"
    assert extract_metadata(text, title=None, filename="n.txt")["doc_number"] == ""


def test_english_snippet():
    text = "Shenzhen Action Plan for Embodied AI Robots\nIssued by: Shenzhen Municipal Bureau of Industry and Information Technology\nReleased on March 5, 2025. The plan sets 2027 targets."
    meta = extract_metadata(text, title=None, filename="shenzhen-plan.pdf")
    assert described(meta) == {
        "title": "Shenzhen Action Plan for Embodied AI Robots",
        "issuer": "Shenzhen Municipal Bureau of Industry and Information Technology",
        "doc_number": "",
        "date": "2025-03-05",
        "region": "Shenzhen",
    }


def test_english_national_text_and_file_stem_title():
    text = (
        "China's Ministry of Industry and Information Technology proposed promoting large models in manufacturing, " * 3
    )
    meta = extract_metadata(text, title=None, filename="docs/ai-plus-manufacturing.txt")
    assert meta["title"] == "ai-plus-manufacturing"  # the first line is too long to be a title
    assert meta["region"] == "National"
    assert meta["issuer"] == meta["doc_number"] == meta["date"] == ""


def test_bare_year_is_not_a_date_and_unknowns_are_empty_strings():
    meta = extract_metadata("2025 work plan\nWe will do more in 2025 and 2026.", title=None, filename="plan.md")
    assert described(meta) == {"title": "2025 work plan", "issuer": "", "doc_number": "", "date": "", "region": ""}
    assert meta["region_code"] == ""


@pytest.mark.parametrize(
    ("snippet", "iso"),
    [
        ("发布时间：2025-12-12 10:00", "2025-12-12"),
        ("Published 5 March 2025", "2025-03-05"),
        ("2025.12.1 发布", "2025-12-01"),
    ],
)
def test_first_date_formats(snippet, iso):
    assert extract_metadata(f"标题\n{snippet}", title=None, filename="d.txt")["date"] == iso


def test_given_title_and_region_table():
    assert extract_metadata("正文", title="浙江省人工智能产业发展规划", filename="z.txt")["region"] == "Zhejiang"
    assert extract_metadata("正文", title="广东省深圳市实施方案", filename="z.txt")["region"] == "Shenzhen"
    assert (
        extract_metadata("正文", title="国务院关于深入实施“人工智能+”行动的意见", filename="z.txt")["region"]
        == "National"
    )
    assert extract_metadata("正文", title="广西安全生产条例", filename="z.txt")["region"] == "Guangxi"
