"""Places at every level (issue #24): districts, counties, banners and zones; ambiguous names; a document's place
down to its district; place as a ranking signal with hierarchy; filters at any level."""

from __future__ import annotations

import pytest

from assistant.answer.question import analyse
from assistant.places import (
    AROUND,
    ELSEWHERE,
    INSIDE,
    NAMING,
    OWN,
    ambiguous_names,
    document_place,
    gazetteer,
    nearest,
    nearness,
    passage_about,
    place_metadata,
    places_named,
)
from assistant.search.hybrid import within_places
from assistant.service.filters import build_filter, parse_where

from .conftest import shared_path


def by_name(name: str, within: str = ""):
    found = [p for p in gazetteer().by_chinese[name] if not within or within in p.chain]
    assert len(found) == 1, (name, found)
    return found[0]


def sample_per_province():
    """Per provincial-level division, the first county-level division (by code) whose Chinese short name and
    English name are its own: a district, county or banner of every province in the table."""
    g = gazetteer()
    out = []
    for province in sorted((p for p in g.places.values() if p.level == "province"), key=lambda p: p.code):
        for p in sorted(g.places.values(), key=lambda p: p.code):
            if p.province != province.code or p.level != "county" or p.name.endswith("市") or not p.short_alone:
                continue
            if g.by_chinese.get(p.short) == [p] and g.by_english.get(p.english.lower()) == [p]:
                out.append(p)
                break
    return out


def test_every_county_level_division_is_in_the_gazetteer_with_its_chain():
    g = gazetteer()
    counties = [p for p in g.places.values() if p.level == "county"]
    assert len(counties) > 2800
    xuhui = by_name("徐汇区")
    assert xuhui.chain == ("310104", "310000") and xuhui.english == "Xuhui District"
    kunshan = by_name("昆山市")
    assert kunshan.chain == ("320583", "320500", "320000")
    assert [p.code for p in places_named("内蒙古阿拉善左旗")] == [by_name("阿拉善左旗").code]


def test_a_district_or_county_of_every_province_in_chinese_full_short_and_english():
    sample = sample_per_province()
    assert len(sample) >= 30  # Taiwan, Hong Kong and Macao have no county-level rows in the table
    for p in sample:
        assert places_named(f"关于{p.name}的政策") == [p]
        assert places_named(f"{p.short}的补贴是多少？") == [p], p.name
        assert places_named(f"What does {p.english} offer?") == [p], p.english


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("徐汇的算力券", "徐汇区"), ("黄浦的行动方案", "黄浦区"), ("嘉定和奉贤", "嘉定区"), ("奉贤新城", "奉贤区"),
        ("海淀的政策", "海淀区"), ("Haidian District", "海淀区"), ("Xuhui District", "徐汇区"),
        ("Pudong New Area", "浦东新区"), ("浦东新区", "浦东新区"), ("Minhang", "闵行区"), ("Changning District", "长宁区"),
    ],
)  # fmt: skip
def test_district_names_that_must_work(text, name):
    assert places_named(text)[0].name == name


@pytest.mark.parametrize(
    "text", ["绿水青山就是金山银山", "发展战略性新兴产业", "设立投资中心", "会同有关部门", "推进老城区改造", "西岸", "滨江大道"]
)
def test_ordinary_words_and_street_areas_name_no_place(text):
    assert places_named(text) == []
    assert [p.name for p in places_named("徐汇滨江")] == ["徐汇区"]  # a street area of Xuhui, no place of its own


def test_one_character_short_names_never_match():
    assert all(len(p.short) >= 2 or not p.short_alone or p.short == p.name for p in gazetteer().places.values())
    assert places_named("丰富的措施") == []  # 丰县's short would be 丰
    assert [p.name for p in places_named("丰县的补贴")] == ["丰县"]


def test_zones_and_new_areas_are_tied_to_the_place_they_lie_in():
    lingang = places_named("临港新片区对光伏的补贴")[0]
    assert lingang.level == "zone" and lingang.label == "Lingang New Area"
    assert lingang.chain == ("310115-lingang", "310115", "310000")  # Pudong, Shanghai
    assert places_named("What does the Lingang New Area pay?") == [lingang]
    assert places_named("中国（上海）自由贸易试验区临港新片区管理委员会") == [lingang]
    bda = places_named("亦庄的政策")[0]
    assert bda.chain[1:] == ("110115", "110000")  # Daxing, Beijing
    assert places_named("雄安新区")[0].chain[-1] == "130000"
    assert places_named("滨海新区")[0].code == "120116"  # a district of Tianjin itself
    assert places_named("成都高新区的首飞奖励")[0].parent == "510100"


def test_one_name_in_several_cities_is_resolved_by_the_city_beside_it_else_kept_open_with_a_notice():
    beijing, changchun = by_name("朝阳区", "110000"), by_name("朝阳区", "220000")
    assert places_named("北京朝阳区的算力券") == [beijing]
    assert places_named("长春市朝阳区") == [changchun]
    assert places_named("Chaoyang District, Beijing") == [beijing]
    assert places_named("Beijing's Chaoyang District") == [beijing]
    [(name, candidates)] = ambiguous_names("朝阳区的政策")
    assert name == "朝阳区" and {beijing, changchun} <= set(candidates)
    assert not ambiguous_names("北京朝阳区的政策")
    assert places_named("朝阳区的政策", frozenset({changchun.code})) == [changchun]  # the indexed documents
    assert beijing.label != changchun.label
    gulou = ambiguous_names("鼓楼区")
    assert gulou and len(gulou[0][1]) >= 4
    assert places_named("南京市鼓楼区")[0].chain[1] == "320100"


def test_huangpu_in_english_is_two_districts_chinese_script_says_which():
    shanghai, guangzhou = by_name("黄浦区"), by_name("黄埔区")
    assert places_named("黄浦区") == [shanghai] and places_named("黄埔区") == [guangzhou]
    [(name, candidates)] = ambiguous_names("What does Huangpu District offer?")
    assert set(candidates) == {shanghai, guangzhou}
    assert places_named("Huangpu", frozenset({guangzhou.code})) == [guangzhou]
    assert places_named("Huangpu", frozenset({"440100"})) == [guangzhou]  # Guangzhou's documents indexed
    question = analyse("What does Huangpu District pay for rooftop solar?")
    assert question.notices and "黄埔区" in question.notices[0] and "黄浦区" in question.notices[0]


def test_a_parent_beside_its_child_says_where_it_is_a_parent_joined_to_it_is_compared():
    assert [p.name for p in places_named("上海市徐汇区人民政府")] == ["徐汇区"]
    assert [p.name for p in places_named("徐汇区和上海市的政策有何不同")] == ["徐汇区", "上海市"]
    assert analyse("徐汇区和上海市的算力券有何不同").kind == "compare"
    assert [p.name for p in places_named("Compare Xuhui and Huangpu")] == ["徐汇区", "黄浦区"]


@pytest.mark.parametrize(
    "text", ["四川省宜宾市三江新区管委会", "Yibin Sanjiang New Area's home-purchase subsidy rules", "宜宾三江新区购房补贴"]
)
def test_a_name_right_after_a_city_it_does_not_lie_in_is_an_area_of_that_city(text):
    """三江 alone is Guangxi's 三江侗族自治县; written after 宜宾 it names Yibin's new area, which no table lists."""
    assert [p.name for p in places_named(text)] == ["宜宾市"]
    assert [p.name for p in places_named("北京 上海")] == ["北京市", "上海市"]  # two places, not an area
    assert [p.name for p in places_named("广西三江县")] == ["三江侗族自治县"]


def doc(**signals):
    return document_place(**{"doc_number": "", "issuer": "", "title": "", "filename": "a.txt", "head": "", **signals})


def test_document_place_from_a_district_issuer_and_a_zone_administration():
    assert doc(issuer="上海市徐汇区人民政府").name == "徐汇区"
    assert doc(issuer="徐汇区科技和工业信息化局").name == "徐汇区"
    assert doc(issuer="北京市海淀区人民政府").name == "海淀区"
    assert doc(issuer="中国（上海）自由贸易试验区临港新片区管理委员会").label == "Lingang New Area"


@pytest.mark.parametrize(
    ("signals", "name"),
    [
        ({"doc_number": "沪自贸临管规范〔2023〕4号"}, "中国（上海）自由贸易试验区临港新片区"),
        ({"doc_number": "沪奉建发〔2025〕2号"}, "奉贤区"),
        ({"doc_number": "徐府发〔2024〕12号"}, "徐汇区"),
        ({"doc_number": "渝北府发〔2024〕2号"}, "渝北区"),
        ({"doc_number": "京技管〔2024〕3号"}, "北京经济技术开发区"),
        ({"doc_number": "宁数发〔2026〕17号", "title": "关于印发《南京市加快“人工智能+政务”应用场景建设推进方案》的通知"}, "南京市"),
        ({"doc_number": "嘉建管规范联〔2024〕1号", "title": "关于印发《嘉定区绿色生态城区建设管理办法（试行）》的通知"}, "嘉定区"),
        ({"doc_number": "黄发改委办〔2025〕5号", "issuer": "上海市黄浦区发展和改革委员会"}, "黄浦区"),
        ({"doc_number": "深工信〔2025〕42号"}, "深圳市"), ({"doc_number": "苏府〔2024〕1号", "issuer": "苏州市人民政府"}, "苏州市"),
    ],
)  # fmt: skip
def test_document_place_from_a_district_or_zone_document_number(signals, name):
    assert doc(**signals).name == name


def test_a_city_document_that_speaks_as_a_district_is_that_districts():
    text = "各街道、镇：\n为推动我区人工智能产业发展，上海市徐汇区制定本措施。\n……\n徐汇区科学技术委员会\n2024年5月1日"
    assert doc(issuer="区科学技术委员会", title="关于支持人工智能产业发展的若干措施", text=text).name == "徐汇区"
    municipal = "为推动本市人工智能产业发展，支持浦东新区、徐汇区建设产业集聚区。"
    assert doc(doc_number="沪府发〔2024〕1号", text=municipal).name == "上海市"


DISTRICT_DOCUMENTS = {
    "nanjing-ai-plus-government-scenarios-2026.txt": "320100",
    "shanghai-fengxian-green-eco-district-management-2025.txt": "310120",
    "shanghai-huangpu-renewable-energy-action-plan-2025.txt": "310101",
    "shanghai-jiading-green-eco-district-management-2024.txt": "310114",
    "shanghai-lingang-pv-construction-management-2022.txt": "310115-lingang",
    "shanghai-lingang-pv-subsidy-rules-2023.txt": "310115-lingang",
    "shanghai-xuhui-ai-industry-opinions-draft-2024-PARTIAL.txt": "310104",
    "shanghai-xuhui-embodied-ai-opinions-draft-2024-PARTIAL.txt": "310104",
    "shanghai-xuhui-genai-pilot-zone-measures-draft-2024-PARTIAL.txt": "310104",
    "shanghai-xuhui-westbund-ai-model-district-2024-PARTIAL.txt": "310104",
}


def test_the_real_district_texts_are_placed_in_their_district_with_the_whole_chain():
    from assistant.ingest.metadata import extract_metadata

    folder = shared_path("data", "cn_district_policy")
    for name, code in DISTRICT_DOCUMENTS.items():
        meta = extract_metadata((folder / name).read_text(encoding="utf-8"), title=None, filename=name)
        assert meta["region_code"] == code, name
        assert meta["province_code"] == code[:2] + "0000"
    lingang = extract_metadata((folder / "shanghai-lingang-pv-subsidy-rules-2023.txt").read_text(encoding="utf-8"),
                               title=None, filename="shanghai-lingang-pv-subsidy-rules-2023.txt")  # fmt: skip
    assert (lingang["zone_code"], lingang["county_code"], lingang["city_code"]) == ("310115-lingang", "310115", "310000")


def test_place_metadata_keeps_the_most_specific_code_and_the_chain():
    meta = place_metadata(by_name("昆山市"))
    assert meta == {"region": "Kunshan", "region_code": "320583", "province_code": "320000", "city_code": "320500",
                    "county_code": "320583", "zone_code": ""}  # fmt: skip
    assert place_metadata(None)["region_code"] == ""


XUHUI_DOC = {"region_code": "310104", "places": "310104"}
HUANGPU_DOC = {"region_code": "310101", "places": "310101"}
SHANGHAI_DOC = {"region_code": "310000", "places": "310000"}
NATIONAL_NAMING_XUHUI = {"region_code": "000000", "places": "310104"}
NATIONAL_DOC = {"region_code": "000000", "places": ""}


def test_the_hierarchy_a_district_question_uses_its_own_then_its_citys_never_a_siblings():
    xuhui, shanghai = by_name("徐汇区"), by_name("上海市")
    assert nearness(XUHUI_DOC, "", xuhui) == OWN
    assert nearness(SHANGHAI_DOC, "", xuhui) == AROUND
    assert nearness(NATIONAL_NAMING_XUHUI, "", xuhui) == NAMING
    assert nearness(HUANGPU_DOC, "", xuhui) == ELSEWHERE
    assert nearness(XUHUI_DOC, "", shanghai) == INSIDE
    assert passage_about(SHANGHAI_DOC, "", xuhui) and passage_about(XUHUI_DOC, "", shanghai)
    assert not passage_about(HUANGPU_DOC, "", xuhui) and not passage_about(NATIONAL_DOC, "各地推进。", xuhui)
    # comparing a district with its city, each passage is the cell of the place its document is about
    assert nearest(SHANGHAI_DOC, "", [xuhui, shanghai]) == shanghai
    assert nearest(XUHUI_DOC, "", [xuhui, shanghai]) == xuhui
    assert nearest(HUANGPU_DOC, "", [xuhui, shanghai]) == shanghai


@pytest.mark.parametrize("value", ["徐汇", "Xuhui", "徐汇区", "Xuhui District", "上海市徐汇区"])
def test_a_filter_on_a_district_in_any_form_is_one_filter(value):
    assert build_filter(region=value) == build_filter(region="徐汇")


def test_filters_at_any_level_agree_in_chroma_and_in_bm25():
    chunks = {
        "xuhui": {"region_code": "310104"}, "lingang": {"region_code": "310115-lingang"},
        "pudong": {"region_code": "310115"}, "shanghai": {"region_code": "310000"}, "beijing": {"region_code": "110000"},
        "haidian": {"region_code": "110108"}, "national": {"region_code": "000000"},
    }  # fmt: skip
    expected = {
        "region=上海": {"xuhui", "lingang", "pudong", "shanghai"}, "region=Xuhui": {"xuhui"},
        "region=浦东": {"pudong", "lingang"}, "region=Lingang New Area": {"lingang"}, "region=北京": {"beijing", "haidian"},
        "region=National": {"national"},
    }  # fmt: skip
    for where, names in expected.items():
        hard = parse_where([where])
        assert {n for n, meta in chunks.items() if hard.matches(meta)} == names, where
        expanded = within_places(hard)
        assert {n for n, meta in chunks.items() if _chroma_matches(expanded.where(), meta)} == names, where


def _chroma_matches(where: dict, meta: dict) -> bool:
    """Chroma's reading of the ``where`` a filter gives (the operators filters use)."""
    if "$and" in where:
        return all(_chroma_matches(w, meta) for w in where["$and"])
    [(key, condition)] = where.items()
    if isinstance(condition, dict) and "$in" in condition:
        return meta.get(key) in condition["$in"]
    return meta.get(key) == condition


DOCUMENTS = {
    "xuhui-ai.txt": "徐汇区关于推动人工智能产业发展的若干意见\n发布机构：上海市徐汇区人民政府\n一、对本区人工智能企业租用算力的，给予算力券支持，最高100万元。",
    "huangpu-ai.txt": "黄浦区关于支持人工智能产业的若干措施\n发布机构：上海市黄浦区人民政府\n一、对本区人工智能企业租用算力的，给予算力券支持，最高300万元。",
    "shanghai-ai.txt": "上海市关于人工智能产业的若干措施\n发布机构：上海市经济和信息化委员会\n一、对租用算力的人工智能企业，给予算力券支持，最高500万元。",
    "national-ai.txt": "国务院关于深入实施“人工智能+”行动的意见\n发布机构：国务院\n一、支持地方发放算力券，降低企业租用算力成本。",
}  # fmt: skip


@pytest.fixture
def district_index(services, docs_dir):
    for path in docs_dir.iterdir():
        path.unlink()
    for name, text in DOCUMENTS.items():
        (docs_dir / name).write_text(text, encoding="utf-8")
    report = services.ingest()
    assert report.failed == []
    return services.searcher


@pytest.fixture(scope="module")
def embeddings(fake_embeddings):
    return fake_embeddings


def test_retrieval_ranks_a_districts_own_documents_then_its_citys_and_never_ends_with_fewer_than_plain_search(district_index):
    searcher = district_index
    assert searcher.indexed_places() >= {"310104", "310101", "310000", "000000"}
    xuhui = by_name("徐汇区")
    query = "徐汇区的算力券最高多少"
    hits = searcher.search_about(query, 8, xuhui)
    sources = [h.metadata["source"] for h in hits]
    assert sources[0] == "xuhui-ai.txt"
    assert sources.index("shanghai-ai.txt") < sources.index("national-ai.txt") < sources.index("huangpu-ai.txt")
    assert all(source == "xuhui-ai.txt" for source in sources[: sources.count("xuhui-ai.txt")])
    assert len(hits) >= len(searcher.search(query, 8))
    assert [h.metadata["source"] for h in searcher.search(query, 4, build_filter(region="上海"))].count("national-ai.txt") == 0
    in_shanghai = {h.metadata["source"] for h in searcher.search(query, 4, build_filter(region="上海"))}
    assert in_shanghai == {"xuhui-ai.txt", "huangpu-ai.txt", "shanghai-ai.txt"}
    assert {h.metadata["source"] for h in searcher.search(query, 4, build_filter(region="Xuhui"))} == {"xuhui-ai.txt"}
    compared = searcher.search_parties("算力券最高多少", 4, [xuhui, by_name("黄浦区")])
    assert {h.metadata["source"] for h in compared[:2]} == {"xuhui-ai.txt", "huangpu-ai.txt"}
    with_city = searcher.search_parties("算力券最高多少", 4, [xuhui, by_name("上海市")])
    assert {h.metadata["source"] for h in with_city[:2]} == {"xuhui-ai.txt", "shanghai-ai.txt"}


def test_every_stored_region_label_filters_back_to_its_own_place():
    from assistant.service.filters import region_condition

    wrong = [p.label for p in gazetteer().places.values() if region_condition(p.label) != ("region_code", p.code)]
    assert wrong == []
    assert places_named("Wei County (Xingtai)") == [by_name("威县")]  # the city beside it, itself a county's name too


def test_counties_renamed_since_the_code_table_are_read_by_their_new_names():
    """监利县 has been 监利市 since 2020, 马龙县 马龙区 since 2018, 彬县 彬州市: documents use the new names."""
    jianli = by_name("监利县")
    assert places_named("监利市人民政府办公室关于印发措施的通知") == [jianli]
    assert [p.name for p in places_named("马龙区的政策")] == ["马龙县"]
    assert [p.name for p in places_named("彬州市的补贴")] == ["彬县"]
    assert [p.name for p in places_named("和平区的补贴")] != ["和平县"]  # a name another division has is not taken


def test_a_short_name_that_is_also_a_word_names_a_county_whose_documents_are_indexed():
    jianli, dingxi = by_name("监利县"), by_name("定西市")
    assert places_named("定西和监利对个人购买新能源汽车各补贴多少") == [dingxi]  # 监利 is a word to jieba
    assert places_named("定西和监利对个人购买新能源汽车各补贴多少", prefer={jianli.code}) == [dingxi, jianli]
    assert places_named("加强监督和监利益", prefer={jianli.code}) == []  # not a word of its own there


def test_an_ambiguous_name_of_a_file_is_the_place_its_text_names():
    """ "shawan" is 沙湾区 (Leshan) or 沙湾县 (Xinjiang): the document's own words say which."""
    xinjiang = "第一条 为营造良好的投资环境，鼓励投资者参与沙湾县开发建设，根据《国务院关于进一步促进新疆经济社会发展的若干意见》"
    leshan = "为推动乐山市沙湾区工业经济发展，制定本办法。"
    for head, name in ((xinjiang, "沙湾县"), (leshan, "沙湾区")):
        found = document_place(doc_number="", issuer="", title="招商引资优惠办法", filename="shawan_zhaoshang.txt", head=head, text=head)
        assert found is not None and found.name == name, (name, found)
