"""How long the full run will take, estimated from a --quick run's CPU time.

Wall time on a shared machine says little; CPU time (this process and its children) is the work itself.
Each section's quick CPU time is scaled by the extra work of the full run: more documents, repeats,
corpus sizes and questions (the factors below follow the `quick` branches of the modules). On a quiet
2-core machine the wall time then lies between half that CPU time (both cores busy) and all of it.
"""

from __future__ import annotations

from bench.ingest_bench import FULL_REPEATS, NOOP_REPEATS

FULL_DOCUMENTS = 382
FULL_QUESTIONS = 12
FULL_LIBRARY = 1000
FULL_REAL_QUESTIONS = 21


def ingest_cpu(r: dict) -> float:
    scale = FULL_DOCUMENTS / r["documents"]

    def scaled(total: float, startup: float) -> float:
        return startup + max(0.0, total - startup) * scale

    ours, base = r["ours"], r["baseline"]
    ours_cpu = FULL_REPEATS * scaled(ours["cpu_s"]["median"], ours["startup_cpu_s"])
    ours_cpu += NOOP_REPEATS * scaled(ours["noop_cpu_s"]["median"], ours["startup_cpu_s"]) + ours["startup_cpu_s"]
    base_cpu = FULL_REPEATS * scaled(base["cpu_s"]["median"], base["startup_cpu_s"])
    base_cpu += scaled(base["noop_cpu_s"]["median"], base["startup_cpu_s"]) + base["startup_cpu_s"]
    return ours_cpu + base_cpu


def search_cpu(r: dict, ingest: dict | None) -> float:
    """Preparation scales with documents (ours reuses the ingest benchmark's index when it ran); writes are
    linear in chunks; queries at 100k are taken as ten times those at 10k (BM25 is linear in the corpus)."""
    scale = FULL_DOCUMENTS / r["documents"]
    if ingest and "error" not in ingest:
        total = ingest["ours"]["noop_cpu_s"]["median"]
        ours_prep = total + max(0.0, total - ingest["ours"]["startup_cpu_s"]) * (FULL_DOCUMENTS / ingest["documents"])
    else:
        ours_prep = r["prep_cpu_s"]["ours"] * scale
    cpu = ours_prep + r["prep_cpu_s"]["baseline"] * scale
    repeats_factor = (5 + 1) / (r["repeats"] + 1)  # full: 5 timed passes and a warm-up pass
    for system in ("ours", "baseline"):
        at_1k, at_10k = r[system]["1000"], r[system]["10000"]
        writes_per_chunk = at_10k["insert_cpu_s"] / 9_000
        cpu += at_1k["insert_cpu_s"] + writes_per_chunk * (9_000 + 90_000)
        cpu += (at_1k["query_cpu_s"] + at_10k["query_cpu_s"] * 11) * repeats_factor
    return cpu


def quality_cpu(r: dict) -> float:
    """Answers scale with questions; the cross-lingual run is mostly indexing, its questions add ~40% here."""
    from bench.quality_bench import QUICK_ANSWERS

    factors = {
        "retrieval_dev": 1.0,
        "answers_dev": FULL_QUESTIONS / QUICK_ANSWERS,
        "retrieval_xquad_cross_lingual": 1.4,
    }
    return sum(entry.get("cpu_s", 0.0) * factors.get(name, 1.0) for name, entry in r.items())


def full_run_cpu(results: dict, section_cpu: dict[str, float]) -> dict[str, float]:
    """Estimated CPU seconds of each section in a full run."""
    estimates = {}
    for name, cpu in section_cpu.items():
        section = results.get(name)
        if not isinstance(section, dict) or "error" in section:
            estimates[name] = cpu * 4
        elif name == "ingest":
            estimates[name] = ingest_cpu(section)
        elif name == "search":
            estimates[name] = search_cpu(section, results.get("ingest"))
        elif name == "answer":
            estimates[name] = cpu * FULL_QUESTIONS / section["questions"]
        elif name == "answer_real":
            estimates[name] = cpu * FULL_REAL_QUESTIONS / section["questions"]
        elif name == "library":
            estimates[name] = cpu * FULL_LIBRARY / section["documents"]  # ingest dominates; it is linear
        elif name == "memory":
            estimates[name] = cpu * 1.4  # start-up is fixed; 3 questions instead of 2
        else:
            estimates[name] = quality_cpu(section)
    return estimates


def describe(results: dict, mode: str, section_seconds: dict, section_cpu: dict, load: float) -> str:
    wall = sum(section_seconds.values()) / 60
    cpu = sum(section_cpu.values()) / 60
    if mode != "quick":
        return f"This full run took {wall:.0f} minutes of wall time and {cpu:.0f} minutes of CPU time."
    estimates = full_run_cpu(results, section_cpu)
    total = sum(estimates.values()) / 60
    parts = ", ".join(f"{name} {seconds / 60:.0f}" for name, seconds in estimates.items())
    return (
        f"This quick run took {wall:.0f} minutes of wall time (load average {load:.1f} at its end) and "
        f"{cpu:.0f} minutes of CPU time. Scaling each section's CPU time by the extra work of the full run "
        f"(`bench/estimate.py`) gives about {total:.0f} CPU minutes ({parts}); on a quiet 2-core machine "
        f"`make bench` should therefore take between {total / 2:.0f} and {total:.0f} minutes of wall time, "
        "nearer the lower bound since the LLM and the embedders keep both cores busy. CPU time itself is "
        "inflated on a crowded machine (shared caches and cores), so this estimate errs long."
    )
