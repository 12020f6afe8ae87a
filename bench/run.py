"""Benchmarks: `python -m bench.run [--quick] [--only ingest,search,answer,answer_real,memory,quality,library]`.

Writes docs/benchmarks.md, the figures docs/bench-*.png and the raw numbers docs/bench-results.json.
With --only, the other sections keep the results of the previous run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RESULTS = DOCS / "bench-results.json"
SECTIONS = ("ingest", "search", "answer", "answer_real", "memory", "quality", "library")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer documents, sizes, repeats and questions")
    parser.add_argument("--only", default="", help=f"comma-separated sections among {', '.join(SECTIONS)}")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (indexes, logs)")
    parser.add_argument("--render-only", action="store_true", help="redraw the page and figures from the JSON")
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()] or list(SECTIONS)
    if unknown := set(args.sections) - set(SECTIONS):
        parser.error(f"unknown sections {sorted(unknown)}")
    return args


def run_section(name: str, work: Path, quick: bool) -> dict:
    import importlib

    module = importlib.import_module(f"bench.{name}_bench")
    try:
        return module.run(work, quick=quick)
    except Exception as exc:  # one failing benchmark must not lose the others
        traceback.print_exc()
        return {"error": f"{type(exc).__name__}: {exc}"[:500]}


def previous_results(sections: list[str]) -> dict:
    if len(sections) == len(SECTIONS) or not RESULTS.exists():
        return {}
    return json.loads(RESULTS.read_text(encoding="utf-8"))


def settings_used() -> dict:
    from assistant.settings import Settings

    s = Settings()
    fields = (
        "embeddings",
        "chunk_tokens",
        "chunk_overlap_tokens",
        "candidates",
        "fusion",
        "rrf_k",
        "top_k",
        "llm",
        "n_threads",
    )
    return {name: getattr(s, name) for name in fields} | {"omp_threads": os.environ.get("OMP_NUM_THREADS", "")}


def run_sections(args: argparse.Namespace, results: dict) -> dict:
    """Run the chosen sections into ``results``; returns the run's metadata."""
    from bench.common import cpu_seconds, log, machine, scratch

    meta = results.get("meta", {})
    section_seconds, section_cpu = meta.get("section_seconds", {}), meta.get("section_cpu_s", {})
    work = scratch("run")
    started, started_at, machine_facts = time.perf_counter(), time.strftime("%Y-%m-%d %H:%M"), machine()
    try:
        for name in args.sections:
            log(f"section {name} ({'quick' if args.quick else 'full'})")
            section_started, section_cpu_started = time.perf_counter(), cpu_seconds()
            results[name] = run_section(name, work, args.quick)
            section_seconds[name] = time.perf_counter() - section_started
            section_cpu[name] = cpu_seconds() - section_cpu_started
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    command = "python -m bench.run" + (" --quick" if args.quick else "") + (f" --only {args.only}" if args.only else "")
    return {
        "mode": "quick" if args.quick else "full",
        "command": command,
        "started": started_at,
        "finished": time.strftime("%Y-%m-%d %H:%M"),
        "duration_s": time.perf_counter() - started,
        "section_seconds": section_seconds,
        "section_cpu_s": section_cpu,
        "machine": machine_facts,
        "load_average_at_end": round(os.getloadavg()[0], 2),
        "settings": settings_used(),
    }


def write_outputs(results: dict) -> int:
    """docs/bench-results.json, the figures and docs/benchmarks.md; returns the number of figures."""
    from bench.document import render
    from bench.estimate import describe
    from bench.plots import draw

    meta = results["meta"]
    DOCS.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    figures = draw(results, DOCS)
    estimate = describe(
        results, meta["mode"], meta["section_seconds"], meta.get("section_cpu_s", {}), meta["load_average_at_end"]
    )
    (DOCS / "benchmarks.md").write_text(render(results, figures, estimate), encoding="utf-8")
    return len(figures)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    from assistant import app
    from bench.common import log

    app.quiet_environment(2)
    if args.render_only:
        write_outputs(json.loads(RESULTS.read_text(encoding="utf-8")))
        return 0
    results = previous_results(args.sections)
    results["meta"] = run_sections(args, results)
    figures = write_outputs(results)
    log(f"wrote {DOCS / 'benchmarks.md'} and {figures} figures in {results['meta']['duration_s'] / 60:.1f} min")
    return 1 if any(isinstance(results.get(s), dict) and "error" in results[s] for s in args.sections) else 0


if __name__ == "__main__":
    sys.exit(main())
