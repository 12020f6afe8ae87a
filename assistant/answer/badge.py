"""What an answer's badge says, and nothing more (``ask --json`` ``badge``, the API's ``verification.badge``,
the chat's badge):

- ``verified``: every figure and fact of the answer is bound by code to a funding provision, a metadata
  field, or a sentence that shares the question's subject words (in Chinese, after translation), from a
  passage that speaks for the place asked about;
- ``quoted``: the answer is the source's own sentence(s) for the reader to judge (the repair, a comparison
  table's cells); no claim of it is checked beyond its figures being the source's;
- ``not_found``: a refusal, shown with the closest passages;
- ``unverified``: an answer whose check failed (a table with a figure its passage does not state).
"""

from __future__ import annotations

VERIFIED, QUOTED, NOT_FOUND, UNVERIFIED = "verified", "quoted", "not_found", "unverified"
BADGES = (VERIFIED, QUOTED, NOT_FOUND, UNVERIFIED)
LABELS = {
    VERIFIED: "✓ Verified: every figure and fact is bound to the passage it cites",
    QUOTED: "❝ Quoted: the source's own words, for you to judge",
    NOT_FOUND: "○ Not found in the documents",
    UNVERIFIED: "⚠ Not fully verified",
}


def badge_for(refused: bool, verified: bool, quoted: bool = False) -> str:
    """The badge of an answer: a refusal is not found; a quote is at most quoted, never verified."""
    if refused:
        return NOT_FOUND
    if not verified:
        return UNVERIFIED
    return QUOTED if quoted else VERIFIED
