"""docs/benchmarks.md from the collected results: summary, machine, one section per benchmark, method notes."""

from __future__ import annotations

from bench.common import ratio

PENDING = (
    "> **Status: quick run only; the full run is pending.** These numbers come from `make bench-quick`, recorded "
    "while several engineers shared the machine's 2 cores (load average {load} at start), so every timing "
    "is disturbed and pessimistic, and the corpus sizes and repeats are reduced (see each section). "
    "The lead runs `make bench` on a quiet machine to replace them."
)


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}g}" if abs(value) < 10**digits else f"{value:,.0f}"
    return str(value)


def fmt_spread(values: dict, digits: int = 3) -> str:
    if not values or values.get("median") is None:
        return "–"
    if values.get("n", 0) <= 1 or values["min"] == values["max"]:
        return fmt(values["median"], digits)
    return f"{fmt(values['median'], digits)} ({fmt(values['min'], digits)}–{fmt(values['max'], digits)})"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(
        lines + ["| " + " | ".join(fmt(c) if not isinstance(c, str) else c for c in row) + " |" for row in rows]
    )


def comparison_row(label: str, ours: dict, baseline: dict) -> list:
    return [label, fmt_spread(ours), fmt_spread(baseline), fmt(ratio(ours.get("median"), baseline.get("median")), 2)]


def ingest_section(r: dict) -> list[str]:
    ours, base = r["ours"], r["baseline"]
    rows = [
        comparison_row("wall time, full ingest (s)", ours["seconds"], base["seconds"]),
        comparison_row("CPU time, full ingest (s)", ours["cpu_s"], base["cpu_s"]),
        comparison_row("documents per second", ours["docs_per_s"], base["docs_per_s"]),
        comparison_row("chunks per second", ours["chunks_per_s"], base["chunks_per_s"]),
        ["chunks produced", fmt(ours["chunks"]), fmt(base["chunks"]), fmt(ratio(ours["chunks"], base["chunks"]), 2)],
        comparison_row("peak memory, RSS (MB)", ours["peak_rss_mb"], base["peak_rss_mb"]),
        comparison_row("re-ingest, nothing changed (s)", ours["noop_seconds"], base["noop_seconds"]),
        comparison_row("peak memory of the re-ingest (MB)", ours["noop_peak_rss_mb"], base["noop_peak_rss_mb"]),
        [
            "process start + model load, empty folder (s)",
            fmt(ours["startup_seconds"]),
            fmt(base["startup_seconds"]),
            "",
        ],
        [
            "index on disk (MB)",
            fmt(ours["index_mb"]),
            fmt(base["index_mb"]),
            fmt(ratio(ours["index_mb"], base["index_mb"]), 2),
        ],
    ]
    return [
        f"{r['documents']} real policy documents (`{r['corpus']}`, written out as .txt files), "
        f"{r['repeats']} run(s) each, every run a fresh process and a fresh index. Medians (min–max).",
        "",
        table(["", "this project", "LangChain tutorial", "ours ÷ baseline"], rows),
        "",
        f"The re-ingest of the unchanged folder reported {_counts(ours['noop_report'])}. "
        f"The tutorial has no change detection: re-running it embeds everything again and, without ids, "
        f"stores every chunk twice ({base['stored_after_rerun']} chunks after the second run). Chunks differ in "
        "size (ours ≈200 estimated tokens, the tutorial's up to 1,000 characters), so documents per second is "
        "the comparable rate; chunks per second is given for scale.",
    ]


def _counts(report: dict) -> str:
    return ", ".join(f"{report[key]} {key}" for key in ("unchanged", "added", "updated", "removed")) + (
        f", {len(report['failed'])} skipped (duplicates or unreadable, as in the first run)" if report["failed"] else ""
    )


def search_section(r: dict) -> list[str]:
    rows = []
    for size in r["sizes"]:
        ours, base = r["ours"][str(size)], r["baseline"][str(size)]
        rows.append(
            [
                f"{size:,}",
                f"{fmt(ours['median_ms'])} / {fmt(ours['p95_ms'])}",
                f"{fmt(base['median_ms'])} / {fmt(base['p95_ms'])}",
                fmt(ratio(ours["median_ms"], base["median_ms"]), 2),
                f"{fmt(ours.get('cpu_median_ms'))} / {fmt(base.get('cpu_median_ms'))}",
                f"{fmt(ours['first_query_ms'] / 1000)} / {fmt(base['first_query_ms'] / 1000)}",
                f"{fmt(ours['insert_s'])} / {fmt(base['insert_s'])}",
            ]
        )
    header = ["chunks", "ours median / p95 (ms)", "baseline median / p95 (ms)", "ours ÷ baseline (median)"]
    header += ["CPU per query, median (ms), ours / baseline"]
    header += ["first query (s), ours / baseline", "writing the chunks (s), ours / baseline"]
    return [
        f"{r['queries']} queries (the 12 dev questions and 8 Chinese policy queries) × {r['repeats']} repeats "
        f"per size, after one warm-up pass; k={r['k']}. Ours is `searcher.search_balanced` (query embedding with "
        f"`{r.get('embeddings', 'e5')}`, Chroma HNSW, BM25, fusion, dedupe: what the answerer calls); the baseline is "
        f"`Chroma.similarity_search` (MiniLM query embedding, HNSW). The corpus is grown from "
        f"{r['base_chunks']['ours']} (ours) and {r['base_chunks']['baseline']} (baseline) real chunks, repeated "
        "under new ids with vectors reused plus small noise. The first query after a size change includes "
        "rebuilding our in-process BM25 index from the store (what a restart costs).",
        "",
        table(header, rows),
    ]


def answer_section(r: dict) -> list[str]:
    ours, base = r["ours"], r["baseline"]
    rows = [
        comparison_row("first progress (s)", ours["first_progress_s"], base["first_token_s"]),
        comparison_row("time to first token (s)", ours["first_token_s"], base["first_token_s"]),
        comparison_row("total time (s)", ours["total_s"], base["total_s"]),
        comparison_row("CPU time of the process (s)", ours["cpu_s"], base["cpu_s"]),
        comparison_row("tokens streamed", ours["tokens"], base["tokens"]),
        comparison_row("tokens per second (decode)", ours["tokens_per_s"], base["tokens_per_s"]),
    ]
    per_question = [
        [
            o["id"],
            fmt(o["first_token_s"]),
            fmt(o["total_s"]),
            fmt(o["tokens"]),
            "refused" if o.get("refused") else ("verified" if o.get("verified") else "not verified"),
            fmt(b["first_token_s"]),
            fmt(b["total_s"]),
            fmt(b["tokens"]),
        ]
        for o, b in zip(r["per_question"]["ours"], r["per_question"]["baseline"])
    ]
    return [
        f"{r['questions']} dev questions about {r.get('corpus', 'the sample article (`documents/`)')}, model {r['model']} "
        f"(max_tokens {r['max_tokens']}, {r['n_threads']} threads, n_ctx {r['n_ctx']}); loading the model "
        f"took {fmt(r['model_load_s'])} s before the first question and is not in these times. Ours includes "
        "retrieval, generation and verification (and the strict retry when a claim fails); the baseline "
        "includes `similarity_search` and the stuff chain's stream. Answers ours refused before generating "
        f"have no first token ({ours['without_tokens']} here).",
        "",
        table(["", "this project", "LangChain tutorial", "ours ÷ baseline"], rows),
        "",
        "<details><summary>Per question</summary>",
        "",
        table(
            ["id", "ours TTFT (s)", "ours total (s)", "ours tokens", "ours outcome", "baseline TTFT (s)"]
            + ["baseline total (s)", "baseline tokens"],
            per_question,
        ),
        "",
        "</details>",
    ]


def memory_section(r: dict) -> list[str]:
    ours, base = r["ours"], r["baseline"]
    rows = [
        [label, fmt(ours[key]), fmt(base[key]), fmt(ratio(ours[key], base[key]), 2)]
        for label, key in (
            ("after start, before any question (MB)", "after_start_mb"),
            (f"peak while answering {r['questions']} questions (MB)", "peak_mb"),
            ("at rest afterwards, model loaded (MB)", "at_rest_loaded_mb"),
        )
    ]
    return [
        "Resident memory (RSS) of the app process and its children, polled every 50 ms. Ours is "
        "`python -m assistant serve` on the sample documents, questions sent through `gradio_client`; the "
        "baseline is the tutorial pipeline as one script (MiniLM, Chroma, the same llama.cpp model, no web UI). "
        "Both load the LLM on the first question.",
        "",
        table(["", "this project", "LangChain tutorial", "ours ÷ baseline"], rows),
    ]


LIBRARY_ROWS = (
    ("ingest", "seconds", "ingest, wall time (s)"),
    ("ingest", "cpu_s", "ingest, CPU time (s)"),
    ("ingest", "peak_rss_mb", "ingest, peak memory (MB)"),
    ("ingest", "chunks", "chunks stored"),
    ("restart", "first_result_s", "restart: process start to first search result (s)"),
    ("restart", "median_ms", "search after the restart, median (ms)"),
    ("restart", "p95_ms", "search after the restart, p95 (ms)"),
    ("restart", "peak_rss_mb", "search process, peak memory (MB)"),
)


def library_section(r: dict) -> list[str]:
    ours, base = r["ours"], r["baseline"]
    rows = [
        [label, fmt(ours[step][key]), fmt(base[step][key]), fmt(ratio(ours[step][key], base[step][key]), 2)]
        for step, key, label in LIBRARY_ROWS
    ]
    restart = ours["restart"]
    return [
        f"{r['documents']} files: every shared policy (382 national, 5 local, 10 district, the sample article) and "
        "copies of them under new names, each ending with a line naming the copy. Each step is a fresh process: "
        "`assistant ingest` and the tutorial's indexing into an empty index; then a new process that opens the "
        "index, loads what its search needs and answers one query (ours: the saved keyword index is read, not "
        "rebuilt), timed from the process's start, then "
        f"{restart['queries']} queries × {restart['repeats']} (ours `search_balanced`, the tutorial's "
        "`similarity_search`, k=4).",
        "",
        table(["", "this project", "LangChain tutorial", "ours ÷ baseline"], rows),
    ]
