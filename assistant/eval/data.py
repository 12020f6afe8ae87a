"""Shared plumbing of the evaluation commands: question sets, corpora written out as files, scoring."""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

from assistant.text.language import CJK


def read_jsonl(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def write_corpus(corpus_path: str | Path, doc_ids: set[str] | None = None) -> Path:
    """A corpus JSONL (doc_id, title, text) as one .txt file per document in a new temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="eval-docs-"))
    for doc in read_jsonl(corpus_path):
        if doc_ids is None or doc["doc_id"] in doc_ids:
            (folder / f"{doc['doc_id']}.txt").write_text(doc["text"], encoding="utf-8")
    return folder


def corpus_folder(corpus: str | Path, lang: str = "") -> Path:
    """The corpus as one file per document, optionally only the documents in one language."""
    doc_ids = {doc["doc_id"] for doc in read_jsonl(corpus) if doc.get("lang") == lang} if lang else None
    return write_corpus(corpus, doc_ids)


def select(rows: list, *, limit: int = 0, sample: int = 0, seed: int = 0) -> list:
    """The first ``limit`` rows, or ``sample`` rows drawn at random in their original order."""
    if sample and sample < len(rows):
        import random

        keep = set(random.Random(seed).sample(range(len(rows)), sample))
        rows = [row for i, row in enumerate(rows) if i in keep]
    return rows[: limit or None]


def doc_id_of(source: str) -> str:
    return Path(source).stem


def gold_doc_ids(question: dict, cross_lingual: bool = False) -> set[str]:
    """The documents that answer a question; ``cross_lingual`` uses XQuAD's paragraph in the other language."""
    extra = question.get("extra") or {}
    if cross_lingual and extra.get("xling_gold_doc_ids"):
        return set(extra["xling_gold_doc_ids"])
    return set(question.get("gold_doc_ids") or [])


def _tokens_for_f1(text: str) -> list[str]:
    text = text.lower()
    cjk = re.findall(f"[{CJK}]", text)
    return cjk + re.findall(r"[a-z0-9]+", re.sub(f"[{CJK}]", " ", text))


def answer_f1(prediction: str, references: list[str]) -> float:
    """Character F1 for Chinese, word F1 for English; the best over the references (SQuAD/CMRC style)."""
    predicted = Counter(_tokens_for_f1(prediction))
    best = 0.0
    for reference in references:
        gold = Counter(_tokens_for_f1(reference))
        common = sum((predicted & gold).values())
        if common:
            precision, recall = common / sum(predicted.values()), common / sum(gold.values())
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def _comparable(text: str) -> str:
    """Width, case, whitespace and thousands separators ignored: "3 亿元" and "3亿元", "300,000" and "300000"."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", "", re.sub(r"(?<=\d),(?=\d{3})", "", folded))


def contains_answer(prediction: str, answers: list[str]) -> bool:
    """Case-, width- and spacing-insensitive containment ("90％" contains "90%", "3 亿元" contains "3亿")."""
    folded = _comparable(prediction)
    return any(_comparable(answer) in folded for answer in answers)


def is_correct(prediction: str, question: dict) -> bool:
    """Every ``answer_groups`` group matched by one of its strings (both sides of a comparison), else any answer."""
    groups = question.get("answer_groups")
    if groups:
        return all(contains_answer(prediction, group) for group in groups)
    return contains_answer(prediction, question.get("answers") or [])


def markdown_table(header: list[str], rows: list[list]) -> str:
    def cell(value) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
