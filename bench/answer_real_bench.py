"""Answers on the real local policies (issue #26's target: median time to the final answer ≤ 6 s, first
progress ≤ 1 s): the five local AI policies and the sample article with the real dev questions, both systems,
the same model, measured as in ``answer_bench``."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.answer_bench import measure
from bench.common import SHARED, read_jsonl

QUESTIONS = SHARED / "eval" / "real_dev_questions.jsonl"


def documents_folder(work: Path) -> Path:
    folder = work / "answer-real-docs"
    folder.mkdir(parents=True, exist_ok=True)
    for path in [
        *sorted((SHARED / "data" / "cn_local_ai_policy").glob("*.txt")),
        SHARED / "corpus" / "ai-plus-manufacturing-policy.txt",
    ]:
        shutil.copy(path, folder / path.name)
    return folder


def run(work: Path, *, quick: bool) -> dict:
    questions = read_jsonl(QUESTIONS)[: 3 if quick else None]
    corpus = "the real local policies (`shared/data/cn_local_ai_policy/` and the sample article)"
    return measure(documents_folder(work), questions, work / "answer-real") | {"corpus": corpus}
