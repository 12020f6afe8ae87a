"""`eval answers` scoring: accuracy, refusals, citation precision and figures shown as verified."""

from __future__ import annotations

from assistant.eval.answers import Outcome, Tally
from assistant.search.hybrid import Hit

BEIJING = Hit("b", "Beijing's plan introduces 16 measures and support of up to RMB 30 million.", {"source": "a.txt"})
SHENZHEN = Hit("s", "Shenzhen released four action plans in March.", {"source": "a.txt"})
HITS = [BEIJING, SHENZHEN]


def scored(question: dict, answer: str, *, refused: bool = False, cited: list[int], verified: bool = True) -> dict:
    tally = Tally()
    tally.add(question, Outcome(answer, refused, cited, verified, 1.0), HITS)
    return tally.rows[0] | {"summary": tally.summary()}


FUNDING = {"id": "f", "question": "cap?", "answers": ["30 million"], "evidence": "up to RMB 30 million", "kind": "x"}


def test_a_cited_figure_from_its_passage_is_supported_and_citation_numbers_are_not_figures():
    row = scored(FUNDING, "Up to RMB 30 million [1].", cited=[1])
    assert row["correct"] and row["cited_ok"] == [True]
    assert not row["unsupported_figures"] and not row["unverified_shown_as_verified"]


def test_a_wrong_figure_shown_as_verified_is_counted():
    row = scored(FUNDING, "Up to RMB 50 million [1].", cited=[1])
    assert not row["correct"]
    assert row["unverified_shown_as_verified"] and row["summary"]["unverified_figures_shown_as_verified"] == 1


def test_a_verbatim_quote_is_evidence_not_a_claim():
    row = scored(FUNDING, "“introduces 16 measures and support of up to RMB 30 million” [2].", cited=[2])
    assert not row["unsupported_figures"]
    assert row["cited_ok"] == [False], "the quote cites the wrong passage"


def test_refusals_are_scored_against_answerability():
    unanswerable = {"id": "u", "question": "Hangzhou?", "answers": [], "evidence": "", "kind": "unanswerable"}
    tally = Tally()
    tally.add(unanswerable, Outcome("The indexed documents don't say.", True, [], False, 0.1), HITS)
    tally.add(FUNDING, Outcome("The indexed documents don't say.", True, [], False, 0.1), HITS)
    summary = tally.summary()
    assert summary["refusal_recall"] == 1.0 and summary["refusal_precision"] == 0.5
    assert summary["correct"] == 1


def test_a_comparison_cell_citing_the_other_party_is_right_when_it_states_that_partys_answer():
    compare = {
        "id": "c",
        "question": "Compare",
        "answers": ["16 measures", "four action plans"],
        "evidence": "Shenzhen released four action plans",
        "kind": "compare",
    }
    row = scored(compare, "| Plans | 16 measures [1] | four action plans [2] |", cited=[1, 2])
    assert row["cited_ok"] == [True, True]


def test_answers_that_cite_nothing_are_counted_apart_from_citation_precision():
    tally = Tally()
    tally.add(FUNDING, Outcome("Up to RMB 30 million [1].", False, [1], True, 1.0), HITS)
    tally.add(FUNDING, Outcome("Up to RMB 30 million.", False, [], True, 1.0), HITS)
    summary = tally.summary()
    assert summary["citation_precision"] == 1.0 and summary["answers_citing"] == 0.5


def test_containment_ignores_case_and_character_width():
    from assistant.eval.data import contains_answer

    assert contains_answer("几乎等于黄金时段收视率的 90％ [1]", ["90%"])
    assert contains_answer("Up to RMB 30 Million", ["30 million"])
    assert not contains_answer("RMB 3 million", ["30 million"])
