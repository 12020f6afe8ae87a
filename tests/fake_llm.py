"""A tiny OpenAI-compatible chat server in the test process: deterministic, extractive, fast.

It answers the assistant's prompt with the passage sentence sharing most words with the question,
cited by its number, so answers verify without a real model. ``hold()`` keeps every reply waiting
until ``release()``, to fill queues on purpose. Point ``ASSISTANT_LLM_BASE_URL`` at ``url``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant.text.language import CJK
from assistant.text.sentences import split_sentences

_WORD = re.compile(rf"[a-z0-9]{{3,}}|[{CJK}]")
_PASSAGE = re.compile(r"^\[(\d+)\][^\n]*\n(.*?)(?=^\[\d+\] |\Z)", re.M | re.S)


def words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def extractive_reply(prompt: str) -> str:
    """The best-matching sentence of the last prompt's passages, with its [n]."""
    if "Standalone question:" in prompt:
        earlier = re.search(r"Earlier question: (.*)", prompt)
        follow_up = re.search(r"Follow-up: (.*)", prompt)
        return f"{follow_up.group(1) if follow_up else ''} {earlier.group(1) if earlier else ''}".strip()
    passages_text, _, question = prompt.rpartition("\n\nQuestion: ")
    wanted = words(question.splitlines()[0] if question else prompt)
    best = (0, "", 0)
    for match in _PASSAGE.finditer(passages_text.split("Passages:\n", 1)[-1]):
        n, body = int(match.group(1)), match.group(2)
        for sentence in split_sentences(body):
            score = len(wanted & words(sentence))
            if sentence.strip() and score > best[0]:
                best = (score, sentence.strip(), n)
    score, sentence, n = best
    return f"{sentence} [{n}]" if score else "The documents do not say."


class FakeChatServer:
    def __init__(self):
        self.calls = 0
        self._open = threading.Event()
        self._open.set()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeChatServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._open.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args) -> None:
                pass

            def do_GET(self) -> None:
                self._json({"object": "list", "data": [{"id": "fake", "object": "model"}]})

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                server.calls += 1
                user = [m for m in request.get("messages", []) if m.get("role") == "user"]
                content = user[-1].get("content", "") if user else ""
                reply = extractive_reply(content if isinstance(content, str) else json.dumps(content))
                server._open.wait(120)
                if request.get("stream"):
                    self._stream(reply)
                else:
                    message = {"role": "assistant", "content": reply}
                    self._json(completion("chat.completion", {"message": message, "finish_reason": "stop"}))

            def _json(self, body: dict) -> None:
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, reply: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                pieces = [{"delta": {"role": "assistant", "content": ""}, "finish_reason": None}]
                pieces += [{"delta": {"content": word}, "finish_reason": None} for word in re.split(r"(?<= )", reply)]
                pieces.append({"delta": {}, "finish_reason": "stop"})
                for piece in pieces:
                    chunk = completion("chat.completion.chunk", piece)
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler


def completion(kind: str, choice: dict) -> dict:
    return {
        "id": "fake-1",
        "object": kind,
        "created": int(time.time()),
        "model": "fake",
        "choices": [{"index": 0, **choice}],
    }
