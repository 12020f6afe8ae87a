"""Assembles docs/benchmarks.md: status, summary, machine and settings, sections, quality, method notes."""

from __future__ import annotations

from bench.common import ratio
from bench.report import (
    PENDING,
    answer_section,
    fmt,
    fmt_spread,
    ingest_section,
    library_section,
    memory_section,
    search_section,
    table,
)

TITLES = {
    "ingest": "Ingest",
    "search": "Search latency against corpus size",
    "answer": "Answers: time to first token, total time, tokens per second",
    "answer_real": "Answers on the real local policies",
    "memory": "App memory",
    "library": "A library of 1,000 policies: ingest, restart, search",
    "quality": "Quality (from the evaluation commands)",
}
RUNNING = [
    "- `make bench` (full: all 382 documents, 1k/10k/100k chunks, all dev questions, a 1,000-file library) or "
    "`make bench-quick` (60 documents, 1k/10k chunks, 3 questions, a 100-file library, fewer repeats). "
    "Everything is offline and reads `../shared`.",
    "- `python -m bench.run --only search,answer` reruns some sections and keeps the others from "
    "`docs/bench-results.json` (the raw numbers); `--render-only` redraws this page and the figures from it; "
    "`--keep` keeps the scratch folder with the indexes and the server log.",
    "- Each section is one module in `bench/` (`ingest_bench`, `search_bench`, `answer_bench`, `memory_bench`, "
    "`quality_bench`, `library_bench`); the baseline pipeline is `bench/baseline.py`.",
]
SECTIONS = {
    "ingest": ingest_section,
    "search": search_section,
    "answer": answer_section,
    "answer_real": answer_section,
    "memory": memory_section,
    "library": library_section,
}


def summary_rows(results: dict) -> list[list]:
    rows = []

    def add(label, ours, baseline):
        rows.append(
            [label, fmt_spread(ours), fmt_spread(baseline), fmt(ratio(ours.get("median"), baseline.get("median")), 2)]
        )

    if ok(results, "ingest"):
        r = results["ingest"]
        add(f"ingest, documents/s ({r['documents']} docs)", r["ours"]["docs_per_s"], r["baseline"]["docs_per_s"])
        add("ingest, peak memory (MB)", r["ours"]["peak_rss_mb"], r["baseline"]["peak_rss_mb"])
        add("re-ingest, nothing changed (s)", r["ours"]["noop_seconds"], r["baseline"]["noop_seconds"])
    if ok(results, "search"):
        r = results["search"]
        for size in r["sizes"]:
            ours, base = r["ours"][str(size)], r["baseline"][str(size)]
            add(f"search median (ms), {size:,} chunks", {"median": ours["median_ms"]}, {"median": base["median_ms"]})
            add(f"search p95 (ms), {size:,} chunks", {"median": ours["p95_ms"]}, {"median": base["p95_ms"]})
    for section, where in (("answer", "sample article"), ("answer_real", "real local policies")):
        if ok(results, section):
            r = results[section]
            add(f"answer, first progress (s), {where}", r["ours"]["first_progress_s"], r["baseline"]["first_token_s"])
            add(f"answer, time to first token (s), {where}", r["ours"]["first_token_s"], r["baseline"]["first_token_s"])
            add(f"answer, total time (s), {where}", r["ours"]["total_s"], r["baseline"]["total_s"])
            add(f"answer, tokens per second, {where}", r["ours"]["tokens_per_s"], r["baseline"]["tokens_per_s"])
    if ok(results, "memory"):
        r = results["memory"]
        for label, key in (("app memory after start (MB)", "after_start_mb"), ("app memory peak (MB)", "peak_mb")):
            add(label, {"median": r["ours"][key]}, {"median": r["baseline"][key]})
    if ok(results, "library"):
        r = results["library"]
        for step, key, label in (
            ("ingest", "seconds", "ingest (s)"),
            ("ingest", "peak_rss_mb", "ingest, peak memory (MB)"),
            ("restart", "first_result_s", "restart to first search result (s)"),
            ("restart", "median_ms", "search median (ms)"),
        ):
            add(
                f"{r['documents']:,}-file library, {label}",
                {"median": r["ours"][step][key]},
                {"median": r["baseline"][step][key]},
            )
    return rows


def one_line(message: str) -> str:
    return (message.strip().splitlines() or [""])[0].replace("`", "'")[:300]


def ok(results: dict, section: str) -> bool:
    return isinstance(results.get(section), dict) and "error" not in results[section]


def machine_section(meta: dict) -> list[str]:
    m, s = meta["machine"], meta["settings"]
    libraries = ", ".join(f"{name} {version}" for name, version in m["libraries"].items())
    return [
        f"- Machine: {m['cpu']}, {m['logical_cores']} logical cores, {m['ram_gb']} GB RAM, {m['os']}; "
        f"Python {m['python']}; load average at start {m['load_average_at_start']}.",
        f"- Libraries: {libraries}.",
        f"- This project: embeddings `{s['embeddings']}`, chunks of {s['chunk_tokens']} estimated tokens "
        f"(overlap {s['chunk_overlap_tokens']}), hybrid search (candidates {s['candidates']}, fusion {s.get('fusion', 'rrf')}), "
        f"top_k {s['top_k']}, LLM `{s['llm']}` with {s['n_threads']} threads, OMP_NUM_THREADS={s['omp_threads']}.",
        "- Baseline: `RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)`, "
        "`HuggingFaceEmbeddings` on the packaged all-MiniLM-L6-v2, `langchain_chroma.Chroma` persisted in a "
        "temporary folder, `similarity_search(k=4)` (LangChain's default), the stuff prompt of `assistant.eval.answers.baseline_chain` "
        "on the same llama.cpp model.",
        f"- Run: `{meta['command']}`, mode {meta['mode']}, {meta['started']} → {meta['finished']} "
        f"({fmt(meta['duration_s'] / 60, 2)} min; per section, wall / CPU minutes: "
        + ", ".join(
            f"{name} {fmt(seconds / 60, 2)} / {fmt(meta.get('section_cpu_s', {}).get(name, 0) / 60, 2)}"
            for name, seconds in meta["section_seconds"].items()
        )
        + ").",
    ]


def quality_section(quality: dict) -> list[str]:
    lines = [
        "The evaluation commands, run unchanged as subprocesses with `--json`; their tables are rendered "
        "here so speed and quality are read together. See `python -m assistant eval --help`.",
    ]
    for name, entry in quality.items():
        lines += ["", f"### {name.replace('_', ' ')}", "", f"`{entry['command']}` ({fmt(entry['seconds'])} s)", ""]
        if "error" in entry:
            lines.append(f"Not available in this run: `{one_line(entry['error'])}`")
        elif "systems" in entry["result"]:
            lines += retrieval_table(entry["result"])
        else:
            lines += answers_table(entry["result"])
    return lines


def retrieval_table(result: dict) -> list[str]:
    systems = result["systems"]
    metrics = list(dict.fromkeys(key for scores in systems.values() for key in scores))
    rows = [[name, *(fmt(scores.get(m)) for m in metrics)] for name, scores in systems.items()]
    return [f"{result['questions']} questions.", "", table(["system", *metrics], rows)]


def answers_table(result: dict) -> list[str]:
    systems = [name for name in ("ours", "baseline") if name in result]
    metrics = [key for key in result["ours"] if key != "questions"]
    rows = [[metric, *(fmt(result[s][metric]) for s in systems)] for metric in metrics]
    return [f"{result['ours']['questions']} questions.", "", table(["metric", *systems], rows)]


def render(results: dict, figures: dict[str, str], estimate: str) -> str:
    meta = results["meta"]
    lines = ["# Benchmarks", ""]
    lines += [
        "How fast, how big and how good this assistant is on an ordinary 2-core machine, side by side with a "
        "RAG pipeline built the way a LangChain tutorial builds it, in the same run. Produced by "
        "`make bench` (`bench/run.py`); do not edit by hand. Figures are medians with (min–max); "
        "**ours ÷ baseline** below 1 means this project needs less (time, memory) and above 1 means more "
        "(for rates such as documents/s, above 1 is faster). CPU time is given beside wall time: it is the "
        "figure a busy machine disturbs least.",
        "",
    ]
    if meta["mode"] == "quick":
        lines += [PENDING.format(load=meta["machine"]["load_average_at_start"]), ""]
    lines += [
        "## Summary",
        "",
        table(["", "this project", "LangChain tutorial", "ours ÷ baseline"], summary_rows(results)),
    ]
    lines += ["", "## Machine and settings", "", *machine_section(meta)]
    for section, title in TITLES.items():
        if section not in results:
            continue
        lines += ["", f"## {title}", ""]
        if isinstance(results[section], dict) and "error" in results[section]:
            lines.append(f"This section failed in this run: `{one_line(results[section]['error'])}`")
            continue
        lines += quality_section(results[section]) if section == "quality" else SECTIONS[section](results[section])
        if section in figures:
            lines += ["", f"![{title}]({figures[section]})"]
    lines += ["", "## Duration of the full run", "", estimate]
    lines += ["", "## Running it", "", *RUNNING, ""]
    return "\n".join(lines)
