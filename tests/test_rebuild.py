"""A rebuild never breaks search (issue 22): it builds a new collection beside the one searches read,
switches when complete and drops the old one; searches during it, after it, in another replica and
after a rebuild that died half-way all return the hits they returned before.

The embedding is a deterministic fake (character trigrams hashed into a vector, so texts that share
words are near): these tests measure the index, not retrieval quality."""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from assistant.ingest.indexer import ingest
from assistant.search.hybrid import HybridSearcher
from assistant.search.keyword import KeywordIndex
from assistant.search.store import open_store
from tests.conftest import ROOT, SAMPLE
from tests.servers import kill_when_stalled, running, start_chroma

QUERIES = [
    "funding cap for new equipment with demonstrative value",
    "artificial intelligence in manufacturing",
    "harbor robotics subsidy for container cranes",
    "data centre energy efficiency grants",
]
TOPICS = [
    ("Qingdao Harbor Robotics Notice", "harbor robotics", "container cranes", "RMB 7.5 million"),
    ("Tianjin Data Centre Efficiency Plan", "data centre energy efficiency", "liquid cooling", "RMB 4 million"),
    ("Suzhou Industrial Software Measures", "industrial software", "digital twins", "RMB 2 million"),
    ("Hefei Quantum Metrology Notice", "quantum metrology", "lighthouse factories", "RMB 12 million"),
    ("Xiamen Smart Logistics Plan", "smart logistics", "autonomous forklifts", "RMB 3 million"),
]


class Trigrams(Embeddings):
    """Deterministic across processes. ``delay_s`` per ``embed_documents`` call; the call numbered
    ``fail_on`` (from 1) raises, as a crash half-way through an ingest would; the call numbered ``stall_on``
    touches the file ``stalled`` and sleeps for ten minutes (a process to kill half-way)."""

    def __init__(self, delay_s=0.0, fail_on: int | None = None, stall_on: int | None = None, stalled=None):
        self.delay_s, self.fail_on, self.stall_on, self.stalled = delay_s, fail_on, stall_on, stalled
        self.calls = 0

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * 128
        text = f"  {text.lower()}  "
        for i in range(len(text) - 2):
            digest = hashlib.blake2b(text[i : i + 3].encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % len(vector)] += 1.0
        norm = math.sqrt(sum(x * x for x in vector)) or 1.0
        return [x / norm for x in vector]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        if self.fail_on == self.calls:
            raise RuntimeError("embedding died half-way")
        if self.stall_on == self.calls:
            Path(self.stalled).touch()
            time.sleep(600)
        time.sleep(self.delay_s)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def write_corpus(folder: Path) -> None:
    """The sample article and five notices of this test's own: about 90 chunks, more than one embedding call."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SAMPLE.name).write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    for title, subject, detail, amount in TOPICS:
        paragraphs = [
            f"Article {n}. The {subject} programme supports {detail} projects in phase {n}, with grants of up to "
            f"{amount} for each qualifying enterprise, audited yearly by the municipal bureau for {subject}. "
            f"Applicants for phase {n} describe their {detail} deployment, its costs, suppliers and the jobs it "
            f"creates; projects of phase {n} finish within {n + 1} years and report their results publicly."
            for n in range(1, 31)
        ]
        (folder / f"{subject.replace(' ', '-')}.md").write_text("\n\n".join([title, *paragraphs]), encoding="utf-8")


def hits(searcher, mode: str) -> dict[str, list[tuple[str, float]]]:
    return {q: sorted((h.id, round(h.score, 4)) for h in searcher.search(q, 4, mode=mode)) for q in QUERIES}


def reachable(searcher, store) -> list[int]:
    """How many chunks a dense search for everything returns, per query: all of them in a sound index."""
    return [len(store.query(searcher.query_vector(q), store.count())) for q in QUERIES]


def generations(store) -> set[str]:
    """The collections of this index other than its pointer: exactly one when no rebuild is under way."""
    names = {c.name for c in store.client.list_collections()}
    return {n for n in names if n == store.base or re.fullmatch(re.escape(store.base) + "--[0-9a-f]{8}", n)}


@pytest.fixture
def fake_services(services):
    write_corpus(services.settings.documents_dir)
    services.__dict__["embeddings"] = Trigrams()
    report = services.ingest()
    assert report.failed == [] and report.chunks > 64
    return services


def test_dense_search_after_a_rebuild_returns_the_hits_it_returned_before(fake_services):
    searcher, store = fake_services.searcher, fake_services.store
    before = {mode: hits(searcher, mode) for mode in ("dense", "bm25", "hybrid")}
    assert all(before["dense"].values()) and reachable(searcher, store) == [store.count()] * len(QUERIES)
    funding = fake_services.funding.records()
    assert funding, "the sample article's funding caps"

    for _ in range(8):  # rebuilt in place, a few rebuilds left some chunks out of reach of dense search
        report = fake_services.ingest(rebuild=True)

        assert report.added == len(TOPICS) + 1 and report.updated == report.removed == 0 and report.failed == []
        assert reachable(searcher, store) == [store.count()] * len(QUERIES), "dense search reaches every chunk"
        assert {mode: hits(searcher, mode) for mode in before} == before
        assert fake_services.funding.records() == funding
        assert len(generations(store)) == 1
    assert fake_services.ingest().unchanged == len(TOPICS) + 1


def test_searches_during_a_rebuild_return_the_hits_from_before(fake_services):
    searcher = fake_services.searcher
    before = {mode: hits(searcher, mode) for mode in ("dense", "bm25", "hybrid")}
    fake_services.__dict__["embeddings"] = Trigrams(delay_s=0.5)  # the ingest takes a second or more
    seen: list[tuple[str, dict]] = []
    failures: list[BaseException] = []
    done = threading.Event()

    def search() -> None:
        try:
            while not done.is_set():
                for mode in before:
                    seen.append((mode, hits(searcher, mode)))
        except BaseException as exc:  # the assertion below names it
            failures.append(exc)

    readers = [threading.Thread(target=search) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        report = fake_services.ingest(rebuild=True)
    finally:
        done.set()
        for reader in readers:
            reader.join(60)
    assert failures == []
    assert report.failed == [] and report.added == len(TOPICS) + 1
    assert len(seen) >= 6, "the searches ran while the rebuild did"
    wrong = [(mode, got) for mode, got in seen if got != before[mode]]
    assert not wrong, f"{len(wrong)} of {len(seen)} searches during the rebuild differ, e.g. {wrong[0]}"
    assert {mode: hits(searcher, mode) for mode in before} == before


def test_a_rebuild_that_fails_half_way_leaves_the_old_index_and_the_next_ingest_converges(fake_services):
    searcher, store = fake_services.searcher, fake_services.store
    before = {mode: hits(searcher, mode) for mode in ("dense", "bm25")}
    chunks = store.count()
    fake_services.__dict__["embeddings"] = Trigrams(fail_on=2)

    with pytest.raises(RuntimeError, match="half-way"):
        fake_services.ingest(rebuild=True)

    assert store.count() == chunks
    assert {mode: hits(searcher, mode) for mode in before} == before
    assert len(generations(store)) == 1, "the half-built collection is gone"
    fake_services.__dict__["embeddings"] = Trigrams()
    assert fake_services.ingest().unchanged == len(TOPICS) + 1
    assert fake_services.ingest(rebuild=True).added == len(TOPICS) + 1
    assert {mode: hits(searcher, mode) for mode in before} == before
    assert store.count() == chunks and len(generations(store)) == 1


KILLED_REBUILD = """
import sys
from pathlib import Path
from assistant.ingest.indexer import ingest
from assistant.search.store import open_store
from tests.test_rebuild import Trigrams
docs, index, stalled = map(Path, sys.argv[1:4])
store = open_store(index_dir=index, chroma_url="", name="policy")
ingest(docs, store, Trigrams())
ingest(docs, store, Trigrams(stall_on=2, stalled=stalled), rebuild=True)  # after the first 64 chunks
"""


def test_a_rebuild_killed_half_way_leaves_the_old_index_and_the_next_ingest_removes_its_remains(tmp_path):
    docs, index, stalled = tmp_path / "docs", tmp_path / "index", tmp_path / "stalled"
    write_corpus(docs)
    command = [sys.executable, "-c", KILLED_REBUILD, str(docs), str(index), str(stalled)]
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    kill_when_stalled(process, stalled, "its second embedding call")

    store = open_store(index_dir=index, chroma_url="", name="policy")
    embeddings = Trigrams()
    searcher = HybridSearcher(store, embeddings, KeywordIndex(store.records, store.version))
    assert all(hits(searcher, "dense").values()) and all(hits(searcher, "bm25").values())
    before = {mode: hits(searcher, mode) for mode in ("dense", "bm25")}
    (half_built,) = generations(store) - {store.name}
    assert 0 < store.client.get_collection(half_built).count() < store.count()
    report = ingest(docs, store, embeddings)
    assert report.unchanged == len(TOPICS) + 1 and report.added == report.updated == 0
    assert len(generations(store)) == 1, "what the killed rebuild left behind is gone"
    ingest(docs, store, embeddings, rebuild=True)
    assert {mode: hits(searcher, mode) for mode in before} == before


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    with running(start_chroma, tmp_path_factory.mktemp("chroma") / "db") as server:
        yield server


@pytest.mark.server
def test_a_replica_follows_another_replicas_rebuild_on_a_chroma_server(tmp_path, chroma):
    write_corpus(tmp_path / "docs")
    name = f"t{uuid.uuid4().hex[:10]}"
    embeddings = Trigrams()
    writer = open_store(index_dir=tmp_path / "unused", chroma_url=chroma.url, name=name)
    ingest(tmp_path / "docs", writer, embeddings)
    replica = open_store(index_dir=tmp_path / "unused", chroma_url=chroma.url, name=name)
    keyword = KeywordIndex(replica.records, replica.version)
    searcher = HybridSearcher(replica, embeddings, keyword)
    before = {mode: hits(searcher, mode) for mode in ("dense", "bm25", "hybrid")}
    assert all(before["dense"].values())

    for _ in range(2):  # from the first collection to a generation, then from one generation to the next
        ingest(tmp_path / "docs", writer, embeddings, rebuild=True)
        assert hits(searcher, "dense") == before["dense"], "dense search alone follows the switch"
        assert {mode: hits(searcher, mode) for mode in before} == before
        assert replica.name == writer.name and len(generations(replica)) == 1
    opened_after = open_store(index_dir=tmp_path / "unused", chroma_url=chroma.url, name=name)
    assert opened_after.name == writer.name
    assert hits(HybridSearcher(opened_after, embeddings, keyword), "dense") == before["dense"]
    assert not (tmp_path / "unused").exists()
