"""A library of 1,000 policies (issue #26): ingest, restart, search and memory, beside the tutorial, same run.

The folder holds every shared policy (the 382 national, 5 local and 10 district ones and the sample article)
and, to reach 1,000 files, copies of them under new names, each ending with a line naming the copy (so no
system's change detection takes it for a duplicate). Every step is a fresh process, measured from outside:

- ingest: ``assistant ingest`` and the tutorial's indexing step, wall and CPU time, peak memory, chunks;
- restart: a new process opens the index, loads what its search needs and answers one query; the time from
  the process's start to that first result (what a restarted or added replica costs), then the steady search
  latency over the benchmark queries, and the process's peak memory.

Child mode: ``python -m bench.library_bench search ours|tutorial INDEX`` prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from bench.common import MB, PYTHON, log, percentile, run_child
from bench.ingest_bench import baseline_command, checked, ours_command

FULL_DOCUMENTS, QUICK_DOCUMENTS = 1000, 100
QUICK_NATIONAL = 60
REPEATS = 3
K = 4


def library_folder(work: Path, quick: bool) -> Path:
    """Every shared policy, then copies of them under new names up to the section's size."""
    from bench.all_documents import corpus

    folder = work / "library-docs"
    if folder.is_dir():
        return folder
    folder.mkdir(parents=True)
    real = corpus(QUICK_NATIONAL if quick else None)
    target = QUICK_DOCUMENTS if quick else FULL_DOCUMENTS
    names = sorted(real)
    for name, text in real.items():
        (folder / name).write_text(text, encoding="utf-8")
    for copy in range(target - len(real)):
        name = names[copy % len(names)]
        marked = f"{real[name]}\n\n（基准测试副本 {copy + 1}）\n"
        (folder / f"copy{copy + 1:04d}-{name}").write_text(marked, encoding="utf-8")
    return folder


def ingest(command: list[str], what: str) -> dict:
    run = run_child(command)
    report = checked(run, what)
    log(f"library {what}: {report.get('chunks')} chunks in {run.seconds:.0f}s, {run.peak_rss / MB:.0f} MB")
    return {
        "seconds": run.seconds,
        "cpu_s": run.cpu_s,
        "peak_rss_mb": run.peak_rss / MB,
        "chunks": report.get("chunks") or report.get("stored"),
    }


def restart(system: str, index: Path) -> dict:
    run = run_child([PYTHON, "-m", "bench.library_bench", "search", system, str(index)])
    report = checked(run, f"{system} search")
    log(f"library {system} restart: first result after {report['first_result_s']:.1f}s, {report['median_ms']:.0f} ms")
    return report | {"process_seconds": run.seconds, "peak_rss_mb": run.peak_rss / MB}


def run(work: Path, *, quick: bool) -> dict:
    folder = library_folder(work, quick)
    ours_index, tutorial_index = work / "library-ours", work / "library-tutorial"
    results = {"documents": len(list(folder.iterdir())), "ours": {}, "baseline": {}}
    results["ours"]["ingest"] = ingest(ours_command(folder, ours_index), "ingest")
    results["baseline"]["ingest"] = ingest(baseline_command(folder, tutorial_index), "tutorial ingest")
    results["ours"]["restart"] = restart("ours", ours_index)
    results["baseline"]["restart"] = restart("tutorial", tutorial_index)
    return results


def _since_process_start() -> float:
    import psutil

    return time.time() - psutil.Process().create_time()


def _search_function(system: str, index: Path):
    if system == "ours":
        from assistant import app
        from assistant.settings import Settings

        services = app.build_services(Settings(index_dir=index, documents_dir=index / "none"))
        return lambda query: services.searcher.search_balanced(query, K)
    from assistant.eval.tutorial import minilm, open_vectorstore

    store = open_vectorstore(index, minilm())
    return lambda query: store.similarity_search(query, k=K)


def search_child(system: str, index: Path) -> dict:
    """In a fresh process: open, first result, then the steady latency of every benchmark query."""
    from bench.search_bench import queries, timed

    texts = queries()
    search = _search_function(system, index)
    search(texts[0])
    first_result_s = _since_process_start()
    wall, cpu = timed(search, texts, REPEATS)
    return {
        "first_result_s": first_result_s,
        "median_ms": percentile(wall, 50),
        "p95_ms": percentile(wall, 95),
        "cpu_median_ms": percentile(cpu, 50),
        "queries": len(texts),
        "repeats": REPEATS,
    }


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "search" and argv[1] in ("ours", "tutorial"):
        from assistant import app

        app.quiet_environment(2)
        print(json.dumps(search_child(argv[1], Path(argv[2]))))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
