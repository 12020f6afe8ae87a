"""`eval answers`: our verified pipeline beside LangChain tutorial pipelines, on the same questions and model.

Systems: ``ours``; ``chain`` (a plain "stuff" chain on our passages); ``tutorial`` (the LangChain tutorial
end to end, with its own retrieval: bench/baseline.py); and ``before`` (any pipeline's saved
``ask --json`` output, e.g. an older checkout of this project, scored the same way).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer.prompts import format_passages
from assistant.answer.verify import citations_in, strip_citations
from assistant.eval import tutorial
from assistant.eval.data import (
    answer_f1,
    corpus_folder,
    doc_id_of,
    gold_doc_ids,
    is_correct,
    markdown_table,
    read_jsonl,
    select,
)
from assistant.places import passage_about, places_named
from assistant.search.hybrid import Hit
from assistant.text.language import detect_language
from assistant.text.numbers import unsupported_figures


@dataclass
class Outcome:
    answer: str
    refused: bool
    cited: list[int]
    verified: bool
    seconds: float


@dataclass
class Tally:
    cross_lingual: bool = False
    rows: list[dict] = field(default_factory=list)

    def add(self, question: dict, outcome: Outcome, hits: list[Hit]) -> None:
        answerable = bool(question.get("answers"))
        evidence = question.get("evidence")
        gold = gold_doc_ids(question, self.cross_lingual)
        cited = [hits[n - 1] for n in outcome.cited if 1 <= n <= len(hits)]
        # A comparison's evidence names one party; a cell citing another party's passage is right when
        # that passage states that party's expected answer.
        support = [evidence] + (question["answers"] if question.get("kind") == "compare" else [])
        cited_ok = [
            (evidence and any(s in hit.text for s in support))
            or (not evidence and doc_id_of(hit.metadata["source"]) in gold)
            for hit in cited
        ]
        figures_bad = bool(unsupported_figures(_strip_quotes(outcome.answer), [hit.text for hit in cited]))
        correct = is_correct(outcome.answer, question) if answerable else outcome.refused
        shown_verified = outcome.verified and not outcome.refused
        self.rows.append(
            {
                "id": question.get("id"),
                "answerable": answerable,
                "correct": correct,
                "refused": outcome.refused,
                "verified": shown_verified,
                "f1": answer_f1(strip_citations(outcome.answer), question["answers"])
                if answerable
                else float(outcome.refused),
                "cited_ok": cited_ok,
                "wrong_shown_as_verified": shown_verified and not correct,
                "unverified_shown_as_verified": shown_verified and figures_bad,
                "unsupported_figures": figures_bad and not outcome.refused,
                "place_consistent": _place_consistent(question["question"], cited) if not outcome.refused else None,
                "in_question_language": _in_language(outcome.answer, question["question"]),
                "seconds": outcome.seconds,
                "answer": outcome.answer,
            }
        )

    def summary(self) -> dict:
        rows = self.rows
        refused = [r for r in rows if r["refused"]]
        unanswerable = [r for r in rows if not r["answerable"]]
        answerable = [r for r in rows if r["answerable"]]
        citations = [ok for r in answerable for ok in r["cited_ok"]]
        placed = [r["place_consistent"] for r in rows if r["place_consistent"] is not None]
        seconds = sorted(r["seconds"] for r in rows)
        return {
            "questions": len(rows),
            "correct": sum(r["correct"] for r in rows),
            "accuracy": sum(r["correct"] for r in rows) / max(1, len(rows)),
            "answerable_correct": sum(r["correct"] for r in answerable) / max(1, len(answerable)),
            "wrong_shown_as_verified": sum(r["wrong_shown_as_verified"] for r in rows),
            "answer_f1": sum(r["f1"] for r in rows) / max(1, len(rows)),
            "refusal_precision": sum(not r["answerable"] for r in refused) / len(refused) if refused else 1.0,
            "refusal_recall": sum(r["refused"] for r in unanswerable) / len(unanswerable) if unanswerable else 1.0,
            "citation_precision": sum(citations) / len(citations) if citations else 0.0,
            "answers_citing": sum(bool(r["cited_ok"]) for r in answerable if not r["refused"])
            / max(1, sum(not r["refused"] for r in answerable)),
            "place_consistency": sum(placed) / len(placed) if placed else 1.0,
            "answers_in_question_language": sum(r["in_question_language"] for r in rows) / max(1, len(rows)),
            "unverified_figures_shown_as_verified": sum(r["unverified_shown_as_verified"] for r in rows),
            "answers_with_unsupported_figures": sum(r["unsupported_figures"] for r in rows),
            "median_seconds": seconds[len(seconds) // 2] if seconds else 0.0,
        }


def _strip_quotes(answer: str) -> str:
    """Verbatim quotes of a passage are evidence, not claims; citation numbers are not figures."""
    return strip_citations(re.sub(r"“[^”]*”", "", answer))


def _place_consistent(question: str, cited: list[Hit]) -> bool:
    """Every passage the answer cites speaks for a place the question names (True when it names none)."""
    wanted = [p for p in places_named(question) if p.level != "national"]
    return not wanted or all(any(passage_about(h.metadata, h.text, p) for p in wanted) for h in cited)


def _in_language(answer: str, question: str) -> bool:
    """The answer's own words (quotes and tables aside) are in the question's language."""
    own = re.sub(r"^\|.*$", "", _strip_quotes(answer), flags=re.M)
    return not own.strip() or detect_language(own) == detect_language(question)


def baseline_chain(chat_model):
    """What a LangChain tutorial builds: a stuff prompt piped into the model, no checks."""
    return tutorial.chain(chat_model)


def run_ours(answerer, question: str) -> tuple[Outcome, list[Hit]]:
    started = time.perf_counter()
    answer = answerer.ask(question)
    return Outcome(
        answer.text, answer.refused, answer.cited, answer.verified, time.perf_counter() - started
    ), answer.passages


def run_baseline(chain, hits: list[Hit], question: str) -> Outcome:
    """The tutorial shows whatever the model says: nothing is checked, so every answer counts as shown verified."""
    started = time.perf_counter()
    text = chain.invoke({"context": format_passages(hits), "question": question})
    refused = tutorial.refused(text)
    cited = sorted({n for n in citations_in(text) if 1 <= n <= len(hits)})
    return Outcome(text, refused, cited, True, time.perf_counter() - started)


def tutorial_retriever(documents: Path, places: dict[str, str]):
    """The tutorial's own index (1,000-character splitter, MiniLM, Chroma ``similarity_search``) as Hits."""
    persist = Path(tempfile.mkdtemp(prefix="eval-tutorial-"))
    embeddings = tutorial.minilm()
    tutorial.ingest(documents, persist, embeddings)
    store = tutorial.open_vectorstore(persist, embeddings)

    def retrieve(question: str) -> list[Hit]:
        found = store.similarity_search(question, k=4)
        return [
            Hit(str(i), d.page_content, d.metadata | {"region_code": places.get(d.metadata.get("source", ""), "")})
            for i, d in enumerate(found)
        ]

    return retrieve


def saved_outcomes(path: str) -> list[tuple[Outcome, list[Hit]]]:
    """``ask --json`` lines of another pipeline (an older checkout): each becomes an outcome and its passages."""
    out = []
    for row in read_jsonl(path):
        hits = [Hit(str(p["n"]), p["text"], p) for p in row.get("passages", [])]
        cited = [c["n"] for c in row.get("citations", [])]
        out.append((Outcome(row["answer"], row["refused"], cited, row["verified"], row.get("seconds", 0.0)), hits))
    return out


def document_places(documents: Path) -> dict[str, str]:
    """File name → the division code of the place the document is about, as our ingest reads it."""
    from assistant.ingest.loaders import load_document
    from assistant.ingest.metadata import extract_metadata

    places = {}
    for path in sorted(documents.rglob("*.txt")):
        meta = extract_metadata(load_document(path).text, title=None, filename=path.name)
        places[path.name] = meta["region_code"]
    return places


def main(args) -> int:
    from assistant import app
    from assistant.settings import Settings

    questions = select(read_jsonl(args.questions), limit=args.limit, sample=args.sample)
    documents = (
        corpus_folder(args.corpus, args.corpus_lang) if args.corpus else (args.documents or Settings().documents_dir)
    )
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    index = args.index or Path(tempfile.mkdtemp(prefix="eval-index-"))
    services = app.build_services(Settings(documents_dir=documents, index_dir=index))
    services.ingest()
    tallies = {name: Tally(args.cross_lingual) for name in systems}
    passages = []
    for question in questions:
        outcome, hits = run_ours(services.answerer, question["question"])
        if "ours" in tallies:
            tallies["ours"].add(question, outcome, hits)
        passages.append(hits)
        print(f"{question.get('id')}: {outcome.answer[:80]!r}", file=sys.stderr)
    # Baselines run after ours, not interleaved, so each keeps its own prompt prefix in llama.cpp's cache.
    if "chain" in tallies:
        chain = baseline_chain(services.chat_model)
        for question, hits in zip(questions, passages):
            tallies["chain"].add(question, run_baseline(chain, hits, question["question"]), hits)
    if "tutorial" in tallies:
        chain = baseline_chain(services.chat_model)
        retrieve = tutorial_retriever(Path(documents), document_places(Path(documents)))
        for question in questions:
            hits = retrieve(question["question"])
            tallies["tutorial"].add(question, run_baseline(chain, hits, question["question"]), hits)
    if args.before:
        tallies["before"] = Tally(args.cross_lingual)
        for question, (outcome, hits) in zip(questions, saved_outcomes(args.before)):
            tallies["before"].add(question, outcome, hits)
    result = {name: tally.summary() for name, tally in tallies.items()}
    result["per_question"] = {name: tally.rows for name, tally in tallies.items()}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(_table(result))
    return 0


def _table(result: dict) -> str:
    systems = [s for s in result if s != "per_question"]
    metrics = [k for k in result[systems[0]] if k != "questions"]
    return markdown_table(["metric", *systems], [[m, *(result[s][m] for s in systems)] for m in metrics])
