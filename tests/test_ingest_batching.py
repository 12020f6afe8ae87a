"""Chunks of several files embedded in one call give the same index as file by file, faster (bench/)."""

from __future__ import annotations

import numpy as np

from assistant.ingest.indexer import ChunkingOptions, ingest
from assistant.search.store import open_store

from .conftest import read_jsonl, shared_path


def _index(tmp_path, name, folder, embeddings, embed_batch, progress):
    store = open_store(index_dir=tmp_path / name, chroma_url="", name="policy")
    report = ingest(folder, store, embeddings, ChunkingOptions(embed_batch=embed_batch), progress=progress)
    records = {r.id: r for r in store.records()}
    vectors = store._collection.get(ids=sorted(records), include=["embeddings"])["embeddings"]
    return report, records, np.asarray(vectors)


def test_pooled_embedding_writes_the_same_index_as_file_by_file(tmp_path):
    """In float32, so the comparison is exact; bfloat16's padding-dependent rounding is bounded in test_e5_torch."""
    from assistant.search.embeddings import make_embeddings

    embeddings = make_embeddings("e5", threads=2, e5_precision="float32")
    folder = tmp_path / "docs"
    folder.mkdir()
    docs = read_jsonl(shared_path("data", "cn_ai_policy", "corpus.jsonl"))
    for doc in sorted(docs, key=lambda d: len(d["text"]))[:12]:  # short files: the case pooling is for
        (folder / f"{doc['doc_id']}.txt").write_text(doc["text"], encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    seen: dict[int, list[str]] = {1: [], 64: []}
    one = _index(tmp_path, "one", folder, embeddings, 1, lambda source, _n: seen[1].append(source))
    pooled = _index(tmp_path, "pooled", folder, embeddings, 64, lambda source, _n: seen[64].append(source))
    assert one[0].as_dict() == pooled[0].as_dict() and one[0].added == 12
    assert sorted(seen[1]) == sorted(seen[64]) and len(seen[64]) == 13  # every file reported once
    assert {i: (r.text, r.metadata) for i, r in one[1].items()} == {i: (r.text, r.metadata) for i, r in pooled[1].items()}
    assert np.abs(one[2] - pooled[2]).max() < 1e-5
