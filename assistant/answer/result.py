"""What the pipeline returns: the answer text, its passages and what was verified."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..retrieval import Hit
from ..verify import Verification


@dataclass
class Answer:
    question: str
    rewritten_question: str
    text: str
    refused: bool
    passages: list[Hit]
    verification: Verification | None = None
    notices: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # the places the question is about, as region labels

    @property
    def verified(self) -> bool:
        return not self.refused and self.verification is not None and self.verification.verified

    @property
    def cited(self) -> list[int]:
        return self.verification.cited if self.verification else []

    def as_dict(self) -> dict:
        def passage(n: int) -> dict:
            hit = self.passages[n - 1]
            return {"n": n, **hit.public_metadata(), "text": hit.text, "score": round(hit.score, 6)}

        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "citations": [passage(n) for n in sorted(self.cited)],
            "verified": self.verified,
            "unverified": self.verification.unverified if self.verification else [],
            "rewritten_question": self.rewritten_question,
            "passages": [passage(n) for n in range(1, len(self.passages) + 1)],
            "notices": self.notices,
            "places": self.places,
            "problems": self.verification.problems if self.verification else [],
        }
