"""`eval retrieval` end to end through the CLI: a small XQuAD slice and the dev set, real models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, read_jsonl, shared_path

QUESTIONS = 20
DISTRACTORS = 20


def _run_eval(*arguments: str) -> dict:
    env = os.environ | {"OMP_NUM_THREADS": "2"}  # the shipped settings (ASSISTANT_* from the caller apply)
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "retrieval", *arguments, "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def xquad_slice(tmp_path_factory) -> tuple[Path, Path]:
    """The first questions' Chinese paragraphs plus the first other Chinese paragraphs as distractors."""
    folder = tmp_path_factory.mktemp("xquad")
    questions = read_jsonl(shared_path("data", "xquad_en_zh", "questions_en.jsonl"))[:QUESTIONS]
    gold = {doc_id for q in questions for doc_id in q["extra"]["xling_gold_doc_ids"]}
    corpus = [doc for doc in read_jsonl(shared_path("data", "xquad_en_zh", "corpus.jsonl")) if doc["lang"] == "zh"]
    chosen = [doc for doc in corpus if doc["doc_id"] in gold] + [d for d in corpus if d["doc_id"] not in gold][
        :DISTRACTORS
    ]
    chosen += [doc for doc in read_jsonl(shared_path("data", "xquad_en_zh", "corpus.jsonl")) if doc["lang"] == "en"][:5]
    (folder / "corpus.jsonl").write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in chosen), encoding="utf-8")
    (folder / "questions.jsonl").write_text(
        "\n".join(json.dumps(q, ensure_ascii=False) for q in questions), encoding="utf-8"
    )
    return folder / "corpus.jsonl", folder / "questions.jsonl"


def test_cross_lingual_slice_reports_every_system(xquad_slice):
    corpus, questions = xquad_slice
    result = _run_eval("--corpus", str(corpus), "--questions", str(questions), "--cross-lingual", "--corpus-lang", "zh")
    assert result["questions"] == QUESTIONS and result["k"] == [1, 5, 10] and result["cross_lingual"]
    assert result["documents"] == len([line for line in corpus.read_text().splitlines() if '"lang": "zh"' in line])
    assert set(result["systems"]) == {"dense", "bm25", "hybrid", "baseline"}
    for scores in result["systems"].values():
        assert {"recall@1", "recall@5", "recall@10", "mrr"} <= set(scores)
        assert all(0.0 <= scores[m] <= 1.0 for m in ("recall@1", "recall@5", "recall@10", "mrr"))
        assert scores["recall@1"] <= scores["recall@5"] <= scores["recall@10"]
    systems = result["systems"]
    assert systems["hybrid"]["recall@10"] > systems["bm25"]["recall@10"]
    assert systems["hybrid"]["recall@10"] >= 0.9
    assert all(set(ranks) == set(systems) for ranks in result["per_question"].values())


def test_dev_set_evidence_mode(dev_questions):
    result = _run_eval(
        "--questions", str(shared_path("eval", "dev_questions.jsonl")), "--k", "3,6", "--systems", "dense,bm25,hybrid"
    )
    answerable = [q for q in dev_questions if q["evidence"]]
    assert result["questions"] == len(answerable)
    hybrid = result["systems"]["hybrid"]
    assert hybrid["recall@3"] == 1.0
    assert hybrid["compare_covered@6"] == 1.0


def test_a_sample_is_reproducible_ordered_and_without_repeats():
    from assistant.eval.data import select

    rows = list(range(100))
    drawn = select(rows, sample=10)
    assert drawn == select(rows, sample=10) == sorted(set(drawn)) and len(drawn) == 10
    assert drawn != rows[:10]
    assert select(rows, limit=5) == rows[:5]
    assert select(rows[:3], sample=10) == rows[:3]
