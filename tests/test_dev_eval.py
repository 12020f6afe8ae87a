"""`eval dev`: the fixed split by document, question → documents, and scoring through the official scorer."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from assistant.eval.dev import SETS, DevSet, ask_json, score_set, table, tutorial_row
from assistant.eval.splits import CHECK, HALVES, SPLITS, TUNING, document_texts, documents_of, halves_of
from tests.conftest import read_jsonl, shared_path

SHANGHAI = "shanghai-expand-ai-application-measures-2025.txt"
ANHUI = "anhui-general-ai-highland-policies-v2-2025.txt"
SZ_TERMINAL = "shenzhen-ai-terminal-industry-2025-2026.txt"


def _local_texts() -> dict[str, str]:
    texts = document_texts(shared_path("data", "cn_local_ai_policy"))
    sample = shared_path("corpus", "ai-plus-manufacturing-policy.txt")
    return texts | {sample.name: sample.read_text(encoding="utf-8")}


@pytest.mark.parametrize("name, folder", [("local", "cn_local_ai_policy"), ("district", "cn_district_policy")])
def test_every_shared_file_is_in_exactly_one_half(name, folder):
    files = {p.name for p in shared_path("data", folder).glob("*.txt")}
    if name == "local":
        files.add("ai-plus-manufacturing-policy.txt")
    tuning, check = set(SPLITS[name][TUNING]), set(SPLITS[name][CHECK])
    assert not tuning & check
    assert tuning | check == files
    assert len(SPLITS[name][TUNING]) + len(SPLITS[name][CHECK]) == len(files)


def test_the_set_definitions_find_their_documents():
    shared = shared_path()
    assert {p.name for p in SETS["local"].files(shared)} == set(SPLITS["local"][TUNING] + SPLITS["local"][CHECK])
    assert "SOURCES.md" not in {p.name for p in SETS["district"].files(shared)}
    assert len(SETS["district"].files(shared)) == 10
    assert [p.name for p in SETS["sample"].files(shared)] == ["ai-plus-manufacturing-policy.txt"]


def test_every_answerable_real_dev_question_has_a_document():
    texts = _local_texts()
    questions = read_jsonl(shared_path("eval", "real_dev_questions.jsonl"))
    docs = {q["id"]: documents_of(q, texts) for q in questions}
    for q in questions:
        if q["kind"] != "unanswerable":
            assert docs[q["id"]], q["id"]
            assert set(docs[q["id"]]) <= set(texts)
    by_id = {q["id"]: q for q in questions}
    assert docs["lr08"] == [ANHUI], "a look-alike cap found in two files: the place the question names decides"
    assert set(docs["lc01"]) == set(docs["lc02"]) == {SHANGHAI, ANHUI}, "a comparison takes both places"
    assert docs["lu03"] == [SZ_TERMINAL], "a place with two files: the file the question names"
    assert docs["lu01"] == [] and halves_of(docs["lu01"], SPLITS["local"]) == list(HALVES), "Chongqing: no file"
    assert halves_of(docs["lc01"], SPLITS["local"]) == list(HALVES)
    assert "doc" not in by_id["lr01"], "the shared question is not changed"


def test_both_halves_of_each_set_are_balanced():
    for name in ("local", "district"):
        dev_set = SETS[name]
        questions = dev_set.load(shared_path())
        for half in HALVES:
            kept = [questions[i] for i in dev_set.members(questions, half)]
            assert len(kept) >= 10, (name, half)
            assert {"funding_cap", "fact", "compare", "unanswerable"} <= {q["kind"] for q in kept}, (name, half)
            assert {"en", "zh"} <= {q["lang"] for q in kept}, (name, half)
    district = SETS["district"].load(shared_path())
    nowhere = {i for i, q in enumerate(district) if not q["doc"]}
    assert nowhere, "the district set asks about places with no document"
    for half in HALVES:
        assert nowhere <= set(SETS["district"].members(district, half)), "a place with no file counts in both halves"


def test_the_sample_set_gets_answer_groups_the_official_scorer_needs():
    questions = SETS["sample"].load(shared_path(), limit=3)
    assert len(questions) == 3
    assert all(q["answer_groups"] == ([q["answers"]] if q["answers"] else []) for q in questions)
    assert SETS["sample"].halves() == ("all",)


TINY = DevSet("tiny", "", (), {TUNING: ("a.txt",), CHECK: ("b.txt",)})
QUESTIONS = [
    {"id": "q1", "kind": "funding_cap", "question": "A cap?", "answer_groups": [["500万"]], "evidence": "最高500万元",
     "doc": ["a.txt"]},
    {"id": "q2", "kind": "funding_cap", "question": "B cap?", "answer_groups": [["80万"]], "evidence": "最高80万元",
     "doc": ["b.txt"]},
    {"id": "q3", "kind": "compare", "question": "A vs B?", "answer_groups": [["500万"], ["80万"]],
     "evidence": "最高", "doc": ["a.txt", "b.txt"]},
    {"id": "q4", "kind": "unanswerable", "question": "Chongqing?", "answer_groups": [], "evidence": "", "doc": []},
]  # fmt: skip


def _row(answer: str, *, refused=False, verified=True, cite: str = "", seconds=1.0, **extra) -> dict:
    citations = [{"n": 1, "source": "a.txt", "title": "a", "text": cite}] if cite else []
    return {
        "answer": answer,
        "refused": refused,
        "verified": verified,
        "citations": citations,
        "seconds": seconds,
    } | extra


def test_halves_are_scored_by_the_official_scorer(tmp_path):
    scorer = shared_path("eval", "score_answers.py")
    ours = [
        _row("最高500万元 [1]。", cite="给予最高500万元支持", seconds=2.0, badge="verified"),
        _row("最高50万元 [1]。原文：“最高80万元”", cite="最高80万元", seconds=4.0, badge="verified"),
        _row("A: 500万 [1]; B: 80万 [1]", cite="最高500万元", seconds=6.0, badge="unverified"),
        _row("The documents don't say.", refused=True, verified=False, seconds=8.0, badge="refused"),
    ]
    result = score_set(TINY, QUESTIONS, {"ours": ours}, tmp_path, scorer)
    assert set(result) == {"tuning", "check", "all"}
    tuning, check, every = (result[h]["ours"] for h in ("tuning", "check", "all"))
    assert (tuning["right"], tuning["answerable"], tuning["refused"], tuning["unanswerable"]) == (2, 2, 1, 1)
    assert (check["right"], check["answerable"], check["wrong_shown_as_verified"]) == (1, 2, 1)
    assert check["missed"] == ["q2"] and check["wrong_by_badge"] == {"verified": 1}
    assert every["questions"] == 4 and every["right"] == 2 and every["citation_precision"] == 1.0
    assert tuning["median_seconds"] == 6.0  # q1, q3, q4
    written = read_jsonl(tmp_path / "tiny-check-questions.jsonl")
    assert [q["id"] for q in written] == ["q2", "q3", "q4"]
    assert len(read_jsonl(tmp_path / "tiny-check-ours.jsonl")) == 3

    rendered = table({"tiny": result})
    assert "| tiny | check | 3 | 1/2 | 1/1 | 1 | 1.00 | 6.0 | verified:1 |" in rendered
    assert rendered.splitlines()[0].startswith("| set | half | questions | ours right/answerable |")


def test_the_tutorial_shows_every_answer_as_verified_and_has_no_badge():
    found = [SimpleNamespace(page_content=f"passage {n}", metadata={"source": f"{n}.txt"}) for n in (1, 2, 3)]
    row = tutorial_row("Q?", "It is 5 million [2].", found, 1.23456)
    assert row["verified"] and not row["refused"] and row["badge"] == "none" and row["seconds"] == 1.235
    assert [c["n"] for c in row["citations"]] == [2] and row["citations"][0]["source"] == "2.txt"
    assert set(row) >= {"question", "answer", "refused", "citations", "verified"}
    refused = tutorial_row("Q?", "I don't know.", found, 1.0)
    assert refused["refused"] and not refused["verified"]


def test_ours_is_answered_through_the_ask_json_code_path():
    asked = []

    class Answer:
        def __init__(self, question):
            self.question = question

        def as_dict(self):
            return {"question": self.question, "answer": "x", "refused": False, "citations": [], "verified": True}

    answerer = SimpleNamespace(ask=lambda question, filters=None: asked.append(filters) or Answer(question))
    row = ask_json(SimpleNamespace(answerer=answerer), "-starts with a dash？")
    assert row["question"] == "-starts with a dash？" and asked and json.dumps(row)


def test_the_command_is_registered():
    from assistant.cli import _parser

    args = _parser().parse_args(["eval", "dev", "--sets", "district", "--limit", "2", "--json"])
    assert (args.what, args.sets, args.limit, args.json, args.systems) == ("dev", "district", 2, True, "ours,tutorial")
