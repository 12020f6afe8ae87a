"""An answerer whose dense similarity says every sentence is related, so only the lexical tests (subject
words, provisions, list items) can tell an answer from something else: test_provisions, test_badge."""

from __future__ import annotations

from types import SimpleNamespace

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import FakeListChatModel

from assistant.answer import Answer, Answerer
from assistant.answer.question import analyse
from assistant.search.hybrid import Hit


class Alike(Embeddings):
    """Every text gets the same vector: dense similarity says everything is related."""

    def embed_documents(self, texts):
        return [[1.0, 0.0] for _ in texts]

    def embed_query(self, text):
        return [1.0, 0.0]


def lexical_answerer() -> Answerer:
    searcher = SimpleNamespace(embeddings=Alike(), indexed_places=lambda: frozenset())
    return Answerer(searcher, FakeListChatModel(responses=["x"]))


def hits(*texts: str) -> list[Hit]:
    """Passages of one placeless document, numbered from 1 in order."""
    return [Hit(f"c{i}", text, {"source": "policy.txt"}) for i, text in enumerate(texts)]


def answered(answerer: Answerer, question: str, passages: list[Hit], draft: str) -> Answer:
    """The answer the pipeline shows for this draft of the model over these passages."""
    q = analyse(question)
    return answerer.finish(question, q, answerer.scope(q, passages), draft, [])
