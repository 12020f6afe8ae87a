"""The gazetteer: every provincial-level division and prefecture, in both scripts and in English; ambiguous
names; which place a document is about; which places a question names."""

from __future__ import annotations

import pytest

from assistant.places import (
    NATIONAL,
    ambiguous_names,
    chunk_places,
    document_place,
    gazetteer,
    passage_about,
    places_named,
)

# The 34 provincial-level divisions as English text writes them.
PROVINCES_EN = [
    "Beijing", "Tianjin", "Hebei", "Shanxi", "Inner Mongolia", "Liaoning", "Jilin", "Heilongjiang", "Shanghai",
    "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi", "Shandong", "Henan", "Hubei", "Hunan", "Guangdong",
    "Guangxi", "Hainan", "Chongqing", "Sichuan", "Guizhou", "Yunnan", "Tibet", "Shaanxi", "Gansu", "Qinghai",
    "Ningxia", "Xinjiang", "Taiwan", "Hong Kong", "Macao",
]  # fmt: skip


def provinces():
    return [p for p in gazetteer().places.values() if p.level == "province"]


def test_all_34_provincial_level_divisions_are_known_in_both_scripts_and_english():
    found = provinces()
    assert len(found) == 34
    assert sorted(p.english for p in found) == sorted(PROVINCES_EN)
    for place in found:
        assert places_named(f"关于{place.name}的政策") == [place]
        assert places_named(f"{place.short}的补贴") == [place]
        assert places_named(f"What does {place.english} offer?") == [place]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("合肥市的算力券", "合肥市"), ("Hefei's vouchers", "合肥市"), ("武汉", "武汉市"), ("Wuhan", "武汉市"),
        ("Xi'an plan", "西安市"), ("Harbin", "哈尔滨市"), ("延边州的措施", "延边朝鲜族自治州"),
        ("昆山市", "昆山市"), ("Hangzhou and Ningbo", "杭州市"), ("Shenzhen", "深圳市"),
    ],
)  # fmt: skip
def test_cities_prefectures_and_county_level_cities(text, name):
    assert places_named(text)[0].name == name


def test_suzhou_is_ambiguous_in_english_and_resolved_by_script_documents_or_province():
    suzhou_js, suzhou_ah = gazetteer().by_chinese["苏州"][0], gazetteer().by_chinese["宿州"][0]
    assert places_named("苏州和宿州") == [suzhou_js, suzhou_ah]  # the script says which
    assert [n for n, _ in ambiguous_names("Suzhou's AI plan")] == ["Suzhou"]
    assert places_named("Suzhou's AI plan", frozenset({suzhou_ah.code})) == [suzhou_ah]  # the documents present
    assert places_named("Suzhou in Anhui") == [suzhou_ah]  # the province named beside it
    assert not ambiguous_names("Suzhou's AI plan", frozenset({suzhou_js.code}))
    assert suzhou_js.label != suzhou_ah.label


def test_jilin_the_province_and_jilin_the_city():
    province, city = gazetteer().by_chinese["吉林省"][0], gazetteer().by_chinese["吉林市"][0]
    assert places_named("吉林的政策") == [province]
    assert places_named("吉林市的政策") == [city]
    assert city.within(province) and not province.within(city)


def test_a_city_named_with_its_province_is_the_city():
    assert [p.name for p in places_named("广东省深圳市的实施方案")] == ["深圳市"]


@pytest.mark.parametrize(
    ("number", "name"),
    [
        ("京发改〔2024〕1081号", "北京市"), ("沪经信智〔2025〕489号", "上海市"), ("皖政秘〔2025〕108号", "安徽省"),
        ("深工信〔2025〕42号", "深圳市"), ("杭政函〔2024〕7号", "杭州市"), ("苏政发〔2024〕3号", "江苏省"),
    ],
)  # fmt: skip
def test_document_place_from_the_document_number_prefix_alone(number, name):
    found = document_place(doc_number=number, issuer="", title="", filename="x.txt", head="")
    assert found is not None and found.name == name


def test_a_weaker_signal_narrows_a_stronger_one_and_central_issuers_are_national():
    suzhou = document_place(doc_number="苏府〔2024〕1号", issuer="苏州市人民政府", title="", filename="a.txt", head="")
    assert suzhou.name == "苏州市"
    national = document_place(
        doc_number="工信厅科函〔2025〕528号", issuer="工业和信息化部办公厅", title="通知", filename="a.txt",
        head="各省、自治区、直辖市及新疆生产建设兵团工业和信息化主管部门：",
    )  # fmt: skip
    assert national == NATIONAL
    by_file = document_place(doc_number="", issuer="", title="行动计划", filename="hefei-ai-plan.txt", head="")
    assert by_file.name == "合肥市"


def test_a_passage_speaks_for_its_documents_place_or_a_place_a_national_text_names():
    beijing, shanghai = gazetteer().by_chinese["北京"][0], gazetteer().by_chinese["上海"][0]
    assert passage_about({"region_code": beijing.code}, "全市推进大模型应用。", beijing)
    assert not passage_about({"region_code": beijing.code}, "学习上海的做法。", shanghai)
    assert passage_about({"region_code": NATIONAL.code}, "上海发布了若干措施。", shanghai)
    assert not passage_about({"region_code": NATIONAL.code}, "各地发布了若干措施。", shanghai)


def test_a_chunk_naming_no_place_continues_the_place_before_it():
    codes = chunk_places(["Beijing issued a plan.", "The plan offers up to RMB 30 million.", "Shenzhen released four."])
    beijing, shenzhen = gazetteer().by_english["beijing"][0], gazetteer().by_english["shenzhen"][0]
    assert codes == [beijing.code, beijing.code, shenzhen.code]


@pytest.mark.parametrize(
    "text",
    ["上海对产学研合作项目的支持标准是什么？", "支持建设灯塔工厂，最高奖励多少？", "东方电气在成都的项目", "加强国际合作交流"],
)
def test_ordinary_words_that_are_also_county_level_cities_name_no_place(text):
    assert {p.name for p in places_named(text)} <= {"上海市", "成都市"}


def test_such_cities_are_still_named_in_full_and_in_english():
    assert [p.name for p in places_named("合作市、灯塔市")] == ["合作市", "灯塔市"]
    assert [p.name for p in places_named("What does Hezuo pay?")] == ["合作市"]
    assert [p.name for p in places_named("义乌和昆山的补贴")] == ["义乌市", "昆山市"]  # place names stay short
    assert [p.name for p in places_named("任丘的补贴")] == ["任丘市"]  # a name jieba does not know is no word
