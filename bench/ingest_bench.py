"""Ingest: documents and chunks per second, peak memory, and a no-op re-ingest, each in its own process."""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.common import (
    MB,
    POLICY_CORPUS,
    PYTHON,
    ROOT,
    ChildRun,
    last_json_line,
    log,
    policy_folder,
    run_child,
    spread,
)

# A full ingest of the 382 documents costs ours several CPU minutes: two runs keep `make bench` under 45 minutes.
FULL_REPEATS, NOOP_REPEATS = 1, 3  # one full ingest of 382 documents takes ~15 min here


def ours_command(folder: Path, index: Path) -> list[str]:
    return [PYTHON, "-m", "assistant", "ingest", "--json", "--documents", str(folder), "--index", str(index)]


def baseline_command(folder: Path, persist: Path) -> list[str]:
    return [PYTHON, "-m", "bench.baseline", "ingest", str(folder), str(persist)]


def checked(run: ChildRun, what: str) -> dict:
    if run.returncode != 0:
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        raise RuntimeError(f"{what} failed ({run.returncode}): {lines[-1] if lines else 'no message'}")
    return last_json_line(run.stdout)


def summarise_runs(runs: list[ChildRun], documents: int, chunks: int) -> dict:
    seconds = [r.seconds for r in runs]
    return {
        "seconds": spread(seconds),
        "docs_per_s": spread([documents / s for s in seconds]),
        "chunks_per_s": spread([chunks / s for s in seconds]),
        "peak_rss_mb": spread([r.peak_rss / MB for r in runs]),
        "cpu_s": spread([r.cpu_s for r in runs]),
    }


def bench_ours(folder: Path, work: Path, repeats: int, noop_repeats: int, documents: int) -> dict:
    """Fresh index each repeat; then re-ingest the unchanged folder into the last one."""
    full, report = [], {}
    for attempt in range(repeats):
        index = work / "ours-index"
        shutil.rmtree(index, ignore_errors=True)
        run = run_child(ours_command(folder, index))
        report = checked(run, "ingest")
        full.append(run)
        log(f"ingest ours #{attempt + 1}: {report['chunks']} chunks in {run.seconds:.1f}s, {run.peak_rss / MB:.0f} MB")
    noop = []
    for _ in range(noop_repeats):
        run = run_child(ours_command(folder, work / "ours-index"))
        again = checked(run, "re-ingest")
        noop.append(run)
        log(f"re-ingest ours: unchanged {again['unchanged']} in {run.seconds:.1f}s")
    empty = run_child(ours_command(work / "empty", work / "ours-empty-index"))
    checked(empty, "empty ingest")
    return summarise_runs(full, documents, report["chunks"]) | {
        "chunks": report["chunks"],
        "failed": len(report["failed"]),
        "noop_seconds": spread([r.seconds for r in noop]),
        "noop_cpu_s": spread([r.cpu_s for r in noop]),
        "startup_cpu_s": empty.cpu_s,
        "noop_peak_rss_mb": spread([r.peak_rss / MB for r in noop]),
        "noop_report": again,
        "startup_seconds": empty.seconds,
        "index_mb": folder_mb(work / "ours-index"),
    }


def bench_baseline(folder: Path, work: Path, repeats: int, documents: int) -> dict:
    """The tutorial re-runs its script to re-index: no change detection, every chunk is embedded and added again."""
    full, result = [], {}
    for attempt in range(repeats):
        persist = work / "baseline-chroma"
        shutil.rmtree(persist, ignore_errors=True)
        run = run_child(baseline_command(folder, persist))
        result = checked(run, "baseline ingest")
        full.append(run)
        log(f"ingest baseline #{attempt + 1}: {result['chunks']} chunks in {run.seconds:.1f}s")
    index_mb = folder_mb(work / "baseline-chroma")
    rerun = run_child(baseline_command(folder, work / "baseline-chroma"))
    again = checked(rerun, "baseline re-ingest")
    empty = run_child(baseline_command(work / "empty", work / "baseline-empty-chroma"))
    checked(empty, "baseline empty ingest")
    return summarise_runs(full, documents, result["chunks"]) | {
        "chunks": result["chunks"],
        "noop_seconds": spread([rerun.seconds]),
        "noop_cpu_s": spread([rerun.cpu_s]),
        "startup_cpu_s": empty.cpu_s,
        "noop_peak_rss_mb": spread([rerun.peak_rss / MB]),
        "stored_after_rerun": again["stored"],
        "startup_seconds": empty.seconds,
        "index_mb": index_mb,
    }


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / MB, 1)


def run(work: Path, *, quick: bool) -> dict:
    folder = policy_folder(work, quick)
    (work / "empty").mkdir(exist_ok=True)
    documents = len(list(folder.glob("*.txt")))
    repeats = 1 if quick else FULL_REPEATS
    ours = bench_ours(folder, work, repeats, 1 if quick else NOOP_REPEATS, documents)
    baseline = bench_baseline(folder, work, repeats, documents)
    return {
        "documents": documents,
        "corpus": str(POLICY_CORPUS.relative_to(ROOT.parent)),
        "repeats": repeats,
        "ours": ours,
        "baseline": baseline,
    }
