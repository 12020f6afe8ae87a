"""Ways policy text states its figures that a question must be matched to, each seen in real local measures:
labels after their figures, items that are figures or levels, tiers by a list of bounds, a place naming an item,
a floor granted to every item, and the kind of figure a question asks for. Synthetic passages with the forms of
the real ones; the embeddings rate every sentence alike, so nothing here rests on dense similarity."""

from __future__ import annotations

import pytest

from assistant.answer.figure_kind import AMOUNT, RATE, SHARE, kind_asked
from assistant.answer.lists import list_labels
from assistant.answer.localities import localities
from assistant.answer.offers import offers, the_total_cap
from assistant.answer.question import analyse
from assistant.funding.extract import extract_provisions
from assistant.text.numbers import find_figures
from tests.lexical import answered, hits, lexical_answerer
from tests.test_provisions import selected_figures

ALLOWANCE = "沈阳市对沈阳户籍在沈首次就业普通高校应届毕业生分别按照每人每年3万元(博士)、1.44万元(硕士)、0.72万元(本科)、0.36万元(专科)的标准发放生活补贴。"
TOUR_GROUPS = "济源市对组织大型团队引客入济的旅行社给予奖励。一次性组织不少于300人、600人的大型团队,分别给予地接社1万元、3万元奖补。"
BRANDS = "潜江市支持品牌创建。对获评中华老字号、湖北老字号的企业,分别给予50万元、10万元奖励。"
BASES = "沈阳市对获批国家、省青年就业见习示范基地的单位,分别按规定给予10万元、5万元一次性奖补。"
CONTRIBUTION = "广元市对年度财力贡献超过3000万元、2000万元、1000万元、500万元的建筑业企业,分别由企业所在地县(区)财政给予30万元、20万元、10万元、5万元资金奖补。"
LAND = (
    "射洪市助力房地产新项目开工建设,对新拍卖的商业、居住用地项目给予奖励。奖励资金按照以下标准发放:项目土地规模低于50亩(含50亩)的给予10万元奖励,"
    "项目土地规模高于50亩低于100亩(含100亩)的给予20万元奖励,项目土地规模高于100亩的给予30万元奖励。"
)
SALES = "射洪市给予房企资金奖励:累计达到5000(含)至8000(不含)平方米的奖励20万元,8000(含)至10000(不含)平方米的奖励30万元,10000(含)平方米以上的奖励50万元。"
EVENTS = "武汉市经评估认定为重大体育赛事的项目分级(国际性、全国性、省级)分别给予不少于500万元、300万元、100万元奖励。"
INSTALMENTS = "德阳市对新增规模以上工业企业,分三年共给予60万元奖励,第一年给予30万元,第二年给予20万元,第三年给予10万元。"
HOUSING = (
    "淮安市对大专以上学历人才,没有自有住房的,可按照住房保障相关政策申请共有产权房、保障性租赁住房或公租房租赁补贴,"
    "申请共有产权房保障的,可在政府出资份额最高为保障标准50%的条件下,与政府按份共有产权。"
)


def labels_of(sentence: str) -> list[str]:
    positions = [f.start for f in find_figures(sentence) if f.kind == "amount"]
    return [label for label, _ in filter(None, list_labels(sentence, positions[-4:] if "财力" in sentence else positions))]


def test_items_named_in_brackets_after_their_figures_get_their_own_figures():
    assert labels_of(ALLOWANCE) == ["博士", "硕士", "本科", "专科"]
    assert [p.cap_text for p in extract_provisions(ALLOWANCE)] == ["3万元", "1.44万元", "0.72万元", "0.36万元"], (
        "the first figures stand far from the grant word, but one list has one role"
    )
    assert selected_figures("沈阳对首次就业的硕士毕业生每年发放多少生活补贴？", ALLOWANCE) == ["1.44万元"]
    assert selected_figures(
        "How much living allowance per year does Shenyang give a master's graduate in a first job?", ALLOWANCE
    ) == ["1.44万元"]


def test_items_that_are_figures_are_named_by_the_figure_the_question_states():
    assert labels_of(TOUR_GROUPS) == ["300人", "600人"]
    question = "In Jiyuan, how much does the ground-handling travel agency receive for a tour group of at least 600 people?"
    assert selected_figures(question, TOUR_GROUPS) == ["3万元"]
    answer = answered(lexical_answerer(), question, hits(TOUR_GROUPS), "The agency receives 3万元 [1].")
    assert answer.verified and "3万元" in answer.text, answer.problems


def test_a_place_the_question_names_picks_the_item_it_names():
    asked = "Under Qianjiang's (Hubei) measures, how much is the award for a Hubei time-honoured brand (湖北老字号)?"
    assert selected_figures(asked, BRANDS) == ["10万元"]
    assert selected_figures("潜江对获评老字号的企业奖励多少？", BRANDS) == ["50万元", "10万元"], "no place, no pick"


def test_levels_written_once_before_a_shared_base_are_each_an_item():
    assert labels_of(BASES) == ["国家级", "省级"]
    assert selected_figures("沈阳市对获批国家青年就业见习示范基地的单位给予多少一次性奖补？", BASES) == ["10万元"]
    assert selected_figures("沈阳市对省级青年就业见习示范基地奖补多少？", BASES) == ["5万元"]


def test_a_sum_then_its_parts_each_part_named_by_its_own_words():
    assert labels_of(INSTALMENTS) == ["第一年", "第二年", "第三年"], "the sum is no item of the run after it"
    asked = "In Deyang, how much is paid in the second year of the three-year reward for a newly added industrial enterprise?"
    assert selected_figures(asked, INSTALMENTS) == ["20万元"], "'three-year' is every part's, not the sum's alone"
    assert selected_figures("德阳市对新增规模以上工业企业分三年共给予多少奖励？", INSTALMENTS) == ["60万元"]


def test_a_list_of_bounds_is_the_tiers_condition_and_a_value_between_two_picks_the_lower_bounds_tier():
    assert [p.cap_text for p in extract_provisions(CONTRIBUTION)] == ["30万元", "20万元", "10万元", "5万元"]
    asked = "In Guangyuan, a construction company's annual fiscal contribution is RMB 25 million. How much is its reward?"
    assert selected_figures(asked, CONTRIBUTION) == ["20万元"]


@pytest.mark.parametrize(
    ("question", "passage", "right"),
    [
        ("In Shehong, how much is the reward for a project whose land area is above 50 mu but no more than 100 mu?", LAND, "20万元"),
        ("射洪市房地产项目累计销售9000平方米,房企可获得多少奖励?", SALES, "30万元"),
    ],
)
def test_tiers_by_land_in_mu_and_by_bounds_noted_in_brackets_before_their_measure(question, passage, right):
    assert selected_figures(question, passage) == [right]


def test_a_floor_granted_to_every_item_is_a_grant_not_a_bound():
    assert [p.cap_text for p in extract_provisions(EVENTS)] == ["500万元", "300万元", "100万元"]
    assert selected_figures("How much does Wuhan award for a sports event assessed as a major national (全国性) event?", EVENTS) == ["300万元"]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("公租房租赁补贴每月标准是多少元?", AMOUNT),
        ("对所缴契税按多大比例给予补贴?", SHARE),
        ("What percentage of the booth fee is covered?", SHARE),
        ("What mortgage interest subsidy rate does the city pay?", RATE),
        ("按一定比例给予补贴的最高金额是多少?", ""),
        ("按投资额的多少比例补贴，最高多少元?", ""),
    ],
)
def test_the_kind_of_figure_a_question_asks_for(question, kind):
    assert kind_asked(question) == kind


def test_a_share_is_no_answer_to_a_question_asking_yuan():
    answerer = lexical_answerer()
    question = "淮安市对符合条件人才发放的公租房租赁补贴每月标准是多少元?"
    assert selected_figures(question, HOUSING) is None
    answer = answered(answerer, question, hits(HOUSING), "政府出资份额最高为保障标准50% [1]。")
    assert answer.refused and answer.badge == "not_found", answer.text
    assert any("amount in yuan" in notice for notice in answer.notices)


def test_a_places_name_is_taken_out_before_the_question_is_cut_into_words():
    """ "荣昌区多子女家庭…哪段时间": jieba would cut 荣昌/区多/子女, and 区多 and 段时间 are no subject of the documents."""
    from assistant.answer.question import analyse
    from assistant.answer.subject import subject_terms

    terms = [t.english for t in subject_terms(analyse("荣昌区多子女家庭购房补贴适用于哪段时间内的购房?"))]
    assert terms == ["子女", "家庭", "购房", "适用"]


LISTING = "武汉市对我市在沪深北交易所新上市的企业,分阶段给予最高不超过800万元奖励。"
FAIR = "济源市举办房地产银企对接活动、房地产交易会等,提振房地产消费信心,全年房地产投资达到33.5亿元。"
APPLIANCES = "潜江市财政每年安排专项资金支持家电、家居企业促销,按活动期间销售发票金额给予2%奖励,每年补贴最高可达50万元。组织发放消费券。"


@pytest.mark.parametrize(
    ("question", "passage", "draft"),
    [
        ("How many companies does Wuhan aim to get listed on stock exchanges in 2023?", LISTING, "Up to 800万元 [1]."),
        ("济源示范区多久举办一次房地产交易会?", FAIR, "济源举办房地产交易会 [1]。"),
    ],
)
def test_an_answer_stating_no_figure_of_the_kind_asked_is_a_refusal(question, passage, draft):
    """A count asked and a reward given, how often asked and no frequency stated: not an answer, whatever its badge."""
    answer = answered(lexical_answerer(), question, hits(passage), draft)
    assert answer.refused and answer.badge == "not_found", answer.text
    assert any("the passages found state nothing of that kind" in notice for notice in answer.notices)


def test_a_chinese_term_an_english_question_writes_out_and_the_documents_lack_is_never_answered():
    """The question writes the thing out (家电消费券); the document pays appliance promotions and issues vouchers,
    never appliance vouchers: its figure is about something else."""
    from types import SimpleNamespace

    answerer = lexical_answerer()
    whole = SimpleNamespace(text=APPLIANCES, chunks=[(0, len(APPLIANCES), 0, 0)])
    answerer.funding = SimpleNamespace(document=lambda source: whole)
    question = "What is the total value of the home-appliance consumption vouchers (家电消费券) that Qianjiang issues?"
    answer = answered(answerer, question, hits(APPLIANCES), "Vouchers worth up to 50万元 [1].")
    assert answer.refused, answer.text
    assert any("家电消费券" in notice for notice in answer.notices)


GRADUATES = "临湘市对首次来临就业的劳动者,在临购买首套自住房的,按全日制硕士研究生3万元、本科毕业生2万元、大专毕业生1.2万元的标准给予一次性购房补贴。"
TALENTS = "桃源县对全县机关事业单位新引进且在县内购买首套新建住宅的高层次人才,发放购房补贴:博士研究生或正高职称专家6万元,硕士研究生或副高职称专家4万元。"


@pytest.mark.parametrize(
    ("question", "passage", "right"),
    [
        ("临湘市对首次来临就业、购买首套自住房的大专毕业生给予多少一次性购房补贴?", GRADUATES, "1.2万元"),
        ("桃源县对全县机关事业单位新引进、并在县内购买首套新建住宅的硕士研究生(或副高职称专家),发放多少购房补贴?", TALENTS, "4万元"),
        ("How much home-purchase subsidy does Taoyuan County give a newly recruited doctoral graduate?", TALENTS, "6万元"),
    ],
)
def test_items_named_before_their_figures_in_one_clause_each_get_their_own_figure(question, passage, right):
    """No 分别: the names stand before the figures, the words before the first name and after the last figure are
    every item's, and an item never holds its neighbour's name."""
    assert selected_figures(question, passage) == [right]


STAY_BONUS = "平江县对春节期间在县内规上企业一线岗位坚持工作的外地员工给予专项补贴,补贴标准为每人每天80元,每人最高不超过400元,由企业代为申报。"
OUTPUT = "醴陵市对一季度工业总产值同比增长10%以上的制造业企业,产值每同比增长1000万元奖励1万元,每家企业最高奖励30万元。"
BASE_AND_SHARE = "对在本地入统的建筑企业,年度总产值达到上年的,即享受3万元奖励,并且按照总产值增量的0.5%再行奖励,每家企业合计最高不超过20万元。"
TWO_MEASURES = "对入驻的企业给予5万元补助；对新认定的企业最高奖励20万元。"


@pytest.mark.parametrize(
    ("question", "passage", "cap"),
    [
        ("平江县春节期间坚持在一线岗位工作的外地员工,每人最多能拿多少专项补贴?", STAY_BONUS, "最高不超过400元"),
        ("What is the most a manufacturer in Liling can receive for growing its first-quarter output?", OUTPUT, "最高奖励30万元"),
        ("本地入统的建筑企业年度总产值增加的奖励,每家企业合计最多多少?", BASE_AND_SHARE, "最高不超过20万元"),
    ],
)
def test_asked_the_most_a_rate_or_base_award_gives_way_to_the_cap_on_the_total(question, passage, cap):
    figures = selected_figures(question, passage)
    assert figures is not None and len(figures) == 1 and figures[0].endswith(cap), figures


def test_a_cap_of_another_measure_does_not_bound_the_figure_before_it():
    answerer = lexical_answerer()
    q = analyse("入驻企业和新认定企业最多能拿多少?")
    found = offers(answerer.scope(q, hits(TWO_MEASURES)))
    assert len(found) == 2 and the_total_cap(q.about, found) == found


TOWNS = (
    "1.自2025年1月1日起至2025年6月30日,符合生育政策的二孩家庭在东城街道、西城街道购买新建商品住房的给予300元/平方米购房补贴,"
    "在南湖镇购买新建商品住房的给予200元/平方米购房补贴,在北山镇购买新建商品住房的给予150元/平方米购房补贴。"
)
TOWNS_LATER = "2.自2025年1月1日起至2025年6月30日,符合生育政策的三孩家庭在东城街道、西城街道购买新建商品住房的给予360元/平方米购房补贴,在南湖镇购买新建商品住房的给予260元/平方米购房补贴。"


def test_a_town_the_question_names_picks_the_item_for_that_town():
    question = "符合生育政策的二孩家庭,在2025年1月1日至2025年6月30日期间于南湖镇购买新建商品住房的,每平方米给予多少购房补贴?"
    assert selected_figures(question, TOWNS, TOWNS_LATER) == ["200元/平方米"]
    assert selected_figures("二孩家庭在东城街道购买新建商品住房每平方米补贴多少?", TOWNS) == ["300元/平方米"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("在邓埠街道、龙岗街道购买", {"邓埠", "龙岗"}),
        ("于和平镇购买新建商品住房", {"和平"}),
        ("全县各乡镇、城镇居民", set()),
    ],
)
def test_towns_and_subdistricts_are_read_from_the_text_and_words_like_乡镇_are_none(text, names):
    assert localities(text) == names
