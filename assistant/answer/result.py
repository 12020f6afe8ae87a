"""What the pipeline returns: the answer text, its passages and what was verified."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer.badge import VERIFIED, badge_for
from assistant.answer.verify import Verification
from assistant.search.hybrid import Hit


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
    badge: str = ""  # answer.badge: verified, quoted, not_found, unverified ("" = from the verification)

    def __post_init__(self) -> None:
        checked = self.verification is not None and self.verification.verified
        self.badge = self.badge or badge_for(self.refused, checked)

    @property
    def verified(self) -> bool:
        """True only for the Verified badge: a quote or a table of the source's words is not verified."""
        return self.badge == VERIFIED and not self.refused and self.verification is not None and self.verification.verified

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
            "badge": self.badge,
            "unverified": self.verification.unverified if self.verification else [],
            "rewritten_question": self.rewritten_question,
            "passages": [passage(n) for n in range(1, len(self.passages) + 1)],
            "notices": self.notices,
            "places": self.places,
            "problems": self.verification.problems if self.verification else [],
        }
