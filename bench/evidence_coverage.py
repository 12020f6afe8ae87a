"""How the refusal by evidence treats English questions over Chinese text, on questions no rule was fitted to.

`python -m bench.evidence_coverage [--threshold 0.5]`

For every XQuAD English question (1,190): the coverage of its subject terms (``subject.coverage``, CC-CEDICT and
the hand table of ``text.translate``) in the Chinese paragraphs of its own article (it should stay above the
threshold: answerable) and in those of another article drawn at random (it should fall below: refused).
Wikipedia questions, not policy ones: the share kept is a floor for questions whose words the policy hand table
does not cover. No model, no index: a few seconds.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict

from assistant.answer import subject
from assistant.answer.guard import MIN_SUBJECT_COVERAGE
from assistant.answer.question import analyse
from bench.common import SHARED

XQUAD = SHARED / "data" / "xquad_en_zh"


def _rows(name: str) -> list[dict]:
    with open(XQUAD / name, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def measure(threshold: float, seed: int = 1) -> dict:
    articles: dict[str, list[str]] = defaultdict(list)
    for row in _rows("corpus.jsonl"):
        if row["lang"] == "zh":
            articles[row["doc_id"].split("-")[2]].append(row["text"])
    rng, keys = random.Random(seed), sorted(articles)
    kept = refused = 0
    questions = _rows("questions_en.jsonl")
    for row in questions:
        own = row["extra"]["para_key"].split("-")[0]
        other = rng.choice([k for k in keys if k != own])
        q = analyse(row["question"])
        kept += subject.coverage(q, articles[own]) >= threshold
        refused += subject.coverage(q, articles[other]) < threshold
    n = len(questions)
    return {"questions": n, "threshold": threshold, "answerable_kept": kept / n, "unrelated_refused": refused / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=MIN_SUBJECT_COVERAGE)
    print(json.dumps(measure(parser.parse_args().threshold)))


if __name__ == "__main__":
    main()
