"""Quality, read beside the speed figures: the evaluation commands run as they are, their JSON kept as it is.

A command that fails or does not exist yet is recorded with its error; the other sections still run.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import DEV_QUESTIONS, PYTHON, SHARED, last_json_line, log, run_child

XQUAD = SHARED / "data" / "xquad_en_zh"
# Indexing the 240 Chinese paragraphs dominates the cross-lingual run; 100 questions keep the full run short.
XQUAD_QUESTIONS = {"quick": 40, "full": 100}
QUICK_ANSWERS = 3


def evaluations(quick: bool) -> dict[str, list[str]]:
    """Name -> arguments of `python -m assistant eval ...`."""
    xquad = ["--corpus", str(XQUAD / "corpus.jsonl"), "--questions", str(XQUAD / "questions_en.jsonl")]
    return {
        "retrieval_dev": ["retrieval", "--questions", str(DEV_QUESTIONS)],
        "answers_dev": ["answers", "--questions", str(DEV_QUESTIONS)]
        + (["--limit", str(QUICK_ANSWERS)] if quick else []),
        "retrieval_xquad_cross_lingual": ["retrieval", *xquad, "--cross-lingual", "--corpus-lang", "zh"]
        + ["--limit", str(XQUAD_QUESTIONS["quick" if quick else "full"])],
    }


def run_eval(arguments: list[str]) -> dict:
    command = [PYTHON, "-m", "assistant", "eval", *arguments, "--json"]
    child = run_child(command, timeout=3600)
    entry = {"command": "python -m assistant eval " + " ".join(_short(a) for a in arguments) + " --json"}
    entry |= {"seconds": child.seconds, "cpu_s": child.cpu_s}
    if child.returncode != 0:
        return entry | {"error": _last_line(child.stderr) or f"exit code {child.returncode}"}
    try:
        return entry | {"result": last_json_line(child.stdout)}
    except ValueError as exc:
        return entry | {"error": f"{exc}: {_last_line(child.stderr)}"}


def _short(argument: str) -> str:
    """Shared-data paths as the reader would type them from the project root."""
    return argument.replace(str(SHARED), "../shared")


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def run(work: Path, *, quick: bool) -> dict:
    results = {}
    for name, arguments in evaluations(quick).items():
        results[name] = run_eval(arguments)
        status = "failed: " + results[name]["error"] if "error" in results[name] else "ok"
        log(f"quality {name}: {status} ({results[name]['seconds']:.0f}s)")
    return results
