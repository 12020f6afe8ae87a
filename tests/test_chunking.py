"""Structure-aware chunking: sections, budgets, figures kept whole, and no text lost."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.ingest.chunking import chunk_document, estimate_tokens

CHINESE_PLAN = """北京市人工智能赋能新型工业化行动方案（2025年）
一、总体要求
坚持应用牵引，推动人工智能与制造业深度融合。
二、重点任务
（一）提升装备智能化水平
支持企业应用具身智能大模型，对具有示范价值的新装备给予最高3000万元支持。
（二）建设标杆工厂
建设具身智能标杆工厂。
第三条 本方案自发布之日起施行。
"""


def covered_in_order(text: str, chunks) -> bool:
    """Chunks, minus their overlap with the previous chunk, tile every non-space character in order."""
    cursor = 0
    for chunk in chunks:
        if chunk.start > cursor and text[cursor : chunk.start].strip():
            return False
        cursor = max(cursor, chunk.end)
    return not text[cursor:].strip()


def test_chinese_hierarchy_becomes_section_paths():
    chunks = chunk_document(CHINESE_PLAN, max_tokens=60)
    funding = next(c for c in chunks if "3000万元" in c.text)
    assert funding.section == "二、重点任务 > （一）提升装备智能化水平"
    factory = next(c for c in chunks if "标杆工厂。" in c.text)
    assert factory.section.endswith("（二）建设标杆工厂")
    article = next(c for c in chunks if "自发布之日起施行" in c.text)
    assert article.section.endswith("第三条 本方案自发布之日起施行。") or "第三条" in article.section
    assert all(c.language == "zh" for c in chunks)


def test_markdown_and_english_headings():
    text = "# Shenzhen Plan\n\n## Article 1 Funding\n\nEnterprises receive up to RMB 5 million.\n\n## Article 2 Scope\n\nAll districts."
    chunks = chunk_document(text, max_tokens=40)
    funding = next(c for c in chunks if "RMB 5 million" in c.text)
    assert funding.section == "Shenzhen Plan > Article 1 Funding"
    assert funding.language == "en"


def test_offsets_point_at_the_chunk_text_and_pages_are_assigned():
    text = "Page one text. " * 20 + "\n\n" + "Page two text. " * 20
    pages = [0, text.index("Page two")]
    chunks = chunk_document(text, pages=pages, max_tokens=30)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
    assert chunks[0].page == 1 and chunks[-1].page == 2


def test_a_long_paragraph_is_split_by_sentences_within_budget_with_overlap():
    sentence = "支持企业开展人工智能应用示范，对符合条件的项目给予最高3000万元支持。"
    text = sentence * 30
    chunks = chunk_document(text, max_tokens=120, overlap_tokens=40)
    assert len(chunks) > 1
    assert all(estimate_tokens(c.text) <= 120 for c in chunks)
    assert any(b.start < a.end for a, b in zip(chunks, chunks[1:])), "consecutive chunks overlap"
    assert covered_in_order(text, chunks)


def cuts_inside_a_figure(text: str, chunks) -> list[int]:
    bad = []
    for pos in [c.start for c in chunks[1:]] + [c.end for c in chunks[:-1]]:
        before, after = text[:pos].rstrip(), text[pos:].lstrip()
        if not before or not after:
            continue
        if before[-1].isdigit() and (after[0].isdigit() or after[0] in "万亿千元%"):
            bad.append(pos)
        if before.endswith(("RMB", "¥")) or re.match(r"(million|billion|yuan)\b", after):
            bad.append(pos)
    return bad


def test_figures_are_never_split():
    english = "Support " + "of up to RMB 30 million for each project " * 40
    chinese = "给予最高3000万元支持" * 60
    for text in (english, chinese):
        for budget in (7, 11, 25):
            chunks = chunk_document(text, max_tokens=budget, overlap_tokens=0)
            assert len(chunks) > 1
            assert cuts_inside_a_figure(text, chunks) == []


_text_pieces = st.sampled_from(
    [
        "一、总体要求\n",
        "（一）加快发展\n",
        "第五条 资金支持。\n",
        "# Heading\n",
        "1. Scope\n",
        "对示范项目给予最高3000万元支持。",
        "The plan offers up to RMB 30 million. ",
        "Shenzhen released four action plans in March. ",
        "\n\n",
        "人工智能赋能新型工业化",
        "short line\n",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_text_pieces, min_size=1, max_size=60), st.integers(min_value=20, max_value=200))
def test_property_chunking_loses_no_text(pieces, budget):
    text = "".join(pieces)
    chunks = chunk_document(text, max_tokens=budget, overlap_tokens=budget // 5)
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
    assert covered_in_order(text, chunks)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts)


def test_a_page_flattened_to_one_line_is_chunked_along_its_sections(tmp_path):
    from assistant.ingest.document import FLAT_LINE_CHARS, restore_lines
    from assistant.ingest.loaders import load_document

    items = "".join(
        f" （{n}）支持第{n}类项目。对符合条件的企业，给予最高{i * 100}万元补贴，按照本意见第三条执行。"
        for i, n in enumerate("一二三四五六", start=1)
    )
    page = (
        "某区关于支持产业发展的若干意见 首页 政务公开 索引号 : 123 发布机构 : 某区科委 发布时间： 2024-01-02 "
        "为促进产业发展，特制定本意见。 一、适用对象 本意见适用于在本区登记注册的企业。 二、支持方式" + items
    )
    page += " 三、附则 本意见自发布之日起施行。" + "其他说明。" * max(0, (FLAT_LINE_CHARS - len(page)) // 5 + 1)
    restored = restore_lines(page)
    assert len(restored) == len(page) and restored.replace("\n", " ") == page  # only spaces became newlines
    assert "\n一、适用对象\n本意见适用于" in restored and "\n（三）支持第三类项目" in restored
    assert "按照本意见第三条执行" in restored  # a reference inside a sentence is no heading
    assert restore_lines("一、短文\n（一）不动。 二、也不动") == "一、短文\n（一）不动。 二、也不动"  # lines intact: untouched

    (tmp_path / "page.txt").write_text(page, encoding="utf-8")
    document = load_document(tmp_path / "page.txt")
    chunks = chunk_document(document.text, max_tokens=120)
    third = next(c for c in chunks if "300万元" in c.text)
    assert third.section.endswith("（三）支持第三类项目。") or "（三）" in third.section
    assert "100万元" not in third.text and "500万元" not in third.text


def test_a_half_width_semicolon_between_chinese_clauses_ends_a_sentence_but_not_in_english():
    from assistant.text.sentences import sentence_spans

    text = "下降5%至10%的，每平方米补贴5元;下降10%至15%的，每平方米补贴10元。It costs 5; it is fine."
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "下降5%至10%的，每平方米补贴5元;", "下降10%至15%的，每平方米补贴10元。", "It costs 5; it is fine."
    ]


def test_each_row_of_a_class_table_is_a_sentence():
    """ "A类/按房价总额的20%,最高不超过40万元" then "B类/…": rows end without punctuation, yet each is a sentence
    of its own, so a row's figures are never read as the next row's."""
    from assistant.text.sentences import sentence_spans

    rows = "人才类别/购房补贴(3年内新购房)\nA类/按房价总额的20%,最高不超过40万元\nB类/按房价总额的15%,最高不超过20万元\n"
    assert [rows[a:b] for a, b in sentence_spans(rows)][-2:] == [
        "A类/按房价总额的20%,最高不超过40万元", "B类/按房价总额的15%,最高不超过20万元"
    ]
