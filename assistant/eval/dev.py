"""`python -m assistant eval dev`: the product on the shared development sets, judged the way the project is.

Owns the run: for each set (``local``, ``district``, ``sample``) it copies the set's documents into a
temporary folder, indexes them, answers every question with ``ours`` (the ``ask --json`` code path) and with
``tutorial`` (the LangChain tutorial pipeline of :mod:`.tutorial`, own retrieval, same chat model), writes
``<out>/<set>-<system>.jsonl`` and scores each half of the fixed split (:mod:`.splits`) with the official
scorer ``../shared/eval/score_answers.py`` run on per-half copies of the question and answer files.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.eval import tutorial
from assistant.eval.data import markdown_table, read_jsonl
from assistant.eval.splits import HALVES, SPLITS, halves_of, with_documents
from assistant.service import queries

SYSTEMS = ("ours", "tutorial")
TUTORIAL_K = 4
ALL = "all"
LAST_LINE = re.compile(
    r"right (\d+)/(\d+), refused (\d+)/(\d+), wrong shown as verified (\d+), citation precision ([0-9.]+)"
)


@dataclass(frozen=True)
class DevSet:
    """A question file of ``shared/eval`` and the documents it is asked over (globs under ``shared``)."""

    name: str
    questions: str
    documents: tuple[str, ...]
    split: dict[str, tuple[str, ...]] | None

    def files(self, shared: Path) -> list[Path]:
        return sorted({path for pattern in self.documents for path in shared.glob(pattern)}, key=lambda p: p.name)

    def load(self, shared: Path, limit: int = 0) -> list[dict]:
        """The questions, each with ``doc`` (its documents) and ``answer_groups`` (dev_questions has only
        ``answers``, any of which is right: one group) so the official scorer can read every set."""
        texts = {path.name: path.read_text(encoding="utf-8") for path in self.files(shared)}
        questions = with_documents(read_jsonl(shared / self.questions), texts)
        for question in questions:
            question.setdefault("answer_groups", [question["answers"]] if question.get("answers") else [])
        return questions[: limit or None]

    def halves(self) -> tuple[str, ...]:
        return (*HALVES, ALL) if self.split else (ALL,)

    def members(self, questions: list[dict], half: str) -> list[int]:
        """Indices of the questions that count in ``half``."""
        if half == ALL:
            return list(range(len(questions)))
        return [i for i, q in enumerate(questions) if half in halves_of(q["doc"], self.split or {})]


SAMPLE_FILE = "corpus/ai-plus-manufacturing-policy.txt"
SETS = {
    "local": DevSet(
        "local", "eval/real_dev_questions.jsonl", ("data/cn_local_ai_policy/*.txt", SAMPLE_FILE), SPLITS["local"]
    ),
    "district": DevSet(
        "district", "eval/district_dev_questions.jsonl", ("data/cn_district_policy/*.txt",), SPLITS["district"]
    ),
    "sample": DevSet("sample", "eval/dev_questions.jsonl", (SAMPLE_FILE,), None),
}


def default_shared() -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared"


# --- answering ---------------------------------------------------------------------------------------------


def ask_json(services, question: str) -> dict:
    """Exactly what ``python -m assistant ask --json QUESTION`` prints (the same service call)."""
    return queries.ask_json(services.answerer, question)


def answer_ours(services, questions: list[dict], label: str) -> list[dict]:
    rows = []
    for i, question in enumerate(questions, start=1):
        started = time.perf_counter()
        row = ask_json(services, question["question"])
        rows.append(row | {"seconds": round(time.perf_counter() - started, 3)})
        _progress(label, "ours", i, len(questions), question, rows[-1])
    return rows


def tutorial_row(question: str, text: str, found: list, seconds: float) -> dict:
    """The tutorial's answer in the ``ask --json`` shape. It checks nothing and shows every answer as if it
    were true, so every answer that is not a refusal counts as verified; it has no badge."""
    passages = [
        {"n": n, "source": d.metadata.get("source", ""), "title": d.metadata.get("source", ""), "text": d.page_content}
        for n, d in enumerate(found, start=1)
    ]
    marks = {int(m) for m in re.findall(r"\[(\d+)\]", text)}
    refused = tutorial.refused(text)
    return {
        "question": question,
        "answer": text,
        "refused": refused,
        "citations": [p for p in passages if p["n"] in marks],
        "verified": not refused,
        "badge": "none",
        "passages": passages,
        "seconds": round(seconds, 3),
    }


def answer_tutorial(documents: Path, persist: Path, chat_model, embeddings, questions: list[dict], label: str):
    tutorial.ingest(documents, persist, embeddings)
    store = tutorial.open_vectorstore(persist, embeddings)
    chain = tutorial.chain(chat_model)
    rows = []
    for i, question in enumerate(questions, start=1):
        started = time.perf_counter()
        found = store.similarity_search(question["question"], k=TUTORIAL_K)
        text = chain.invoke({"context": tutorial.stuff_context(found), "question": question["question"]})
        rows.append(tutorial_row(question["question"], text, found, time.perf_counter() - started))
        _progress(label, "tutorial", i, len(questions), question, rows[-1])
    return rows


def _progress(label: str, system: str, i: int, n: int, question: dict, row: dict) -> None:
    print(
        f"[{label} {system} {i}/{n}] {question.get('id')}: {row['answer'][:70]!r} ({row['seconds']:.1f}s)",
        file=sys.stderr,
    )


def _services(documents: Path, index: Path, previous):
    """Services over ``documents``; the embedding and chat models already loaded for another set are reused."""
    from assistant import app
    from assistant.settings import Settings

    services = app.build_services(Settings(documents_dir=documents, index_dir=index))
    for name in ("embeddings", "chat_model"):
        if previous is not None and name in previous.__dict__:
            services.__dict__[name] = previous.__dict__[name]
    report = services.ingest()
    for failure in report.failed:
        print(f"ingest skipped {failure['path']}: {failure['error']}", file=sys.stderr)
    return services


# --- scoring -----------------------------------------------------------------------------------------------


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def official_score(scorer: Path, questions_file: Path, answers_file: Path) -> dict:
    """Runs the shared scorer and reads its last line; ``missed`` = the ids it printed as MISS."""
    done = subprocess.run(
        [sys.executable, str(scorer), str(questions_file), str(answers_file)], capture_output=True, text=True
    )
    lines = done.stdout.strip().splitlines()
    match = LAST_LINE.fullmatch(lines[-1].strip()) if lines else None
    if done.returncode != 0 or match is None:
        raise RuntimeError(f"{scorer.name} failed on {answers_file}: {done.stdout}{done.stderr}")
    right, answerable, refused, unanswerable, wrong_verified = (int(g) for g in match.groups()[:5])
    return {
        "right": right,
        "answerable": answerable,
        "refused": refused,
        "unanswerable": unanswerable,
        "wrong_shown_as_verified": wrong_verified,
        "citation_precision": float(match.group(6)),
        "missed": re.findall(r"^MISS (\S+) ", done.stdout, flags=re.M),
        "line": lines[-1].strip(),
    }


def score_set(dev_set: DevSet, questions: list[dict], rows: dict[str, list[dict]], workdir: Path, scorer: Path):
    """{half: {system: metrics}}: each half's questions and answers written out and scored by ``scorer``."""
    result = {}
    for half in dev_set.halves():
        keep = dev_set.members(questions, half)
        kept = [questions[i] for i in keep]
        qfile = write_jsonl(workdir / f"{dev_set.name}-{half}-questions.jsonl", kept)
        result[half] = {}
        for system, answers in rows.items():
            if len(answers) != len(questions):
                raise ValueError(f"{len(answers)} {system} answers for {len(questions)} {dev_set.name} questions")
            half_rows = [answers[i] for i in keep]
            metrics = official_score(
                scorer, qfile, write_jsonl(workdir / f"{dev_set.name}-{half}-{system}.jsonl", half_rows)
            )
            seconds = sorted(r["seconds"] for r in half_rows if isinstance(r.get("seconds"), (int, float)))
            metrics["median_seconds"] = seconds[len(seconds) // 2] if seconds else None
            if any("badge" in r for r in half_rows):
                wrong = set(metrics["missed"])
                badges: dict[str, int] = {}
                for question, row in zip(kept, half_rows):
                    if question["id"] in wrong:
                        badges[str(row.get("badge"))] = badges.get(str(row.get("badge")), 0) + 1
                metrics["wrong_by_badge"] = badges
            metrics["questions"] = len(kept)
            result[half][system] = metrics
    return result


# --- report ------------------------------------------------------------------------------------------------


def table(results: dict[str, dict]) -> str:
    """Rows set × half; per system: right/answerable, refused/unanswerable, wrong shown as verified,
    citation precision, median seconds per answer (and wrong answers per badge when rows carry one)."""
    systems = list(dict.fromkeys(s for halves in results.values() for by in halves.values() for s in by))
    badged = {
        s for halves in results.values() for by in halves.values() for s, m in by.items() if "wrong_by_badge" in m
    }
    header = ["set", "half", "questions"]
    for s in systems:
        header += [f"{s} right/answerable", f"{s} refused/unanswerable", f"{s} wrong shown as verified"]
        header += [f"{s} citation precision", f"{s} median s"] + ([f"{s} wrong by badge"] if s in badged else [])
    lines = []
    for name, halves in results.items():
        for half, by in halves.items():
            row = [name, half, next(iter(by.values()))["questions"] if by else 0]
            for s in systems:
                m = by[s]
                seconds = "-" if m["median_seconds"] is None else f"{m['median_seconds']:.1f}"
                row += [f"{m['right']}/{m['answerable']}", f"{m['refused']}/{m['unanswerable']}"]
                row += [m["wrong_shown_as_verified"], f"{m['citation_precision']:.2f}", seconds]
                if s in badged:
                    row.append(" ".join(f"{b}:{n}" for b, n in sorted(m.get("wrong_by_badge", {}).items())) or "-")
            lines.append(row)
    return markdown_table(header, lines)


def _names(text: str, known, what: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise SystemExit(f"unknown {what} {', '.join(unknown) or text!r}: choose from {', '.join(known)}")
    return names


def main(args) -> int:
    sets = _names(args.sets, SETS, "set")
    systems = _names(args.systems, SYSTEMS, "system")
    shared = Path(args.shared) if args.shared else default_shared()
    scorer = shared / "eval" / "score_answers.py"
    if not scorer.exists():
        raise SystemExit(f"the shared data is not at {shared} (give --shared DIR)")
    if args.rescore and not args.out:
        raise SystemExit("--rescore reads the answers of an earlier run: give its --out DIR")
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="eval-dev-"))
    out.mkdir(parents=True, exist_ok=True)
    results, services, minilm = {}, None, None
    for name in sets:
        dev_set = SETS[name]
        questions = dev_set.load(shared, args.limit)
        rows: dict[str, list[dict]] = {}
        if args.rescore:
            rows = {s: read_jsonl(out / f"{name}-{s}.jsonl")[: len(questions)] for s in systems}
        else:
            with tempfile.TemporaryDirectory(prefix=f"eval-dev-{name}-", ignore_cleanup_errors=True) as tmp:
                documents = Path(tmp) / "documents"
                documents.mkdir()
                for path in dev_set.files(shared):
                    shutil.copy(path, documents / path.name)
                services = _services(documents, Path(tmp) / "index", services)
                if "ours" in systems:
                    rows["ours"] = answer_ours(services, questions, name)
                if "tutorial" in systems:  # after ours: each keeps its own prompt prefix in llama.cpp's cache
                    minilm = minilm or tutorial.minilm()
                    persist = Path(tmp) / "tutorial"
                    rows["tutorial"] = answer_tutorial(documents, persist, services.chat_model, minilm, questions, name)
            for system, answers in rows.items():
                write_jsonl(out / f"{name}-{system}.jsonl", answers)
        results[name] = score_set(dev_set, questions, rows, out / "scoring", scorer)
    if args.json:
        print(json.dumps({"out": str(out), "shared": str(shared), "sets": results}, ensure_ascii=False))
    else:
        print(table(results))
        print(f"\nanswers: {out}/<set>-<system>.jsonl; per-half files for `score_answers.py -v`: {out}/scoring/")
    return 0
