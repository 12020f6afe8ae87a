"""Real servers for integration tests and the load benchmark.

Each starts as its own process group on a free 127.0.0.1 port, is waited for with a bounded
timeout (its log tail is shown if it dies or never answers), and is stopped by its process id.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    port: int
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM to the process group we created (its id is our child's pid), SIGKILL if it lingers."""
        if self.process.poll() is not None:
            return
        os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(grace_s)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except (urllib.error.URLError, OSError):
        return False


def start(command: list[str], *, port: int, ready_path: str, log: Path, timeout_s: float, env=None) -> Server:
    """Start ``command`` and return once GET ``ready_path`` answers; stop it and raise if it never does."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    server = Server(process, f"http://{LOOPBACK}:{port}", port, log)
    deadline = time.monotonic() + timeout_s
    while not answers(server.url + ready_path):
        if process.poll() is not None:
            raise RuntimeError(f"{command[0]} exited with {process.returncode}:\n{server.log_tail()}")
        if time.monotonic() > deadline:
            server.stop()
            raise TimeoutError(f"{command[0]} did not answer within {timeout_s:g} s:\n{server.log_tail()}")
        time.sleep(0.25)
    return server


@contextmanager
def running(server_factory, *args, **kwargs) -> Iterator[Server]:
    server = server_factory(*args, **kwargs)
    try:
        yield server
    finally:
        server.stop()


def start_chroma(path: Path, *, port: int | None = None, timeout_s: float = 60.0) -> Server:
    """`chroma run` persisting to ``path``; pass the old ``port`` to restart it where clients expect it."""
    port = port or free_port()
    command = [str(BIN / "chroma"), "run", "--path", str(path), "--host", LOOPBACK, "--port", str(port)]
    return start(
        command, port=port, ready_path="/api/v2/heartbeat", log=path.parent / "chroma.log", timeout_s=timeout_s
    )


def start_llama_server(model_path: Path, log: Path, *, n_ctx: int = 4096, timeout_s: float = 240.0) -> Server:
    """llama-cpp-python's OpenAI-compatible server; the URL to use as ``llm_base_url`` is ``server.url + '/v1'``."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(model_path),
        "--host",
        LOOPBACK,
        "--port",
        str(port),
        "--n_threads",
        os.environ.get("OMP_NUM_THREADS", "2"),
        "--n_ctx",
        str(n_ctx),
        "--verbose",
        "False",
    ]
    return start(command, port=port, ready_path="/v1/models", log=log, timeout_s=timeout_s)


def start_app(env: dict[str, str], log: Path, *, timeout_s: float = 300.0) -> Server:
    """`python -m assistant serve` (indexes first, then serves the chat) on a free loopback port."""
    port = free_port()
    command = [sys.executable, "-m", "assistant", "serve", "--host", LOOPBACK, "--port", str(port)]
    return start(command, port=port, ready_path="/", log=log, timeout_s=timeout_s, env=env)


def kill_when_stalled(process: subprocess.Popen, stalled: Path, what: str, timeout_s: float = 120.0) -> None:
    """SIGKILL ``process`` as soon as it creates ``stalled`` (a fake model marks the point to die at)."""
    try:
        deadline = time.monotonic() + timeout_s
        while not stalled.exists():
            if process.poll() is not None:
                error = process.stderr.read() if process.stderr else ""
                raise AssertionError(error.decode() if isinstance(error, bytes) else error)
            assert time.monotonic() < deadline, f"the process never reached {what}"
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(60)
        if process.stderr:
            process.stderr.close()
