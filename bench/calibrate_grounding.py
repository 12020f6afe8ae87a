"""Calibrate the sentence-level thresholds of the grounding contract (assistant/answer/ground.py, repair.py).

For questions with a known answer span (XQuAD English questions over the Chinese paragraphs, CMRC and
XQuAD Chinese questions over Chinese paragraphs), every sentence of the gold paragraph is scored against
the question with the assistant's relevance (dense similarity + lexical share); XQuAD English questions
over the English paragraphs too. The sentence holding the
answer is the right one; the others are the look-alike sentences of the same passage that a policy's
dozens of funding caps resemble; the best sentence of an unrelated paragraph is what a question the
documents do not answer finds. Prints, per direction: the least relevance that keeps 95% of the right
sentences (MIN_QUOTE_RELEVANCE), how often the right sentence is the most relevant, and the margin by which
the right sentence trails the best one (TOPIC_MARGIN).

    .venv/bin/python -m bench.calibrate_grounding [--n 100] [--embeddings e5+use]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cases(n: int, seed: int = 1) -> dict[str, list[tuple[str, str, list[str], str]]]:
    """direction → (question, gold paragraph, answers, an unrelated paragraph)."""
    xquad = {d["doc_id"]: d["text"] for d in _rows(SHARED / "xquad_en_zh" / "corpus.jsonl")}
    cmrc = {d["doc_id"]: d["text"] for d in _rows(SHARED / "cmrc2018" / "corpus.jsonl")}
    rng = random.Random(seed)
    out: dict[str, list] = {"en→zh": [], "zh→zh": [], "en→en": []}
    english = rng.sample(_rows(SHARED / "xquad_en_zh" / "questions_en.jsonl"), n)
    zh_docs = [k for k in xquad if k.startswith("xquad-zh")]
    for q in english:
        gold = q["extra"]["xling_gold_doc_ids"][0]
        other = rng.choice([d for d in zh_docs if d != gold])
        out["en→zh"].append((q["question"], xquad[gold], q["extra"]["xling_answers"], xquad[other]))
    chinese = rng.sample(_rows(SHARED / "cmrc2018" / "questions.jsonl"), n)
    cmrc_docs = list(cmrc)
    for q in chinese:
        gold = q["gold_doc_ids"][0]
        other = rng.choice([d for d in cmrc_docs if d != gold])
        out["zh→zh"].append((q["question"], cmrc[gold], q["answers"], cmrc[other]))
    en_docs = [k for k in xquad if k.startswith("xquad-en")]
    for q in rng.sample(_rows(SHARED / "xquad_en_zh" / "questions_en.jsonl"), n):
        gold = q["gold_doc_ids"][0]
        other = rng.choice([d for d in en_docs if d != gold])
        out["en→en"].append((q["question"], xquad[gold], q["answers"], xquad[other]))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p / 100 * (len(ordered) - 1)))))] if ordered else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--embeddings", default="e5+use")
    parser.add_argument("--only", default="", help="one direction, e.g. en→en")
    args = parser.parse_args()
    from assistant.answer.evidence import Relevance
    from assistant.search.embeddings import make_embeddings
    from assistant.text.sentences import split_sentences

    relevance = Relevance(make_embeddings(args.embeddings, 2))
    report = {}
    for direction, rows in cases(args.n).items():
        if args.only and direction != args.only:
            continue
        gold_scores, margins, top1, unrelated = [], [], 0, []
        for question, paragraph, answers, other in rows:
            sentences = split_sentences(paragraph)
            holding = [i for i, s in enumerate(sentences) if any(a and a in s for a in answers)]
            if not holding:
                continue
            scores = relevance.score(question, sentences)
            gold = max(scores[i] for i in holding)
            gold_scores.append(gold)
            margins.append(max(scores) - gold)
            top1 += gold >= max(scores)
            unrelated.append(max(relevance.score(question, split_sentences(other)) or [0.0]))
        floor = percentile(gold_scores, 5)
        report[direction] = {
            "questions": len(gold_scores),
            "right_sentence_p5": round(floor, 3),
            "right_sentence_median": round(percentile(gold_scores, 50), 3),
            "right_is_most_relevant": round(top1 / max(1, len(gold_scores)), 3),
            "margin_p90": round(percentile(margins, 90), 3),
            "margin_p95": round(percentile(margins, 95), 3),
            "unrelated_best_median": round(percentile(unrelated, 50), 3),
            "unrelated_best_p95": round(percentile(unrelated, 95), 3),
            "unrelated_above_floor": round(sum(u >= floor for u in unrelated) / max(1, len(unrelated)), 3),
        }
        print(direction, report[direction], flush=True)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
