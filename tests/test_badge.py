"""The badge means what it says (assistant/answer/badge.py): Verified only when every figure and fact is bound
to a provision or to a sentence sharing the question's subject words; the repair's quote is at most Quoted;
a quote about something else, or an English question about a subject the documents never mention, is a
refusal. Synthetic passages; the embeddings rate every sentence alike, so dense similarity cannot save
an answer here: the lexical tests must."""

from __future__ import annotations

import pytest

from assistant.answer import Answer
from assistant.answer.ground import ground
from assistant.answer.question import analyse
from assistant.answer.repair import extractive_answer
from assistant.api.chat import assistant_extras
from assistant.search.hybrid import NO_FILTER
from assistant.web.handlers import answer_markdown
from tests.lexical import answered, hits, lexical_answerer

SPECIALISED = "对首次认定的国家级、省级专精特新企业，分别给予一次性奖励80万元、50万元。"
DATA_CENTRE = "对新建数据中心的企业，给予设备投资额10%、最高800万元补贴。"
VOUCHER = "发放算力券，对租用智能算力的企业给予租赁费用最高30%的补贴。"
TALENT = "对引进的高层次人才团队，给予最高100万元奖励。"
OPEN_SOURCE = "会议要求完善开源机制，建设开源社区。会议强调夯实产业基础。"


@pytest.fixture(scope="module")
def answerer():
    return lexical_answerer()




def test_an_english_question_about_a_subject_no_document_mentions_is_refused_not_verified(answerer):
    q = analyse("What tax relief does the plan give to AI companies?")
    scope = answerer.scope(q, hits(DATA_CENTRE, VOUCHER))
    assert answerer.refusal_before(q, scope, NO_FILTER) is not None, "refused by evidence before the model"
    answer = answered(answerer, q.text, hits(DATA_CENTRE, VOUCHER), "Up to 10% [1].")
    assert not answer.verified and answer.badge != "verified"


def test_an_english_question_about_equipment_never_mentioned_is_not_answered_with_a_voucher_sentence(answerer):
    q = analyse("What subsidy is given for buying robotic arms?")
    scope = answerer.scope(q, hits(VOUCHER, TALENT))
    assert answerer.refusal_before(q, scope, NO_FILTER) is not None
    retold = answered(answerer, q.text, hits(VOUCHER, TALENT), "Robotic arm purchases get up to 30% [1].")
    assert not retold.verified
    present = analyse("What share of the rent for intelligent computing power is subsidised?")
    assert answerer.refusal_before(present, answerer.scope(present, hits(VOUCHER, TALENT)), NO_FILTER) is None


def test_the_repairs_quote_is_at_most_quoted_never_verified(answerer):
    answer = answered(answerer, "会议对开源社区提出了什么要求？", hits(OPEN_SOURCE, TALENT), "会议要求建设100个开源社区 [1]。")
    assert not answer.refused and "“会议要求完善开源机制，建设开源社区”" in answer.text
    data = answer.as_dict()
    assert answer.badge == data["badge"] == "quoted" and not answer.verified and data["verified"] is False


def test_a_quote_sharing_no_subject_word_with_the_question_is_a_refusal(answerer):
    q = analyse("What does the plan give for hiring foreign language teachers?")
    scope = answerer.scope(q, hits(DATA_CENTRE, TALENT))
    assert extractive_answer(scope, answerer.relevance) is None
    answer = answered(answerer, q.text, hits(DATA_CENTRE, TALENT), "Up to 800万元 [1].")
    assert answer.refused and answer.badge == "not_found"


def test_a_wrong_figure_stated_before_a_right_quote_is_not_verified(answerer):
    q = analyse("首次认定的国家级专精特新企业奖励多少？")
    draft = "50万元 [1]。原文：“对首次认定的国家级、省级专精特新企业，分别给予一次性奖励80万元、50万元” [1]。"
    check = ground(draft, answerer.scope(q, hits(SPECIALISED)), answerer.relevance)
    assert not check.verified and "50万元" in check.problems[0]
    answer = answered(answerer, q.text, hits(SPECIALISED), draft)
    claim = answer.text.split("原文")[0]
    assert "80万元" in claim and "50万元" not in claim, "fixed, or dropped"


def test_the_badge_reaches_the_json_the_api_and_the_page(answerer):
    quoted = answered(answerer, "会议对开源社区提出了什么要求？", hits(OPEN_SOURCE), "会议要求建设100个开源社区 [1]。")
    assert assistant_extras(quoted)["verification"]["badge"] == "quoted"
    assert "Quoted" in answer_markdown(quoted) and "badge-quoted" in answer_markdown(quoted)
    verified = answered(answerer, "引进高层次人才团队最高奖励多少？", hits(TALENT), "最高100万元奖励 [1]。")
    assert verified.verified and assistant_extras(verified)["verification"]["badge"] == "verified"
    refused = Answer("Q?", "Q?", "The indexed documents don't say.", True, hits(TALENT))
    assert refused.as_dict()["badge"] == "not_found" and "Not found" in answer_markdown(refused)


def test_a_money_question_answered_without_an_amount_is_not_verified(answerer):
    """A true sentence that states no amount does not answer "how much": never Verified."""
    title = "北京市经济和信息化局近日印发《北京市人工智能赋能新型工业化行动方案》。"
    q = analyse("北京对算力的补贴上限是多少？")
    check = ground("北京市经济和信息化局印发了行动方案 [1]。", answerer.scope(q, hits(title, VOUCHER)), answerer.relevance)
    assert not check.verified and "states no amount" in check.problems[-1]
    answer = answered(answerer, q.text, hits(title, VOUCHER), "北京市经济和信息化局印发了行动方案 [1]。")
    assert answer.badge != "verified"


def test_a_figure_asked_in_hours_is_no_money_question_and_its_figure_is_verified(answerer):
    hours = "单个项目可享受奖励电量折合发电小时数上限按6050小时计算。"
    question = "What is the cap on rewarded electricity per project, expressed in generation hours?"
    assert analyse(question).kind == "figure" and analyse("奉贤新城规划面积有多少平方公里？").kind == "figure"
    assert analyse("What is the cap on the reward per kWh?").kind == "money"
    assert analyse("Until what date can employers claim the one-off job-expansion subsidy?").kind == "figure"
    assert analyse("沈阳一次性扩岗补助什么时候截止?").kind == "figure", "a date, though a subsidy is named"
    assert analyse("When does Beijing pay the subsidy, and how much is it?").kind == "money"
    assert analyse("济源对新获评4A级旅游景区的一次性奖补是多少?").kind == "money", "奖补 is a grant"
    answer = answered(answerer, question, hits(hours, TALENT), "The cap is 6050 hours [1].")
    assert not answer.refused and answer.verified and "6050" in answer.text


def test_a_question_quoting_its_documents_title_is_judged_on_what_it_asks(answerer):
    from assistant.answer.question import naming

    title = "某区关于支持西岸人工智能大模型科创街区的扶持意见"
    header = "西岸人工智能大模型科创街区扶持意见提出，对街区内大模型企业的产品和服务，每年给予最高1000万元扶持。"
    buying = "采购非关联企业产品的，给予采购方不超过300万元的年度补贴。"
    question = "西岸人工智能大模型科创街区扶持意见里，企业采购非关联企业的大模型产品和服务，采购方每年最多能补多少？"
    draft = "采购方每年最多能补300万元 [2]。"
    quoting = analyse(question)  # the title's words make the header outrank the sentence that answers
    assert not ground(draft, answerer.scope(quoting, hits(header, buying)), answerer.relevance).verified
    q = naming(quoting, [title])
    assert "科创街区" not in q.about and q.text == question
    check = ground(draft, answerer.scope(q, hits(header, buying)), answerer.relevance)
    assert check.verified, check.problems


def test_how_often_is_answered_by_the_sentence_that_says_how_often(answerer):
    question = "多久面向社会公开发布一次应用场景需求榜单？"
    general = "常态化面向社会公开发布应用场景需求榜单，吸引各类企业参与。"
    often = "原则上每半年发布一次榜单，特殊情况可适当调整。"
    answer = answered(answerer, question, hits(general, often), "每年6月和12月发布一次 [1]。")
    assert not answer.refused and "每半年" in answer.text and answer.badge == "quoted"


def test_an_english_question_naming_a_thing_its_documents_never_mention_is_at_most_quoted():
    """ "a settling-in allowance for a youth who holds a doctoral degree": the document pays a settling-in bonus,
    but never mentions a doctorate; its figure is the source's words to judge, not a Verified answer."""
    from types import SimpleNamespace

    text = "在天河区依法登记注册的港澳青年企业，给予一次性10万元的落户奖金支持。"
    answerer = lexical_answerer()
    answerer.funding = SimpleNamespace(document=lambda source: SimpleNamespace(text=text, chunks=[(0, len(text), 0, 0)]))
    draft = "10万元 [1]."
    answer = answered(answerer, "What one-off settling-in allowance is paid to a youth who holds a doctoral degree?", hits(text), draft)
    assert not answer.refused and answer.badge == "quoted" and not answer.verified
    assert any("doctoral degree" in n for n in answer.notices)
    plain = answered(answerer, "What one-off settling-in bonus is paid to a youth enterprise?", hits(text), draft)
    assert plain.badge == "verified"


def test_the_repair_does_not_join_a_previous_sentence_that_states_figures_of_its_own(answerer):
    """The check wants a quote's figures in one sentence: "…可叠加补贴比例至60%。单家企业每年申领算力券金额不超过800万元"
    joined would fail it and turn a right quote into a refusal."""
    text = "如另行申请杭州算力券，可叠加补贴比例至60%或30%。单家企业每年申领杭州算力券金额不超过800万元，大模型企业可以放宽申领上限。"
    q = analyse("另行申请杭州算力券、叠加补贴的单家企业，每年申领金额最多多少？")
    quoted = extractive_answer(answerer.scope(q, hits(text)), answerer.relevance, "5000万元 [1]。")
    assert quoted is not None and "800万元" in quoted and "60%" not in quoted


def test_a_draft_that_states_no_number_or_date_asked_for_is_no_answer(answerer):
    """The fact path found no number stored; the model wrote "…is [1]." with none: that is a refusal, never Verified."""
    text = "为推动德城区房地产业平稳健康发展，特制定如下措施。"
    answer = answered(answerer, "What is the document number of Decheng District's real-estate measures?", hits(text),
                      "The document number of Decheng District's real-estate measures is [1].")
    assert answer.refused and answer.badge == "not_found"
    dated = answered(answerer, "When do Decheng's measures take effect?", hits(text + "本措施自2024年7月1日起施行。"),
                     "They take effect on 2024年7月1日 [1].")
    assert not dated.refused


def test_look_alike_figures_for_a_thing_the_documents_never_mention_are_a_refusal():
    """ "overseas warehouses for cross-border e-commerce": the document rewards cross-border e-commerce firms by
    level, a list none of whose items the question names, and never mentions an overseas warehouse."""
    from types import SimpleNamespace

    text = "支持企业跨境电商应用。新获国家级、省级、市级跨境电子商务重点企业荣誉的，分别奖励运营主体10万元、5万元、2万元。"
    answerer = lexical_answerer()
    answerer.funding = SimpleNamespace(document=lambda source: SimpleNamespace(text=text, chunks=[(0, len(text), 0, 0)]))
    asked = "What is the maximum grant for building overseas warehouses for cross-border e-commerce?"
    answer = answered(answerer, asked, hits(text), "Up to 10万元 [1].")
    assert answer.refused and answer.badge == "not_found"
    assert any("overseas warehouses" in n for n in answer.notices)
    level = answered(answerer, "What reward does a provincial-level cross-border e-commerce key enterprise get?", hits(text), "5万元 [1].")
    assert not level.refused and "5万元" in level.text


@pytest.mark.parametrize(
    ("asked", "missing"),
    [
        ("对退役军人在县城区购买新建商品住房给予多少购房补贴？", "退役军人"),  # a Chinese word of the question
        ("How much is given to a newly recognised blockchain enterprise for buying a new home?", "blockchain"),
    ],
)
def test_look_alike_rows_when_the_one_word_that_would_pick_a_row_is_nowhere_in_the_documents_are_a_refusal(asked, missing):
    """Both rows hold the question's housing words alike; the word it would pick its row by (退役军人, 区块链) is in
    no chunk of the document, so no row is about what was asked."""
    from types import SimpleNamespace

    text = "全日制硕士在县城区购买新建商品住房的,给予300元/平方米购房补贴;全日制本科在县城区购买新建商品住房的,给予150元/平方米购房补贴。"
    answerer = lexical_answerer()
    answerer.funding = SimpleNamespace(document=lambda source: SimpleNamespace(text=text, chunks=[(0, len(text), 0, 0)]))
    answer = answered(answerer, asked, hits(text), "300元/平方米 [1]。")
    assert answer.refused and answer.badge == "not_found", answer.text
    assert any(missing in n for n in answer.notices), answer.notices
    held = answered(answerer, "全日制硕士在县城区购买新建商品住房每平方米补贴多少？", hits(text), "300元/平方米 [1]。")
    assert not held.refused and "300元" in held.text, "每平方米 is what a figure is per, not a thing the text must name"


def test_a_word_whose_parts_the_document_holds_is_a_paraphrase_not_a_missing_thing():
    from assistant.answer.guard import unmentioned_names

    document = ["对外贸出口企业,按总出口额给予0.02元/美元扶持。"]
    assert unmentioned_names(analyse("外贸企业按出口额每美元扶持多少？"), document) == [], "外贸 and 企业 are both there"
    assert [t.english for t in unmentioned_names(analyse("退役军人出口每美元扶持多少？"), document)] == ["退役军人"]
