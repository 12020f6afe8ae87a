"""`eval answers`: our verified pipeline against a plain LangChain "stuff" RAG chain, same model and passages."""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .answer import Answerer
from .eval_data import (
    answer_f1,
    contains_answer,
    corpus_folder,
    doc_id_of,
    gold_doc_ids,
    markdown_table,
    read_jsonl,
    select,
)
from .numbers import unsupported_figures
from .prompts import format_passages
from .retrieval import Hit
from .verify import citations_in, strip_citations

BASELINE_SYSTEM = (
    "Use the following pieces of context to answer the question at the end. "
    "If you don't know the answer, just say that you don't know, don't try to make up an answer. "
    "Cite the passages you use as [n]."
)
_BASELINE_REFUSALS = (
    "don't know",
    "do not know",
    "not mentioned",
    "no information",
    "not provided",
    "不知道",
    "没有提到",
    "未提及",
)


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
        # A comparison's evidence names one party; a cell citing another party's passage is right when
        # that passage states that party's expected answer.
        support = [evidence] + (question["answers"] if question.get("kind") == "compare" else [])
        cited_ok = [
            (evidence and any(s in hits[n - 1].text for s in support))
            or (not evidence and doc_id_of(hits[n - 1].metadata["source"]) in gold)
            for n in outcome.cited
            if 1 <= n <= len(hits)
        ]
        figures_bad = bool(
            unsupported_figures(
                _strip_quotes(outcome.answer), [hits[n - 1].text for n in outcome.cited if 1 <= n <= len(hits)]
            )
        )
        self.rows.append(
            {
                "id": question.get("id"),
                "answerable": answerable,
                "correct": contains_answer(outcome.answer, question["answers"]) if answerable else outcome.refused,
                "refused": outcome.refused,
                "f1": answer_f1(strip_citations(outcome.answer), question["answers"])
                if answerable
                else float(outcome.refused),
                "cited_ok": cited_ok,
                "unverified_shown_as_verified": outcome.verified and figures_bad and not outcome.refused,
                "unsupported_figures": figures_bad and not outcome.refused,
                "seconds": outcome.seconds,
                "answer": outcome.answer,
            }
        )

    def summary(self) -> dict:
        rows = self.rows
        refused = [r for r in rows if r["refused"]]
        unanswerable = [r for r in rows if not r["answerable"]]
        citations = [ok for r in rows if r["answerable"] for ok in r["cited_ok"]]
        seconds = sorted(r["seconds"] for r in rows)
        return {
            "questions": len(rows),
            "correct": sum(r["correct"] for r in rows),
            "accuracy": sum(r["correct"] for r in rows) / max(1, len(rows)),
            "answer_f1": sum(r["f1"] for r in rows) / max(1, len(rows)),
            "refusal_precision": sum(not r["answerable"] for r in refused) / len(refused) if refused else 1.0,
            "refusal_recall": sum(r["refused"] for r in unanswerable) / len(unanswerable) if unanswerable else 1.0,
            "citation_precision": sum(citations) / len(citations) if citations else 0.0,
            "answers_citing": sum(bool(r["cited_ok"]) for r in rows if r["answerable"] and not r["refused"])
            / max(1, sum(r["answerable"] and not r["refused"] for r in rows)),
            "unverified_figures_shown_as_verified": sum(r["unverified_shown_as_verified"] for r in rows),
            "answers_with_unsupported_figures": sum(r["unsupported_figures"] for r in rows),
            "median_seconds": seconds[len(seconds) // 2] if seconds else 0.0,
        }


def _strip_quotes(answer: str) -> str:
    """Verbatim quotes of a passage are evidence, not claims; citation numbers are not figures."""
    return strip_citations(re.sub(r"“[^”]*”", "", answer))


def baseline_chain(chat_model):
    """What a LangChain tutorial builds: a stuff prompt piped into the model, no checks."""
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate

    prompt = ChatPromptTemplate.from_messages(
        [("system", BASELINE_SYSTEM), ("human", "{context}\n\nQuestion: {question}")]
    )
    return prompt | chat_model | StrOutputParser()


def run_ours(answerer: Answerer, question: str) -> tuple[Outcome, list[Hit]]:
    started = time.perf_counter()
    answer = answerer.ask(question)
    return Outcome(
        answer.text, answer.refused, answer.cited, answer.verified, time.perf_counter() - started
    ), answer.passages


def run_baseline(chain, hits: list[Hit], question: str) -> Outcome:
    started = time.perf_counter()
    text = chain.invoke({"context": format_passages(hits), "question": question})
    refused = any(phrase in text.lower() for phrase in _BASELINE_REFUSALS)
    cited = sorted({n for n in citations_in(text) if 1 <= n <= len(hits)})
    return Outcome(text, refused, cited, True, time.perf_counter() - started)


def main(args) -> int:
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    import app

    from .settings import Settings

    questions = select(read_jsonl(args.questions), limit=args.limit, sample=args.sample)
    documents = (
        corpus_folder(args.corpus, args.corpus_lang) if args.corpus else (args.documents or Settings().documents_dir)
    )
    index = args.index or Path(tempfile.mkdtemp(prefix="eval-index-"))
    services = app.build_services(Settings(documents_dir=documents, index_dir=index))
    services.ingest()
    ours, baseline = Tally(args.cross_lingual), Tally(args.cross_lingual)
    chain = None if args.no_baseline else baseline_chain(services.chat_model)
    passages = []
    for question in questions:
        outcome, hits = run_ours(services.answerer, question["question"])
        ours.add(question, outcome, hits)
        passages.append(hits)
        print(f"{question.get('id')}: {outcome.answer[:80]!r}", file=sys.stderr)
    # The baseline runs after ours, not interleaved, so each keeps its own prompt prefix in llama.cpp's cache.
    for question, hits in zip(questions, passages) if chain is not None else ():
        baseline.add(question, run_baseline(chain, hits, question["question"]), hits)
        print(f"{question.get('id')} (baseline): {baseline.rows[-1]['answer'][:80]!r}", file=sys.stderr)
    result = {"ours": ours.summary(), "per_question": ours.rows}
    if chain is not None:
        result |= {"baseline": baseline.summary(), "baseline_per_question": baseline.rows}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(_table(result))
    return 0


def _table(result: dict) -> str:
    metrics = [k for k in result["ours"] if k != "questions"]
    systems = [s for s in ("ours", "baseline") if s in result]
    return markdown_table(["metric", *systems], [[m, *(result[s][m] for s in systems)] for m in metrics])
