"""Incremental, idempotent, crash-safe ingestion against a real Chroma index."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.ingest.indexer import list_documents

from .conftest import ROOT, read_jsonl, shared_path


def test_add_update_remove_and_no_op(services, docs_dir):
    first = services.ingest()
    assert (first.added, first.updated, first.removed, first.unchanged) == (1, 0, 0, 0)
    (docs_dir / "notes.md").write_text("# Tianjin plan\n\nTianjin offers up to RMB 5 million.\n", encoding="utf-8")
    second = services.ingest()
    assert (second.added, second.updated, second.removed, second.unchanged) == (1, 0, 0, 1)
    (docs_dir / "notes.md").write_text("# Tianjin plan\n\nTianjin offers up to RMB 8 million.\n", encoding="utf-8")
    third = services.ingest()
    assert (third.added, third.updated, third.removed, third.unchanged) == (0, 1, 0, 1)
    texts = [r.text for r in services.store.records() if r.metadata["source"] == "notes.md"]
    assert any("RMB 8 million" in t for t in texts) and not any("RMB 5 million" in t for t in texts)
    (docs_dir / "notes.md").unlink()
    fourth = services.ingest()
    assert (fourth.added, fourth.updated, fourth.removed, fourth.unchanged) == (0, 0, 1, 1)
    assert fourth.chunks == first.chunks
    again = services.ingest()
    assert (again.added, again.updated, again.removed) == (0, 0, 0)


def test_bad_files_are_reported_and_the_rest_is_indexed(services, docs_dir):
    (docs_dir / "empty.txt").write_bytes(b"")
    (docs_dir / "broken.pdf").write_bytes(b"%PDF-1.7 this is not really a pdf")
    (docs_dir / "photo.xyz").write_bytes(b"\x00\x01")
    (docs_dir / "copy of article.txt").write_bytes((docs_dir / "ai-plus-manufacturing-policy.txt").read_bytes())
    report = services.ingest()
    failed = {f["path"]: f["error"] for f in report.failed}
    assert set(failed) == {"empty.txt", "broken.pdf", "photo.xyz", "copy of article.txt"}
    assert "same content as" in failed["copy of article.txt"]
    assert report.added == 1 and report.chunks > 0
    assert [row["source"] for row in list_documents(services.store)] == ["ai-plus-manufacturing-policy.txt"]


def test_chunks_carry_document_metadata_and_offsets(indexed, docs_dir):
    text = (docs_dir / "ai-plus-manufacturing-policy.txt").read_text(encoding="utf-8")
    for record in indexed.store.records():
        meta = record.metadata
        assert meta["source"] == "ai-plus-manufacturing-policy.txt"
        assert text[meta["start"] : meta["end"]] == record.text
        assert meta["language"] == "en" and meta["title"]
        assert len(meta["content_hash"]) == 40 and len(meta["file_hash"]) == 64


def _write_policy_corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    docs = read_jsonl(shared_path("data", "cn_ai_policy", "corpus.jsonl"))
    for doc in sorted(docs, key=lambda d: -len(d["text"]))[:n]:
        (folder / f"{doc['doc_id']}.txt").write_text(doc["text"], encoding="utf-8")


def _ingest_cli(docs: Path, index: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", "--json", "--documents", str(docs), "--index", str(index)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "2"},
    )


def _index_state(index: Path) -> set[tuple]:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(index), settings=ChromaSettings(anonymized_telemetry=False))
    (collection,) = client.list_collections()
    records = collection.get(include=["metadatas", "documents"])
    return {
        (i, m["source"], m["file_hash"], m["chunk_index"], d)
        for i, m, d in zip(records["ids"], records["metadatas"], records["documents"])
    }


def test_ingest_killed_mid_run_converges_to_a_clean_run(tmp_path):
    docs = tmp_path / "docs"
    _write_policy_corpus(docs, 25)
    killed_index = tmp_path / "killed"
    for delay in (4.0, 9.0):
        process = _ingest_cli(docs, killed_index)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    resumed = _ingest_cli(docs, killed_index)
    out, err = resumed.communicate(timeout=1500)
    assert resumed.returncode == 0, err
    report = json.loads(out)
    clean = _ingest_cli(docs, tmp_path / "clean")
    clean_out, clean_err = clean.communicate(timeout=1500)
    assert clean.returncode == 0, clean_err
    assert _index_state(killed_index) == _index_state(tmp_path / "clean")
    assert report["chunks"] == json.loads(clean_out)["chunks"]
    again = _ingest_cli(docs, killed_index)
    again_report = json.loads(again.communicate(timeout=1500)[0])
    assert (again_report["added"], again_report["updated"], again_report["removed"]) == (0, 0, 0)
    assert again_report["unchanged"] == 25
