"""App memory: resident memory of the running app after start, while answering, and at rest with the model loaded.

Ours is ``python -m assistant serve`` (Gradio, index, embedder; the LLM loads on the first question) driven
through ``gradio_client``. The baseline is the tutorial's script as a process: index, chain, answers.
Both load the LLM lazily, so "after start" is without it for both.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.common import (
    DEV_QUESTIONS,
    MB,
    PYTHON,
    ROOT,
    SAMPLE_DOCUMENTS,
    MemoryProbe,
    child_env,
    log,
    read_jsonl,
)

SETTLE_S = 2.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s")


def trace_mb(probe: MemoryProbe, marks: list[tuple[str, float]]) -> dict:
    """The memory trace, thinned to about 400 points, with named moments."""
    step = max(1, len(probe.trace) // 400)
    return {
        "t": [round(t, 2) for t, _ in probe.trace[::step]],
        "mb": [round(rss / MB, 1) for _, rss in probe.trace[::step]],
        "marks": [(name, round(t, 2)) for name, t in marks],
    }


def measure_ours(work: Path, questions: list[str], timeout: float) -> dict:
    from gradio_client import Client

    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [PYTHON, "-m", "assistant", "serve", "--documents", str(SAMPLE_DOCUMENTS)]
    command += ["--index", str(work / "memory-ours"), "--port", str(port)]
    log_file = (work / "serve.log").open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=child_env(), stdout=log_file, stderr=subprocess.STDOUT)
    try:
        with MemoryProbe(process.pid) as probe:
            wait_until_up(url, process, timeout)
            time.sleep(SETTLE_S)
            marks, after_start = [("started", _elapsed(probe))], probe.current()
            client = Client(url, verbose=False)
            for question in questions:
                client.predict(message=question, api_name="/respond")
                marks.append(("answered", _elapsed(probe)))
            time.sleep(SETTLE_S)
            at_rest = probe.current()
        return {
            "after_start_mb": after_start / MB,
            "at_rest_loaded_mb": at_rest / MB,
            "peak_mb": probe.peak / MB,
            "trace": trace_mb(probe, marks),
        }
    finally:
        process.terminate()
        process.wait(timeout=60)
        log_file.close()


def measure_baseline(work: Path, questions: list[str], timeout: float) -> dict:
    questions_file = work / "memory-questions.json"
    questions_file.write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    command = [PYTHON, "-m", "bench.baseline", "app", str(SAMPLE_DOCUMENTS)]
    command += [str(work / "memory-baseline"), str(questions_file)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=child_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    after_start, marks = 0, []
    with MemoryProbe(process.pid) as probe:
        for line in process.stdout:
            event = json.loads(line).get("event") if line.startswith("{") else None
            if event == "ready":
                time.sleep(SETTLE_S)
                after_start = probe.current()
                marks.append(("started", _elapsed(probe)))
                process.stdin.write("go\n")
                process.stdin.flush()
            elif event == "answered":
                marks.append(("answered", _elapsed(probe)))
                at_rest = probe.current()
        process.wait(timeout=timeout)
    if process.returncode != 0:
        raise RuntimeError(f"baseline app exited with {process.returncode}")
    return {
        "after_start_mb": after_start / MB,
        "at_rest_loaded_mb": at_rest / MB,
        "peak_mb": probe.peak / MB,
        "trace": trace_mb(probe, marks),
    }


def _elapsed(probe: MemoryProbe) -> float:
    return time.perf_counter() - probe._started


def run(work: Path, *, quick: bool) -> dict:
    questions = [q["question"] for q in read_jsonl(DEV_QUESTIONS)][: 2 if quick else 3]
    ours = measure_ours(work, questions, timeout=900)
    log(f"memory ours: start {ours['after_start_mb']:.0f} MB, peak {ours['peak_mb']:.0f} MB")
    baseline = measure_baseline(work, questions, timeout=1800)
    log(f"memory baseline: start {baseline['after_start_mb']:.0f} MB, peak {baseline['peak_mb']:.0f} MB")
    return {"questions": len(questions), "ours": ours, "baseline": baseline}
