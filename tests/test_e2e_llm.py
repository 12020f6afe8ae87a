"""End to end with the real default model: retrieval, generation with llama.cpp, verification."""

from __future__ import annotations

import pytest

from assistant.answer import Answerer
from assistant.answer.events import Final, Passages, Token

pytestmark = pytest.mark.llm


def test_funding_cap_is_answered_with_the_exact_figure_and_its_passage(indexed, real_chat_model):
    answerer = Answerer(indexed.searcher, real_chat_model, top_k=indexed.settings.top_k)
    events = list(
        answerer.stream("What is the funding cap for new equipment with demonstrative value in Beijing's plan?")
    )
    assert isinstance(events[0], Passages)
    assert any(isinstance(e, Token) for e in events), "the answer streams"
    assert isinstance(events[-1], Final)
    answer = events[-1].answer
    assert "30 million" in answer.text
    assert not answer.refused and answer.verified
    cited_texts = [answer.passages[n - 1].text for n in answer.cited]
    assert any("up to RMB 30 million" in text for text in cited_texts)


def test_unanswerable_question_is_refused(indexed, real_chat_model):
    answer = Answerer(indexed.searcher, real_chat_model).ask("What is the subsidy cap in Hangzhou's AI plan?")
    assert answer.refused
