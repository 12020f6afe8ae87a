"""The answer pipeline with deterministic fake models: verification, repair, refusal, follow-ups."""

from __future__ import annotations

from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answerer


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
