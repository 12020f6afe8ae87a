"""Uploads, deletes, request bodies and re-index requests under pressure (issue 22, items 4 and 5).

Races are run for real: the API on a loopback port (uvicorn in a thread of this process, fake embeddings),
threads released together by a barrier, and two processes writing to the same folder at the same moment.
"""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest

from assistant.ingest.indexer import IngestReport
from assistant.ingest.loaders import SUPPORTED_SUFFIXES
from assistant.service.library import add_document, delete_document
from assistant.settings import Settings
from tests.conftest import ROOT, fake_embedding_model
from tests.servers import free_port

TRIALS = 6
REPORT = "Annual report on Qingdao harbor robotics (2025).\n\nThe city funded 12 crane projects.\n"


def make_settings(tmp_path: Path, **overrides) -> Settings:
    documents = tmp_path / "documents"
    documents.mkdir(exist_ok=True)
    return Settings(
        documents_dir=documents,
        index_dir=tmp_path / "index",
        cache_dir=tmp_path / "cache",
        ocr=False,
        host="127.0.0.1",
        port=free_port(),
        api_keys="",
        api_keys_file=None,
        **overrides,
    )


def quick_ingest(folder: Path):
    """Stands in for indexing where only the files matter: it lists the folder, as a pass does, and reports."""

    def ingest(*, rebuild=False, progress=None, page_progress=None) -> IngestReport:
        files = [p for p in folder.iterdir() if not p.name.startswith(".")]
        for path in files:
            if progress:
                progress(path.name, 0)
        return IngestReport(unchanged=len(files))

    return ingest


@contextmanager
def api_server(settings: Settings):
    """The real API app on a loopback port, served by uvicorn in a thread of this process. The uploads here are
    large (a long write widens any race) and indexing them is not what is tested, so a pass only lists them."""
    import uvicorn

    from assistant import app
    from assistant.api import create_app

    services = app.build_services(settings)
    services.__dict__["embeddings"] = fake_embedding_model()
    services.__dict__["ingest"] = quick_ingest(settings.documents_dir)
    application = create_app(services)
    config = uvicorn.Config(application, host="127.0.0.1", port=settings.port, log_level="warning", log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield SimpleNamespace(
            url=f"http://127.0.0.1:{settings.port}", documents=settings.documents_dir, app=application
        )
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("uploads"))
    (settings.documents_dir / "report.txt").write_text(REPORT, encoding="utf-8")
    for i in range(40):  # a folder of some size: the duplicate check has files to read
        (settings.documents_dir / f"policy {i:02d}.txt").write_text(
            f"Policy {i} on harbor cranes.\n" * 20, encoding="utf-8"
        )
    with api_server(settings) as running:
        yield running


def race(calls: list) -> list:
    """Run the calls in threads released at the same instant by a barrier; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def uploader(url: str, name: str, content: bytes):
    """A client with its connection already open, so the barrier releases requests, not TCP handshakes."""
    client = httpx.Client(base_url=url, timeout=120)
    assert client.get("/v1/models").status_code == 200

    def send() -> httpx.Response:
        try:
            return client.post("/v1/documents", files=[("files", (name, content))])
        finally:
            client.close()

    return send


def wait_for_jobs(url: str, job_ids) -> None:
    deadline = time.monotonic() + 120
    for job_id in set(job_ids):
        while httpx.get(f"{url}/v1/ingest/{job_id}", timeout=30).json()["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, "a re-index job never finished"
            time.sleep(0.05)


# --- concurrent uploads -------------------------------------------------------------------------------


@pytest.mark.server
def test_two_uploads_of_one_name_at_once_both_keep_their_content(server):
    jobs = []
    for trial in range(TRIALS):
        name = f"minutes {trial}.txt"
        contents = [f"Minutes of meeting {trial}, version {v}.\n".encode() * 30_000 for v in ("A", "B")]  # 1 MB each
        replies = race([uploader(server.url, name, content) for content in contents])

        assert [r.status_code for r in replies] == [201, 201], [r.text for r in replies]
        saved = [r.json()["documents"][0]["saved_as"] for r in replies]
        assert len(set(saved)) == 2, f"trial {trial}: both uploads were saved as {saved[0]}"
        assert set(saved) == {name, f"minutes {trial} (2).txt"}
        for saved_as, content in zip(saved, contents, strict=True):
            assert (server.documents / saved_as).read_bytes() == content, f"trial {trial}: {saved_as} was overwritten"
        jobs += [r.json()["ingest"]["id"] for r in replies]
    assert not [p.name for p in server.documents.iterdir() if p.name.startswith(".")], "no temporary file is left"
    wait_for_jobs(server.url, jobs)


@pytest.mark.server
def test_two_uploads_of_one_content_at_once_save_it_once(server):
    jobs = []
    for trial in range(TRIALS):
        content = f"Circular {trial} on harbor cranes.\n".encode() * 30_000
        replies = race([uploader(server.url, f"circular {trial} {copy}.txt", content) for copy in ("a", "b")])

        statuses = sorted(r.status_code for r in replies)
        assert statuses == [201, 422], f"trial {trial}: {[r.text[:200] for r in replies]}"
        refused = next(r for r in replies if r.status_code == 422).json()
        assert "same content is already in the library" in refused["error"]["message"]
        saved = [p for p in server.documents.iterdir() if p.name.startswith(f"circular {trial} ")]
        assert len(saved) == 1, f"trial {trial}: the same content was saved as {[p.name for p in saved]}"
        jobs += [r.json()["ingest"]["id"] for r in replies if r.status_code == 201]
    wait_for_jobs(server.url, jobs)


WRITER = """
import sys, time
from pathlib import Path
from assistant.service.library import add_document

folder, upload, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
print("ready", flush=True)
start = float(sys.stdin.readline())
for round_ in range(rounds):
    while time.time() < start + round_:
        pass
    print(add_document(folder / str(round_), upload, "shared.txt", max_mb=20).saved, flush=True)
"""


def test_two_processes_saving_one_name_never_overwrite_each_other(tmp_path):
    folder, rounds, labels = tmp_path / "documents", 4, ("A", "B")
    contents = {}
    for round_ in range(rounds):
        (folder / str(round_)).mkdir(parents=True)
    for label in labels:
        contents[label] = f"Content written by process {label}.\n".encode() * 200_000  # 7 MB: a long write
        (tmp_path / label).write_bytes(contents[label])
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(folder), str(tmp_path / label), str(rounds)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for label in labels
    ]
    try:
        assert [writer.stdout.readline() for writer in writers] == ["ready\n", "ready\n"]
        start = time.time() + 0.5
        for writer in writers:
            writer.stdin.write(f"{start}\n")
            writer.stdin.flush()
        outputs = [writer.communicate(timeout=120) for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    assert [writer.returncode for writer in writers] == [0, 0], [err for _, err in outputs]

    saved = {label: out.splitlines() for label, (out, _) in zip(labels, outputs, strict=True)}
    for round_ in range(rounds):
        names = {saved[label][round_] for label in labels}
        assert names == {"shared.txt", "shared (2).txt"}, f"round {round_}: both processes saved {names}"
        for label in labels:
            on_disk = (folder / str(round_) / saved[label][round_]).read_bytes()
            assert on_disk == contents[label], f"round {round_}: the file of process {label} was overwritten"


# --- names and contents -------------------------------------------------------------------------------


def upload_file(tmp_path: Path, content: bytes | str) -> Path:
    path = tmp_path / "uploads" / f"upload-{time.monotonic_ns()}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_a_full_width_look_alike_name_is_numbered_or_refused_as_the_same_content(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "report.txt").write_text(REPORT, encoding="utf-8")

    other = add_document(folder, upload_file(tmp_path, "Another report.\n"), "ｒｅｐｏｒｔ.txt", max_mb=20)
    same = add_document(folder, upload_file(tmp_path, REPORT), "ｒｅｐｏｒｔ.txt", max_mb=20)
    digits = add_document(folder, upload_file(tmp_path, "Plan for 2025.\n"), "plan ２０２５.txt", max_mb=20)

    assert other.saved == "report (2).txt" and "saved as report (2).txt" in other.message
    assert not same.ok and "same content is already in the library as report.txt" in same.message
    assert digits.saved == "plan 2025.txt"
    assert sorted(p.name for p in folder.iterdir()) == ["plan 2025.txt", "report (2).txt", "report.txt"]


def pdf_bytes(text: str) -> bytes:
    from fpdf import FPDF

    document = FPDF()
    document.set_font("Helvetica", size=12)
    document.add_page()
    document.cell(text=text)
    return bytes(document.output())


def docx_bytes(text: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def image_bytes(kind: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (40, 20), 255).save(out, format=kind)
    return out.getvalue()


def zip_bytes(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return out.getvalue()


TEXT = "Ningbo supports pilot factories with RMB 3 million.\n"
GOOD_CONTENT = {  # suffix -> contents that must be accepted
    ".pdf": [pdf_bytes(TEXT), b"\xef\xbb\xbf\r\n %PDF-1.7\n" + pdf_bytes(TEXT)[9:]],
    ".docx": [docx_bytes(TEXT)],
    ".txt": [TEXT, TEXT.encode("utf-16"), TEXT.encode("utf-16-le") * 20, "杭州市人工智能计划。".encode("gbk")],
    ".md": ["# Plan\n\n" + TEXT],
    ".html": [f"<html><body><p>{TEXT}</p></body></html>", f"<p>{TEXT}</p>".encode("utf-16")],
    ".htm": [f"<p>{TEXT}</p>"],
    ".png": [image_bytes("PNG")],
    ".jpg": [image_bytes("JPEG")],
    ".jpeg": [image_bytes("JPEG")],
    ".tif": [image_bytes("TIFF")],
    ".tiff": [image_bytes("TIFF")],
}
BAD_CONTENT = {  # suffix -> (contents that must be refused, words of the reason)
    ".pdf": ([TEXT, docx_bytes(TEXT), b"\n" * 2000 + b"%PDF-1.7\n"], "not a PDF"),
    ".docx": (
        [TEXT, pdf_bytes(TEXT), zip_bytes({"notes.txt": b"x"}), b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)],
        "not a Word document",
    ),  # fmt: skip
    ".txt": ([pdf_bytes(TEXT), docx_bytes(TEXT), image_bytes("PNG"), b"abc\x00\x01\x02def" * 50], "not text"),
    ".md": ([b"\x7fELF\x02\x01\x01" + bytes(100)], "not text"),
    ".html": ([image_bytes("JPEG")], "not text"),
    ".htm": ([b"GIF89a" + bytes(50)], "not text"),
    ".png": ([TEXT, pdf_bytes(TEXT)], "not an image"),
    ".jpg": ([TEXT], "not an image"),
    ".jpeg": ([docx_bytes(TEXT)], "not an image"),
    ".tif": ([TEXT], "not an image"),
    ".tiff": ([b"\x00" * 100], "not an image"),
}


def test_every_supported_suffix_has_its_content_checked():
    assert set(GOOD_CONTENT) == set(BAD_CONTENT) == set(SUPPORTED_SUFFIXES)


@pytest.mark.parametrize("suffix", SUPPORTED_SUFFIXES)
def test_an_upload_whose_content_does_not_match_its_type_is_refused_with_the_reason(tmp_path, suffix):
    folder = tmp_path / "documents"
    folder.mkdir()
    contents, words = BAD_CONTENT[suffix]
    for i, content in enumerate(contents):
        result = add_document(folder, upload_file(tmp_path, content), f"bad {i}{suffix}", max_mb=20)
        assert not result.ok and words in result.message, (i, result.message)
        assert result.message.startswith(f"bad {i}{suffix}: ")
    assert list(folder.iterdir()) == []
    for i, content in enumerate(GOOD_CONTENT[suffix]):
        result = add_document(folder, upload_file(tmp_path, content), f"good {i}{suffix}", max_mb=20)
        assert result.ok, result.message


@pytest.mark.server
def test_a_pdf_that_is_text_is_a_422_with_the_reason(server):
    reply = httpx.post(server.url + "/v1/documents", files=[("files", ("notice.pdf", TEXT))], timeout=60)

    assert reply.status_code == 422
    error = reply.json()["error"]
    assert error["code"] == "document_refused" and error["type"] == "invalid_request_error"
    assert "notice.pdf" in error["message"] and "not a PDF" in error["message"]
    assert not (server.documents / "notice.pdf").exists()


# --- delete -------------------------------------------------------------------------------------------


@pytest.mark.server
def test_delete_of_a_malformed_unknown_or_hidden_name_is_a_4xx_without_paths(server, caplog):
    (server.documents / ".hidden.txt").write_text("not a document", encoding="utf-8")
    (server.documents / ".git").mkdir(exist_ok=True)
    (server.documents / ".git" / "config.txt").write_text("not a document either", encoding="utf-8")
    caplog.set_level(logging.WARNING)
    names = {
        "a%00b.txt": 400,
        "report.txt%00": 400,
        "a" * 5000 + ".txt": 400,
        "政" * 120 + ".txt": 400,  # 360 bytes: over the file system's limit, under the length limit
        "bad%FF.txt": 404,
        ".hidden.txt": 404,
        ".git/config.txt": 404,
        "missing.txt": 404,
        "..%2Freport.txt": 404,
    }
    for name, status in names.items():
        reply = httpx.delete(f"{server.url}/v1/documents/{name}", timeout=30)
        assert reply.status_code == status, (name[:40], reply.text[:300])
        error = reply.json()["error"]
        assert set(error) == {"message", "type", "code"} and error["message"]
        assert str(server.documents) not in reply.text and "Traceback" not in reply.text
    assert (server.documents / ".hidden.txt").exists() and (server.documents / ".git" / "config.txt").exists()
    assert (server.documents / "report.txt").exists()
    problems = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert problems == [], [r.getMessage()[:200] for r in problems]


def test_the_library_deletes_only_what_the_listing_shows(tmp_path):
    folder = tmp_path / "documents"
    (folder / ".cache").mkdir(parents=True)
    for name in (".hidden.txt", ".cache/a.txt", "shown.txt"):
        (folder / name).write_text(name, encoding="utf-8")

    for name in (".hidden.txt", ".cache/a.txt", "a\x00b.txt", "x" * 5000, "政" * 120 + ".txt", "."):
        message = delete_document(folder, name)
        assert not message.startswith("Deleted") and "\x00" not in message and len(message) < 400, message
    assert (folder / ".hidden.txt").exists() and (folder / ".cache" / "a.txt").exists()
    assert delete_document(folder, "shown.txt") == "Deleted shown.txt."


# --- request bodies -----------------------------------------------------------------------------------


@pytest.mark.server
def test_a_chunked_body_over_the_limit_is_a_413(server):
    body = json.dumps({"query": "x" * 300_000}).encode()

    def chunks():
        for at in range(0, len(body), 16_384):
            yield body[at : at + 16_384]

    reply = httpx.post(
        server.url + "/v1/search", content=chunks(), headers={"Content-Type": "application/json"}, timeout=60
    )

    assert reply.status_code == 413, reply.text[:300]
    error = reply.json()["error"]
    assert error["code"] == "request_too_large" and "256 KB limit" in error["message"]


def test_a_chunked_upload_over_the_limit_is_a_413(tmp_path):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    services, _ = stub_services(tmp_path, max_file_mb=0.1)  # uploads: 10 files' worth plus 1 MB, 2 MB
    boundary = "b0undary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'.encode()

    def chunks():
        yield head
        for _ in range(300):
            yield b"policy text " * 1000
        yield f"\r\n--{boundary}--\r\n".encode()

    with TestClient(create_app(services)) as api:
        reply = api.post(
            "/v1/documents", content=chunks(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
    assert reply.status_code == 413, reply.text[:300]
    assert reply.json()["error"]["code"] == "request_too_large" and "2 MB limit" in reply.json()["error"]["message"]
    assert [p.name for p in services.settings.documents_dir.iterdir()] == ["report.txt"]


@pytest.mark.server
def test_a_deeply_nested_body_is_a_400_saying_so(server, caplog):
    caplog.set_level(logging.WARNING)
    deep_objects = b'{"query": ' + b'{"a": ' * 20_000 + b"1" + b"}" * 20_000 + b"}"
    for body in (b"[" * 100_000 + b"]" * 100_000, b"[" * 1_000 + b"]" * 1_000, deep_objects):
        reply = httpx.post(
            server.url + "/v1/search", content=body, headers={"Content-Type": "application/json"}, timeout=60
        )
        assert reply.status_code == 400, reply.text[:300]
        error = reply.json()["error"]
        assert "nested too deeply" in error["message"] and error["type"] == "invalid_request_error"
    assert httpx.post(server.url + "/v1/search", json={"query": "crane projects"}, timeout=60).status_code == 200
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


# --- re-index requests --------------------------------------------------------------------------------


class SlowIngest:
    """Stands in for ``services.ingest``: each pass waits until released, and records what it saw."""

    def __init__(self, folder: Path):
        self.folder, self.calls, self.seen = folder, [], []
        self.running, self.release = threading.Event(), threading.Event()

    def __call__(self, *, rebuild=False, progress=None, page_progress=None):
        self.calls.append(rebuild)
        self.seen.append(sorted(p.name for p in self.folder.iterdir()))
        self.running.set()
        assert self.release.wait(60)
        for path in sorted(self.folder.iterdir()):
            if page_progress:
                page_progress(path.name, 1, 2)
            if progress:
                progress(path.name, 1)
        return IngestReport(added=len(self.seen[-1]), failed=[{"path": "bad.pdf", "error": "not a valid PDF"}])


def stub_services(tmp_path: Path, **overrides):
    settings = make_settings(tmp_path, **overrides)
    (settings.documents_dir / "report.txt").write_text(REPORT, encoding="utf-8")
    from assistant.service.jobs import IngestJobs

    ingest = SlowIngest(settings.documents_dir)
    services = SimpleNamespace(settings=settings, ingest=ingest, chat_model=SimpleNamespace(waiting=0))
    services.jobs = IngestJobs(services)
    return services, ingest


def test_twenty_reindex_requests_while_one_runs_make_at_most_two_passes(tmp_path):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    services, ingest = stub_services(tmp_path)
    with TestClient(create_app(services)) as api:
        first = api.post("/v1/ingest").json()
        assert ingest.running.wait(30)
        (services.settings.documents_dir / "late.txt").write_text("Added while the first pass ran.\n")
        replies = [api.post("/v1/ingest", json={"rebuild": i == 10}) for i in range(20)]
        assert {r.status_code for r in replies} == {202}
        queued = {r.json()["id"] for r in replies}
        ingest.release.set()
        for job_id in {first["id"], *queued}:
            deadline = time.monotonic() + 30
            while (job := api.get(f"/v1/ingest/{job_id}").json())["status"] in ("queued", "running"):
                assert time.monotonic() < deadline
                time.sleep(0.02)
            assert job["status"] == "done", job
        (queued_id,) = queued
        last = api.get(f"/v1/ingest/{queued_id}").json()

    assert first["id"] != queued_id, "a request while a pass runs queues another pass"
    assert len(ingest.calls) == 2, f"{len(ingest.calls)} passes for 21 requests"
    assert ingest.calls == [False, True], "the queued pass was upgraded to a rebuild"
    assert "late.txt" in ingest.seen[-1], "the last pass covers the change made while the first one ran"
    assert last["rebuild"] is True and last["done"] == last["total"] == 2


def test_a_caller_can_start_or_join_a_pass_and_follow_its_progress(tmp_path):
    from assistant.service.jobs import IngestJobs

    services, ingest = stub_services(tmp_path)
    jobs = IngestJobs(services)
    try:
        seen: list[tuple] = []
        running = jobs.start()
        assert ingest.running.wait(30)
        queued = jobs.start()
        assert jobs.start() is queued and queued is not running and queued.status == "queued"
        assert jobs.start(rebuild=True) is queued and queued.rebuild
        threading.Timer(0.3, ingest.release.set).start()

        finished = jobs.run(progress=lambda job: seen.append((job.status, job.done, job.total, job.current, job.page)))

        assert finished is queued and finished.status == "done" and running.status == "done"
        assert ingest.calls == [False, True]
        assert seen[0][0] == "queued" and seen[-1][:3] == ("done", 1, 1)
        assert [done for _, done, *_ in seen] == sorted(done for _, done, *_ in seen), "progress never goes back"
        assert jobs.failures == {"bad.pdf": "not a valid PDF"}
        assert jobs.run().status == "done" and len(ingest.calls) == 3, "a new request after the pass is a new pass"
    finally:
        ingest.release.set()
        jobs.shutdown()


def test_a_job_tells_its_progress_as_the_web_ui_shows_it():
    from assistant.service.jobs import IngestJob

    job = IngestJob("j1", rebuild=False, total=3)
    assert job.progress() == (0.0, 3, "Waiting for the re-index already running to finish…")
    job.status, job.done, job.current = "running", 1, "a.pdf"
    assert job.progress() == (1.0, 3, "Indexed a.pdf")
    job.current, job.page = "scan.pdf", {"done": 1, "total": 4}
    assert job.progress() == (1.25, 3, "Reading scan.pdf by OCR: page 1 of 4")
    job.status, job.done, job.message = "done", 3, "Index updated: 3 added; 9 passages in the index.\n\n- Skipped x"
    assert job.progress() == (3.0, 3, "Index updated: 3 added; 9 passages in the index.")
    assert set(job.as_dict()) == {
        "id", "rebuild", "status", "done", "total", "current", "page", "message", "report", "created", "finished"
    }  # fmt: skip
