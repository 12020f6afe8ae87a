"""Search and answers in the shapes the outside relies on: ``search --json`` rows (also ``POST /v1/search``)
and the ``ask --json`` object; the CLI, the API and the evaluation all take them from here."""

from __future__ import annotations

from assistant.search.hybrid import NO_FILTER, Filter


def search_rows(searcher, query: str, k: int, filters: Filter = NO_FILTER, mode: str = "hybrid") -> list[dict]:
    """The hits exactly as ``search --json`` prints them."""
    if mode == "hybrid":
        hits = searcher.search_balanced(query, k, filters)
    else:
        hits = searcher.search(query, k, filters, mode=mode)
    return [
        {"rank": rank, "score": round(hit.score, 6), **hit.public_metadata(), "text": hit.text}
        for rank, hit in enumerate(hits, start=1)
    ]


def ask_json(answerer, question: str, filters: Filter = NO_FILTER) -> dict:
    """The ``ask --json`` object for one question."""
    return answerer.ask(question, filters=filters).as_dict()
