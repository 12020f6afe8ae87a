"""Which department leads a measure: from the note after the item the question's words select, not the model."""

from __future__ import annotations

from assistant.answer.question import analyse
from assistant.answer.units import lead_answer
from tests.lexical import hits, lexical_answerer

PLAN = (
    "济源示范区 12.对旅行社继续实施100%暂退旅游服务质量保证金政策。(责任单位:示范区文化广电和旅游局) "
    "13.对4A级及以上旅游景区在2022年6月—2023年3月期间新增、展期、延期贷款产生的利息,按年化利率2%给予贴息。"
    "(牵头单位:示范区文化广电和旅游局,责任单位:示范区财政金融局)"
)


def led(question: str, passage: str = PLAN) -> str | None:
    q = analyse(question)
    found = lead_answer(q, lexical_answerer().scope(q, hits(passage)))
    return None if found is None else found[0]


def test_the_lead_unit_of_the_measure_the_question_names_is_stated_with_the_note_quoted_as_written():
    text = led("济源示范区对4A级旅游景区新增、展期贷款的利息贴息,这项措施的牵头单位是哪个部门?")
    assert text is not None and text.startswith("牵头单位：示范区文化广电和旅游局 [1]")
    assert "(牵头单位:示范区文化广电和旅游局,责任单位:示范区财政金融局)" in text, "the note is quoted verbatim"
    english = led("Which department leads Jiyuan's measure on interest discounts for loans of 4A scenic spots?")
    assert english is not None and english.startswith("The lead unit: 示范区文化广电和旅游局 [1]")
    responsible = led("济源示范区对旅游景区贷款贴息的责任单位是哪个?")
    assert responsible is not None and responsible.startswith("责任单位：示范区财政金融局")


def test_no_item_selected_clearly_or_no_lead_asked_leaves_the_answer_to_the_pipeline():
    assert led("济源示范区哪个部门牵头?") is None, "no measure named: nothing to select"
    assert led("济源示范区对4A级旅游景区贷款贴息的年化利率是多少?") is None, "not a question about who leads"


def test_the_answer_is_shown_verified_and_citing_its_passage():
    answerer, question = lexical_answerer(), "济源对4A级旅游景区贷款利息贴息由哪个部门牵头?"
    q = analyse(question)
    answer = answerer.led(question, q, answerer.scope(q, hits(PLAN)), [])
    assert answer is not None and answer.badge == "verified" and answer.cited == [1], answer
    assert answer.text.startswith("牵头单位：示范区文化广电和旅游局 [1]")


def test_a_note_of_who_leads_is_no_content_unless_who_leads_is_asked():
    from assistant.answer.units import is_note

    note = "(牵头单位:示范区发展改革和统计局,责任单位:示范区市场监督管理局、工业和科技创新委员会)"
    assert is_note(note, "新增多少家规模以上企业") and is_note(f"{note}。", "new large enterprises")
    assert not is_note(note, "分别由哪个部门牵头"), "a comparison of who leads needs the notes"
    assert not is_note("确保全年新增规上企业40户。(责任单位:市工信局)", "新增多少家规上企业")
