"""The benchmark harness on a tiny corpus: shapes of its results and of its report, never its timings."""

from __future__ import annotations

import numpy as np

from bench.common import percentile, spread
from bench.document import render
from bench.plots import draw
from bench.report import library_section
from bench.search_bench import Base, copies, grow_and_measure, our_base, our_searcher


def test_statistics_are_nearest_rank():
    values = [float(v) for v in range(1, 21)]
    assert percentile(values, 50) == 10.0
    assert percentile(values, 95) == 19.0
    assert spread(values) == {"median": 10.0, "min": 1.0, "max": 20.0, "n": 20}
    assert spread([])["median"] is None


def test_grown_corpus_repeats_real_chunks_under_new_ids():
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(20, 8))
    base = Base(
        [f"c{i}" for i in range(20)],
        [f"text {i}" for i in range(20)],
        vectors / np.linalg.norm(vectors, axis=1, keepdims=True),
        [{"source": f"d{i % 3}.txt"} for i in range(20)],
    )
    ids, texts, grown, metadatas = copies(base, 0, 50, rng)
    assert len(set(ids)) == 50 and texts[20] == texts[0] == "text 0"
    assert np.allclose(np.linalg.norm(grown, axis=1), 1.0)
    assert metadatas[0]["source"] == "d0.txt" and metadatas[20]["source"] == "1/d0.txt"


def test_search_benchmark_on_the_sample_article(tmp_path, docs_dir, embeddings):
    base = our_base(docs_dir, tmp_path / "index", embeddings)
    assert len(base) > 0 and base.vectors.shape[0] == len(base)
    store, searcher = our_searcher(tmp_path / "grown", embeddings)
    sizes = [len(base) + 5, 2 * len(base) + 10]
    results = grow_and_measure(
        "ours", store.upsert, lambda q: searcher.search_balanced(q, 6), base, sizes, ["funding cap", "深圳"], 1
    )
    assert store.count() == sizes[-1]
    assert set(results) == {str(size) for size in sizes}
    for row in results.values():
        assert row["samples"] == 2
        assert row["min_ms"] <= row["median_ms"] <= row["p95_ms"] <= row["max_ms"]

    section = {"sizes": sizes, "queries": 2, "repeats": 1, "k": 6, "ours": results, "baseline": results}
    section["base_chunks"] = {"ours": len(base), "baseline": len(base)}
    figures = draw({"search": section}, tmp_path)
    assert figures == {"search": "bench-search.png"} and (tmp_path / "bench-search.png").stat().st_size > 0
    meta = {
        "mode": "quick",
        "command": "python -m bench.run --quick --only search",
        "started": "s",
        "finished": "f",
        "duration_s": 60.0,
        "section_seconds": {"search": 60.0},
        "machine": {"cpu": "cpu", "logical_cores": 2, "ram_gb": 1, "os": "os", "python": "3"}
        | {"load_average_at_start": [1, 1, 1], "libraries": {}},
        "settings": {
            "embeddings": "e5",
            "chunk_tokens": 200,
            "chunk_overlap_tokens": 30,
            "candidates": 30,
            "rrf_k": 60,
            "top_k": 6,
            "llm": "qwen1.5b",
            "n_threads": 2,
            "omp_threads": "2",
        },
    }
    page = render({"search": section, "meta": meta}, figures, "estimate")
    assert "full run is pending" in page and "![Search latency" in page
    assert f"| {sizes[0]:,} |" in page


def test_library_section_holds_distinct_files_and_renders_beside_the_tutorial(tmp_path):
    from bench.library_bench import QUICK_DOCUMENTS, library_folder

    folder = library_folder(tmp_path, quick=True)
    files = sorted(folder.iterdir())
    assert len(files) == QUICK_DOCUMENTS
    texts = [path.read_text(encoding="utf-8") for path in files]
    assert len(set(texts)) == len(texts), "a copy identical to its original would be skipped as a duplicate"
    copies = [path for path in files if path.name.startswith("copy")]
    assert copies and all(path.name.split("-", 1)[1] in {f.name for f in files} for path in copies)

    ingest = {"seconds": 50.0, "cpu_s": 90.0, "peak_rss_mb": 900.0, "chunks": 1300}
    restart = {"first_result_s": 9.0, "median_ms": 30.0, "p95_ms": 90.0, "peak_rss_mb": 950.0}
    restart |= {"queries": 20, "repeats": 3}
    section = {"documents": QUICK_DOCUMENTS, "ours": {"ingest": ingest, "restart": restart}}
    section["baseline"] = {"ingest": ingest | {"seconds": 20.0}, "restart": restart | {"first_result_s": 12.0}}
    assert draw({"library": section}, tmp_path) == {"library": "bench-library.png"}
    lines = "\n".join(library_section(section))
    assert "| ingest, wall time (s) | 50 | 20 | 2.5 |" in lines
    assert "| restart: process start to first search result (s) | 9 | 12 | 0.75 |" in lines
