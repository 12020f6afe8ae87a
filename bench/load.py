"""Load test: N simulated users asking dev questions through the running chat app (gradio_client).

Starts `python -m assistant serve` on a free 127.0.0.1 port with the default local model (or uses
--url, which must be loopback), warms it up with one question, then for each N runs N users at once,
each its own Gradio session asking questions one after another. Bounded: a fixed number of requests
per level, a deadline per level after which no new question starts, and a timeout per request.

    .venv/bin/python -m bench.load --users 1 4 16 --docs docs/deploy.md
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
# What the chat bubble shows instead of an answer: an error, or a turn that never finished.
UNFINISHED = (
    "Sorry, no answer this time",
    "*Searching the documents",
    "*Reading the passages",
    "*Waiting for the model",
    "…",
)
MARK_START, MARK_END = "<!-- load-test:start -->", "<!-- load-test:end -->"


@dataclass
class Level:
    users: int
    requests: int = 0
    errors: int = 0
    not_started: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_update: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    sample_answer: str = ""

    def summary(self) -> dict:
        ok = sorted(self.latencies)
        return {
            "users": self.users,
            "requests": self.requests,
            "errors": self.errors,
            "not_started": self.not_started,
            "seconds": round(self.seconds, 1),
            "throughput_per_min": round(60 * len(ok) / self.seconds, 2) if self.seconds else 0.0,
            "median_s": round(statistics.median(ok), 1) if ok else None,
            "p95_s": round(percentile(ok, 95), 1) if ok else None,
            "median_first_update_s": round(statistics.median(self.first_update), 1) if self.first_update else None,
            "error_samples": self.error_samples[:3],
            "sample_answer": self.sample_answer,
        }


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile: with few samples p95 is the slowest, never an interpolated guess."""
    rank = max(1, -(-len(sorted_values) * pct // 100))
    return sorted_values[int(rank) - 1]


def chat_endpoint(client, wanted: str | None) -> str:
    """The chat handler's api name: the given one, or the first endpoint taking `message` and returning a Chatbot."""
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    if wanted:
        return wanted
    for name, info in endpoints.items():
        takes_message = [p.get("parameter_name") for p in info["parameters"]][:1] == ["message"]
        returns_chat = any(r.get("component") == "Chatbot" for r in info["returns"])
        if takes_message and returns_chat:
            return name
    raise SystemExit(f"No chat endpoint among {sorted(endpoints)}; pass --api-name.")


def last_reply(outputs) -> str:
    """The text of the last assistant message in the Chatbot output (content may be a string or parts)."""
    messages = outputs[0] if isinstance(outputs, list | tuple) else outputs
    for message in reversed(messages or []):
        if message.get("role") == "assistant":
            content = message.get("content")
            if isinstance(content, list):
                return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
            return str(content or "")
    return ""


def unfinished(reply: str) -> str:
    """Why a final chat message is not an answer ('' when it is one)."""
    text = reply.strip()
    if not text or text.startswith(UNFINISHED):
        return f"no answer: {text[:120]!r}"
    return ""


def ask(client, api_name: str, question: str, timeout_s: float) -> tuple[float, float | None, str]:
    """(seconds to the final answer, seconds to the first streamed update, answer text)."""
    start = time.monotonic()
    first = None
    job = client.submit(question, api_name=api_name)
    while not job.done():
        if first is None and job.outputs():
            first = time.monotonic() - start
        if time.monotonic() - start > timeout_s:
            job.cancel()
            raise TimeoutError(f"no answer within {timeout_s:g} s")
        time.sleep(0.05)
    reply = last_reply(job.result(timeout=5))
    return time.monotonic() - start, first, reply


def run_level(url: str, api_name: str, users: int, questions: list[str], args) -> Level:
    from gradio_client import Client

    level = Level(users)
    total = args.requests or max(4, users)
    per_user = [len(range(u, total, users)) for u in range(users)]
    lock = threading.Lock()
    start = time.monotonic()
    deadline = start + args.level_seconds

    def user(u: int) -> None:
        client = Client(url, verbose=False)
        for k in range(per_user[u]):
            if time.monotonic() > deadline:
                with lock:
                    level.not_started += per_user[u] - k
                return
            question = questions[(u + k * users) % len(questions)]
            try:
                latency, first, reply = ask(client, api_name, question, args.request_timeout)
                failure = unfinished(reply)
            except Exception as exc:  # every failure is counted and sampled, never raised
                latency, first, reply, failure = 0.0, None, "", f"{type(exc).__name__}: {exc}"
            with lock:
                level.requests += 1
                if failure:
                    level.errors += 1
                    level.error_samples.append(f"{question[:40]}: {failure[:200]}")
                    continue
                level.latencies.append(latency)
                level.sample_answer = level.sample_answer or f"{question} -> {reply[:300]}"
                if first is not None:
                    level.first_update.append(first)

    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    level.seconds = time.monotonic() - start
    return level


def start_app(args):
    from tests.servers import start_app as start

    index = Path(tempfile.mkdtemp(prefix="load-index-"))
    env = {"ASSISTANT_INDEX_DIR": str(index), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2")}
    print(f"starting the app (index in {index}) ...", file=sys.stderr)
    return start(env, index / "app.log", timeout_s=args.start_timeout)


def table(results: list[dict]) -> str:
    rows = [
        "| users | requests | errors | throughput (answers/min) | median latency (s) | p95 latency (s) "
        "| median time to first update (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r['users']} | {r['requests']} | {r['errors']} | {r['throughput_per_min']} | {r['median_s']} "
            f"| {r['p95_s']} | {r['median_first_update_s']} |"
        )
    return "\n".join(rows)


def write_docs(path: Path, report: dict, marks: tuple[str, str] = (MARK_START, MARK_END), render=None) -> None:
    """Replace the block between the ``marks`` in ``path`` with this run's table (``render``, default ``table``)."""
    start, end = marks
    text = path.read_text(encoding="utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no {start} … {end} block")
    env = report["environment"]
    block = (
        f"{start}\n"
        f"Run finished {env['date']}: `{env['command']}`; model {env['model']}, {env['cpus']} CPUs, "
        f"load average {env['load_before']} when it started.\n\n{(render or table)(report['levels'])}\n{end}"
    )
    head, rest = text.split(start, 1)
    path.write_text(head + block + rest.split(end, 1)[1], encoding="utf-8")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 16], help="concurrency levels")
    parser.add_argument("--requests", type=int, default=0, help="requests per level (default max(4, users))")
    parser.add_argument("--level-seconds", type=float, default=900, help="no new question starts after this")
    parser.add_argument("--request-timeout", type=float, default=900, help="seconds one answer may take")
    parser.add_argument("--start-timeout", type=float, default=300, help="seconds the app may take to start")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--url", help="an already running app on 127.0.0.1 instead of starting one")
    parser.add_argument("--api-name", help="the chat endpoint (default: found through view_api)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    parser.add_argument("--docs", type=Path, help="write the table into this markdown file's load-test block")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    if args.url and urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The load test only talks to loopback addresses.")
    questions = [
        json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines() if line
    ]
    load_before = os.getloadavg()[0]
    server = None if args.url else start_app(args)
    try:
        from gradio_client import Client

        url = args.url or server.url
        api_name = chat_endpoint(Client(url, verbose=False), args.api_name)
        print(f"chat endpoint {api_name}; warming up ...", file=sys.stderr)
        ask(Client(url, verbose=False), api_name, questions[0], args.request_timeout)
        levels = []
        for users in args.users:
            level = run_level(url, api_name, users, questions, args).summary()
            print(json.dumps(level), file=sys.stderr)
            levels.append(level)
    finally:
        if server is not None:
            server.stop()
    report = {"environment": environment(args, load_before), "api_name": api_name, "levels": levels}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.docs:
        write_docs(args.docs, report)
    print(table(levels))
    return 1 if any(level["errors"] for level in levels) else 0


def environment(args, load_before: float) -> dict:
    from assistant.llm.backends import model_label
    from assistant.settings import Settings

    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "command": "python -m bench.load --users " + " ".join(map(str, args.users)),
        "model": model_label(Settings()) if not args.url else "as configured in the running app",
        "cpus": os.cpu_count(),
        "load_before": round(load_before, 1),
    }


if __name__ == "__main__":
    raise SystemExit(main())
