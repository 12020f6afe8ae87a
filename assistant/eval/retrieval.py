"""`eval retrieval`: recall@k and MRR of dense, BM25, hybrid and a LangChain tutorial baseline, side by side.

With ``--corpus`` a hit is a retrieved chunk whose source document is a gold document of the question;
without it the documents folder is indexed and a hit is a chunk that contains the question's ``evidence``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.eval.data import corpus_folder, doc_id_of, gold_doc_ids, markdown_table, read_jsonl, select
from assistant.ingest.indexer import document_files

SYSTEMS = ("dense", "bm25", "hybrid", "baseline")
COMPARE_K = 6  # the passages the answerer sees: both parties must be among them


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    kind: str
    gold_docs: frozenset[str] = frozenset()
    evidence: str = ""
    answers: tuple[str, ...] = ()

    def is_hit(self, text: str, source: str) -> bool:
        if self.evidence:
            return self.evidence in text
        return doc_id_of(source) in self.gold_docs


Retrieved = list[tuple[str, str]]  # (chunk text, source) best first


def load_questions(
    path: str, *, limit: int = 0, sample: int = 0, cross_lingual: bool = False, by_evidence: bool = False
):
    """Questions with a way to judge a hit; dev-set questions without evidence (unanswerable) are skipped."""
    questions = []
    for row in read_jsonl(path):
        if by_evidence and not row.get("evidence"):
            continue
        questions.append(
            Question(
                id=str(row.get("id", len(questions))),
                text=row["question"],
                kind=row.get("kind", ""),
                gold_docs=frozenset(gold_doc_ids(row, cross_lingual)),
                evidence=(row.get("evidence") or "") if by_evidence else "",
                answers=tuple(row.get("answers") or ()),
            )
        )
    return select(questions, limit=limit, sample=sample)


def first_hit(question: Question, retrieved: Retrieved) -> int:
    """1-based rank of the first hit, 0 when none of the retrieved chunks is one."""
    for rank, (text, source) in enumerate(retrieved, start=1):
        if question.is_hit(text, source):
            return rank
    return 0


def covers_answers(question: Question, retrieved: Retrieved) -> bool:
    """Every expected answer (one per compared party) occurs in the first ``COMPARE_K`` chunks."""
    texts = " ".join(text for text, _ in retrieved[:COMPARE_K])
    return all(answer in texts for answer in question.answers)


def summarise(ranks: list[int], ks: list[int]) -> dict[str, float]:
    n = max(1, len(ranks))
    scores = {f"recall@{k}": sum(0 < r <= k for r in ranks) / n for k in ks}
    scores["mrr"] = sum(1 / r for r in ranks if r) / n
    return scores


def our_systems(services, k: int) -> dict[str, Callable[[str], Retrieved]]:
    """The product's retrieval as the CLI runs it: hybrid is the balanced search the answerer uses."""
    searcher = services.searcher

    def run(search):
        return lambda query: [(hit.text, hit.metadata.get("source", "")) for hit in search(query)]

    def fresh(search):  # every system pays for its own query embedding
        def first_call(query):
            searcher.clear_query_cache()
            return search(query)

        return first_call

    return {
        "dense": run(fresh(lambda q: searcher.search(q, k, mode="dense"))),
        "bm25": run(lambda q: searcher.search(q, k, mode="bm25")),
        "hybrid": run(fresh(lambda q: searcher.search_balanced(q, k))),
    }


def baseline_system(documents: Path, k: int) -> Callable[[str], Retrieved]:
    """What a LangChain tutorial builds: 1000/200 character splits, MiniLM, ``Chroma.similarity_search``."""
    from assistant.eval import tutorial

    store = tutorial.open_vectorstore(Path(tempfile.mkdtemp(prefix="eval-baseline-")), tutorial.minilm(), "baseline")
    splits = tutorial.split(tutorial.load_folder(documents, document_files(documents)))
    store.add_documents(splits)
    return lambda query: [(d.page_content, d.metadata["source"]) for d in store.similarity_search(query, k=k)]


def measure(questions: list[Question], retrieve: Callable[[str], Retrieved]) -> tuple[list[int], list[bool], float]:
    ranks, covered, started = [], [], time.perf_counter()
    for question in questions:
        retrieved = retrieve(question.text)
        ranks.append(first_hit(question, retrieved))
        covered.append(covers_answers(question, retrieved))
    return ranks, covered, (time.perf_counter() - started) / max(1, len(questions))


def build_services(documents: Path, index: Path | None):
    from assistant import app
    from assistant.settings import Settings

    return app.build_services(Settings(documents_dir=documents, index_dir=index or tempfile.mkdtemp(prefix="eval-")))


def evaluate(args) -> dict:
    from assistant.settings import Settings

    ks = sorted({int(k) for k in str(args.k).split(",") if k.strip()})
    systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    if unknown := set(systems) - set(SYSTEMS):
        raise SystemExit(f"Unknown systems {sorted(unknown)}: choose among {', '.join(SYSTEMS)}.")
    by_evidence = not args.corpus
    questions = load_questions(
        args.questions,
        limit=args.limit,
        sample=getattr(args, "sample", 0),
        cross_lingual=getattr(args, "cross_lingual", False),
        by_evidence=by_evidence,
    )
    documents = (
        corpus_folder(args.corpus, getattr(args, "corpus_lang", "") or "")
        if args.corpus
        else (args.documents or Settings().documents_dir)
    )
    runners: dict[str, Callable[[str], Retrieved]] = {}
    index_seconds: dict[str, float] = {}
    if set(systems) & {"dense", "bm25", "hybrid"}:
        started = time.perf_counter()
        services = build_services(Path(documents), args.index)
        report = services.ingest()
        index_seconds["ours"] = time.perf_counter() - started
        runners |= our_systems(services, max(max(ks), COMPARE_K))
        _log(f"indexed {report.chunks} chunks in {index_seconds['ours']:.0f}s ({services.settings.embeddings})")
    if "baseline" in systems:
        started = time.perf_counter()
        runners["baseline"] = baseline_system(Path(documents), max(max(ks), COMPARE_K))
        index_seconds["baseline"] = time.perf_counter() - started
    results, per_question = {}, {q.id: {} for q in questions}
    for name in systems:
        ranks, covered, seconds = measure(questions, runners[name])
        results[name] = summarise(ranks, ks) | {"ms_per_query": round(seconds * 1000, 1)}
        compares = [c for q, c in zip(questions, covered) if q.kind == "compare"]
        if compares:
            results[name][f"compare_covered@{COMPARE_K}"] = sum(compares) / len(compares)
        for question, rank in zip(questions, ranks):
            per_question[question.id][name] = rank
        _log(f"{name}: " + ", ".join(f"{key} {value:.3f}" for key, value in results[name].items()))
    return {
        "questions": len(questions),
        "corpus": args.corpus or str(documents),
        "documents": len(document_files(Path(documents))),
        "cross_lingual": bool(getattr(args, "cross_lingual", False)),
        "k": ks,
        "settings": _retrieval_settings(),
        "index_seconds": {name: round(s, 1) for name, s in index_seconds.items()},
        "systems": results,
        "per_question": per_question,
    }


def _retrieval_settings() -> dict:
    from assistant.settings import Settings

    s = Settings()
    fields = (
        "embeddings",
        "fusion",
        "dense_weight",
        "bm25_weight",
        "bm25_by_coverage",
        "rrf_k",
        "candidates",
        "chunk_tokens",
        "chunk_overlap_tokens",
    )
    return {name: getattr(s, name) for name in fields if hasattr(s, name)}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def table(result: dict) -> str:
    metrics = [key for key in next(iter(result["systems"].values()), {}) if key != "ms_per_query"] + ["ms_per_query"]

    def cell(scores: dict, metric: str):
        value = scores.get(metric, "")
        return f"{value:.0f}" if metric == "ms_per_query" and value != "" else value

    rows = [[name, *(cell(scores, m) for m in metrics)] for name, scores in result["systems"].items()]
    return markdown_table(["system", *metrics], rows)


def main(args) -> int:
    result = evaluate(args)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"{result['questions']} questions, corpus {result['corpus']}, settings {result['settings']}")
        print(table(result))
    return 0
