"""The keyword index (issue 26): BM25 scored by bm25s as before, saved at ingest beside the vector index, loaded
memory-mapped by every other process, and never out of step with the vector index, even after kill -9.

Embeddings are the deterministic fake of tests/test_rebuild.py: these tests measure the index, not retrieval."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from assistant import app
from assistant.ingest.indexer import ingest
from assistant.search.bm25_index import Bm25Index
from assistant.search.hybrid import Filter
from assistant.search.keyword import KeywordIndex, _index_tokens, cjk_bigrams, store_version, tokenize
from assistant.search.store import StoredChunk, open_store
from assistant.settings import Settings
from tests.conftest import ROOT
from tests.servers import kill_when_stalled, running, start_chroma
from tests.test_rebuild import QUERIES, TOPICS, Trigrams, write_corpus

TEXTS = {
    "bj": "北京发布人工智能行动计划，对具有示范价值的新设备最高支持3000万元。",
    "sz": "深圳发布四项人工智能行动计划，支持机器人和智能终端产业。",
    "sh": "上海支持具身智能机器人，补贴最高500万元，算力券最高100万元。",
    "en1": "Shenzhen released four action plans for artificial intelligence and robots.",
    "en2": "Robots, robots and more robots: Shanghai funds embodied robots in factories.",
    "mix": "Beijing 北京 supports robots 机器人 with grants of up to RMB 30 million.",
}
ASKED = ["深圳 行动计划", "机器人补贴最高多少万元", "robots Shanghai", "北京 新设备 支持", "action plans", "算力券"]


def chunks(texts: dict[str, str]) -> list[StoredChunk]:
    return [StoredChunk(i, t, {"tokens": " ".join(tokenize(t)), "source": f"{i}.txt"}) for i, t in texts.items()]


class FakeStore:
    """Records and a version, counting how often every record is read."""

    def __init__(self, texts: dict[str, str]):
        self.chunks, self.version, self.reads = chunks(texts), "v1", 0

    def records(self) -> list[StoredChunk]:
        self.reads += 1
        return list(self.chunks)

    def change(self, texts: dict[str, str]) -> None:
        self.chunks, self.version = chunks(texts), uuid.uuid4().hex


def reference_scores(records: list[StoredChunk], query: str, k1: float = 1.5, b: float = 0.75) -> np.ndarray:
    """Lucene's BM25 written out: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf / (tf + k1 (1 - b + b |d| / avg))."""
    docs = [Counter(_index_tokens(r)) for r in records]
    lengths = [sum(d.values()) for d in docs]
    average = sum(lengths) / len(docs)
    scores = np.zeros(len(docs))
    for word in tokenize(query) + cjk_bigrams(query):
        df = sum(1 for d in docs if word in d)
        if not df:
            continue
        idf = math.log(1 + (len(docs) - df + 0.5) / (df + 0.5))
        for i, d in enumerate(docs):
            scores[i] += idf * d[word] / (d[word] + k1 * (1 - b + b * lengths[i] / average)) if d[word] else 0.0
    return scores


def test_scores_and_rankings_equal_a_reference_bm25():
    store = FakeStore(TEXTS)
    index = KeywordIndex(store.records, lambda: store.version)
    for query in ASKED:
        expected = reference_scores(store.chunks, query)
        hits = index.search(query, len(TEXTS))
        got = {hit.id: hit.score for hit in hits}
        ids = [c.id for c in store.chunks]
        assert np.allclose([got.get(i, 0.0) for i in ids], expected, rtol=1e-5, atol=1e-6), query
        assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
        assert {hit.id for hit in hits} == {i for i, s in zip(ids, expected) if s > 0}
    words = set().union(*(_index_tokens(c) for c in store.chunks))
    for query in ("How many action plans did Shenzhen release?", "深圳发布了几项行动计划", "Quantum metrology"):
        asked = tokenize(query)
        assert index.coverage(query) == sum(word in words for word in asked) / len(asked)
    not_shanghai = Filter(any_of=(("source", ("bj.txt", "sz.txt", "en1.txt", "en2.txt", "mix.txt")),))
    assert {h.id for h in index.search("机器人", 5, not_shanghai)} == {"sz", "mix"}


def test_a_filter_is_judged_per_distinct_value_and_keeps_what_judging_every_chunk_keeps():
    regions = ["310104", "310000", "440300", "100000", "310104", "", "310115"]
    metadatas = [{"region_code": r, "date_int": 20240000 + 100 * i, "source": f"{i}.txt"} for i, r in enumerate(regions * 5)]
    index = Bm25Index.build([str(i) for i in range(len(metadatas))], ["x"] * len(metadatas), metadatas, [["x"]] * len(metadatas))
    filters = [
        Filter(equals={"region_code": "310000"}),  # Shanghai and the districts inside it
        Filter(any_of=(("region_code", ("440300", "100000")),)),
        Filter(any_of=(("region_code", ("310104",)),), date_from=20240300),
    ]
    for where in filters:
        assert index.kept(where).tolist() == [where.matches(m) for m in metadatas], where
    assert len(index._grouped(("region_code",))[1]) == len(set(regions))


def test_a_saved_index_loads_memory_mapped_without_reading_the_store(tmp_path):
    store = FakeStore(TEXTS)
    writer = KeywordIndex(store.records, lambda: store.version, folder=tmp_path / "kw", writer=True)
    expected = {q: writer.search(q, 4) for q in ASKED}
    assert writer.events == {"built": 1, "saved": 1} and store.reads == 1

    started = time.perf_counter()
    reader = KeywordIndex(store.records, lambda: store.version, folder=tmp_path / "kw")
    assert len(reader) == len(TEXTS)
    assert time.perf_counter() - started < 1.0
    assert {q: reader.search(q, 4) for q in ASKED} == expected
    not_shanghai = Filter(any_of=(("source", ("sz.txt", "mix.txt")),))
    assert reader.search("机器人", 5, not_shanghai) == writer.search("机器人", 5, not_shanghai)
    assert store.reads == 1 and reader.events == {"loaded": 1}
    assert isinstance(reader._index.retriever.scores["data"], np.memmap)
    assert all("tokens" not in hit.metadata for hit in reader.search("机器人", 5))


def test_a_stale_saved_index_is_rebuilt_by_a_reader_and_saved_only_by_a_writer(tmp_path):
    store, folder = FakeStore(TEXTS), tmp_path / "kw"
    KeywordIndex(store.records, lambda: store.version, folder=folder, writer=True).refresh()
    saved = (folder / "CURRENT").read_text()
    (folder / ".tmp-deadbeef0000").mkdir()  # what a writer killed while staging leaves
    store.change(TEXTS | {"new": "杭州量子计量灯塔工厂最高补贴1200万元"})

    reader = KeywordIndex(store.records, lambda: store.version, folder=folder)
    assert [h.id for h in reader.search("量子计量", 3)] == ["new"]
    assert reader.events["built"] == 1 and (folder / "CURRENT").read_text() == saved, "a reader never writes"

    writer = KeywordIndex(store.records, lambda: store.version, folder=folder, writer=True)
    assert [h.id for h in writer.search("量子计量", 3)] == ["new"]
    assert (folder / "CURRENT").read_text() != saved and writer.events["saved"] == 1
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == [(folder / "CURRENT").read_text()]
    later = KeywordIndex(store.records, lambda: store.version, folder=folder)
    assert [h.id for h in later.search("量子计量", 3)] == ["new"] and later.events == {"loaded": 1}


def test_while_an_ingest_holds_the_writer_lock_readers_keep_their_index(tmp_path):
    store, folder = FakeStore(TEXTS), tmp_path / "kw"
    writer = KeywordIndex(store.records, lambda: store.version, folder=folder, writer=True)
    writer.refresh()
    reader = KeywordIndex(store.records, lambda: store.version, folder=folder)
    assert [h.id for h in reader.search("上海", 3)][0] == "sh"
    reads = store.reads
    with writer.writing():
        store.change({k: v for k, v in TEXTS.items() if k != "sh"})  # the ingest has written half of it
        assert [h.id for h in reader.search("上海", 3)][0] == "sh", "the old index until the ingest publishes"
        fresh = KeywordIndex(store.records, lambda: store.version, folder=folder)
        assert len(fresh) == len(TEXTS) and fresh.events == {"loaded": 1}
        writer.publish()
    assert store.reads == reads + 1, "built once, by the writer"
    assert "sh" not in [h.id for h in reader.search("上海", 3)] and reader.events == {"loaded": 2}
    assert len(fresh) == len(TEXTS) - 1


def services_on(root: Path, **settings) -> app.Services:
    built = app.build_services(Settings(documents_dir=root / "docs", index_dir=root / "index", **settings))
    built.__dict__["embeddings"] = Trigrams()
    return built


def stored_ids(store) -> set[str]:
    return {r.id for r in store.records(with_text=False)}


def test_an_ingest_that_adds_and_removes_a_document_shows_in_the_loaded_index(tmp_path):
    write_corpus(tmp_path / "docs")
    first = services_on(tmp_path)
    first.ingest()
    assert first.keyword.events["saved"] == 1 and (tmp_path / "index" / "keyword").is_dir()
    second = services_on(tmp_path)
    reads = []
    second.keyword._load_records = lambda: reads.append(1) or second.store.records()
    before = {q: [h.id for h in second.searcher.search(q, 4, mode="bm25")] for q in QUERIES}
    assert all(before.values()) and second.keyword.events == {"loaded": 1} and not reads

    (tmp_path / "docs" / "harbor-robotics.md").unlink()
    (tmp_path / "docs" / "hangzhou.md").write_text(
        "Hangzhou Lighthouse Notice\n\nHangzhou funds quantum metrology lighthouse factories, up to RMB 12 million.",
        encoding="utf-8",
    )
    report = first.ingest()
    assert report.added == 1 and report.removed == 1 and first.keyword.events["built"] == 2

    hits = second.searcher.search("Hangzhou quantum metrology lighthouse", 3, mode="bm25")
    assert hits and "RMB 12 million" in hits[0].text
    assert not any("harbor" in h.metadata["source"] for h in second.searcher.search("harbor container cranes", 10))
    assert set(second.keyword.ids()) == stored_ids(second.store)
    assert second.keyword.events == {"loaded": 2} and not reads, "the new index was loaded, not built"
    assert first.ingest().unchanged == len(TOPICS) + 1 and first.keyword.events["built"] == 2


def test_a_rebuild_publishes_the_keyword_index_of_the_new_generation(tmp_path):
    write_corpus(tmp_path / "docs")
    services = services_on(tmp_path)
    services.ingest()
    before = {q: [h.id for h in services.searcher.search(q, 4, mode="bm25")] for q in QUERIES}
    name = services.store.name
    services.ingest(rebuild=True)
    assert services.store.name != name
    reader = services_on(tmp_path)
    assert {q: [h.id for h in reader.searcher.search(q, 4, mode="bm25")] for q in QUERIES} == before
    assert reader.keyword.events == {"loaded": 1}


KILLED_INGEST = """
import sys
from pathlib import Path
from assistant.ingest.indexer import ChunkingOptions, ingest
from assistant.search.keyword import KeywordIndex, store_version
from assistant.search.store import open_store
from tests.test_rebuild import Trigrams
docs, index, folder, stalled = map(Path, sys.argv[1:5])
store = open_store(index_dir=index, chroma_url="", name="policy")
keyword = KeywordIndex(store.records, lambda: store_version(store), folder=folder, writer=True)
# One embedding call per changed file: with a stall, two files are written, then it waits to be killed.
embeddings = Trigrams(stall_on=3, stalled=stalled) if sys.argv[5] == "stall" else Trigrams()
ingest(docs, store, embeddings, ChunkingOptions(embed_batch=1), keyword=keyword)
"""


def test_an_ingest_killed_half_way_leaves_the_keyword_and_vector_index_agreeing(tmp_path):
    docs, index, folder, stalled = tmp_path / "docs", tmp_path / "index", tmp_path / "keyword", tmp_path / "stalled"
    write_corpus(docs)
    command = [sys.executable, "-c", KILLED_INGEST, str(docs), str(index), str(folder), str(stalled)]
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    subprocess.run([*command, "complete"], cwd=ROOT, env=env, check=True, timeout=300)  # no store opened here yet
    published = Bm25Index.load(folder / (folder / "CURRENT").read_text())
    for path in sorted(docs.glob("*.md")):  # every notice changes, keeping its length: new chunk ids, same count
        path.write_text(path.read_text(encoding="utf-8").replace("audited", "checked"), encoding="utf-8")

    process = subprocess.Popen([*command, "stall"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
    kill_when_stalled(process, stalled, "its third embedding call")

    store = open_store(index_dir=index, chroma_url="", name="policy")

    def keyword_index(writer: bool = False) -> KeywordIndex:
        return KeywordIndex(store.records, lambda: store_version(store), folder=folder, writer=writer)

    vectors = stored_ids(store)
    assert vectors != set(published.ids) and len(vectors) == len(published), "the count alone does not show it"
    restarted = keyword_index()
    assert set(restarted.ids()) == vectors and restarted.events["built"] == 1

    report = ingest(docs, store, Trigrams(), keyword=keyword_index(writer=True))  # the writer runs again
    assert report.updated == len(TOPICS) - 2 and report.failed == []
    loaded = keyword_index()
    assert set(loaded.ids()) == stored_ids(store) and loaded.events == {"loaded": 1}


APP_PROCESS = """
import json, sys
from pathlib import Path
from assistant import app
from assistant.settings import Settings
from tests.test_rebuild import QUERIES, Trigrams
url, collection, docs, folder, unused, do_ingest = sys.argv[1:7]
services = app.build_services(Settings(chroma_url=url, collection=collection, documents_dir=Path(docs),
                                       index_dir=Path(unused), keyword_index_dir=Path(folder)))
services.__dict__["embeddings"] = Trigrams()
if do_ingest == "1":
    services.ingest()
hits = {q: [[h.id, h.text] for h in services.searcher.search(q, 4)] for q in QUERIES}
bm25 = {q: [[h.id, h.score] for h in services.searcher.search(q, 4, mode="bm25")] for q in QUERIES}
print(json.dumps({"hits": hits, "bm25": bm25, "events": dict(services.keyword.events)}))
"""


@pytest.mark.server
def test_two_app_processes_on_one_chroma_server_share_the_keyword_folder(tmp_path):
    write_corpus(tmp_path / "docs")
    with running(start_chroma, tmp_path / "chroma" / "db") as chroma:
        collection, folder = f"t{uuid.uuid4().hex[:10]}", tmp_path / "shared-keyword"

        def app_process(do_ingest: bool) -> dict:
            arguments = [chroma.url, collection, tmp_path / "docs", folder, tmp_path / "unused", int(do_ingest)]
            command = [sys.executable, "-c", APP_PROCESS, *map(str, arguments)]
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout.splitlines()[-1])

        first, second = app_process(True), app_process(False)
    assert all(first["hits"].values()) and all(first["bm25"].values())
    assert second["hits"] == first["hits"] and second["bm25"] == first["bm25"]
    assert first["events"]["built"] == 1 and first["events"]["saved"] == 1
    assert second["events"] == {"loaded": 1}, "the second process loads the index, it does not build one"
    assert not (tmp_path / "unused").exists()
