"""Search latency against corpus size, models loaded, for our hybrid search and the tutorial's similarity_search.

The corpus grows by repeating real chunks under new ids (and new source names), with the vectors computed
once and reused with a little noise, so 100k chunks cost no 100k embedding calls. Our copies keep their
BM25 tokens, so keyword search sees the same text volume as a real corpus of that size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.common import DEV_QUESTIONS, cpu_seconds, log, percentile, policy_folder, read_jsonl

K = 4  # passages the answerer asks for (top_k)
NOISE = 0.005  # per dimension; copies stay ~0.99 cosine from their original
# Typical questions about the Chinese policy corpus (written for the benchmark), plus the English dev questions.
CHINESE_QUERIES = [
    "人工智能产业创新发展行动计划",
    "生成式人工智能服务管理暂行办法的主要内容",
    "数据安全管理的具体要求有哪些",
    "工业互联网平台建设的资金支持",
    "算力基础设施高质量发展目标",
    "网络安全标准实践指南",
    "智能制造试点示范项目申报条件",
    "新一代人工智能伦理规范",
]


@dataclass
class Base:
    """Real chunks with their vectors, the material every larger corpus is made of."""

    ids: list[str]
    texts: list[str]
    vectors: np.ndarray
    metadatas: list[dict]

    def __len__(self) -> int:
        return len(self.ids)


def queries() -> list[str]:
    return [q["question"] for q in read_jsonl(DEV_QUESTIONS)] + CHINESE_QUERIES


def our_base(folder: Path, index: Path, embeddings) -> Base:
    """Our chunks of the policy folder (ingested here unless the ingest benchmark left its index)."""
    from assistant import app
    from assistant.settings import Settings

    settings = Settings(documents_dir=folder, index_dir=index)
    services = app.build_services(settings)
    services.__dict__["embeddings"] = embeddings
    services.ingest()
    collection = services.store.client.get_collection(services.store.name, embedding_function=None)
    page = collection.get(include=["embeddings", "documents", "metadatas"])
    return Base(page["ids"], page["documents"], np.asarray(page["embeddings"], dtype=np.float32), page["metadatas"])


def baseline_base(folder: Path, embeddings) -> Base:
    """The tutorial's splits of the same folder, embedded once with MiniLM."""
    from assistant.eval.tutorial import load_folder, split

    splits = split(load_folder(folder))
    texts = [doc.page_content for doc in splits]
    vectors = np.asarray(embeddings.embed_documents(texts), dtype=np.float32)
    return Base([f"b{i}" for i in range(len(texts))], texts, vectors, [dict(doc.metadata) for doc in splits])


def copies(base: Base, start: int, stop: int, rng: np.random.Generator):
    """Chunks ``start..stop`` of the grown corpus: chunk i is copy i // len(base) of base chunk i % len(base)."""
    positions = np.arange(start, stop)
    originals, copy = positions % len(base), positions // len(base)
    vectors = (
        base.vectors[originals] + rng.normal(0, NOISE, (len(positions), base.vectors.shape[1])) * (copy > 0)[:, None]
    )
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = [f"{base.ids[o]}~{c}" for o, c in zip(originals, copy)]
    texts = [base.texts[o] for o in originals]
    metadatas = [_renamed(base.metadatas[o], c) for o, c in zip(originals, copy)]
    return ids, texts, vectors.tolist(), metadatas


def _renamed(metadata: dict, copy: int) -> dict:
    source = str(metadata.get("source", ""))
    return metadata | {"source": f"{copy}/{source}"} if copy else dict(metadata)


def timed(search, texts: list[str], repeats: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds per query; CPU time (all threads of this process) is what a busy machine
    disturbs least."""
    wall, cpu = [], []
    for _ in range(repeats):
        for text in texts:
            started, started_cpu = time.perf_counter(), time.process_time()
            search(text)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def latency(search, texts: list[str], repeats: int) -> dict:
    """The first query (which builds any in-memory index) is reported apart from the steady state."""
    started, started_cpu = time.perf_counter(), cpu_seconds()
    search(texts[0])
    first_ms = (time.perf_counter() - started) * 1000
    for text in texts[1:]:
        search(text)
    wall, cpu = timed(search, texts, repeats)
    return {
        "median_ms": percentile(wall, 50),
        "p95_ms": percentile(wall, 95),
        "min_ms": min(wall),
        "max_ms": max(wall),
        "cpu_median_ms": percentile(cpu, 50),
        "first_query_ms": first_ms,
        "samples": len(wall),
        "query_cpu_s": cpu_seconds() - started_cpu,
    }


def our_searcher(index: Path, embeddings):
    from assistant import app
    from assistant.settings import Settings

    services = app.build_services(Settings(index_dir=index, documents_dir=index / "none"))
    services.__dict__["embeddings"] = embeddings
    return services.store, services.searcher


def baseline_store(persist: Path, embeddings):
    from assistant.eval.tutorial import open_vectorstore

    return open_vectorstore(persist, embeddings)


def grow_and_measure(name: str, write, search, base: Base, sizes: list[int], texts: list[str], repeats: int) -> dict:
    rng = np.random.default_rng(9)
    results, have = {}, 0
    for size in sizes:
        started, started_cpu = time.perf_counter(), cpu_seconds()
        for start in range(have, size, 5000):
            write(*copies(base, start, min(size, start + 5000), rng))
        insert = {"insert_s": time.perf_counter() - started, "insert_cpu_s": cpu_seconds() - started_cpu}
        have = size
        results[str(size)] = latency(search, texts, repeats) | insert
        r = results[str(size)]
        log(
            f"search {name} @ {size}: median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms (insert {r['insert_s']:.0f}s)"
        )
    return results


def ours_embeddings(settings):
    from assistant.search.embeddings import make_embeddings

    return make_embeddings(settings.embeddings, settings.n_threads)


def measure_ours(folder: Path, work: Path, embeddings, sizes: list[int], texts: list[str], repeats: int):
    started_cpu = cpu_seconds()
    base = our_base(folder, work / "ours-index", embeddings)
    prep_cpu_s = cpu_seconds() - started_cpu
    store, searcher = our_searcher(work / "search-ours", embeddings)
    results = grow_and_measure(
        "ours", store.upsert, lambda q: searcher.search_balanced(q, K), base, sizes, texts, repeats
    )
    return results, len(base), prep_cpu_s


def measure_baseline(folder: Path, work: Path, embeddings, sizes: list[int], texts: list[str], repeats: int):
    started_cpu = cpu_seconds()
    base = baseline_base(folder, embeddings)
    prep_cpu_s = cpu_seconds() - started_cpu
    vectorstore = baseline_store(work / "search-baseline", embeddings)

    def write(ids, documents, vectors, metadatas):
        vectorstore._collection.upsert(ids=ids, documents=documents, embeddings=vectors, metadatas=metadatas)

    def search(query):
        return vectorstore.similarity_search(query, k=K)

    return grow_and_measure("baseline", write, search, base, sizes, texts, repeats), len(base), prep_cpu_s


def run(work: Path, *, quick: bool) -> dict:
    from assistant.eval.tutorial import minilm
    from assistant.settings import Settings

    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    repeats = 3 if quick else 5
    folder = policy_folder(work, quick)
    texts, settings = queries(), Settings()
    ours, ours_base, ours_prep = measure_ours(folder, work, ours_embeddings(settings), sizes, texts, repeats)
    baseline, baseline_base_size, baseline_prep = measure_baseline(folder, work, minilm(), sizes, texts, repeats)
    return {
        "sizes": sizes,
        "queries": len(texts),
        "repeats": repeats,
        "k": K,
        "embeddings": settings.embeddings,
        "documents": len(list(folder.glob("*.txt"))),
        "base_chunks": {"ours": ours_base, "baseline": baseline_base_size},
        "prep_cpu_s": {"ours": ours_prep, "baseline": baseline_prep},
        "ours": ours,
        "baseline": baseline,
    }
