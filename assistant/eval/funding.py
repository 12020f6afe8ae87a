"""Precision and recall of extracted provisions against hand labels (tests/fixtures/funding_labels.jsonl).

A label marks a provision by a short anchor (``start:end`` in the document: its figures and the words
that make it a grant). An extracted provision matches a label when its span contains the anchor; each
label and each provision is used once, provisions with the same cap as the label first. Then the cap in
yuan, the ratio and the period are scored separately: a field is extracted when the provision states it,
correct when the matched label has the same value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field


@dataclass
class FieldScore:
    extracted: int = 0
    labelled: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0

    def as_dict(self) -> dict:
        return {
            "extracted": self.extracted,
            "labelled": self.labelled,
            "correct": self.correct,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


@dataclass
class Score:
    provisions: FieldScore = field(default_factory=FieldScore)
    cap: FieldScore = field(default_factory=FieldScore)
    ratio: FieldScore = field(default_factory=FieldScore)
    period: FieldScore = field(default_factory=FieldScore)
    misses: list[str] = field(default_factory=list)  # anchors of labels no provision matched
    spurious: list[str] = field(default_factory=list)  # spans of provisions no label matched
    wrong: list[str] = field(default_factory=list)  # "field: extracted != labelled (anchor)"

    def as_dict(self) -> dict:
        return {name: getattr(self, name).as_dict() for name in ("provisions", "cap", "ratio", "period")}


def _same_number(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-9)


def _same_period(a: str, b: str) -> bool:
    return bool(a) and re.sub(r"\s", "", a) == re.sub(r"\s", "", b)


def score(provisions: list, labels: list[dict], score_into: Score | None = None) -> Score:
    """Score ``provisions`` (with start, end, cap_yuan, ratio, period, span) of one document against its ``labels``."""
    result = score_into or Score()
    unmatched = list(provisions)
    pairs = []
    for label in labels:
        containing = [p for p in unmatched if p.start <= label["start"] and label["end"] <= p.end]
        containing.sort(key=lambda p: (not _same_number(p.cap_yuan, label["cap_yuan"]), p.end - p.start))
        if containing:
            unmatched.remove(containing[0])
            pairs.append((containing[0], label))
        else:
            result.misses.append(label["anchor"])
    result.provisions.extracted += len(provisions)
    result.provisions.labelled += len(labels)
    result.provisions.correct += len(pairs)
    result.spurious += [p.span for p in unmatched]
    for p in provisions:
        result.cap.extracted += p.cap_yuan is not None
        result.ratio.extracted += p.ratio is not None
        result.period.extracted += bool(p.period)
    for label in labels:
        result.cap.labelled += label["cap_yuan"] is not None
        result.ratio.labelled += label["ratio"] is not None
        result.period.labelled += bool(label["period"])
    for p, label in pairs:
        for name, same, extracted, wanted in (
            ("cap", _same_number, p.cap_yuan, label["cap_yuan"]),
            ("ratio", _same_number, p.ratio, label["ratio"]),
            ("period", _same_period, p.period, label["period"]),
        ):
            if same(extracted, wanted):
                getattr(result, name).correct += 1
            elif extracted or wanted:
                result.wrong.append(f"{name}: {extracted!r} != {wanted!r} ({label['anchor']!r})")
    return result
