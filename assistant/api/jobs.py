"""Re-indexing in the background: one job at a time, each with an id and its progress."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from ..ingest import document_files
from ..library import describe_report, plain_reason

log = logging.getLogger(__name__)
KEPT_JOBS = 100


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


class IngestJobs:
    """Jobs run one after another on one worker thread; failures per file are kept for the documents list."""

    def __init__(self, services):
        self.services = services
        self.failures: dict[str, str] = {}
        self._jobs: OrderedDict[str, IngestJob] = OrderedDict()
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="api-ingest")

    def start(self, rebuild: bool = False) -> IngestJob:
        job = IngestJob(uuid.uuid4().hex[:12], rebuild)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > KEPT_JOBS:
                self._futures.pop(self._jobs.popitem(last=False)[0], None)
            self._futures[job.id] = self._worker.submit(self._run, job)
        return job

    def get(self, job_id: str) -> IngestJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def wait(self, job: IngestJob, timeout_s: float | None = None) -> IngestJob:
        with self._lock:
            future = self._futures.get(job.id)
        if future is not None:
            future.result(timeout_s)
        return job

    def _run(self, job: IngestJob) -> None:
        folder = self.services.settings.documents_dir
        job.status, job.total = "running", len(document_files(folder))

        def step(source: str, _chunks: int) -> None:
            job.done, job.current, job.page = job.done + 1, source, None

        def page_step(source: str, page: int, pages: int) -> None:
            job.current, job.page = source, {"done": page, "total": pages}

        try:
            report = self.services.ingest(rebuild=job.rebuild, progress=step, page_progress=page_step)
        except Exception as exc:  # the job reports a sentence; the log keeps the traceback
            log.exception("re-index job %s failed", job.id)
            job.status, job.message = "failed", f"Indexing stopped: {plain_reason(exc)}"
        else:
            self.failures = {failure["path"]: failure["error"] for failure in report.failed}
            job.status, job.report, job.message = "done", report.as_dict(), describe_report(report)
        job.current, job.page, job.finished = "", None, time.time()

    def shutdown(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)
