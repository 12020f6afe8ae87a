"""Load test of the HTTP API: N clients at once asking dev questions through `POST /v1/chat/completions`.

Starts `python -m assistant serve` on a free 127.0.0.1 port (default local model, or `--fake-llm` for a
deterministic in-process model that isolates the API's own queueing), warms it up, then for each N runs
N clients with the official `openai` package, each asking questions one after another, half of them
streamed. A 503 (queue full) is honoured: the client waits `Retry-After` and asks again, counted as a
retry, never as an error. Bounded: a fixed number of requests per level, a deadline per level after
which no new question starts, a timeout per request; only loopback addresses.

    .venv/bin/python -m bench.api_load --users 1 4 12 --docs docs/deploy.md
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
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
from bench.load import DEFAULT_QUESTIONS, percentile  # noqa: E402
from bench.load import write_docs as write_block  # noqa: E402

KEY = "api-load-test"
MARK_START, MARK_END = "<!-- api-load-test:start -->", "<!-- api-load-test:end -->"


@dataclass
class Level:
    users: int
    requests: int = 0
    errors: int = 0
    retries: int = 0
    not_started: int = 0
    cited: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    first_chunk: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        ok = sorted(self.latencies)
        return {
            "users": self.users,
            "requests": self.requests,
            "errors": self.errors,
            "retries_after_503": self.retries,
            "not_started": self.not_started,
            "cited_answers": self.cited,
            "seconds": round(self.seconds, 1),
            "throughput_per_min": round(60 * len(ok) / self.seconds, 2) if self.seconds else 0.0,
            "median_s": round(statistics.median(ok), 2) if ok else None,
            "p95_s": round(percentile(ok, 95), 2) if ok else None,
            "median_first_chunk_s": round(statistics.median(self.first_chunk), 2) if self.first_chunk else None,
            "error_samples": self.error_samples[:3],
        }


def ask_once(client, question: str, stream: bool) -> tuple[float | None, str, list]:
    """(seconds to the first streamed chunk, content, citations) of one completed answer."""
    start = time.monotonic()
    messages = [{"role": "user", "content": question}]
    if not stream:
        message = client.chat.completions.create(model="policy-assistant", messages=messages).choices[0].message
        return None, message.content or "", (message.model_extra or {}).get("citations", [])
    first, content, citations = None, [], []
    for chunk in client.chat.completions.create(model="policy-assistant", messages=messages, stream=True):
        first = first if first is not None else time.monotonic() - start
        delta = chunk.choices[0].delta
        content.append(delta.content or "")
        citations = (delta.model_extra or {}).get("citations", citations)
    return first, "".join(content), citations


def ask(
    client, question: str, stream: bool, deadline: float, level: Level, lock
) -> tuple[float, float | None, str, list]:
    """One answer, waiting out 503s (as Retry-After says) until the per-request deadline."""
    import openai

    start = time.monotonic()
    while True:
        try:
            first, content, citations = ask_once(client, question, stream)
            return time.monotonic() - start, first, content, citations
        except openai.APIStatusError as exc:
            if exc.status_code != 503 or time.monotonic() > deadline:
                raise
            with lock:
                level.retries += 1
            time.sleep(float(exc.response.headers.get("retry-after", "5")))


def run_level(url: str, users: int, questions: list[str], args) -> Level:
    from openai import OpenAI

    level, lock = Level(users), threading.Lock()
    total = args.requests or max(4, users)
    per_user = [len(range(u, total, users)) for u in range(users)]
    start = time.monotonic()
    deadline = start + args.level_seconds

    def user(u: int) -> None:
        client = OpenAI(base_url=url + "/v1", api_key=args.key, max_retries=0, timeout=args.request_timeout)
        for k in range(per_user[u]):
            if time.monotonic() > deadline:
                with lock:
                    level.not_started += per_user[u] - k
                return
            question = questions[(u + k * users) % len(questions)]
            try:
                latency, first, content, citations = ask(
                    client, question, (u + k) % 2 == 1, time.monotonic() + args.request_timeout, level, lock
                )
                failure = "" if content.strip() else "empty answer"
            except Exception as exc:  # every failure is counted and sampled, never raised
                latency, first, citations, failure = 0.0, None, [], f"{type(exc).__name__}: {exc}"
            with lock:
                level.requests += 1
                if failure:
                    level.errors += 1
                    level.error_samples.append(f"{question[:40]}: {failure[:200]}")
                    continue
                level.latencies.append(latency)
                level.cited += bool(citations)
                if first is not None:
                    level.first_chunk.append(first)

    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, range(users)))
    level.seconds = time.monotonic() - start
    return level


def start_app(args, stack: ExitStack):
    from tests.servers import start_app as start

    index = Path(tempfile.mkdtemp(prefix="api-load-"))
    env = {
        "ASSISTANT_INDEX_DIR": str(index),
        "ASSISTANT_API_KEYS": args.key,
        "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "2"),
    }
    if args.fake_llm:
        from tests.fake_llm import FakeChatServer

        env["ASSISTANT_LLM_BASE_URL"] = stack.enter_context(FakeChatServer()).url
    print(f"starting the app (index in {index}) ...", file=sys.stderr)
    server = start(env, index / "app.log", timeout_s=args.start_timeout)
    stack.callback(server.stop)
    return server


def table(results: list[dict]) -> str:
    rows = [
        "| clients | requests | errors | retries after 503 | cited | throughput (answers/min) | median latency (s) "
        "| p95 latency (s) | median first chunk (s) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r['users']} | {r['requests']} | {r['errors']} | {r['retries_after_503']} | {r['cited_answers']} "
            f"| {r['throughput_per_min']} | {r['median_s']} | {r['p95_s']} | {r['median_first_chunk_s']} |"
        )
    return "\n".join(rows)


def write_docs(path: Path, report: dict) -> None:
    """Replace the block between the api-load-test markers in ``path`` with this run's table."""
    write_block(path, report, (MARK_START, MARK_END), table)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 4, 12], help="concurrent clients per level")
    parser.add_argument("--requests", type=int, default=0, help="requests per level (default max(4, users))")
    parser.add_argument("--level-seconds", type=float, default=900, help="no new question starts after this")
    parser.add_argument("--request-timeout", type=float, default=900, help="seconds one answer may take")
    parser.add_argument("--start-timeout", type=float, default=300, help="seconds the app may take to start")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--fake-llm", action="store_true", help="a deterministic in-process model instead")
    parser.add_argument("--url", help="an already running app on 127.0.0.1 instead of starting one")
    parser.add_argument("--key", default=KEY, help="the API key to send (the started app is given this one)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "api_load.json")
    parser.add_argument("--docs", type=Path, help="write the table into this markdown file's api-load-test block")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.url and urlparse(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The load test only talks to loopback addresses.")
    questions = [
        json.loads(line)["question"] for line in args.questions.read_text(encoding="utf-8").splitlines() if line
    ]
    load_before = os.getloadavg()[0]
    with ExitStack() as stack:
        url = args.url or start_app(args, stack).url
        print("warming up ...", file=sys.stderr)
        warm = run_level(url, 1, questions, argparse.Namespace(**{**vars(args), "requests": 1}))
        if warm.errors:
            raise SystemExit(f"the warm-up question failed: {warm.error_samples}")
        levels = []
        for users in args.users:
            level = run_level(url, users, questions, args).summary()
            print(json.dumps(level), file=sys.stderr)
            levels.append(level)
    report = {"environment": environment(args, load_before), "levels": levels}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.docs:
        write_docs(args.docs, report)
    print(table(levels))
    return 1 if any(level["errors"] for level in levels) else 0


def environment(args, load_before: float) -> dict:
    from assistant.llm.backends import model_label
    from assistant.settings import Settings

    model = "fake extractive model (tests/fake_llm.py)" if args.fake_llm else model_label(Settings())
    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "command": "python -m bench.api_load " + " ".join(sys.argv[1:]),
        "model": model if not args.url else "as configured in the running app",
        "cpus": os.cpu_count(),
        "load_before": round(load_before, 1),
    }


if __name__ == "__main__":
    raise SystemExit(main())
