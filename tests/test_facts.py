"""Document facts (文号, issuers, issued, effective, end of validity, repeals) read at ingest, shown in the Documents
rows, filtered "in force only", and fact questions answered from them: on short texts shaped like the real ones,
on the real shared files (read at test time), and end to end with fake models."""

from __future__ import annotations

from datetime import date

import pytest
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answerer
from assistant.answer.facts import asked_facts, fact_answer
from assistant.answer.question import analyse
from assistant.api.schemas import Filters
from assistant.ingest.facts import extract_facts, fact_columns, in_force, validity_term_in
from assistant.ingest.loaders import load_document
from assistant.ingest.metadata import extract_metadata
from assistant.search.hybrid import Filter
from assistant.service.filters import build_filter, in_force_bounds, parse_where
from assistant.service.library import document_rows
from assistant.text.dates import after_term, parse_date, render_date, same_date
from assistant.web.handlers import render_documents

from .conftest import shared_path

NOTICE = """关于印发《青岚区数据要素市场建设管理办法（试行）》的通知
青数规〔2024〕3号

各街道办事处，区政府各委、办、局：

为落实《青岚市数据条例》（青政发〔2023〕12号）要求，现将《青岚区数据要素市场建设管理办法（试行）》印发给你们。

青岚区数据局    青岚区发展和改革委员会

青岚区财政局

2024年1月17日

青岚区数据要素市场建设管理办法（试行）

第一条 为推进本区数据要素市场建设，制定本办法。

第二条 数据产品登记证书有效期至2030年12月31日。

第十九条 本办法自2099年3月1日起施行，有效期至2099年12月31日。
"""
EXPIRED = """关于印发《青岚区算力券管理办法》的通知
青科规〔2021〕8号

青岚区科学技术委员会

2021年5月6日

第一条 对使用算力的企业发放算力券。

第十条 本办法自印发之日起施行，试行两年。原《青岚区算力补贴办法》（青科规〔2019〕2号）即日起废止。
"""
UNDATED = """青岚区人才安居若干措施

一、对新引进的博士给予安居补贴。

二、本措施自发布之日起施行，暂定三年有效期。
"""
YEARS = """青岚区建设智能制造中心若干配套政策

一、对智能制造项目按投资额的20%给予扶持，最高300万元。

八、本规定实行年限为2016至2020年，由青岚区管委会负责解释。
"""
TODAY = date(2026, 12, 6)


def spanned(text: str, facts: dict, field: str) -> str:
    return text[facts[f"{field}_start"] : facts[f"{field}_end"]]


def test_a_notice_with_its_attached_rules():
    facts = extract_facts(NOTICE)
    assert facts["doc_number"] == "青数规〔2024〕3号" == spanned(NOTICE, facts, "doc_number")  # not the cited one
    assert facts["issuers"] == "青岚区数据局、青岚区发展和改革委员会、青岚区财政局"
    assert facts["issued_date"] == "2024-01-17" and spanned(NOTICE, facts, "issued_date") == "2024年1月17日"
    assert facts["effective_date"] == "2099-03-01" and facts["effective_date_int"] == 20990301
    assert facts["expires_date"] == "2099-12-31"  # the certificate's 有效期 is not the document's
    assert spanned(NOTICE, facts, "expires_date") == "本办法自2099年3月1日起施行，有效期至2099年12月31日"
    assert facts["repeals"] == "" and facts["attached_title"] == "青岚区数据要素市场建设管理办法（试行）"


def test_issued_day_a_trial_term_and_what_is_repealed():
    facts = extract_facts(EXPIRED)
    assert (facts["effective_date"], facts["effective_date_basis"]) == ("2021-05-06", "issued")  # 自印发之日起施行
    assert (facts["expires_date"], facts["expires_date_basis"]) == ("2023-05-05", "term")  # two years less a day
    assert facts["repeals"] == "《青岚区算力补贴办法》（青科规〔2019〕2号）"
    assert in_force(facts, TODAY) == "no"


@pytest.mark.parametrize(
    ("text", "effective", "expires"),
    [
        ("本办法有效期为2024年2月1日至2025年12月31日。", "2024-02-01", "2025-12-31"),
        ("本细则自2023年1月1日起实施，有效期3年。", "2023-01-01", "2025-12-31"),
        ("第二十条 本办法自2025年3月20日起施行，有效期两年。", "2025-03-20", "2027-03-19"),
        ("本计划自2024年7月1日起执行，有效期至2026年6月。", "2024-07-01", "2026-06-30"),
        ("本政策自2025年8月11日起实施，有效期至 2027 年 12 月 31 日；", "2025-08-11", "2027-12-31"),
        ("This plan shall take effect on 1 March 2024 and remain valid until 31 December 2026.", "2024-03-01", "2026-12-31"),
        ("企业自2024年1月1日起实施改造，申报材料有效期至2025年1月1日。", "", ""),  # not about this document
        ("本办法由区应急局负责解释，有效期自2025年8月25日起至2030年8月24日止。", "2025-08-25", "2030-08-24"),
        ("本办法自2024年12月1日起施行，于2028年12月31日截止。", "2024-12-01", "2028-12-31"),
        ("八、本规定实行年限为2016至2020年，由管委会负责解释。", "", "2020-12-31"),
        ("本政策执行期限为2021年—2023年。", "", "2023-12-31"),
        ("以上政策未特别注明实施期限的,施行有效期至2023年12月31日。", "", "2023-12-31"),  # the above: this document's
    ],
)
def test_validity_clauses(text, effective, expires):
    facts = extract_facts(text)
    assert (facts["effective_date"], facts["expires_date"]) == (effective, expires)


def test_signature_forms():
    numerals = extract_facts("……现印发给你们。\n\n某市数据局\n\n二〇二四年一月十七日\n\n第一条 …")
    assert numerals["issued_date"] == "2024-01-17" and numerals["issuers"] == "某市数据局"
    run_on = extract_facts("请认真贯彻落实。\n安徽省人民政府\n2025 年 8 月 11 日打造通用人工智能产业\n若干政策")
    assert run_on["issued_date"] == "2025-08-11" and run_on["issuers"] == "安徽省人民政府"
    same_line = extract_facts("正文。\n上海市经济和信息化委员会办公室 2025年7月28日印发")
    assert same_line["issued_date"] == "2025-07-28" and same_line["issuers"] == "上海市经济和信息化委员会办公室"
    joined = extract_facts("特此通知。\n\n黄浦区发展和改革委员会黄浦区建设和管理委员会\n\n黄浦区教育局\n\n2025年2月24日\n")
    assert joined["issuers"] == "黄浦区发展和改革委员会、黄浦区建设和管理委员会、黄浦区教育局"
    page = extract_facts("首页 索引号 : YS1 发布机构 : 徐汇区新型工业化推进办公室 发文字号 : - 发布时间： 2024-11-21 正文",
                         date_found="2024-11-21")  # fmt: skip
    assert page["issuers"] == "徐汇区新型工业化推进办公室" and page["issued_date"] == "2024-11-21"


def test_dates_compare_as_dates():
    assert same_date("2026年6月30日", "2026-06-30") and same_date("30 June 2026", "June 30, 2026")
    assert same_date("二〇二六年六月三十日", 20260630) and not same_date("2026年6月30日", "2026-06-29")
    assert not same_date("", "") and parse_date("no date here") is None
    assert render_date("2026-06-30", "en") == "30 June 2026" and render_date("2026-06-30", "zh") == "2026年6月30日"
    assert after_term(date(2024, 2, 29), years=1) == date(2025, 2, 28)  # no 29 February: the month's last day
    assert after_term(date(2025, 3, 20), years=2) == date(2027, 3, 19)
    assert after_term(date(2024, 1, 31), months=1) == date(2024, 2, 29)


def test_in_force_from_the_stored_dates():
    assert in_force({"effective_date_int": 20240301, "expires_date_int": 20261231}, TODAY) == "yes"
    assert in_force({"effective_date_int": 20230419, "expires_date_int": 20251231}, TODAY) == "no"
    assert in_force({"effective_date_int": 20270101, "expires_date_int": 20291231}, TODAY) == "no"  # not yet
    assert in_force({"issued_date_int": 20260330}, TODAY) == "unknown"  # no end stated


def real(folder: str, name: str) -> tuple[str, dict]:
    path = shared_path("data", folder, name)
    text = load_document(path).text
    return text, extract_metadata(text, title=load_document(path).title, filename=path.name)


def test_real_district_files():
    text, jiading = real("cn_district_policy", "shanghai-jiading-green-eco-district-management-2024.txt")
    assert (jiading["effective_date"], jiading["expires_date"]) == ("2024-03-01", "2026-12-31")
    assert jiading["issued_date"] == "2024-01-17"  # signed; the page's 发布日期 is 2024-01-18
    assert "本办法自2024年3月1日起施行" in spanned(text, jiading, "expires_date")
    _, fengxian = real("cn_district_policy", "shanghai-fengxian-green-eco-district-management-2025.txt")
    assert (fengxian["expires_date"], fengxian["expires_date_basis"]) == ("2027-03-19", "term")
    text, lingang = real("cn_district_policy", "shanghai-lingang-pv-subsidy-rules-2023.txt")
    assert (lingang["doc_number"], lingang["expires_date"]) == ("沪自贸临管规范〔2023〕4号", "2025-12-31")
    assert "沪自贸临管规范〔2022〕7号" in lingang["repeals"] and "废止" in spanned(text, lingang, "repeals")
    _, nanjing = real("cn_district_policy", "nanjing-ai-plus-government-scenarios-2026.txt")
    assert nanjing["doc_number"] == "宁数发〔2026〕17号" and nanjing["issuers"] == "南京市数据局、南京市城市数字治理中心"
    _, huangpu = real("cn_district_policy", "shanghai-huangpu-renewable-energy-action-plan-2025.txt")
    assert huangpu["issued_date"] == "2025-02-24" and huangpu["issuers"].count("、") == 12  # 13 bodies signed


def test_real_local_files():
    _, anhui = real("cn_local_ai_policy", "anhui-general-ai-highland-policies-v2-2025.txt")
    assert (anhui["effective_date"], anhui["effective_date_basis"]) == ("2025-08-11", "issued")
    assert anhui["expires_date"] == "2027-12-31" and anhui["doc_number"] == "皖政秘〔2025〕108号"
    assert anhui["attached_title"] == "打造通用人工智能产业创新和应用高地若干政策（2.0版）"  # the title line was cut
    _, shanghai = real("cn_local_ai_policy", "shanghai-expand-ai-application-measures-2025.txt")
    assert shanghai["attached_title"] == "上海市进一步扩大人工智能应用的若干措施" and shanghai["issued_date"] == "2025-07-28"
    _, shenzhen = real("cn_local_ai_policy", "shenzhen-ai-terminal-industry-2025-2026.txt")
    assert shenzhen["doc_number"] == "深工信〔2025〕42号" and shenzhen["expires_date"] == ""


def test_in_force_filter_from_the_cli_and_the_api():
    where = parse_where(["in_force=true"]).where()
    today = int(date.today().strftime("%Y%m%d"))
    assert {"effective_date_int": {"$lte": today}} in where["$and"] and {"expires_date_int": {"$gte": today}} in where["$and"]
    assert Filters(in_force=True).to_filter() == build_filter(in_force=True) and not build_filter(in_force=False)
    with pytest.raises(ValueError):
        parse_where(["in_force=maybe"])
    only = build_filter(in_force=True)
    assert only.matches({"effective_date_int": 20240301, "expires_date_int": 20991231})
    assert not only.matches({"effective_date_int": 20230419, "expires_date_int": 20251231})
    assert not only.matches({"issued_date_int": 20260330})  # no end stated: not known to be in force


class HashEmbeddings(Embeddings):
    """Deterministic and instant: these tests are about metadata, not meaning."""

    def embed_documents(self, texts):
        return [self.embed_query(text) for text in texts]

    def embed_query(self, text):
        vector = [1.0] + [0.0] * 15
        for i, ch in enumerate(text[:2000]):
            vector[(ord(ch) + i) % 16] += 1.0
        return vector


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from assistant import app
    from assistant.settings import Settings

    tmp_path = tmp_path_factory.mktemp("facts")
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "qinglan-data-market.txt").write_text(NOTICE, encoding="utf-8")
    (folder / "qinglan-compute-vouchers.txt").write_text(EXPIRED, encoding="utf-8")
    (folder / "qinglan-talent-housing.txt").write_text(UNDATED, encoding="utf-8")
    (folder / "qinglan-smart-manufacturing.txt").write_text(YEARS, encoding="utf-8")
    services = app.build_services(Settings(documents_dir=folder, index_dir=tmp_path / "index", ocr=False))
    services.__dict__["embeddings"] = HashEmbeddings()
    assert services.ingest().failed == []
    return services


def test_documents_rows_and_table(library):
    rows = {row["source"]: row for row in document_rows(library)}
    market = rows["qinglan-data-market.txt"]
    assert (market["doc_number"], market["issued"], market["effective"], market["expires"]) == (
        "青数规〔2024〕3号", "2024-01-17", "2099-03-01", "2099-12-31",
    )  # fmt: skip
    assert market["in_force"] == "no" and rows["qinglan-compute-vouchers.txt"]["in_force"] == "no"
    assert fact_columns({"effective_date_int": 20240101, "expires_date_int": 20991231})["in_force"] == "yes"
    table = render_documents([{**market, "issuer": "<b>局</b>"}])
    assert "In force" in table and "青数规〔2024〕3号" in table and "&lt;b&gt;局&lt;/b&gt;" in table


def test_in_force_filter_through_the_searcher(library):
    in_2099 = Filter(bounds=in_force_bounds(date(2099, 6, 1)))  # build_filter(in_force=True) on that day
    hits = library.searcher.search("办法", 10, in_2099)
    assert hits and {h.metadata["source"] for h in hits} == {"qinglan-data-market.txt"}


def test_fact_questions_are_asked_for():
    assert asked_facts("嘉定区的办法从哪天开始施行，有效期到什么时候？") == ["effective_date", "expires_date"]
    assert asked_facts("南京推进方案的发文字号是什么？") == ["doc_number"]
    assert asked_facts("On what date was Huangpu District's plan issued?") == ["issued_date"]
    assert asked_facts("Until when do Lingang's PV rules remain valid?") == ["expires_date"]
    assert asked_facts("Which earlier document did it repeal? Give its document number.") == ["repeals"]
    assert asked_facts("最高补贴多少？") == []
    assert asked_facts("How long do the district's measures stay in force?") == ["expires_date"]
    assert asked_facts("该办法由谁印发？") == ["issuers"]
    assert asked_facts("推进建设的协调机构由谁牵头？") == [], "who leads a body is not who issued the document"
    assert asked_facts("When does the opinion take effect, and which earlier document does it repeal?") == [
        "repeals",
        "effective_date",
    ], "both parts are asked; only a number or issuer would be the repealed document's"
    assert asked_facts("On what date did the municipal government sign the notice?") == ["issued_date"]
    assert asked_facts("该办法施行后同时废止的《某某专项资金管理办法》文号是什么？") == ["repeals"], "a time referred to, not asked"
    assert asked_facts("该办法从什么时候施行？") == ["effective_date"]
    assert asked_facts("When will the city issue the second batch of vouchers?") == [], "an event, not the document's date"


def test_a_fact_question_is_answered_from_the_metadata_without_the_model(library):
    answerer = Answerer(library.searcher, FakeListChatModel(responses=[]))  # any call to the model would fail
    answer = answerer.ask("青岚区数据要素市场建设管理办法从哪天开始施行，有效期到什么时候？")
    assert answer.text == "《青岚区数据要素市场建设管理办法（试行）》自2099年3月1日起施行[1]。该文件的有效期至2099年12月31日[1]。"
    assert answer.verified and answer.cited == [1] and "有效期至2099年12月31日" in answer.passages[0].text
    english = answerer.ask("What is the document number of the Qinglan data market measures, and when were they issued?")
    assert "青数规〔2024〕3号 [1]" in english.text and "17 January 2024 (2024年1月17日) [" in english.text
    assert english.verified and "青数规〔2024〕3号" in english.passages[0].text
    term = answerer.ask("Until when is the Qinglan compute voucher measure valid?")
    assert "5 May 2023 (2023-05-05)" not in term.text and "5 May 2023" in term.text and "试行两年" in term.text
    assert "valid for two years from taking effect, until 5 May 2023" in term.text, "the term itself, then its end"
    not_yet = answerer.ask("青岚区数据要素市场建设管理办法是否仍然有效？")
    assert "尚未施行（自2099年3月1日起施行）[1]" in not_yet.text and not_yet.verified
    ended = answerer.ask("Is the Qinglan compute voucher measure still in force?")
    assert "no longer in force: it was valid until 5 May 2023" in ended.text and ended.verified
    repealed = answerer.ask("Which earlier document did the Qinglan compute voucher measure repeal? Give its number.")
    assert "青科规〔2019〕2号" in repealed.text and repealed.verified


def test_without_the_fact_or_the_document_the_pipeline_answers(library):
    q = analyse("青岚区算力券管理办法的发文机关是哪个部门？")  # issuers: stated, answered
    assert fact_answer(library.searcher, q.text, q) is not None
    for question in (
        "深圳人工智能计划的文号是什么？",  # no document of that place
        "青岚区数据资产投资基金管理办法的文号是什么？",  # another document than those indexed
        "青岚区算力券管理办法是哪个部门的联系电话？",  # no document fact asked
    ):
        q = analyse(question)
        assert fact_answer(library.searcher, question, q) is None


def test_a_start_date_after_a_publication_date_in_one_clause_is_the_effective_date():
    from assistant.ingest.facts import effective_in

    clause = "第九条 施行时间\n\n本办法自2025年1月20日起公布，2025年2月20日起施行，有效期至2028年2月19日。"
    assert effective_in(clause)[0] == "2025-02-20"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Which government body issued Changning District's measures?", ["issuers"]),
        ("Who is the issuing department of the plan?", ["issuers"]),
        ("Until what date is Shanghai's energy-saving fund measure valid?", ["expires_date"]),
        ("When does the measure take effect, and when does it expire?", ["effective_date", "expires_date"]),
        ("Over which years do Qinglan's smart manufacturing policies apply?", ["expires_date"]),
        ("青岚智能制造配套政策的实行年限是哪几年？", ["expires_date"]),
    ],
)
def test_english_ways_of_asking_for_a_documents_facts(question, asked):
    assert asked_facts(question) == asked


def test_a_term_of_validity_from_no_stated_day_is_itself_the_answer(library):
    """暂定三年有效期 from a publication day the text never gives: no end date, but the term is a fact."""
    assert validity_term_in("本准入条件和优惠政策自文件发布之日起施行,试行一年。")[0] == "一年"
    assert validity_term_in("企业证书有效期三年。") is None  # not this document's validity
    assert validity_term_in("本实施办法自印发之日起执行,有效期半年,如遇上级政策调整,以上级政策为准。")[0] == "半年"
    assert validity_term_in("缴纳满半年以上社保的人才") is None
    assert asked_facts("修水县招商引资优惠政策的试行期是多久？") == ["expires_date"]
    rows = {row["source"]: row for row in document_rows(library)}
    assert rows["qinglan-talent-housing.txt"]["valid_for"] == "三年" and rows["qinglan-talent-housing.txt"]["expires"] == ""
    assert "Valid for" in render_documents(list(rows.values()))
    answerer = Answerer(library.searcher, FakeListChatModel(responses=[]))
    answer = answerer.ask("青岚区人才安居若干措施的有效期是多长？")
    assert "有效期为三年" in answer.text and "暂定三年有效期" in answer.text and answer.verified
    english = answerer.ask("How long is the Qinglan talent housing measure valid?")
    assert "valid for three years" in english.text and english.verified


def test_the_signature_of_a_page_flattened_to_one_line_is_its_issue_date_not_the_sites_publication_time():
    from assistant.ingest.facts import issued_in

    page = (
        "平潭综合实验区管委会印发台湾创业园扶持措施实施细则（试行）的通知\n发布时间：2016-03-26 13:25\n"
        "岚综管综〔2016〕60号 区直各单位：《台湾创业园扶持措施实施细则（试行）》已经区管委会研究同意，现印发给你们，请认真执行。"
        " 第八条 本细则自发布之日起执行。 平潭综合实验区管委会办公室 2016年3月25日印发\n"
    )
    assert issued_in(page, "2016-03-26")[0] == "2016-03-25"


def test_a_notice_cited_in_an_article_is_not_what_the_document_issues():
    rules = (
        "鼓励投资和招商引资\n第一条 为优化营商环境，制定本办法。\n"
        "第十二条 根据财政部、自然资源部关于印发《土地出让收支管理办法》的通知（财综〔2006〕68号），返还出让收入。\n"
        "第二十六条 本办法自颁布之日起实施。\n青岚县委办公室\n2099年3月29日印发"
    )
    assert extract_facts(rules)["attached_title"] == ""
    notice = "各单位：\n为贯彻落实省委部署，现将《青岚区招商引资奖励办法》印发给你们，请认真执行。"
    assert extract_facts(notice)["attached_title"] == "青岚区招商引资奖励办法"


def test_validity_given_as_a_span_of_years_is_answered_with_those_years(library):
    answerer = Answerer(library.searcher, FakeListChatModel(responses=[]))
    english = answerer.ask("Over which years do Qinglan's smart manufacturing supporting policies apply?")
    assert "applies over the years 2016 to 2020, until 31 December 2020" in english.text and english.verified
    chinese = answerer.ask("青岚智能制造配套政策的实行年限是哪几年？")
    assert "适用于2016至2020年，有效期至2020年12月31日" in chinese.text and chinese.verified
    assert extract_facts("关于印发<青岚市人才房票实施办法(试行)>的通知\n各单位:")["attached_title"] == "青岚市人才房票实施办法(试行)"
