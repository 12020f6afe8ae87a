"""The PNG figures beside docs/benchmarks.md (matplotlib, no display)."""

from __future__ import annotations

from pathlib import Path

OURS, BASELINE = "#1f77b4", "#ff7f0e"
LABELS = ("this project", "LangChain tutorial")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _bars(axis, title: str, ours: dict, baseline: dict, unit: str) -> None:
    """Two bars at the medians with min–max whiskers."""
    for x, (values, color) in enumerate(((ours, OURS), (baseline, BASELINE))):
        if values.get("median") is None:
            continue
        low, high = values["median"] - values["min"], values["max"] - values["median"]
        axis.bar(x, values["median"], color=color, yerr=[[low], [high]], capsize=4)
        axis.annotate(f"{values['median']:.3g}", (x, values["median"]), ha="center", va="bottom", fontsize=8)
    axis.set_xticks([0, 1], LABELS, fontsize=8)
    axis.set_title(title, fontsize=10)
    axis.set_ylabel(unit)


def ingest_figure(result: dict, path: Path) -> None:
    plt = _pyplot()
    figure, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    ours, baseline = result["ours"], result["baseline"]
    _bars(axes[0], "documents per second", ours["docs_per_s"], baseline["docs_per_s"], "docs/s")
    _bars(axes[1], "chunks per second", ours["chunks_per_s"], baseline["chunks_per_s"], "chunks/s")
    _bars(axes[2], "peak memory (RSS)", ours["peak_rss_mb"], baseline["peak_rss_mb"], "MB")
    _bars(axes[3], "re-ingest, nothing changed", ours["noop_seconds"], baseline["noop_seconds"], "s")
    figure.suptitle(f"Ingest of {result['documents']} policy documents (one process per run)", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def search_figure(result: dict, path: Path) -> None:
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(6.5, 4.2))
    sizes = result["sizes"]
    for name, label, color in (("ours", LABELS[0], OURS), ("baseline", LABELS[1], BASELINE)):
        rows = [result[name][str(size)] for size in sizes]
        axis.plot(sizes, [r["median_ms"] for r in rows], "o-", color=color, label=f"{label}, median")
        axis.plot(sizes, [r["p95_ms"] for r in rows], "s--", color=color, alpha=0.6, label=f"{label}, p95")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xticks(sizes, [f"{size // 1000}k" for size in sizes])
    axis.yaxis.set_major_formatter(plt.FuncFormatter(lambda value, _: f"{value:g}"))
    axis.set_xlabel("chunks in the index")
    axis.set_ylabel("latency per query (ms)")
    axis.set_title(f"Search latency, k={result['k']}, models loaded", fontsize=11)
    axis.grid(True, which="both", alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def answer_figure(result: dict, path: Path) -> None:
    plt = _pyplot()
    ours, theirs = result["per_question"]["ours"], result["per_question"]["baseline"]
    ids = [row["id"] for row in ours]
    figure, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    width = 0.4
    for axis, key, title in ((axes[0], "first_token_s", "time to first token"), (axes[1], "total_s", "total time")):
        for offset, rows, color, label in (
            (-width / 2, ours, OURS, LABELS[0]),
            (width / 2, theirs, BASELINE, LABELS[1]),
        ):
            values = [row[key] or 0 for row in rows]
            axis.bar([i + offset for i in range(len(ids))], values, width, color=color, label=label)
        axis.set_xticks(range(len(ids)), ids, fontsize=8)
        axis.set_ylabel("s")
        axis.set_title(title, fontsize=10)
    axes[0].legend(fontsize=8)
    where = result.get("corpus", "the sample article").split(" (")[0]
    figure.suptitle(f"Answers on the dev questions about {where} ({result['model']})", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def memory_figure(result: dict, path: Path) -> None:
    plt = _pyplot()
    figure, axis = plt.subplots(figsize=(8, 4))
    for name, label, color in (("ours", LABELS[0], OURS), ("baseline", LABELS[1], BASELINE)):
        trace = result[name]["trace"]
        axis.plot(trace["t"], trace["mb"], color=color, label=label)
        for mark, t in trace["marks"]:
            axis.axvline(t, color=color, alpha=0.25, linestyle=":" if mark == "answered" else "-")
    axis.set_xlabel("seconds since the process started (solid: ready, dotted: an answer finished)")
    axis.set_ylabel("resident memory (MB)")
    axis.set_title(f"App memory: start, then {result['questions']} questions", fontsize=11)
    axis.grid(True, alpha=0.3)
    axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def library_figure(result: dict, path: Path) -> None:
    plt = _pyplot()
    figure, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    ours, baseline = result["ours"], result["baseline"]
    for axis, (step, key, title, unit) in zip(
        axes,
        (
            ("ingest", "seconds", "ingest, wall time", "s"),
            ("ingest", "peak_rss_mb", "ingest, peak memory", "MB"),
            ("restart", "first_result_s", "restart to first result", "s"),
            ("restart", "median_ms", "search median", "ms"),
        ),
    ):
        _bars(axis, title, _single(ours[step][key]), _single(baseline[step][key]), unit)
    figure.suptitle(f"A library of {result['documents']} policy files (one process per step)", fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _single(value: float) -> dict:
    return {"median": value, "min": value, "max": value}


FIGURES = {
    "ingest": ("bench-ingest.png", ingest_figure),
    "search": ("bench-search.png", search_figure),
    "answer": ("bench-answer.png", answer_figure),
    "answer_real": ("bench-answer-real.png", answer_figure),
    "memory": ("bench-memory.png", memory_figure),
    "library": ("bench-library.png", library_figure),
}


def draw(results: dict, folder: Path) -> dict[str, str]:
    """Every figure whose section has results; returns section -> file name."""
    drawn = {}
    for section, (name, draw_figure) in FIGURES.items():
        if isinstance(results.get(section), dict) and "error" not in results[section]:
            draw_figure(results[section], folder / name)
            drawn[section] = name
    return drawn
