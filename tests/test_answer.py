"""The answer pipeline with deterministic fake models: verification, repair, refusal, follow-ups."""

from __future__ import annotations

import re

from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answerer
from assistant.search.hybrid import NO_FILTER


def answerer_with(indexed, *responses: str) -> Answerer:
    return Answerer(indexed.searcher, FakeListChatModel(responses=list(responses)), top_k=6)


def passage_number(answer, needle: str) -> int:
    return next(n for n, hit in enumerate(answer.passages, start=1) if needle in hit.text)


def test_a_correct_cited_figure_is_verified(indexed):
    probe = answerer_with(indexed, "x").searcher.search_balanced("funding cap demonstration projects Beijing", 6)
    n = next(i for i, hit in enumerate(probe, start=1) if "RMB 30 million" in hit.text)
    answer = answerer_with(indexed, f"The plan offers support of up to RMB 30 million [{n}].").ask(
        "funding cap demonstration projects Beijing"
    )
    assert answer.verified and not answer.refused
    assert answer.cited == [n]
    assert answer.as_dict()["citations"][0]["text"] == answer.passages[n - 1].text


def test_citations_to_passages_not_given_are_removed(indexed):
    answer = answerer_with(indexed, "Shenzhen released four action plans [1][42].").ask("What did Shenzhen release?")
    assert "[42]" not in answer.text
    assert all(1 <= n <= len(answer.passages) for n in answer.cited)


def test_a_wrong_figure_is_never_shown_as_verified(indexed):
    wrong = "The plan offers support of up to RMB 100 million [1]."
    answer = answerer_with(indexed, wrong, wrong).ask(
        "What is the funding cap for new equipment with demonstrative value in Beijing's plan?"
    )
    assert "100 million" not in answer.text
    assert "30 million" in answer.text
    n = passage_number(answer, "up to RMB 30 million")
    assert n in answer.cited


def test_unsupported_place_is_refused_without_calling_the_model(indexed):
    answer = answerer_with(indexed).ask("What is the subsidy cap in Hangzhou's AI plan?")
    assert answer.refused
    assert "don't say" in answer.text
    assert answer.passages, "the closest passages are still shown"


def test_the_model_saying_not_found_is_a_refusal_in_the_question_language(indexed):
    answer = answerer_with(indexed, "NOT_IN_DOCUMENTS").ask("人工智能的碳排放目标是什么？")
    assert answer.refused
    assert "没有" in answer.text


def test_follow_up_is_rewritten_before_retrieval(indexed):
    answerer = answerer_with(indexed, "Shenzhen released four action plans [1].")
    answer = answerer.ask("And Shenzhen?", history=["What AI action plan did Beijing issue?"])
    assert answer.rewritten_question == "What AI action plan did Shenzhen issue?"
    assert any("Shenzhen" in hit.text for hit in answer.passages[:3])


class BrokenModel(FakeListChatModel):
    """A model server that went away."""

    def _call(self, *args, **kwargs):
        raise ConnectionError("model server unreachable")

    def _stream(self, *args, **kwargs):
        raise ConnectionError("model server unreachable")
        yield  # pragma: no cover


def test_model_failure_gives_a_retrieval_only_answer_with_a_notice(indexed):
    answerer = Answerer(indexed.searcher, BrokenModel(responses=["unused"]))
    answer = answerer.ask("What is the funding cap for new equipment with demonstrative value in Beijing's plan?")
    assert "30 million" in answer.text and answer.cited
    assert any("unavailable" in notice for notice in answer.notices)
    assert answer.as_dict()["notices"]


def test_hostile_questions_are_answered_or_rejected_politely(indexed):
    answerer = answerer_with(indexed, *["Shenzhen released four action plans [1]."] * 3)
    for empty in ("", "   \n\t", "\x00\x07", "😀🎉🔥"):
        answer = answerer.ask(empty)
        assert answer.refused and "Please type a question" in answer.text
    long_answer = answerer.ask("Shenzhen action plans " * 2000)
    assert any("shortened" in notice for notice in long_answer.notices)
    assert len(long_answer.question) <= 1000


def test_an_off_topic_question_is_refused_before_the_model_runs(indexed):
    from assistant.search.embeddings import calibrated_relevance

    threshold = calibrated_relevance("e5")  # the fixture's embedding model
    assert threshold.same_language > 0, "bench/calibrate_refusal.py sets a threshold for e5"
    answerer = Answerer(indexed.searcher, FakeListChatModel(responses=[]), min_relevance=threshold)
    answer = answerer.ask("Which team won the football World Cup final in 1998?")
    assert answer.refused and "don't say" in answer.text
    assert answer.passages, "the closest passages are still shown"


def test_the_relevance_threshold_keeps_every_answerable_dev_question(indexed, dev_questions):
    from assistant.search.embeddings import calibrated_relevance

    answerer = Answerer(indexed.searcher, FakeListChatModel(responses=[]), min_relevance=calibrated_relevance("e5"))
    kept = [q["id"] for q in dev_questions if q["answers"] and not answerer.off_topic(q["question"], NO_FILTER)]
    assert len(kept) == sum(bool(q["answers"]) for q in dev_questions)


def test_a_threshold_of_zero_never_refuses(indexed):
    answerer = Answerer(indexed.searcher, FakeListChatModel(responses=[]))
    assert not answerer.off_topic("Which team won the football World Cup final in 1998?", NO_FILTER)


def test_the_extractive_answer_quotes_a_relevant_sentence_the_draft_points_at(embeddings):
    from assistant.answer.evidence import Relevance
    from assistant.answer.ground import Scope
    from assistant.answer.question import analyse
    from assistant.answer.repair import extractive_answer
    from assistant.search.hybrid import Hit

    hits = [
        Hit("a", "The meeting stressed computing power. It called for an open-source ecosystem.", {}),
        Hit("b", "The weather in the city was mild that week.", {}),
    ]
    scope = Scope(hits, analyse("What did the meeting call for?"), {1, 2}, {1: set(), 2: set()}, 0.82)
    relevance = Relevance(embeddings)
    assert "[1]" in extractive_answer(scope, relevance), "never the sentence about something else"
    hinted = extractive_answer(scope, relevance, "They want an open-source ecosystem")
    assert "It called for an open-source ecosystem” [1]." in hinted  # verbatim, with its lead-in when relevant


def test_a_short_direct_answer_is_kept(indexed):
    answer = answerer_with(indexed, "Jin Zhuanglong [1].").ask(
        "Who is the Minister of Industry and Information Technology?"
    )
    assert answer.text.startswith("Jin Zhuanglong")


def test_a_comparison_is_a_table_with_a_column_per_city_and_a_citation_in_every_stated_cell(indexed):
    answer = answerer_with(indexed).ask("Compare the Beijing and Shenzhen AI plans.")
    lines = answer.text.splitlines()
    assert lines[0] == "| Aspect | Beijing | Shenzhen |"
    rows = [line.split("|")[2:-1] for line in lines[2:] if line.startswith("|")]
    assert rows and all(cell.strip().startswith("not stated") or re.search(r"\[\d+\]\s*$", cell) for r in rows for cell in r)
    from assistant.places import passage_about, places_named

    (beijing_place,), (shenzhen_place,) = places_named("Beijing"), places_named("Shenzhen")
    beijing = {n for n, hit in enumerate(answer.passages, start=1) if passage_about(hit.metadata, hit.text, beijing_place)}
    shenzhen = {n for n, h in enumerate(answer.passages, start=1) if passage_about(h.metadata, h.text, shenzhen_place)}
    assert beijing.isdisjoint(shenzhen)
    for row in rows:  # no cell cites a passage about the other city
        assert all(int(n) in beijing for n in re.findall(r"\[(\d+)\]", row[0]))
        assert all(int(n) in shenzhen for n in re.findall(r"\[(\d+)\]", row[1]))
    assert "four action plans" in answer.text
    assert answer.badge == "quoted" and not answer.verified, "cells are the sources' own words: Quoted, not Verified"


def test_a_long_cell_shows_the_part_of_the_sentence_that_states_the_figure():
    from assistant.answer.compare import CELL_CHARS, _excerpt
    from assistant.answer.evidence import sentences_of
    from assistant.search.hybrid import Hit

    text = "The municipal bureau " + "recently and very publicly " * 12 + "announced support of up to RMB 5 million."
    (sentence,) = sentences_of([Hit("x", text, {})])
    cell = _excerpt(sentence, money=True)
    assert "RMB 5 million" in cell and cell.startswith("…")
    assert len(cell) <= CELL_CHARS + 2


def test_an_uncited_chinese_sentence_is_attributed_to_the_english_passage_that_states_it(indexed):
    from assistant.search.embeddings import cross_lingual_support

    draft = "北京的行动计划提出了16项措施，支持企业发展。"
    answerer = Answerer(
        indexed.searcher, FakeListChatModel(responses=[draft]), cross_lingual_support=cross_lingual_support("e5")
    )
    answer = answerer.ask("北京行动计划有多少项措施？")
    assert answer.verified and answer.text.startswith("北京的行动计划提出了16项措施")
    assert "16 measures" in answer.passages[answer.cited[0] - 1].text


def test_cross_lingual_agreement_follows_the_calibrated_similarity():
    from langchain_core.embeddings import Embeddings

    from assistant.answer.evidence import Relevance, sentences_of
    from assistant.answer.ground import Scope, _best_agreement
    from assistant.answer.question import analyse
    from assistant.search.hybrid import Hit

    class SimilarityOf080(Embeddings):
        def embed_query(self, text):
            return [1.0, 0.0]

        def embed_documents(self, texts):
            return [[0.8, 0.6] for _ in texts]

    hits = [Hit("a", "Shenzhen released four plans.", {})]

    def agrees(threshold: float) -> bool:
        scope = Scope(hits, analyse("What did the city release?"), {1}, {1: set()}, threshold)
        return _best_agreement("深圳发布了计划。", sentences_of(hits), scope, Relevance(SimilarityOf080()))[1]

    assert agrees(0.76) and not agrees(0.83)
