"""Money answers from records (assistant/answer/provisions.py, money.py): the provision the question's words
select gives the figures, each item of a 分别/依次 list with its own figure; look-alikes give a cited table.
Synthetic passages; the embeddings rate every sentence alike, so nothing here rests on dense similarity."""

from __future__ import annotations

import pytest

from assistant.answer.ground import ground
from assistant.answer.lists import list_labels
from assistant.answer.offers import offers
from assistant.answer.provisions import select
from assistant.answer.question import analyse
from tests.lexical import answered, hits, lexical_answerer

CENTRES = "三、支持企业创新。对认定为国家级、省级、市级企业技术中心的，分别给予100万元、50万元、20万元奖励。"
PRIZES = "对获得一等奖、二等奖、三等奖的项目，依次给予50万元、30万元、10万元奖励。"
CLASSES = "对A类、B类、C类项目分别给予最高500万元、300万元、100万元支持。"
REVISED = "光伏电站奖励标准由0.15元/千瓦时调整至0.25元/千瓦时。"
OTHER = "对新建数据中心的企业，给予设备投资额10%、最高800万元补贴。"



@pytest.fixture(scope="module")
def answerer():
    return lexical_answerer()


def selected_figures(question: str, *passages: str) -> list[str] | None:
    """The figures of the provisions ``question`` selects among ``passages`` (None when it selects none)."""
    q = analyse(question)
    found = select(q, offers(lexical_answerer().scope(q, hits(*passages))), passages)
    return None if found is None else [o.stated for o in found.offers]




@pytest.mark.parametrize(
    ("question", "right", "wrong"),
    [
        ("认定为国家级企业技术中心的奖励是多少？", "100万元", "20万元"),
        ("认定为省级企业技术中心的奖励是多少？", "50万元", "100万元"),
        ("市级企业技术中心奖励多少钱？", "20万元", "100万元"),
        ("How much is the reward for a provincial enterprise technology centre?", "50万元", "20万元"),
    ],
)
def test_each_item_of_a_respectively_list_gets_its_own_figure_whatever_the_draft_says(answerer, question, right, wrong):
    answer = answered(answerer, question, hits(CENTRES, OTHER), f"{wrong} [1]。")
    claim = answer.text.split("原文")[0].split("The passage says")[0]
    assert right in claim and wrong not in claim, answer.text
    assert answer.verified and answer.badge == "verified" and answer.cited == [1]


def test_the_draft_check_rejects_a_figure_from_the_wrong_item_of_the_list(answerer):
    q = analyse("认定为省级企业技术中心的奖励最高多少？")
    scope = answerer.scope(q, hits(CENTRES))
    wrong = ground("给予100万元奖励 [1]。", scope, answerer.relevance)
    assert not wrong.verified and "item" in wrong.problems[0]
    assert ground("给予50万元奖励 [1]。", scope, answerer.relevance).verified


def test_a_draft_stating_the_selected_provisions_figure_keeps_the_models_words(answerer):
    answer = answered(answerer, "认定为省级企业技术中心的奖励是多少？", hits(CENTRES), "省级企业技术中心可获得50万元奖励 [1]。")
    assert answer.text.startswith("省级企业技术中心可获得50万元奖励") and answer.verified


def test_look_alike_provisions_the_question_does_not_tell_apart_give_a_cited_table(answerer):
    answer = answered(answerer, "企业技术中心的奖励是多少？", hits(CENTRES, OTHER), "100万元 [1]。")
    rows = [line for line in answer.text.splitlines() if line.startswith("| ") and "[1]" in line]
    assert len(rows) == 3, answer.text
    assert all(figure in answer.text for figure in ("100万元", "50万元", "20万元"))
    assert "技术" in answer.text.splitlines()[0], "it says which words of the question they all match"
    assert "800万元" not in answer.text
    assert answer.badge == "quoted", "a table of look-alikes states no answer: the reader picks the row"


def test_list_items_are_read_for_respectively_in_order_and_class_lists():
    def labels(sentence):
        figures = [sentence.index(f) for f in ("50万元", "30万元", "10万元") if f in sentence] or [
            sentence.index(f) for f in ("500万元", "300万元", "100万元")
        ]
        return [label[0] for label in list_labels(sentence, figures)]

    assert labels(PRIZES) == ["一等奖", "二等奖", "三等奖"]
    assert labels(CLASSES) == ["A类", "B类", "C类"]
    assert labels("分别按一等奖50万元、二等奖30万元、三等奖10万元给予奖励。") == ["一等奖", "二等奖", "三等奖"]


def test_a_figure_a_revision_replaces_is_no_provision(answerer):
    q = analyse("光伏电站奖励标准调整后每千瓦时多少钱？")
    found = select(q, offers(answerer.scope(q, hits(REVISED))))
    assert found is not None and [o.stated for o in found.offers] == ["0.25元/千瓦时"]


def test_a_question_whose_words_match_no_provision_selects_none(answerer):
    q = analyse("对购买机械臂的企业补贴多少？")
    assert select(q, offers(answerer.scope(q, hits(CENTRES, OTHER)))) is None


def test_the_model_reads_only_the_passages_stating_the_selected_provisions_under_their_own_numbers():
    from assistant.answer.prompts import answer_messages

    answerer = lexical_answerer()
    passages = hits(
        "对引进的高层次人才团队，给予最高100万元奖励。",
        "加快算力基础设施建设，推动数据中心绿色发展。",
        "对租用智能算力的企业，给予租赁费用最高30%、最高500万元补贴。",
    )
    money = analyse("租用智能算力最高补贴多少？")
    shown = answerer.shown(money, answerer.scope(money, passages))
    assert shown == [3]
    prompt = answer_messages(money.text, [passages[n - 1] for n in shown], shown)[-1].content
    assert "[3]" in prompt and "[1]" not in prompt and "人才" not in prompt
    fact = analyse("算力基础设施建设有什么要求？")
    assert answerer.shown(fact, answerer.scope(fact, passages)) == [1, 2, 3], "no provision selected: top_k as before"


STANDARDS = (
    "鼓励企事业单位参与标准研制，对主导、参与各类标准制修订工作的，予以一定资助，其中对主导制定国际标准以及主导制定"
    "国家标准的，每项分别给予最高100万元、50万元支持。"
)
TIERS = (
    "对既有建筑节能改造项目，单位面积能耗下降5%(含)至10%的，每平方米面积可补贴5元;下降10%(含)至15%的，每平方米面积"
    "可补贴10元;下降15%及以上的，每平方米面积可补贴15元。"
)
STAGES = "对新接入数据采集联网的单位，仅实现一级数据采集的，给予一次性奖励5万元，同时实现二、三级数据采集的，给予一次性奖励10万元。"


def test_a_respectively_list_joined_by_yiji_after_an_earlier_ge_is_read_at_its_own_fenbie():
    figures = [STANDARDS.index("100万元"), STANDARDS.index("50万元")]
    labels = [label[0] for label in list_labels(STANDARDS, figures)]
    assert labels[0].endswith("国际标准") and "国家标准" in labels[1]
    answer = answered(lexical_answerer(), "主导制定国家标准的，每项最高支持多少？", hits(STANDARDS), "100万元 [1]。")
    assert "50万元" in answer.text.split("原文")[0] and answer.verified, answer.text


def test_ranks_written_once_with_their_word_at_the_end_are_each_an_item():
    sentence = "对新获得全国总决赛一、二、三等奖的单位，分别给予最高200万元、100万元、50万元奖励。"
    figures = [sentence.index(f) for f in ("200万元", "100万元", "50万元")]
    assert [label[0] for label in list_labels(sentence, figures)] == ["一等奖", "二等奖", "三等奖"]
    answer = answered(lexical_answerer(), "Who wins second prize in the national finals gets how much?", hits(sentence), "200万元 [1].")
    assert "100万元" in answer.text.split("The passage says")[0], answer.text


@pytest.mark.parametrize(
    ("question", "right"),
    [
        ("既有建筑节能改造后能耗下降10%至15%的，每平方米补贴多少？", "10元"),  # the figures of the condition pick the tier
        ("同时实现二、三级数据采集的单位奖励多少？", "10万元"),  # the condition stands before its own figure
        ("仅实现一级数据采集的单位奖励多少？", "5万元"),
    ],
)
def test_a_condition_before_a_figure_picks_that_figure(question, right):
    answerer = lexical_answerer()
    q = analyse(question)
    found = select(q, offers(answerer.scope(q, hits(TIERS, STAGES))))
    assert found is not None and [o.stated.removeprefix("给予一次性奖励") for o in found.offers] == [right], found


def test_figures_with_no_words_between_them_stay_look_alikes_not_the_first():
    answerer = lexical_answerer()
    sentence = "对注册时间在6－48个月内的留学人才创业企业，择优给予100万元、50万元、30万元的一次性创业资助。"
    q = analyse("注册时间在6－48个月内的留学人才创业企业，一次性创业资助是多少？")
    found = select(q, offers(answerer.scope(q, hits(sentence))))
    assert found is not None and len(found.offers) == 3, "nothing tells the three apart: a table, never the first"


def test_a_money_question_about_an_item_stated_without_an_amount_is_not_answered_with_a_neighbours_figure():
    text = (
        "3.支持平价蔬菜摊位建设。对每个平价蔬菜摊位根据销售情况进行补贴，补贴金额每月不超过5000元。"
        "5.应急保障机制。启动应急保障供应机制时，市场应加大平价蔬菜供应，保障市场运行平稳有序。"
    )
    answer = answered(lexical_answerer(), "启动应急保障供应机制时，对加大平价蔬菜供应的市场给予多少补贴？", hits(text), "给予5000元补贴 [1]。")
    assert not answer.verified, answer.text
    stated = answered(lexical_answerer(), "平价蔬菜摊位每月补贴多少？", hits(text), "每月不超过5000元 [1]。")
    assert stated.verified, stated.text


TIERED_PROJECTS = (
    "（一）市级项目。1、重大示范项目：经核定总投资3000万元以上，对本市服务业发展具有重要示范带动作用的项目，"
    "由市、区两级引导资金支持（市级支持金额原则上最高600万元）。2、重点项目：经核定总投资1000万元以上，"
    "区级配套资金支持比例最高为项目总投资的20%，由市、区两级引导资金支持（市级支持金额原则上最高300万元）。"
)


@pytest.mark.parametrize(
    ("question", "right"),
    [
        (
            "The guidance fund distinguishes major demonstration projects and key projects. "
            "For a key project, what is the city-level support ceiling in principle?",
            "300万元",
        ),
        (
            "The guidance fund distinguishes major demonstration projects and key projects. "
            "For a major demonstration project, what is the city-level support ceiling in principle?",
            "600万元",
        ),
        ("办法区分重大示范项目和重点项目。重点项目的市级支持金额原则上最高多少？", "300万元"),
    ],
)
def test_a_question_of_several_sentences_selects_by_its_asking_sentence(question, right):
    """The first sentence names both tiers; the last asks about one of them."""
    answerer = lexical_answerer()
    q = analyse(question)
    found = select(q, offers(answerer.scope(q, hits(TIERED_PROJECTS))))
    assert found is not None and [o.stated.removeprefix("最高") for o in found.offers] == [right], found


def test_a_figure_the_question_states_is_not_its_answer():
    """The question gives the rate and asks for the cap beside it: never the rate back."""
    text = "对列入市合同能源管理的节能项目，对用能单位按项目实施后节能量给予400元/吨标准煤奖励，单个项目奖励总额不超过20万元。"
    assert selected_figures("对列入市合同能源管理的节能项目按400元/吨标准煤奖励，上限多少？", text) == ["不超过20万元"]
    found = selected_figures("按节能量给予400元/吨标准煤奖励的合同能源管理项目，奖励上限是多少？", text)
    assert found is None or all("400" not in figure for figure in found), found


@pytest.mark.parametrize(
    ("question", "right"),
    [
        ("企业成功创建市级绿色工厂可获得多少补贴？", "25万元"),
        ("企业成功创建国家级绿色工厂可获得多少补贴？", "30万元"),
        ("How much does a company get for a city-level green factory?", "25万元"),
    ],
)
def test_a_provision_naming_only_another_level_is_no_answer(question, right):
    text = (
        "对成功创建国家级或市级的绿色园区、绿色工厂的企业予以补贴。其中成功创建国家级绿色园区、绿色工厂给予30万元的补贴，"
        "市级绿色园区、绿色工厂给予25万元的补贴，晋档补差。"
    )
    assert selected_figures(question, text) == [right]


@pytest.mark.parametrize(
    ("question", "right"),
    [
        ("瞒报特别重大事故的，每查实瞒报1人奖励多少？", "6万元"),
        ("瞒报重大事故的，每查实瞒报1人奖励多少？", "5万元"),
        ("What is the reward per concealed death for an especially serious accident?", "6万元"),
    ],
)
def test_the_grade_asked_selects_its_own_figure_not_the_cap_over_all_grades(question, right):
    text = (
        "涉及举报瞒报、谎报事故的，奖励金额按照事故等级和查实瞒报谎报死亡人数计算：一般事故按每查实瞒报1人奖励3万元计算;"
        "较大事故按每查实瞒报1人奖励4万元计算;重大事故按每查实瞒报1人奖励5万元计算;特别重大事故按每查实瞒报1人奖励6万元计算。"
        "最高奖励不超过30万元;"
    )
    assert selected_figures(question, text) == [right]


@pytest.mark.parametrize(
    ("question", "right"),
    [
        ("How much does a company receive for leading a newly approved national standard?", "50万元"),
        ("How much does a company receive for leading a newly approved industry standard?", "30万元"),
        ("How much is the reward for a provincial-level enterprise technology centre?", "30万元"),
        ("对新获批国家标准的牵头企业奖励多少？", "50万元"),
    ],
)
def test_national_names_a_standard_as_well_as_a_level_and_list_items_keep_their_whole_words(question, right):
    """ "national" is 国家级 and the 国家 of 国家标准; 新获批国际标准、国家标准 lists 国际标准, not 批国际标准."""
    text = (
        "对牵头制定并新获批国际标准、国家标准、行业标准的，当年分别给予企业100万元、50万元和30万元奖励；"
        "对初次认定为国家级和省级企业技术中心的，分别给予企业100万元和30万元奖励。"
    )
    sentence = text.split("；")[0]
    labels = list_labels(sentence, [sentence.index(f) for f in ("100万元", "50万元", "30万元")])
    assert [label for label, _ in labels] == ["国际标准", "国家标准", "行业标准"]
    assert selected_figures(question, text) == [right]


def test_national_in_an_english_question_is_a_level_asked_not_a_place_to_drop():
    text = "对新引进的国际级产业顶尖人才、国家级产业领军人才、省市级产业领军人才，分别给予200万元、150万元、100万元奖励补贴。"
    question = (
        "The city pays newly recruited industry leaders a reward graded by tier (international top talent, national-level "
        "leader, provincial or municipal leader). How much does a national-level industry leading talent receive?"
    )
    assert selected_figures(question, text) == ["150万元"]


def test_a_word_of_a_phrase_asked_is_no_second_thing_asked():
    """ "degree" of "a master's degree holder" is that phrase's 硕士, not a further word the provision must hold."""
    text = (
        "对企业新引进在本县无房的博士研究生、硕士研究生、全日制高校本科毕业生，三年内每人每月分别给予1000元、800元、500元租房补贴。"
        "对企业新引进的博士研究生、硕士研究生，分别给予每月3000元、2000元生活补助。"
    )
    question = (
        "The county gives newly recruited graduates with no home a monthly rent subsidy for three years, graded by "
        "degree. What is the monthly amount for a master's degree holder?"
    )
    assert selected_figures(question, text) == ["800元"]


@pytest.mark.parametrize(
    "question",
    [
        "If a firm buys or rents computing power itself (not through vouchers), what is the annual cap on support?",
        "除算力券外，企业购买或租用算力每年最高支持多少？",
    ],
)
def test_what_the_question_says_it_is_not_asking_is_no_candidate(question):
    text = (
        "对创新主体购买或租用算力，可给予不超过实际算力投入的30%的奖励支持，单个创新主体年度支持最高2000万元。"
        "为孵化器内创新主体提供算力券，单个创新主体年度最高不超过100万元。"
    )
    assert selected_figures(question, text) == ["不超过实际算力投入的30%、最高2000万元"]


def test_a_tier_bounded_on_the_other_side_of_the_asked_figure_is_not_the_answer():
    """ "the capacity above 800 kW": the tier 大于800千瓦, not the tier 不高于800千瓦 that holds 800 too."""
    text = (
        "对其他既有建筑光伏项目，投资奖励根据并网规模进行阶梯式累进计算：并网规模不低于10千瓦且不高于800千瓦（含800千瓦），"
        "奖励标准为800元/千瓦；并网规模大于800千瓦，对于超过800千瓦的部分，奖励标准为1200元/千瓦。"
        "对新建建筑光伏项目，当超出部分的并网规模大于10千瓦，奖励标准为800元/千瓦。"  # its rate is no "800 kW"
    )
    above = "For solar PV on existing buildings, what award rate applies to the grid-connected capacity above 800 kW?"
    assert selected_figures(above, text) == ["1200元/千瓦"]
    assert selected_figures("既有建筑光伏项目并网规模不高于800千瓦的，奖励标准是多少？", text) == ["800元/千瓦"]


FAMILIES = "对在本区购买新建商品住房的家庭，给予二孩家庭2万元、三孩家庭3万元的补贴。"


def test_a_figure_of_a_list_whose_items_the_question_does_not_name_is_no_verified_answer(answerer):
    """Asked in words naming no item ("a family with many children"), the claim of one item's figure is a
    silent pick: not bound. Naming the item binds it; a claim stating every item is the list itself."""
    q = analyse("How much does a large family get for buying a new home?")
    scope = answerer.scope(q, hits(FAMILIES))
    check = ground("2万元 [1].", scope, answerer.relevance)
    assert not check.verified and "names none" in check.problems[0]
    assert ground("2万元 and 3万元 [1].", scope, answerer.relevance).verified
    named = analyse("三孩家庭购房补贴多少？")
    assert ground("3万元 [1]。", answerer.scope(named, hits(FAMILIES)), answerer.relevance).verified


HOUSING_TABLE = (
    "1.经认定的高层次人才A类、B类、C类,给予相应购房补贴。\n人才类别/购房补贴(3年内新购房)\n"
    "A类/按房价总额的20%,最高不超过40万元\nB类/按房价总额的15%,最高不超过20万元\nC类/按房价总额的10%,最高不超过5万元\n"
)
RANKED = "对企业新引培汤逊湖A、B、C、D、E类人才的,分别按照每人20万元、5万元、3万元、2万元、1万元的标准给予企业奖励。"


def test_a_class_asked_in_either_language_is_a_term_and_found_where_the_classes_are_written_once():
    from assistant.answer.subject import subject_terms, term_in

    terms = {t.english: t for t in subject_terms(analyse("江夏区企业新引进一名汤逊湖D类人才,可获得多少企业奖励?"))}
    assert "D类" in terms and "一名" not in terms and "获得" not in terms
    assert term_in(terms["D类"], RANKED) and not term_in(terms["D类"], "对A、B类人才给予奖励")
    english = {t.english: t.chinese for t in subject_terms(analyse("What rent subsidy does a Class C talent get?"))}
    assert english.get("Class C", ())[:1] == ("C类",) and "class" not in english
    assert selected_figures("汤逊湖D类人才的企业奖励是多少？", RANKED) == ["2万元"]


def test_a_row_of_another_class_is_no_answer_for_the_class_asked(answerer):
    q = analyse("对B类高层次人才的购房补贴最高不超过多少？")
    scope = answerer.scope(q, hits(HOUSING_TABLE))
    wrong = ground("按房价总额的20%，最高不超过40万元 [1]。", scope, answerer.relevance)
    assert not wrong.verified and "class" in wrong.problems[0]
    assert ground("按房价总额的15%，最高不超过20万元 [1]。", scope, answerer.relevance).verified


NIGHTS = "对旅行社按以下标准给予奖励:入住星级饭店,住宿第一晚按40元/人奖励,住宿第二晚按60元/人奖励,住宿第三晚按80元/人奖励;"
GRADUATES = (
    "对在我区全职工作的A类、B类、C类高层次人才和博士研究生、硕士研究生、本科生,购买首套新建商品住房时,对A类、B类、C类人才,"
    "分别给予80万元、50万元、30万元安家补贴;对博士研究生、硕士研究生、本科生,分别给予20万元、10万元、5万元安家补贴。"
)


@pytest.mark.parametrize(
    ("question", "passage", "right"),
    [
        ("How much is a travel agency rewarded per tourist for the second night in a star-rated hotel?", NIGHTS, "60元"),
        ("旅行社组织游客住宿第三晚的奖励是多少？", NIGHTS, "80元"),
        ("对购买首套新建商品住房的硕士研究生给予多少安家补贴？", GRADUATES, "10万元"),
    ],
)
def test_the_list_item_the_question_names_wins_over_neighbours_whose_sentence_mentions_it(question, passage, right):
    assert [f.split("/")[0] for f in selected_figures(question, passage)] == [right]


def test_a_figure_whose_provision_holds_few_of_the_questions_words_is_at_most_quoted(answerer):
    """The sentence shares a word with the question (软件产品), but its provision is about something else: the
    answer is the passage's words for the reader to judge, never Verified."""
    centre = "对软件产品企业新建数据中心的，给予设备投资额10%、最高800万元补贴。"
    question = "软件产品首购首用奖励多少？"
    answer = answered(answerer, question, hits(centre, "鼓励首购。"), "最高800万元 [1]。")
    assert not answer.refused and answer.badge == "quoted", (answer.badge, answer.text)
    assert any("few of the question's words" in n for n in answer.notices)


def test_a_row_of_a_class_table_under_a_granting_header_states_its_share_and_its_cap(answerer):
    rows = answered(answerer, "对B类高层次人才的购房补贴比例是多少？", hits(HOUSING_TABLE), "15% [1]。")
    assert "15%" in rows.text and "20万元" in rows.text and rows.badge == "verified", rows.text


CAPITAL_TIERS = (
    "2、开办补助。根据实际到位注册资本金分档予以开办补助，实际到位注册资本金在10亿元及以上的，补助1000万元；10亿元以下、"
    "7亿元及以上的，补助800万元；7亿元以下、5亿元以上的，补助500万元；5亿元以下、2亿元及以上的，补助300万元。"
)
FUND_TIERS = (
    "1、属银行类的金融机构，按营运资金分档给予一次性补助，营运资金在2亿元及以上的，补助200万元；1亿元（含1亿元）至2亿元的，"
    "补助150万元；5000万元（含5000万元）至1亿元的，补助50万元。"
)
TAX_TIERS = "注：纳税总额不足5万元，可给予5万元创业资金扶持；纳税总额超过5万元，可给予10万元创业资金扶持；纳税总额超过10万元，可给予20万元创业资金扶持。"
OUTPUT_TIERS = "对年度规模以上工业总产值首次超过50亿元、30亿元、10亿元的企业，分别奖励100万元、50万元、20万元。"
INVESTMENT_TIERS = (
    "对企业实施信息化项目实际投资额在10万元以上至50万元以下、50万元以上至100万元以下、100万元以上至300万元以下、300万元以上，"
    "分别按项目实际完成信息化设备、软件购置投入总额的7%、8%、10%、12%给予补助。"
)


@pytest.mark.parametrize(
    ("question", "passage", "right"),
    [
        ("新引进的法人金融机构，实际到位注册资本金为8亿元，可获得多少开办补助？", CAPITAL_TIERS, "800万元"),
        ("银行类金融机构营运资金1.5亿元，一次性补助多少？", FUND_TIERS, "150万元"),
        ("纳税总额超过5万元但不超过10万元的项目，创业资金扶持多少？", TAX_TIERS, "10万元"),
        ("企业信息化项目实际投资额200万元，补助比例是多少？", INVESTMENT_TIERS, "10%"),
        ("年度工业总产值首次超过30亿元的企业奖励多少？", OUTPUT_TIERS, "50万元"),  # the narrowest band holding it
    ],
)
def test_a_value_the_question_states_selects_the_tier_whose_band_holds_it(question, passage, right):
    """No tier writes 8亿元 or 1.5亿元: the tier is the one whose range holds it ("10亿元以下、7亿元及以上的",
    "1亿元（含1亿元）至2亿元的"); the bounds of a range are its condition, never its grant."""
    assert selected_figures(question, passage) == [right]


def test_grades_like_4a_name_their_item():
    logistics = "物流企业被新评定为国家5A级、4A级、3A级（不含分支机构）的，分别给予50万元、40万元、30万元奖励。"
    english = "How much is a logistics company newly rated as a national 4A-level logistics enterprise awarded?"
    assert selected_figures(english, logistics) == ["40万元"]
    assert selected_figures("物流企业被评为国家3A级的奖励多少？", logistics) == ["30万元"]


def test_items_written_with_mixed_separators_before_their_recipients_are_three():
    standards = "对主导制订智能制造国际、国家和行业标准的企业、机构，分别给予100万元、50万元和20万元的补贴。"
    question = "What subsidy does an enterprise get that leads the drafting of an industry standard for intelligent manufacturing?"
    assert selected_figures(question, standards) == ["20万元"]
    assert selected_figures("主导制订国家标准的企业补贴多少？", standards) == ["50万元"]


def test_a_home_whose_floor_area_no_tier_writes_is_of_the_tier_whose_band_holds_it():
    by_area = (
        "建筑面积90平方米以下户型的,给予5000元/套补贴;建筑面积90平方米以上(含90平方米)至144平方米以下户型的,"
        "给予10000元/套补贴;建筑面积144平方米以上户型的,给予15000元/套补贴。"
    )
    assert selected_figures("What one-off subsidy per unit is paid for a newly built home of 120 square metres?", by_area) == ["10000元/套"]
    assert selected_figures("买一套160平方米的新建住房每套补贴多少？", by_area) == ["15000元/套"]
    assert selected_figures("买一套80㎡的新建住房每套补贴多少？", by_area) == ["5000元/套"]


def test_a_class_list_after_a_colon_with_half_width_semicolons_gives_each_class_its_figure():
    vouchers = (
        "符合条件的人才可申请人才房票,房票金额为:A类人才一事一议;B类人才150万元;C类人才120万元;D人才80万元;"
        "E类人才60万元,其中出站后全职留用的博士后75万元;F类人才30万元;G类人才10万元。"
    )
    assert selected_figures("对出站后全职留下工作的博士后,人才房票金额是多少?", vouchers) == ["75万元"]
    assert selected_figures("How large is the housing voucher for a Class F talent?", vouchers) == ["30万元"]


def test_a_buyer_without_local_hukou_is_asked_about_the_provision_for_those_without_it():
    purchase = (
        "对2022年以来的高校毕业的本市户籍居民,在本市购买家庭唯一住房的,按其所购房屋面积给予150元/平方米购房补贴,最高不超过2万元;"
        "对非本市户籍居民在本市购买家庭唯一住房的,按其所购房屋面积给予300元/平方米购房补贴,最高不超过4万元。"
    )
    question = "A buyer without local hukou buys a home as the family's only home. What is the most the purchase subsidy pays?"
    assert selected_figures(question, purchase) == ["300元/平方米、最高不超过4万元"]  # the rate with its total


def test_a_person_of_a_class_the_catalogue_defines_is_paid_that_classs_figure():
    catalogue = (
        "3.E类人才:具有正高级专业技术职务任职资格人员;博士研究生;潮乡特支I类人才。\n"
        "4.F类人才:具有副高级专业技术职务任职资格人员;硕士研究生;潮乡特支II类人才。\n"
        "5.G类人才:全日制普通高校本科毕业生;潮乡特支III类人才。"
    )
    amounts = "符合条件的人才可申请人才房票,房票金额为:E类人才60万元;F类人才30万元;G类人才10万元。"
    question = "How large is the talent housing voucher for someone holding a master's degree?"
    assert selected_figures(question, catalogue, amounts) == ["30万元"]
    assert selected_figures("全日制本科毕业生的人才房票金额是多少?", catalogue, amounts) == ["10万元"]


def test_a_range_whose_first_end_borrows_the_second_ends_unit_bands_the_tier():
    relocation = (
        "对搬迁落户我县的机械制造龙头项目,搬迁费用超过50万元的,按搬迁费用给予生产设备搬迁费用扶持,其中:\n\n"
        "50(含50)-100万元的给予20万元扶持;\n\n100(含100)-200万元的给予40万元扶持;\n\n200(含200)-300万元的给予80万元扶持;"
    )
    question = "A machinery project spends RMB 1.5 million moving its equipment into the county. How much relocation support does it get?"
    assert selected_figures(question, relocation) == ["40万元"]
