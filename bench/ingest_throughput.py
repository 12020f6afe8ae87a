"""Ingest throughput, side by side in one run: file-by-file embedding (the old path) against chunks of several
files embedded together (``ChunkingOptions.embed_batch``), on the same documents with the same models; and
OCR cost per page with its character error rate on rendered policy pages.

    python bench/ingest_throughput.py [--documents 60] [--repeats 1] [--ocr-pages 6] [--out bench/results/...]

The machine may be shared: compare the ratio, measured in the same run, not the seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.ingest import ChunkingOptions, ingest  # noqa: E402
from assistant.store import open_store  # noqa: E402

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


def bench_ingest(work: Path, documents: int, repeats: int, model: str) -> dict:
    import numpy as np

    from assistant.embeddings import make_embeddings

    folder = sample_folder(work, documents)
    embeddings = make_embeddings(model, threads=2)
    embeddings.embed_documents(["预热 warm-up"] * 4)
    runs: dict[str, list[dict]] = {"file_by_file": [], "pooled": []}
    for _ in range(repeats):  # interleaved, so a change in the machine's load hits both alike
        runs["file_by_file"].append(timed_ingest(folder, work / "one", embeddings, 1))
        runs["pooled"].append(timed_ingest(folder, work / "pooled", embeddings, ChunkingOptions().embed_batch))
    difference = float(np.abs(vectors_of(work / "one") - vectors_of(work / "pooled")).max())
    best = {name: min(r["seconds"] for r in rs) for name, rs in runs.items()}
    return {
        "documents": len(list(folder.iterdir())),
        "embeddings": model,
        "runs": runs,
        "ratio_pooled_to_file_by_file": best["pooled"] / best["file_by_file"],
        "max_vector_difference": difference,
    }


def bench_ocr(work: Path, pages: int) -> dict:
    from assistant.loaders import load_document
    from assistant.pages.ocr import OcrEngine, PageCache
    from assistant.pages.scan import PageReader
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=60, help="documents sampled from the corpus (0: all)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--ocr-pages", type=int, default=6)
    parser.add_argument("--embeddings", default="e5+use")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "ingest_throughput.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ingest-throughput-"))
    try:
        result = {
            "started": time.strftime("%Y-%m-%d %H:%M"),
            "ingest": bench_ingest(work, args.documents, args.repeats, args.embeddings),
            "ocr": bench_ocr(work, args.ocr_pages) if args.ocr_pages else None,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
