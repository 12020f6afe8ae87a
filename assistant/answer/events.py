"""What the answer pipeline streams, in order: ``Passages`` (what retrieval found), ``Token`` (draft text
as the model writes it; never shown as checked), then one ``Final`` (the checked ``Answer``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.answer.result import Answer
from assistant.search.hybrid import Hit


@dataclass(frozen=True)
class Passages:
    rewritten_question: str
    hits: list[Hit]


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Final:
    answer: Answer


Event = Passages | Token | Final


def final_answer(events: Iterable[Event]) -> Answer:
    """The answer a stream ends with (every stream ends with exactly one ``Final``)."""
    answer = None
    for event in events:
        if isinstance(event, Final):
            answer = event.answer
    if answer is None:
        raise RuntimeError("the answer stream ended without a final answer")
    return answer
