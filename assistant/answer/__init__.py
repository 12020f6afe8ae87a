"""The answer pipeline: a question in, a cited answer out, every sentence checked before it is shown.

Stages, in the order ``pipeline.Answerer.stream`` runs them: ``question`` (clean, rewrite follow-ups, read
the places and the kind of question), ``guard`` (refuse before the model when the documents cannot answer),
retrieval (``assistant.search.hybrid``), generation (``assistant.answer.prompts`` and the chat model), ``ground`` (the
grounding contract, docs/answers.md), ``repair`` (the passages' own words, or an honest refusal), and
``render`` (figures in both languages). ``compare`` builds comparison tables from the same checks.
"""

from assistant.answer.pipeline import MIN_SUPPORT, Answerer
from assistant.answer.result import Answer

__all__ = ["MIN_SUPPORT", "Answer", "Answerer"]
