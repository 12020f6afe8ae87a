"""Re-indexing in the background: one pass at a time, each with an id and its progress.

Requests are coalesced: at most one pass waits (queued) behind the one running. A request while a pass
is queued joins it (a rebuild request makes it a rebuild); a request while a pass runs queues one, which
reads the folder when it starts and so covers every change made before then. The API and the web UI
share one ``IngestJobs``, so there is one queue and one record of which files could not be indexed.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import asdict, dataclass, field

from assistant.ingest.indexer import document_files
from assistant.service.library import describe_report, plain_reason

log = logging.getLogger(__name__)
KEPT_JOBS = 100
POLL_S = 0.25


@dataclass
class IngestJob:
    id: str
    rebuild: bool
    status: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    current: str = ""
    page: dict | None = None  # {"done", "total"}: pages of ``current`` read by OCR so far
    message: str = ""
    report: dict | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def progress(self) -> tuple[float, int, str]:
        """(files done, with the OCR'd pages of the current one as a fraction; files in all; what is happening)."""
        page = self.page or {}
        done = self.done + (page["done"] / page["total"] if page.get("total") else 0.0)
        if self.status == "queued":
            return 0.0, self.total, "Waiting for the re-index already running to finish…"
        if self.status in ("done", "failed"):
            return float(self.done), self.total, self.message.split("\n", 1)[0]
        if page:
            return done, self.total, f"Reading {self.current} by OCR: page {page['done']} of {page['total']}"
        return done, self.total, f"Indexed {self.current}" if self.current else "Reading the documents folder…"


class IngestJobs:
    """Passes run one after another on one worker thread; ``failures`` (file -> reason) is the last pass's."""

    def __init__(self, services):
        self.services = services
        self.failures: dict[str, str] = {}
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._futures: dict[str, Future] = {}
        self._queued: IngestJob | None = None  # the one pass waiting to start; requests join it
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="api-ingest")

    def start(self, rebuild: bool = False) -> IngestJob:
        """The pass that will cover the folder as it is now: the queued one (joined), else a new one."""
        with self._lock:
            if self._queued is not None:
                self._queued.rebuild = self._queued.rebuild or rebuild
                return self._queued
            job = IngestJob(uuid.uuid4().hex[:12], rebuild)
            future = self._worker.submit(self._run, job)  # it starts once this lock is released
            self._jobs[job.id], self._futures[job.id], self._queued = job, future, job
            while len(self._jobs) > KEPT_JOBS:
                self._futures.pop(self._jobs.popitem(last=False)[0], None)
        return job

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def wait(
        self,
        job: IngestJob,
        timeout_s: float | None = None,
        progress: Callable[[IngestJob], None] | None = None,
        poll_s: float = POLL_S,
    ) -> IngestJob:
        """Block until ``job`` has finished or ``timeout_s`` has passed (then it is returned as it stands, its
        ``status`` still queued or running), calling ``progress(job)`` every ``poll_s`` meanwhile and once at
        the end; ``job.done``, ``total``, ``current`` and ``page`` tell how far it got."""
        with self._lock:
            future = self._futures.get(job.id)
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while future is not None:
            if progress:
                progress(job)
            step = poll_s if progress else None
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                step = min(step, left) if step is not None else left
            try:
                future.result(step)
                break
            except FutureTimeout:
                continue
            except CancelledError:  # the server is stopping
                break
        if progress:
            progress(job)
        return job

    def run(
        self,
        rebuild: bool = False,
        progress: Callable[[IngestJob], None] | None = None,
        timeout_s: float | None = None,
        poll_s: float = POLL_S,
    ) -> IngestJob:
        """Start a pass or join the queued one, and wait for it, calling ``progress(job)`` while it runs
        (for the web UI: ``job.progress()`` is (done, total, what), ``job.message`` the outcome)."""
        return self.wait(self.start(rebuild), timeout_s, progress, poll_s)

    def _run(self, job: IngestJob) -> None:
        with self._lock:
            if self._queued is job:
                self._queued = None  # from now on a request queues the next pass
            job.status = "running"
        folder = self.services.settings.documents_dir
        job.total = len(document_files(folder))

        def step(source: str, _chunks: int) -> None:
            job.done, job.current, job.page = job.done + 1, source, None

        def page_step(source: str, page: int, pages: int) -> None:
            job.current, job.page = source, {"done": page, "total": pages}

        try:
            report = self.services.ingest(rebuild=job.rebuild, progress=step, page_progress=page_step)
        except Exception as exc:  # the job reports a sentence; the log keeps the traceback
            log.exception("re-index job %s failed", job.id)
            status, job.message = "failed", f"Indexing stopped: {plain_reason(exc)}"
        else:
            self.failures = {failure["path"]: failure["error"] for failure in report.failed}
            status, job.report, job.message = "done", report.as_dict(), describe_report(report)
        job.current, job.page, job.finished = "", None, time.time()
        job.status = status  # last: whoever sees the job finished sees all of it

    def shutdown(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
