"""Figures in English and Chinese policy text: normalisation, matching, and amounts with qualifiers."""

from __future__ import annotations

from decimal import Decimal

import cn2an
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assistant.text.numbers import (
    Figure,
    extract_amounts,
    figure_supported,
    figures_match,
    find_figures,
    unsupported_figures,
)


def only_figure(text: str) -> Figure:
    figures = find_figures(text)
    assert len(figures) == 1, f"{text!r} -> {figures}"
    return figures[0]


@pytest.mark.parametrize(
    ("forms", "value", "kind"),
    [
        (
            [
                "RMB 30 million",
                "30 million yuan",
                "3000万元",
                "3000 万元",
                "三千万元",
                "人民币3000万元",
                "¥30,000,000",
                "CNY 30m",
                "RMB30 million",
                "3000余万元",
                "叁仟万元",
            ],
            30_000_000,
            "amount",
        ),
        (["30,000,000", "3千万", "30 million", "thirty million", "3000万"], 30_000_000, "count"),
        (["1.5 billion", "15亿", "十五亿", "1,500,000,000"], 1_500_000_000, "count"),
        (["1.5亿", "一点五亿", "150 million"], 150_000_000, "count"),
        (["1.5万亿元", "RMB 1.5 trillion"], 1_500_000_000_000, "amount"),
        (["一亿二千万元", "1亿2000万元", "1.2亿元", "RMB 120 million"], 120_000_000, "amount"),
        (["16", "十六", "sixteen"], 16, "count"),
        (["four", "4"], 4, "count"),
        (["twenty-five", "二十五", "25"], 25, "count"),
        (["one hundred and twenty", "一百二十"], 120, "count"),
        (["一万二", "12,000"], 12_000, "count"),
        (["20%", "20 percent", "20 per cent", "百分之二十", "20％"], 20, "percent"),
        (["百分之百", "100%"], 100, "percent"),
        (["2025年", "2025", "二〇二五年"], 2025, "year"),
        (
            ["2025年3月5日", "2025-03-05", "2025/3/5", "March 5, 2025", "5 March 2025", "二〇二五年三月五日"],
            20250305,
            "date",
        ),
        (["2025年3月", "March 2025"], 20250300, "date"),
        (["3月5日", "March 5"], 305, "date"),
    ],
)
def test_equivalent_surface_forms_have_one_value(forms, value, kind):
    for text in forms:
        figure = only_figure(text)
        assert (figure.value, figure.kind) == (value, kind), text
        assert figure.text == text.strip()


def test_surface_text_and_offsets_point_into_the_source():
    text = "The plan offers support of up to RMB 30 million from 2025年 onward."
    money, year = find_figures(text)
    assert money.text == "RMB 30 million" == text[money.start : money.end]
    assert (year.text, year.kind) == ("2025年", "year")


def test_currencies_are_recorded_and_distinct_currencies_do_not_match():
    dollars, yuan = only_figure("US$30 million"), only_figure("3000万元")
    assert (dollars.currency, yuan.currency) == ("USD", "CNY")
    assert only_figure("$30 million").currency == "USD"
    assert only_figure("30 million US dollars").currency == "USD"
    assert not figures_match(dollars, yuan)
    assert unsupported_figures("It gives $30 million.", ["给予最高3000万元支持"])


@pytest.mark.parametrize(
    "text",
    ["（一）加强统筹", "(一)", "（十一）", "第十条", "第3条", "Article 5 says", "5G网络", "Qwen2.5模型", "COVID-19",
     "统一思想", "一些企业", "千万不要", "十分重要", "“十四五”规划", "一二线城市", "两会", "one of the measures",
     "十一、总则", "1. Scope", "“1.启动调研申报：", "17:30", "the 14th Five-Year Plan", "三分之二", "1,000,000G", "2.5G", "二元序列", "Q1", "FY2025"],
)  # fmt: skip
def test_structure_words_and_identifiers_are_not_figures(text):
    assert find_figures(text) == []


def test_english_units_next_to_chinese_text():
    assert [(f.value, f.kind) for f in find_figures("给予最高1 yuan支持，增长20 percent以上")] == [
        (1, "amount"),
        (20, "percent"),
    ]


def test_document_number_gives_the_year_and_the_serial():
    figures = find_figures("工信部联科〔2025〕279号")
    assert [(f.value, f.kind, f.text) for f in figures] == [(2025, "year", "2025"), (279, "count", "279")]


def test_a_dates_parts_are_not_counted_again():
    assert [f.kind for f in find_figures("自2025年3月5日起施行，2025-03-05 发布")] == ["date", "date"]


def test_ranges_give_the_first_number_the_unit_of_the_second():
    assert [(f.value, f.kind) for f in find_figures("补助10-20万元")] == [(100_000, "amount"), (200_000, "amount")]
    assert [(f.value, f.kind) for f in find_figures("10~20%")] == [(10, "percent"), (20, "percent")]
    assert [f.value for f in find_figures("RMB 2 to 5 million")] == [2_000_000, 5_000_000]
    assert [f.kind for f in find_figures("2021-2025年")] == ["year", "year"]


def test_lone_chinese_digits_need_a_unit_or_classifier():
    assert [(f.value, f.text) for f in find_figures("实施三年行动，五家企业")] == [(3, "三"), (5, "五")]
    assert [f.value for f in find_figures("五万元")] == [50_000]
    assert [f.value for f in find_figures("10万千瓦")] == [100_000]


def test_figures_match_rules():
    amount, count = only_figure("RMB 30 million"), only_figure("30 million")
    assert figures_match(amount, count) and figures_match(count, amount)
    assert figures_match(only_figure("2025"), only_figure("2025年"))
    assert figures_match(only_figure("2025年"), Figure(2025.0, "count", "2025", 0, 4))
    assert not figures_match(only_figure("20%"), only_figure("20"))
    assert not figures_match(only_figure("2025年"), only_figure("2025年3月5日"))
    assert not figures_match(only_figure("RMB 2,025"), only_figure("2025年"))
    assert not figures_match(only_figure("RMB 1,000,000,000"), only_figure("RMB 1,000,000,001"))


def test_an_answer_figure_is_supported_only_by_the_same_amount():
    claim = "The plan offers support of up to RMB 30 million."
    assert unsupported_figures(claim, ["对示范项目给予最高3000万元支持。"]) == []
    assert unsupported_figures(claim, ["unrelated", "最高不超过三千万元"]) == []
    for wrong in ["support of up to RMB 3 million", "support of up to RMB 300 million"]:
        (missing,) = unsupported_figures(claim, [wrong])
        assert missing.text == "RMB 30 million"


def test_extract_amounts_english():
    text = (
        "Beijing issued the plan in 2025. The U.S. dollar is not involved, and 2.5 times more projects qualify. "
        "For demonstration projects, the plan offers support of up to RMB 30 million. "
        "Firms receive RMB 5 million per enterprise."
    )
    capped, per_firm = extract_amounts(text)
    assert capped.figure.value == 30_000_000 and capped.qualifier == "up to"
    assert capped.sentence == "For demonstration projects, the plan offers support of up to RMB 30 million."
    assert text[capped.start : capped.end] == capped.sentence
    assert per_firm.qualifier == "per enterprise"


def test_extract_amounts_chinese():
    text = "对符合条件的项目，给予最高3000万元支持。每家不超过500万元；造成1亿元以上的直接经济损失的，依法处理。"
    capped, per_firm, lower = extract_amounts(text)
    assert (capped.figure.text, capped.qualifier, capped.sentence) == (
        "3000万元",
        "最高",
        "对符合条件的项目，给予最高3000万元支持。",
    )
    assert (per_firm.figure.value, per_firm.qualifier, per_firm.sentence) == (
        5_000_000,
        "每家不超过",
        "每家不超过500万元；",
    )
    assert (lower.figure.value, lower.qualifier) == (100_000_000, "以上")
    assert text[lower.start : lower.end] == lower.sentence
    assert extract_amounts("奖励100万元")[0].qualifier == ""


# Months, ordinals, and dates that contain a claimed year or month.


@pytest.mark.parametrize(
    ("text", "value", "surface"),
    [("三月", 3, "三月"), ("3月", 3, "3月"), ("3 月", 3, "3 月"), ("十二月", 12, "十二月"), ("十月", 10, "十月"),
     ("十二月份", 12, "十二月"), ("今年3月起实施", 3, "3月"), ("一月", 1, "一月"), ("去年一月", 1, "一月"),
     ("3月底前完成", 3, "3月"), ("In March, Shenzhen", 3, "March"), ("in March", 3, "March"),
     ("released in December.", 12, "December"), ("in May", 5, "May"), ("In May,", 5, "May"), ("since May", 5, "May"),
     ("by May", 5, "May"), ("during May", 5, "May"), ("the end of May", 5, "May"), ("mid-May", 5, "May")],
)  # fmt: skip
def test_a_month_without_year_or_day_is_a_month(text, value, surface):
    figure = only_figure(text)
    assert (figure.value, figure.kind, figure.text) == (value, "month", surface)
    assert text[figure.start : figure.end] == surface


@pytest.mark.parametrize(
    ("text", "value"),
    [("2025年3月", 20250300), ("March 2025", 20250300), ("May 2025", 20250500), ("2025 May", 20250500),
     ("May 5", 505), ("5 May", 505), ("3月5日", 305), ("今年3月5日", 305), ("2025年12月起", 20251200)],
)  # fmt: skip
def test_a_month_with_a_year_or_day_stays_a_date(text, value):
    figure = only_figure(text)
    assert (figure.value, figure.kind) == (value, "date")


@pytest.mark.parametrize(
    "text",
    ["Applicants may apply online.", "May applicants apply online?", "It may take three days", "march forward",
     "统一月报", "同一月份", "Long March", "13月", "二十月"],
)  # fmt: skip
def test_words_that_look_like_months_are_not_months(text):
    assert [f for f in find_figures(text) if f.kind == "month"] == []


def test_months_in_a_range_and_months_as_durations():
    assert [(f.value, f.kind) for f in find_figures("1-3月")] == [(1, "month"), (3, "month")]
    assert [(f.value, f.kind) for f in find_figures("1月至3月")] == [(1, "month"), (3, "month")]
    assert [(f.value, f.kind) for f in find_figures("March and April")] == [(3, "month"), (4, "month")]
    assert [(f.value, f.kind) for f in find_figures("三个月内")] == [(3, "count")]  # a duration
    assert [(f.value, f.kind) for f in find_figures("3个月")] == [(3, "count")]


def test_a_chinese_month_claim_is_supported_by_an_english_month():
    claim = "深圳三月发布了四项人工智能行动计划"
    evidence = "In March, Shenzhen released four action plans, including an AI plan."
    assert [(f.value, f.kind) for f in find_figures(claim)] == [(3, "month"), (4, "count")]
    assert unsupported_figures(claim, [evidence]) == []
    assert unsupported_figures(evidence, [claim]) == []
    (missing,) = unsupported_figures(claim, ["In April, Shenzhen released four action plans."])
    assert (missing.text, missing.kind) == ("三月", "month")
    (missing,) = unsupported_figures(claim, ["Shenzhen released three action plans in March."])
    assert missing.text == "四"


def test_a_month_is_not_a_count():
    assert not figures_match(only_figure("三月"), only_figure("3"))
    assert unsupported_figures("三月", ["three plans"])
    assert unsupported_figures("three plans", ["in March"])


@pytest.mark.parametrize(
    "text",
    ["第一项是加强统筹", "第二项", "第3项", "第 3 项", "第一批", "第五批", "第十二批", "第二十一项", "第一", "首批",
     "the first", "the second measure", "the 21st batch", "2nd round", "the twenty-first century", "two hundredth"],
)  # fmt: skip
def test_ordinals_are_structure_not_figures(text):
    assert find_figures(text) == []
    assert unsupported_figures(text, []) == []


def test_an_ordinal_claim_keeps_its_real_figures():
    claim = "第一项是首批10家企业，第二项是3000万元补贴"
    assert [f.text for f in unsupported_figures(claim, [])] == ["10", "3000万元"]
    assert unsupported_figures(claim, ["首批10家企业，给予3000万元补贴"]) == []


@pytest.mark.parametrize("evidence", ["2025年3月5日", "March 5, 2025", "5 March 2025", "2025-03-05", "2025年3月"])
def test_a_year_or_month_is_supported_by_a_date_containing_it(evidence):
    assert unsupported_figures("The plan was issued in 2025.", [evidence]) == []
    assert unsupported_figures("2025年发布", [evidence]) == []
    assert unsupported_figures("三月发布", [evidence]) == []
    assert unsupported_figures("issued in March", [evidence]) == []
    assert unsupported_figures("The plan was issued in 2024.", [evidence])
    assert unsupported_figures("四月发布", [evidence])


def test_a_date_supports_only_the_times_it_contains():
    day, month_of_year, month_day = only_figure("2025年3月5日"), only_figure("2025年3月"), only_figure("3月5日")
    assert figure_supported(month_of_year, day) and figure_supported(month_day, day)
    assert figure_supported(only_figure("三月"), month_day)
    # a claim never is more precise than its evidence
    assert not figure_supported(day, only_figure("2025年"))
    assert not figure_supported(day, month_of_year)
    assert not figure_supported(month_of_year, month_day)  # the evidence does not say which year
    assert not figure_supported(only_figure("2025年"), month_day)
    assert not figure_supported(only_figure("三月"), only_figure("2025年"))
    assert not figure_supported(only_figure("2025年"), only_figure("三月"))
    assert unsupported_figures("2025年3月5日", ["in 2025"])
    # figures_match stays equality: a year is not the same figure as a date in it
    assert not figures_match(only_figure("2025"), day)


# Property tests: every money rendering of n denotes n, and only n.


def _english(n: int, divisor: int, word: str) -> str | None:
    return f"RMB {Decimal(n) / divisor:f} {word}" if n % (divisor // 100) == 0 else None


RENDERINGS = {
    "rmb_commas": lambda n: f"RMB {n:,}",
    "yuan": lambda n: f"{n} yuan",
    "yuan_cn": lambda n: f"{n}元",
    "wan": lambda n: f"{(Decimal(n) / 10**4).normalize():f}万元",
    "yi": lambda n: f"{(Decimal(n) / 10**8).normalize():f}亿元",
    "numerals": lambda n: f"{cn2an.an2cn(n)}元",
    "capitals": lambda n: cn2an.an2cn(n, "rmb"),
    "million": lambda n: _english(n, 10**6, "million"),
    "billion": lambda n: _english(n, 10**9, "billion"),
    "qianwan": lambda n: f"{n // 10**7}千万元" if n % 10**7 == 0 and n < 10**8 else None,
}
CONTEXTS = ["{}", "给予最高{}支持。", "The plan offers support of up to {}.", "资金规模{}，2025年起实施"]

amounts = st.one_of(
    st.integers(1, 10**11),
    st.builds(lambda m, e: m * 10**e, st.integers(1, 9999), st.integers(0, 7)),
)


def render(data, n: int) -> str:
    rendering = RENDERINGS[data.draw(st.sampled_from(sorted(RENDERINGS)))](n)
    assume(rendering is not None)  # only the English and 千万 forms are not available for every n
    return data.draw(st.sampled_from(CONTEXTS)).format(rendering)


@settings(max_examples=400, deadline=None)
@given(n=amounts, data=st.data())
def test_renderings_of_one_amount_support_each_other(n, data):
    first, second = render(data, n), render(data, n)
    money = [f for f in find_figures(first) if f.kind == "amount"]
    assert [f.value for f in money] == [n]
    assert [f for f in unsupported_figures(first, [second]) if f.kind == "amount"] == []
    assert [f for f in unsupported_figures(second, [first]) if f.kind == "amount"] == []


@settings(max_examples=400, deadline=None)
@given(n=amounts, data=st.data())
def test_renderings_of_different_amounts_never_match(n, data):
    near = [n + 1, n - 1, n * 10, n // 10, n + 10**4, n - 10**4, n * 100]
    other = data.draw(st.one_of(st.sampled_from(near), amounts))
    assume(other >= 1 and other != n)
    claim, evidence = render(data, n), render(data, other)
    missing = unsupported_figures(claim, [evidence])
    assert [f.value for f in missing if f.kind == "amount"] == [n]


# Property tests: every rendering of a month or year is supported by any date containing it, and by no other.

_CN_YEAR_DIGITS = "〇一二三四五六七八九"
_EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]  # fmt: skip

MONTH_RENDERINGS = [
    lambda m: f"今年{cn2an.an2cn(m)}月发布",
    lambda m: f"{m}月起实施",
    lambda m: f"自{cn2an.an2cn(m)}月份起",
    lambda m: f"Released in {_EN_MONTHS[m - 1]}.",
    lambda m: f"{_EN_MONTHS[m - 1]} saw new plans" if m != 5 else None,  # a leading "May" reads as the modal
]
YEAR_RENDERINGS = [
    lambda y: f"{y}年发布",
    lambda y: f"issued in {y}",
    lambda y: "".join(_CN_YEAR_DIGITS[int(c)] for c in str(y)) + "年",
]
DATE_RENDERINGS = [
    lambda y, m, d: f"{y}年{m}月{d}日发布",
    lambda y, m, d: f"于{y}-{m:02d}-{d:02d}施行",
    lambda y, m, d: f"issued on {_EN_MONTHS[m - 1]} {d}, {y}.",
    lambda y, m, d: f"on {d} {_EN_MONTHS[m - 1]} {y}",
    lambda y, m, d: f"{y}年{m}月",
    lambda y, m, d: f"in {_EN_MONTHS[m - 1]} {y}",
]
years, months, days = st.integers(1990, 2060), st.integers(1, 12), st.integers(1, 28)


@settings(max_examples=300, deadline=None)
@given(month=months, data=st.data())
def test_renderings_of_one_month_support_each_other(month, data):
    first, second = (data.draw(st.sampled_from(MONTH_RENDERINGS))(month) for _ in range(2))
    assume(first is not None and second is not None)
    assert [(f.value, f.kind) for f in find_figures(first) if f.kind == "month"] == [(month, "month")]
    assert [f for f in unsupported_figures(first, [second]) if f.kind == "month"] == []


@settings(max_examples=300, deadline=None)
@given(year=years, month=months, day=days, data=st.data())
def test_a_date_supports_its_own_year_and_month_only(year, month, day, data):
    other_year = data.draw(years.filter(lambda y: y != year))
    other_month = data.draw(months.filter(lambda m: m != month))
    date = data.draw(st.sampled_from(DATE_RENDERINGS))
    year_claim = data.draw(st.sampled_from(YEAR_RENDERINGS))
    month_claim = data.draw(st.sampled_from(MONTH_RENDERINGS))
    assume(month_claim(month) is not None and month_claim(other_month) is not None)
    evidence = date(year, month, day)
    assert unsupported_figures(year_claim(year), [evidence]) == []
    assert unsupported_figures(month_claim(month), [evidence]) == []
    assert [f.kind for f in unsupported_figures(year_claim(other_year), [evidence])] == ["year"]
    assert [f.kind for f in unsupported_figures(month_claim(other_month), [evidence])] == ["month"]
    assert [f.kind for f in unsupported_figures(date(other_year, month, day), [evidence])] == ["date"]
    assert [f.kind for f in unsupported_figures(evidence, [year_claim(year)])] == ["date"]


# --- English renderings of Chinese figures (answers in English over Chinese text) ---


def _forms(yuan: int) -> list[str]:
    """Ways policy text writes one amount: Arabic with 万/亿 units, Chinese numerals (cn2an), plain yuan."""
    forms = [f"{yuan}元", f"{cn2an.an2cn(yuan)}元"]
    if yuan % 10_000 == 0:
        forms += [f"{yuan // 10_000}万元", f"{yuan // 10_000} 万元"]
    if yuan % 10**8 == 0:
        forms.append(f"{yuan // 10**8}亿元")
    if yuan % 10**7 == 0:
        forms.append(f"{yuan // 10**7}千万元")
    return forms


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=1, max_value=5_000) .map(lambda n: n * 10_000) | st.integers(min_value=1, max_value=10**9))
def test_every_form_of_an_amount_renders_to_the_same_english_and_reads_back_as_that_value(yuan):
    from assistant.text.numbers import english_amount, english_rendering

    renderings = set()
    for form in _forms(yuan):
        (figure,) = [f for f in find_figures(form) if f.kind == "amount"]
        assert figure.value == yuan, form
        renderings.add(english_rendering(figure))
    assert renderings == {english_amount(yuan)}
    (back,) = find_figures(english_amount(yuan))
    assert back.value == yuan


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=10**12), st.integers(min_value=1, max_value=10**12))
def test_no_two_different_amounts_render_alike(a, b):
    from assistant.text.numbers import english_amount

    assume(a != b)
    assert english_amount(a) != english_amount(b)


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("最高 5000 万元支持", "最高 5000 万元 (RMB 50 million)支持"),
        ("2.5亿元", "2.5亿元 (RMB 250 million)"),
        ("分别给予最高200万元、100万元", "分别给予最高200万元 (RMB 2 million)、100万元 (RMB 1 million)"),
        ("3-5亿元", "3-5亿元 (RMB 300 million–500 million)"),
        ("百分之三十", "百分之三十 (30%)"),
        ("up to RMB 30 million", "up to RMB 30 million"),
        ("最高 30 万元 (RMB 300,000)", "最高 30 万元 (RMB 300,000)"),
    ],
)
def test_chinese_figures_get_their_english_form_once(text, rendered):
    from assistant.text.numbers import with_english_figures

    assert with_english_figures(text) == rendered
