"""The fixed split of the shared development sets by document, and which documents a question is about.

The project is judged on documents and questions it has never seen, so the shared dev sets are cut by
*document* into a tuning half (look at its misses, change the product) and a check half (only read its
score, to see whether a change generalises). A question belongs to the half of its documents; a comparison
whose documents fall in both halves counts in both, as ``score_answers.py --docs`` counts it, and an
unanswerable question about a place with no document at all goes into both halves.

Why each file is where it is (question counts from the shared files of this checkout):

``local`` (eval/real_dev_questions.jsonl, 21 questions; 13 in tuning, 11 in check, 3 of them in both):
  tuning: Shanghai's measures (5 funding caps, en + zh, plus the Shanghai side of both comparisons and an
  unanswerable tax question), Shenzhen's AI-terminal plan (3 facts: target size, doc number, vouchers, and
  an unanswerable AI-phone question) and the sample article (English; no real_dev question is about it: it
  is an English distractor among Chinese texts, and its own questions are the ``sample`` set).
  check: Anhui's policies (funding caps and facts, en + zh, and the Anhui side of both comparisons),
  Beijing's AI+ plan (2 facts, en + zh) and Shenzhen's AI+ advanced-manufacturing plan (no question yet: a
  distractor full of look-alike caps next to the other Shenzhen plan, which is in tuning).
  Both halves: the two Shanghai/Anhui comparisons and the Chongqing question (no document). Tuning: 5 caps,
  3 facts, 3 unanswerable; check: 3 caps, 5 facts, 1 unanswerable; English and Chinese on both sides.

``district`` (eval/district_dev_questions.jsonl, 37 questions; 23 in tuning, 23 in check, 9 in both: the
6 comparisons, the two Lingang PV files' shared question and the two questions about places with no file;
each half: 8 funding caps, 4-5 facts, 4-5 unanswerable, English and Chinese):
  each side holds Xuhui AI drafts (tuning: the AI-industry and generative-AI pilot-zone drafts; check: the
  West Bund district and the embodied-AI draft, so picking one cap out of look-alike drafts is measured on
  both sides), an energy/PV document (tuning: Lingang PV construction notice; check: Lingang PV subsidy
  rules with the per-kWh rates, and Huangpu's renewable-energy plan) and a green-eco-district rule (tuning:
  Jiading; check: its twin from Fengxian, so the Jiading/Fengxian comparisons land in both). Nanjing's
  government-scenario plan (facts, no money) is in tuning to balance the fact questions of Lingang's rules.

``sample`` (eval/dev_questions.jsonl over the sample article alone) is not split: it is reported whole.
"""

from __future__ import annotations

import re
from pathlib import Path

TUNING, CHECK = "tuning", "check"
HALVES = (TUNING, CHECK)

SPLITS: dict[str, dict[str, tuple[str, ...]]] = {
    "local": {
        TUNING: (
            "shanghai-expand-ai-application-measures-2025.txt",
            "shenzhen-ai-terminal-industry-2025-2026.txt",
            "ai-plus-manufacturing-policy.txt",
        ),
        CHECK: (
            "anhui-general-ai-highland-policies-v2-2025.txt",
            "beijing-ai-plus-action-plan-2024-2025.txt",
            "shenzhen-ai-plus-advanced-manufacturing-2026-2027.txt",
        ),
    },
    "district": {
        TUNING: (
            "shanghai-xuhui-ai-industry-opinions-draft-2024-PARTIAL.txt",
            "shanghai-xuhui-genai-pilot-zone-measures-draft-2024-PARTIAL.txt",
            "nanjing-ai-plus-government-scenarios-2026.txt",
            "shanghai-jiading-green-eco-district-management-2024.txt",
            "shanghai-lingang-pv-construction-management-2022.txt",
        ),
        CHECK: (
            "shanghai-lingang-pv-subsidy-rules-2023.txt",
            "shanghai-xuhui-westbund-ai-model-district-2024-PARTIAL.txt",
            "shanghai-xuhui-embodied-ai-opinions-draft-2024-PARTIAL.txt",
            "shanghai-huangpu-renewable-energy-action-plan-2025.txt",
            "shanghai-fengxian-green-eco-district-management-2025.txt",
        ),
    },
}

# File-name prefix → how questions name that place (multi-character names only: 京 alone would match 南京).
PLACES: dict[str, tuple[str, ...]] = {
    "shanghai": ("上海", "沪", "shanghai"),
    "anhui": ("安徽", "皖", "anhui"),
    "beijing": ("北京", "beijing"),
    "shenzhen": ("深圳", "shenzhen"),
    "nanjing": ("南京", "nanjing"),
    "chongqing": ("重庆", "chongqing"),
}
_GENERIC = {"plus", "policy", "policies", "plan", "action", "general", "measures", "opinions", "draft", "partial"}


def squash(text: str) -> str:
    """Whitespace removed: the PDF-derived texts break lines inside phrases ("最高 500\\n万元")."""
    return re.sub(r"\s+", "", text)


def _places_in(question: str) -> list[str]:
    lowered = question.lower()
    return [slug for slug, names in PLACES.items() if any(name in lowered for name in names)]


def _files_of_place(slug: str, names: list[str], question: str) -> list[str]:
    """The place's files; when it has several, the ones whose distinctive file-name words the question uses."""
    files = [name for name in names if name.startswith(slug + "-")]
    if len(files) < 2:
        return files
    words = {name: set(re.findall(r"[a-z]{4,}", name.removesuffix(".txt"))) - _GENERIC - {slug} for name in files}
    lowered = question.lower()
    named = [
        n for n in files if any(w in lowered for w in words[n] - set().union(*(words[o] for o in files if o != n)))
    ]
    return named or files


def documents_of(question: dict, texts: dict[str, str]) -> list[str]:
    """The files a question is about: its ``doc`` field when it has one, else the files holding its evidence.

    ``texts`` maps file name → text. Evidence is compared without whitespace, whole and split on "；"/"|".
    When it is found in several files (a short quote such as "最高 500 万元") the places the question names
    choose among them; a comparison takes, for each place it names, that place's files holding the evidence,
    or all that place's files; an unanswerable question (no evidence) takes the files of the places it names.
    """
    if "doc" in question:
        return list(question["doc"] or [])
    squashed = {name: squash(text) for name, text in texts.items()}
    evidence = question.get("evidence") or ""
    parts = [squash(p) for p in [evidence, *re.split(r"[；;|]", evidence)] if squash(p)]
    found = [name for name in texts if any(part in squashed[name] for part in parts)]
    places = _places_in(question["question"])
    by_place = {slug: _files_of_place(slug, list(texts), question["question"]) for slug in places}
    if question.get("kind") == "compare" and by_place:
        chosen = [name for files in by_place.values() for name in ([f for f in files if f in found] or files)]
        return sorted(set(chosen))
    named = sorted({name for files in by_place.values() for name in files})
    if len(found) > 1 and (narrowed := [name for name in found if name in named]):
        return narrowed
    return found or named


def halves_of(documents: list[str], split: dict[str, tuple[str, ...]]) -> list[str]:
    """The halves a question counts in: those of its documents; both when it has none (a place with no file)."""
    if not documents:
        return list(HALVES)
    return [half for half in HALVES if set(documents) & set(split[half])]


def document_texts(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}


def with_documents(questions: list[dict], texts: dict[str, str]) -> list[dict]:
    """Copies of the questions with a ``doc`` field (the official scorer's ``--docs`` reads only that field)."""
    return [question | {"doc": documents_of(question, texts)} for question in questions]
