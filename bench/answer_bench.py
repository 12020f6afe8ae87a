"""Answer: time to first token, total time and decode speed on the dev questions, same local model for both.

Ours is ``services.answerer.stream`` (retrieval, generation, verification and any repair). The baseline is
the tutorial: ``similarity_search`` then the stuff chain's ``.stream``. llama.cpp streams one token per
chunk, so chunks are counted as tokens; tokens per second is the decode rate after the first token.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

from bench.common import DEV_QUESTIONS, SAMPLE_DOCUMENTS, log, read_jsonl, spread

K = 4  # LangChain's default k, and this project's top_k: both systems read as many passages


def timed_stream(tokens: Iterable[str], started: float, started_cpu: float) -> dict:
    """Consume a stream of token texts; ``started`` is when the question was put (wall and process CPU clocks)."""
    stamps = [time.perf_counter() for _ in tokens]
    total, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    if not stamps:
        return {"first_token_s": None, "total_s": total, "cpu_s": cpu, "tokens": 0, "tokens_per_s": None}
    decode = stamps[-1] - stamps[0]
    return {
        "first_token_s": stamps[0] - started,
        "total_s": total,
        "cpu_s": cpu,
        "tokens": len(stamps),
        "tokens_per_s": (len(stamps) - 1) / decode if len(stamps) > 1 and decode > 0 else None,
    }


def ask_ours(answerer, question: str) -> dict:
    from assistant.answer.events import Final, Token

    outcome = {}

    def tokens():
        for event in answerer.stream(question):
            outcome.setdefault("first_progress_s", time.perf_counter() - started)  # passages shown, or the answer
            if isinstance(event, Token):
                yield event.text
            elif isinstance(event, Final):
                outcome["refused"] = event.answer.refused
                outcome["verified"] = event.answer.verified

    started, started_cpu = time.perf_counter(), time.process_time()
    timed = timed_stream(tokens(), started, started_cpu)
    return timed | outcome | {"final_s": timed["total_s"]}


def ask_baseline(vectorstore, chain, question: str) -> dict:
    from assistant.eval.tutorial import stuff_context

    started, started_cpu = time.perf_counter(), time.process_time()
    documents = vectorstore.similarity_search(question, k=K)
    stream = chain.stream({"context": stuff_context(documents), "question": question})
    return timed_stream((text for text in stream if text), started, started_cpu)


def summary(rows: list[dict]) -> dict:
    def values(key):
        return [row[key] for row in rows if row.get(key) is not None]

    return {
        "first_progress_s": spread(values("first_progress_s")),
        "first_token_s": spread(values("first_token_s")),
        "total_s": spread(values("total_s")),
        "cpu_s": spread(values("cpu_s")),
        "tokens": spread(values("tokens")),
        "tokens_per_s": spread(values("tokens_per_s")),
        "without_tokens": sum(1 for row in rows if not row["tokens"]),
    }


def load_model(chat_model) -> float:
    """The model loads on its first call; that cost is reported apart from the answers."""
    started = time.perf_counter()
    chat_model.invoke("Reply with OK.", max_tokens=2)
    return time.perf_counter() - started


def run(work: Path, *, quick: bool) -> dict:
    questions = read_jsonl(DEV_QUESTIONS)[: 3 if quick else None]
    return measure(SAMPLE_DOCUMENTS, questions, work / "answer") | {"corpus": "the sample article (`documents/`)"}


def measure(documents: Path, questions: list[dict], work: Path) -> dict:
    """Both systems index ``documents`` and answer ``questions`` with the same loaded model."""
    from assistant import app
    from assistant.eval.answers import baseline_chain
    from assistant.llm.backends import model_label
    from assistant.settings import Settings
    from bench import baseline

    settings = Settings(documents_dir=documents, index_dir=work / "ours")
    services = app.build_services(settings)
    services.ingest()
    model_load_s = load_model(services.chat_model)
    minilm = baseline.minilm()
    baseline.ingest(documents, work / "baseline", minilm)
    vectorstore = baseline.open_vectorstore(work / "baseline", minilm)
    chain = baseline_chain(services.chat_model)
    # One system after the other: llama.cpp reuses the prompt prefix of the previous call, and each system
    # has its own fixed prefix, so alternating would make both pay for it on every question.
    ours = [{"id": q["id"]} | ask_ours(services.answerer, q["question"]) for q in questions]
    theirs = [{"id": q["id"]} | ask_baseline(vectorstore, chain, q["question"]) for q in questions]
    for mine, baseline_row in zip(ours, theirs):
        log(
            f"answer {mine['id']}: ours {mine['total_s']:.1f}s ({mine['tokens']} tok), "
            f"baseline {baseline_row['total_s']:.1f}s ({baseline_row['tokens']} tok)"
        )
    return {
        "questions": len(questions),
        "model": model_label(settings),
        "max_tokens": settings.max_tokens,
        "n_threads": settings.n_threads,
        "n_ctx": settings.n_ctx,
        "model_load_s": model_load_s,
        "ours": summary(ours),
        "baseline": summary(theirs),
        "per_question": {"ours": ours, "baseline": theirs},
    }
