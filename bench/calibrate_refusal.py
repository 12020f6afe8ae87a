"""Calibrates the refusal threshold: how relevant is the best passage for answerable and unanswerable questions?

`python -m bench.calibrate_refusal [--n 100] [--work DIR] [--raw FILE | --scores FILE] [--json]`

The signal is the best dense similarity between the question and any indexed chunk (the embedding the
assistant is configured with). Answerable questions are asked of the corpus that answers them; unanswerable
ones are questions about other topics asked of the same corpora (Wikipedia questions of the policy article,
policy questions of Wikipedia), plus the dev set's own unanswerable questions. The thresholds sit 0.04
below the least similar answerable question, one for a best chunk in the question's language and a lower
one across languages; the report says how many unanswerable questions they catch.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SHARED = ROOT.parent / "shared"
XQUAD = SHARED / "data" / "xquad_en_zh"
CMRC = SHARED / "data" / "cmrc2018"
DEV = SHARED / "eval" / "dev_questions.jsonl"
MARGIN = 0.04  # few English policy questions in the calibration (9): keep a wide berth


def services_for(documents: Path, index: Path, shared_from=None):
    from assistant import app
    from assistant.settings import Settings

    services = app.build_services(Settings(documents_dir=documents, index_dir=index))
    if shared_from is not None:  # one copy of the embedding models for all corpora
        services.embeddings = shared_from.embeddings
    services.ingest()
    return services


def best_match(services, question: str) -> tuple[float, bool]:
    """The best chunk's similarity, and whether that chunk is in the question's language."""
    from assistant.text.language import detect_language

    hits = services.searcher.dense(question, 1)
    if not hits:
        return 0.0, True
    return hits[0].dense_similarity, detect_language(hits[0].text) == detect_language(question)


def question_sets(n: int, seed: int = 0) -> dict[str, list[dict]]:
    from assistant.eval.data import read_jsonl, select

    def sample(rows: list[dict]) -> list[dict]:
        return select(rows, sample=n, seed=seed)

    dev = read_jsonl(DEV)
    return {
        "dev_answerable": [q for q in dev if q["answers"]],
        "dev_unanswerable": [q for q in dev if not q["answers"]],
        "dev_all": dev,
        "xquad_en": sample(read_jsonl(XQUAD / "questions_en.jsonl")),
        "xquad_zh": sample(read_jsonl(XQUAD / "questions_zh.jsonl")),
        "cmrc": sample(read_jsonl(CMRC / "questions.jsonl")),
    }


# (questions, corpus, answerable?)
PAIRS = (
    ("dev_answerable", "sample", True),
    ("xquad_en", "xquad_zh", True),
    ("xquad_zh", "xquad_zh", True),
    ("cmrc", "cmrc", True),
    ("dev_unanswerable", "sample", False),
    ("xquad_en", "sample", False),
    ("xquad_zh", "sample", False),
    ("cmrc", "sample", False),
    ("dev_all", "xquad_zh", False),
    ("dev_all", "cmrc", False),
)


def corpora() -> dict[str, Path]:
    from assistant.eval.data import corpus_folder

    return {
        "sample": ROOT / "documents",
        "xquad_zh": corpus_folder(XQUAD / "corpus.jsonl", "zh"),
        "cmrc": corpus_folder(CMRC / "corpus.jsonl"),
    }


def measure(n: int, work: Path) -> dict[str, dict]:
    sets = question_sets(n)
    services: dict = {}
    for name, folder in corpora().items():
        services[name] = services_for(folder, work / f"index-{name}", next(iter(services.values()), None))
    out = {}
    for questions, corpus, answerable in PAIRS:
        matches = [best_match(services[corpus], q["question"]) for q in sets[questions]]
        out[f"{questions} on {corpus}"] = {"answerable": answerable, "matches": matches}
        print(f"{questions} on {corpus}: {len(matches)} questions", file=sys.stderr, flush=True)
    return out


def threshold_for(scores: list[float]) -> float:
    """Just below every answerable question's score: a false refusal costs a user a good answer."""
    return round(min(scores) - MARGIN, 3)


def choose_thresholds(groups: dict[str, dict]) -> dict:
    """One threshold when the best chunk is in the question's language, a lower one across languages
    (cross-lingual similarities are systematically lower)."""
    answerable = [m for g in groups.values() if g["answerable"] for m in g["matches"]]
    unanswerable = [m for g in groups.values() if not g["answerable"] for m in g["matches"]]
    thresholds = {
        "same_language": threshold_for([score for score, same in answerable if same]),
        "cross_language": threshold_for([score for score, same in answerable if not same]),
    }

    def refused(match: tuple[float, bool]) -> bool:
        score, same = match
        return score < thresholds["same_language" if same else "cross_language"]

    def share(matches, predicate) -> float:
        return sum(map(predicate, matches)) / max(1, len(matches))

    return {
        "thresholds": thresholds,
        "answerable_kept": share(answerable, lambda m: not refused(m)),
        "unanswerable_refused": share(unanswerable, refused),
        "per_group": {
            name: {
                "answerable": g["answerable"],
                "n": len(g["matches"]),
                "same_language": share(g["matches"], lambda m: m[1]),
                "min": round(min(score for score, _ in g["matches"]), 3),
                "median": round(sorted(score for score, _ in g["matches"])[len(g["matches"]) // 2], 3),
                "max": round(max(score for score, _ in g["matches"]), 3),
                "refused": share(g["matches"], refused),
            }
            for name, g in groups.items()
        },
    }


def table(result: dict) -> str:
    lines = [
        "| questions on corpus | answerable | n | best chunk in the question's language | min | median | max | refused |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, g in result["per_group"].items():
        lines.append(
            f"| {name} | {'yes' if g['answerable'] else 'no'} | {g['n']} | {g['same_language']:.0%} | {g['min']:.3f} "
            f"| {g['median']:.3f} | {g['max']:.3f} | {g['refused']:.0%} |"
        )
    lines.append(
        f"\nThresholds {result['thresholds']}: keep {result['answerable_kept']:.1%} of answerable questions, "
        f"refuse {result['unanswerable_refused']:.1%} of unanswerable ones before the model runs."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="questions sampled from each shared set")
    parser.add_argument("--work", type=Path, help="folder for the indexes (kept, so a second run is fast)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--raw", type=Path, help="also write every question's score to this JSON file")
    parser.add_argument("--scores", type=Path, help="recompute the thresholds from a previous --raw file")
    args = parser.parse_args(argv)
    if args.scores:
        groups = json.loads(args.scores.read_text(encoding="utf-8"))
    else:
        groups = measure(args.n, args.work or Path(tempfile.mkdtemp(prefix="calibrate-")))
    if args.raw:
        args.raw.write_text(json.dumps(groups), encoding="utf-8")
    result = choose_thresholds(groups)
    print(json.dumps(result) if args.json else table(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
