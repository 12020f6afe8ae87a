"""The Documents tab's plain functions: safe uploads, duplicates, delete, re-index, the table rows."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.service import library
from assistant.service.library import add_document, delete_document, document_rows, reindex, safe_filename

NOTICE = (
    "Notice on Supporting Harbor Robotics in Qingdao (2025)\n\n"
    "The Qingdao harbor robotics notice offers a one-time subsidy of up to RMB 7.5 million for each "
    "autonomous container crane project that enters operation at Qingdao Port before the end of 2026.\n"
)


@pytest.fixture(scope="module")
def embeddings(fake_embeddings):
    """These tests need an index, not retrieval: ``services`` and ``indexed`` embed with fake vectors."""
    return fake_embeddings


def upload(tmp_path: Path, name: str, content: str | bytes) -> Path:
    """A file as Gradio hands it over: somewhere outside the documents folder."""
    folder = tmp_path / "uploads"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\Windows\\win.ini.txt", "win.ini.txt"),
        ("--help.txt", "help.txt"),
        ("-rf", "rf"),
        (".hidden.md", "hidden.md"),
        ("北京市人工智能赋能新型工业化行动方案.PDF", "北京市人工智能赋能新型工业化行动方案.pdf"),
        ("深圳 行动计划（2025）.docx", "深圳 行动计划（2025）.docx"),
        ("<img src=x onerror=alert(1)>.txt", "img src_x onerror_alert(1)_.txt"),
        ("a\x00b\nc.txt", "abc.txt"),
        ("CON.txt", "document-CON.txt"),
        ("", "document"),
        ("...", "document"),
    ],
)
def test_safe_filename_stays_in_the_folder_and_keeps_chinese(given, expected):
    assert safe_filename(given) == expected


def test_safe_filename_fits_the_file_system_limit():
    name = safe_filename("政" * 300 + ".txt")
    assert len(name.encode()) <= 255 and name.endswith(".txt")


def test_upload_is_copied_under_its_safe_name(tmp_path, docs_dir):
    result = add_document(docs_dir, upload(tmp_path, "x", NOTICE), "../青岛 notice.txt", max_mb=20)
    assert result.ok and result.saved == "青岛 notice.txt"
    assert (docs_dir / "青岛 notice.txt").read_text(encoding="utf-8") == NOTICE
    assert not [p for p in docs_dir.iterdir() if p.name.startswith(".")], "no temporary file is left behind"


def test_same_content_under_another_name_is_a_duplicate(tmp_path, docs_dir):
    sample = next(docs_dir.iterdir())
    result = add_document(docs_dir, upload(tmp_path, "copy.txt", sample.read_bytes()), "copy.txt", max_mb=20)
    assert not result.ok
    assert sample.name in result.message and "already" in result.message
    assert not (docs_dir / "copy.txt").exists()


def test_same_name_with_new_content_keeps_both_files(tmp_path, docs_dir):
    sample = next(docs_dir.iterdir())
    result = add_document(docs_dir, upload(tmp_path, "a.txt", NOTICE), sample.name, max_mb=20)
    assert result.ok and result.saved == f"{sample.stem} (2){sample.suffix}"
    assert "saved as" in result.message


@pytest.mark.parametrize(
    ("name", "content", "max_mb", "words"),
    [
        ("plan.exe", NOTICE, 20, "not supported"),
        ("plan.doc", NOTICE, 20, "not supported"),
        ("plan.txt", NOTICE, 0.0001, "over the 0.0001 MB limit"),
        ("plan.txt", "", 20, "empty"),
    ],
)
def test_rejected_uploads_say_why_in_plain_words(tmp_path, docs_dir, name, content, max_mb, words):
    before = sorted(docs_dir.iterdir())
    result = add_document(docs_dir, upload(tmp_path, "upload", content), name, max_mb=max_mb)
    assert not result.ok and words in result.message
    assert sorted(docs_dir.iterdir()) == before


def test_delete_refuses_anything_outside_the_folder(tmp_path, docs_dir):
    outside = tmp_path / "secret.txt"
    outside.write_text("keep me", encoding="utf-8")
    for name in ("../secret.txt", str(outside), "", "missing.txt"):
        assert not delete_document(docs_dir, name).startswith("Deleted")
    assert outside.exists()
    sample = next(docs_dir.iterdir())
    assert delete_document(docs_dir, sample.name) == f"Deleted {sample.name}."
    assert not sample.exists()


def test_upload_then_reindex_lists_the_document_and_reports_progress(tmp_path, indexed):
    folder = indexed.settings.documents_dir
    add_document(folder, upload(tmp_path, "n.txt", NOTICE), "qingdao-notice.txt", max_mb=20)
    (folder / "old-format.doc").write_bytes(b"\xd0\xcf\x11\xe0 not a docx")
    steps = []
    message, failures = reindex(indexed, progress=lambda done, total, source: steps.append((done, total, source)))
    assert message.startswith("Index updated: 1 added")
    assert "Skipped old-format.doc" in message and "old-format.doc" in failures
    assert [done for done, _, _ in steps] == [1, 2, 3] and {total for _, total, _ in steps} == {3}

    rows = {row["source"]: row for row in document_rows(indexed, failures)}
    assert rows["qingdao-notice.txt"]["status"] == "indexed"
    assert rows["qingdao-notice.txt"]["chunks"] >= 1
    assert rows["qingdao-notice.txt"]["title"].startswith("Notice on Supporting Harbor Robotics")
    assert rows["old-format.doc"]["status"].startswith("not indexed: unsupported file type")

    delete_document(folder, "qingdao-notice.txt")
    rows = {row["source"]: row for row in document_rows(indexed)}
    assert rows["qingdao-notice.txt"]["status"] == "file deleted (re-index to remove)"
    message, _ = reindex(indexed)
    assert "1 removed" in message
    assert "qingdao-notice.txt" not in {row["source"] for row in document_rows(indexed)}


def test_a_failing_index_becomes_a_sentence_not_a_traceback(docs_dir):
    def broken_ingest(**_):
        raise PermissionError("The index folder /srv/index is not writable (Permission denied).")

    services = SimpleNamespace(settings=SimpleNamespace(documents_dir=docs_dir), ingest=broken_ingest)
    message, failures = reindex(services)
    assert message == "Indexing stopped: The index folder /srv/index is not writable (Permission denied)."
    assert failures == {} and "Traceback" not in message


def test_plain_reason_never_shows_an_empty_message():
    assert library.plain_reason(RuntimeError()).startswith("an unexpected error")
    assert library.plain_reason(ValueError("first line\n  File x.py, line 3")) == "first line"
