"""Funding provisions: extraction on synthetic and real texts, records kept in step with the index, queries."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import pytest

from assistant.eval.funding import Score, score
from assistant.funding.extract import extract_provisions, tidy
from assistant.funding.query import find_provisions, render_markdown_table
from assistant.funding.records import FundingIndex, stitch
from assistant.search.store import StoredChunk
from tests.test_funding_tab import record as make_record

from .conftest import read_jsonl, shared_path

LABELS = Path(__file__).parent / "fixtures" / "funding_labels.jsonl"
WAN, YI = 10_000, 100_000_000


def only(text: str):
    found = extract_provisions(text)
    assert len(found) == 1, [p.span for p in found]
    return found[0]


@pytest.mark.parametrize(
    ("text", "cap", "ratio", "period", "kind"),
    [
        ("对新认定的企业，给予一次性奖励50万元。", 50 * WAN, None, "一次性", "subsidy"),
        ("给予核定合同额最高50%、最高500万元补贴。", 500 * WAN, 50, "", "subsidy"),
        ("按照设备投资额的15%给予补助，最高可达3000万元。", 3000 * WAN, 15, "", "subsidy"),
        (
            "对企业购买算力服务的，给予合同金额30%的补贴，三年累计不超过2000万元。",
            2000 * WAN,
            30,
            "三年累计",
            "subsidy",
        ),
        ("按照实际支出的20%给予补贴，单个企业每年最高不超过500万元。", 500 * WAN, 20, "每年", "subsidy"),
        ("对标杆项目给予最高五百万元奖励。", 500 * WAN, None, "", "subsidy"),
        ("对示范项目给予不超过一千万元的支持。", 1000 * WAN, None, "", "subsidy"),
        ("对落户的头部企业给予最高2千万元落户奖励。", 2000 * WAN, None, "", "subsidy"),
        ("给予 3-5 年、最高\n5 亿元的连续性支持。", 5 * YI, None, "3-5 年", "subsidy"),
        ("三年内给予最高500万元房租补贴。", 500 * WAN, None, "三年内", "subsidy"),
        ("对租用算力的企业，按照不超过租金的50%给予补贴。", None, 50, "", "subsidy"),
        ("每家企业每年可申领模型券最高100万元。", 100 * WAN, None, "每年", "voucher"),
        ("发放 6 亿元算力券，支持企业研发大模型。", 6 * YI, None, "", "voucher"),
        ("设立规模50亿元的人工智能产业基金。", 50 * YI, None, "", "fund"),
        ("每年安排不少于10亿元的人工智能产业专项资金。", 10 * YI, None, "每年", "fund"),
        ("Enterprises may receive a one-time grant of up to RMB 5 million.", 5_000_000, None, "one-time", "subsidy"),
    ],
)
def test_one_provision_with_its_cap_ratio_period_and_kind(text, cap, ratio, period, kind):
    provision = only(text)
    assert provision.cap_yuan == cap and provision.ratio == ratio
    assert provision.period == period and provision.kind == kind
    assert text[provision.start : provision.end] == provision.span


def test_pairs_with_fenbie_become_one_record_each_with_its_own_recipient():
    first, second = extract_provisions("对国家级平台、省级平台分别给予最高200万元、100万元奖励。")
    assert (first.cap_yuan, second.cap_yuan) == (200 * WAN, 100 * WAN)
    assert (first.recipient or first.item, second.recipient or second.item) == ("国家级平台", "省级平台")


def test_a_list_granted_straight_after_its_verb_is_granted_whatever_follows_it():
    # "…3000元的生活补贴": 的 after a list names what is granted here, not a tier's bound as in "超过3000万元、…的企业"
    doctor, master = extract_provisions("对园区内企业新引进的全日制应届博士、硕士,连续3年每年分别给予5000元、3000元的生活补贴。")
    assert (doctor.cap_yuan, master.cap_yuan) == (5000, 3000)
    assert [p.cap_yuan for p in extract_provisions("对财力贡献超过3000万元、2000万元的企业，分别给予30万元、20万元奖补。")] == [
        30 * WAN,
        20 * WAN,
    ]


def test_whom_a_clause_funds_ends_at_a_half_width_comma_too():
    first, *_ = extract_provisions("对新增规模以上工业企业,分三年共给予60万元奖励,第一年给予30万元。")
    assert first.recipient == "新增规模以上工业企业"


def test_listed_vouchers_share_the_ratio_and_keep_their_names():
    text = "向符合条件的企业发放最高 100%支持的 100 万元算力券、100 万元模型券、100 万元语料券补贴。"
    found = extract_provisions(text)
    assert [p.item for p in found] == ["算力券", "模型券", "语料券"]
    assert all(p.kind == "voucher" and p.cap_yuan == 100 * WAN and p.ratio == 100 for p in found)
    assert {p.recipient for p in found} == {"符合条件的企业"}


def test_voucher_total_and_face_value():
    total, face = extract_provisions("发放总额2亿元的算力券，单张券面额最高50万元。")
    assert (total.item, total.cap_yuan) == ("算力券", 2 * YI)
    assert (face.item, face.cap_yuan, face.kind) == ("算力券", 50 * WAN, "voucher")


def test_ranges_keep_both_ends():
    assert (only("对入选的项目给予10万元至50万元的资助。").cap_min_yuan, only("给予100-300万元支持。").cap_yuan) == (
        10 * WAN,
        300 * WAN,
    )
    assert only("给予100-300万元支持。").cap_min_yuan == 100 * WAN


def test_thresholds_are_conditions_not_caps():
    provision = only("对总投资超过1亿元的项目，给予最高500万元支持。")
    assert provision.cap_yuan == 500 * WAN
    assert any("1亿元" in q for q in provision.qualifiers)
    provision = only("对营业收入首次突破10亿元的企业，给予一次性奖励100万元。")
    assert provision.cap_yuan == 100 * WAN and "首次" in provision.qualifiers and provision.period == "一次性"


@pytest.mark.parametrize(
    "text",
    [
        "到2027年，全市人工智能核心产业规模突破3000亿元，带动相关产业规模超过1万亿元。",
        "力争引进社会资本投资100亿元，支持企业发展。",
        "违反本办法的，处1万元以上10万元以下罚款。",
        "研发投入年均增长20%以上，支持企业加大投入。",
        "上年度不少于30%的在孵企业营业收入或研发经费投入同比增长超过20%。",
        "力争在 2 年内支持不少于 100 个团队、100 个项目。",
    ],
)
def test_targets_penalties_and_growth_are_not_provisions(text):
    assert extract_provisions(text) == []


def test_a_ratio_whose_grant_verb_opens_the_next_clause():
    provision = only("对开展数据标注的企业，可按不超过标注费用的25%，给予最高300万元的补助。")
    assert (provision.ratio, provision.cap_yuan) == (25, 300 * WAN)
    assert "25%" in provision.span and "300万元" in provision.span


def test_a_ratio_bounded_per_recipient_in_the_next_clause_is_one_provision():
    provision = only("对租用云服务的企业，可给予不超过服务费用40%的补贴支持，每家企业年度补贴最高80万元。")
    assert (provision.ratio, provision.cap_yuan, provision.period) == (40, 80 * WAN, "年度")


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("对入驻孵化器的初创团队，年度最高可给予30万元房租补贴。", "年度"),
        ("对采购本地软件的单位，给予采购额10%、不超过50万元的年度补贴。", "年度"),
        ("对重点企业按其年度营业收入的2%给予奖励，最高200万元。", ""),  # the base of the ratio, not a period
    ],
)
def test_a_yearly_cap_written_nian_du_is_a_period(text, period):
    assert only(text).period == period


@pytest.mark.parametrize(
    ("text", "ratio"),
    [
        ("对获得国家级项目资助的单位，按照1:0.5的比例给予区级配套资助。", 50),
        ("对承担省级重大专项的企业，按1:1比例予以配套支持。", 100),
    ],
)
def test_a_matching_ratio_written_as_a_proportion(text, ratio):
    assert only(text).ratio == ratio


def test_a_matching_ratio_above_one_to_one_or_a_clock_time_is_no_ratio():
    assert extract_provisions("对获得市级资助的项目，按1:2的比例予以配套支持。") == []
    assert extract_provisions("补贴申报窗口于9:30开放，逾期不予受理。") == []


def test_a_revision_keeps_the_new_figure_not_the_one_it_replaces():
    provision = only("对首次入选的示范企业，奖励标准由20万元调整为30万元。")
    assert provision.cap_yuan == 30 * WAN
    text = (
        "二、奖励标准由5万元（年销售额在规定标准以下的小微企业）、8万元（其他中型企业及新设机构），统一调整至10万元。"
    )
    assert [p.cap_yuan for p in extract_provisions(text)] == [10 * WAN]


def test_numbered_rates_under_a_lead_in_that_grants_and_their_unit():
    text = "二、补贴标准如下：\n\n1、新建储能电站：0.3元/千瓦时。\n\n2、改造项目。改造主体：每千瓦200元。\n\n三、其他事项。\n"
    found = extract_provisions(text)
    assert [p.cap_yuan for p in found] == [0.3, 200]
    assert found[0].cap_text == "0.3元/千瓦时"
    goals = "一、发展目标如下：\n1、到2027年，储能装机规模达到500万千瓦。\n2、产业产值达到300亿元。\n"
    assert extract_provisions(goals) == []
    items = "附件清单如下：\n1、申报表。\n2、项目预算500万元。\n"  # the lead-in grants nothing
    assert extract_provisions(items) == []


def test_qualifiers_and_the_measure_heading():
    text = "4.开展关键技术创新。对具有战略性的关键项目，经市\n政府批准后可给予最高 50%支持。"
    provision = only(text)
    assert provision.heading == "4.开展关键技术创新" and "经市政府批准" in provision.qualifiers
    assert provision.item == "具有战略性的关键项目"


def _labels() -> list[dict]:
    return read_jsonl(LABELS)


def _local(name: str) -> str:
    return shared_path("data", "cn_local_ai_policy", name).read_text(encoding="utf-8")


def _labelled(name: str) -> str:
    """A labelled document: a city's policy (cn_local_ai_policy) or a district's (cn_district_policy)."""
    if shared_path("data", "cn_local_ai_policy").joinpath(name).exists():
        return _local(name)
    return shared_path("data", "cn_district_policy", name).read_text(encoding="utf-8")


def test_label_anchors_still_point_into_the_documents():
    for label in _labels():
        assert _labelled(label["doc"])[label["start"] : label["end"]] == label["anchor"]


def _evaluate(with_unfigured: bool) -> Score:
    result = Score()
    labels = _labels()
    for doc in sorted({label["doc"] for label in labels}):
        wanted = [x for x in labels if x["doc"] == doc and (with_unfigured or x["has_figure"])]
        score(extract_provisions(_labelled(doc)), wanted, result)
    return result


def test_precision_and_recall_on_the_hand_labelled_documents():
    result = _evaluate(with_unfigured=False)
    print(json.dumps(result.as_dict()), result.misses, result.spurious, result.wrong)
    for name in ("provisions", "cap", "ratio", "period"):
        field = getattr(result, name)
        assert field.precision >= 0.95 and field.recall >= 0.9, (name, field.as_dict(), result.wrong)
    everything = _evaluate(with_unfigured=True)  # provisions without a figure are out of scope, and missed
    assert everything.provisions.precision >= 0.95
    assert len(everything.misses) == sum(not x["has_figure"] for x in _labels())


def _sane(provisions, text: str) -> None:
    for p in provisions:
        assert text[p.start : p.end] == p.span and p.span.strip()
        assert p.cap_yuan is not None or p.ratio is not None
        assert p.cap_yuan is None or 1_000 <= p.cap_yuan <= 1e12, p.span
        assert p.ratio is None or 0 < p.ratio <= 100, p.span
        assert len(p.item) <= 100 and len(p.period) <= 30


@pytest.mark.parametrize(
    "name",
    [
        "beijing-ai-plus-action-plan-2024-2025.txt",
        "shenzhen-ai-terminal-industry-2025-2026.txt",
        "shenzhen-ai-plus-advanced-manufacturing-2026-2027.txt",
    ],
)
def test_the_other_local_documents_give_sane_records(name):
    text = _local(name)
    found = extract_provisions(text)
    _sane(found, text)
    assert all(p.cap_yuan is None or p.cap_yuan <= 1e8 for p in found)  # these plans grant ≤ 1亿元 each


def test_beijing_caps_and_model_voucher_total():
    found = extract_provisions(_local("beijing-ai-plus-action-plan-2024-2025.txt"))
    assert sorted(p.cap_yuan for p in found) == [5000 * WAN, 5000 * WAN, 1 * YI]
    assert [p.item for p in found if p.kind == "voucher"] == ["模型券"]


def test_a_sample_of_the_national_corpus_gives_few_and_sane_records():
    documents = read_jsonl(shared_path("data", "cn_ai_policy", "corpus.jsonl"))
    sample = random.Random(16).sample(documents, 150)
    total = 0
    for document in sample:
        found = extract_provisions(document["text"])
        _sane(found, document["text"])
        total += len(found)
    assert total <= 30  # ministry notices rarely grant money; a flood would mean targets read as caps


def _chunks(text: str, pieces: list[tuple[int, int]], source: str = "a.txt") -> list[StoredChunk]:
    meta = {"source": source, "file_hash": "h1", "n_chunks": len(pieces), "region": "Shanghai", "section": "1"}
    return [StoredChunk(f"c{i}", text[a:b], meta | {"start": a, "end": b}) for i, (a, b) in enumerate(pieces)]


def test_stitching_rebuilds_the_text_across_chunk_boundaries_and_overlaps():
    text = "1.降低成本。发放 6 亿元算力券，对租用算力的主体，给予最高 30%、最高 500\n万元补贴。\n\n结束。"
    cut = text.index("500") + 4  # the cap is split across two chunks at the line break
    document = stitch(_chunks(text, [(0, cut - 1), (cut - 10, cut - 1), (cut, len(text))]))
    assert document.text == text
    found = [p for p in extract_provisions(document.text) if document.in_index(p.start, p.end)]
    assert [p.cap_yuan for p in found] == [6 * YI, 500 * WAN]


def test_spans_over_text_missing_from_the_index_are_dropped():
    text = "对A项目，给予最高 30%、最高 500\n\n\n万元补贴。"
    cut = text.index("万元")
    document = stitch(_chunks(text, [(0, text.index("500") + 3), (cut, len(text))]))
    assert not document.in_index(0, len(text))


class _CountingStore:
    def __init__(self, store):
        self.store, self.reads = store, 0

    def version(self):
        return self.store.version()

    def records(self, with_text: bool = True):
        self.reads += 1
        return self.store.records(with_text)


NOTICE = (
    "# 天津市支持人工智能发展的若干措施\n\n"
    "1.支持算力应用。发放 2 亿元算力券。对租用智能算力的企业，给予最高 30%、最高 500 万元补贴。\n\n"
    "2.支持场景建设。对标杆场景项目，给予最高 1000 万元支持。\n"
)


def test_records_follow_the_index_through_change_and_deletion(services, docs_dir):
    (docs_dir / "tianjin.md").write_text(NOTICE, encoding="utf-8")
    services.ingest()
    counting = _CountingStore(services.store)
    index = FundingIndex(counting)
    records = [r for r in index.records() if r.source == "tianjin.md"]
    assert sorted(r.cap_yuan for r in records) == [500 * WAN, 1000 * WAN, 2 * YI]
    text = NOTICE  # the loader keeps a Markdown file's text as written
    for record in records:
        assert text[record.start : record.end] == record.span and record.chunk_ids
    assert {r.place for r in records} == {records[0].place} and records[0].title
    index.records()
    assert counting.reads == 1, "an unchanged index is not read again"

    (docs_dir / "tianjin.md").write_text(NOTICE.replace("1000 万元", "3000 万元"), encoding="utf-8")
    assert services.ingest().updated == 1
    caps = sorted(r.cap_yuan for r in index.records() if r.source == "tianjin.md")
    assert caps == [500 * WAN, 3000 * WAN, 2 * YI] and counting.reads == 2

    (docs_dir / "tianjin.md").unlink()
    services.ingest()
    assert [r for r in index.records() if r.source == "tianjin.md"] == []
    assert any(r.source == "ai-plus-manufacturing-policy.txt" for r in index.records())


def test_cli_lists_filters_and_exports(services, docs_dir, capsys, monkeypatch):
    from assistant.cli import main

    (docs_dir / "tianjin.md").write_text(NOTICE, encoding="utf-8")
    services.ingest()
    base = ["--documents", str(docs_dir), "--index", str(services.settings.index_dir)]
    assert main(["funding", "--json", "--min", "5000000", *base]) == 0
    rows = json.loads(capsys.readouterr().out)["records"]
    assert rows and all(r["cap_yuan"] >= 5_000_000 for r in rows)
    assert {"source", "place", "cap_text", "cap_yuan", "ratio", "period", "span", "start", "end"} <= set(rows[0])
    assert main(["funding", "--csv", "--keyword", "算力券", *base]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Place,") and len(lines) == 2 and "算力券" in lines[1]
    assert main(["funding", "--where", "nonsense", *base]) == 2
    assert "Cannot read filter" in capsys.readouterr().err




def test_find_provisions_by_place_in_any_language_amount_and_keyword():
    records = [
        make_record(),
        make_record(id="r2", place="Suzhou", place_code="320500", cap_yuan=2e7, item="模型"),
        make_record(id="r3", place="Beijing", place_code="110000", cap_yuan=None, ratio=30.0, item="算力租金"),
    ]
    assert [r.id for r in find_provisions(records, places=["上海", "Suzhou"])] == ["r1", "r2"]
    assert [r.id for r in find_provisions(records, places=["江苏"])] == ["r2"]
    assert [r.id for r in find_provisions(records, min_yuan=5e6)] == ["r1", "r2"]
    assert [r.id for r in find_provisions(records, max_yuan=1e7)] == ["r1"]
    assert [r.id for r in find_provisions(records, keyword="算力")] == ["r1", "r3"]
    assert [r.id for r in find_provisions(records, places=["Shanghai"], min_yuan=1e7)] == []


def test_markdown_table_cites_each_row_and_escapes_pipes():
    records = [make_record(), make_record(id="r2", item="a|b")]
    table = render_markdown_table(records, {"r1": 1, "r2": 3}).splitlines()
    assert table[0].startswith("| Place |") and len(table) == 4
    assert table[2].endswith("| [1] |") and "5,000,000 yuan" in table[2]
    assert "a\\|b" in table[3] and table[3].endswith("| [3] |")
    assert render_markdown_table([], {}) == ""


def test_tidy_removes_pdf_line_breaks_inside_chinese_only():
    assert tidy("最高 500\n万元采购补\n贴") == "最高 500万元采购补贴"
    assert tidy("up to\nRMB 5 million") == "up to RMB 5 million"
    assert math.isclose(only("给予最高 500\n万元补贴。").cap_yuan, 5e6)
