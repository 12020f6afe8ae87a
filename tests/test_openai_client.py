"""The real ``openai`` client (through langchain-openai) against an OpenAI-compatible server on loopback.

A stand-in server in this process speaks the wire format; what is tested is our client side: the timeout
type the client accepts (httpx2 rejects an ``httpx.Timeout``), plain and streamed replies, and errors.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.messages import HumanMessage

from assistant.llm.backends import ModelUnavailableError, make_server_chat
from assistant.settings import Settings

REPLY = "Up to 5000万元 [1]."


class OpenAIStandIn(BaseHTTPRequestHandler):
    delay_s = 0.0

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        time.sleep(self.delay_s)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
            self.reply(body)

    def reply(self, body: dict) -> None:
        if body.get("stream"):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for piece in (REPLY[:6], REPLY[6:]):
                chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")
            return
        reply = {"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def stand_in():
    handler = type("Handler", (OpenAIStandIn,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


def chat_for(server, timeout_s: float = 30.0):
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    return make_server_chat(Settings(llm_base_url=url, llm_model="m", llm_api_key="k", llm_timeout_s=timeout_s))


def test_a_plain_reply_through_the_real_openai_client(stand_in):
    server, _ = stand_in
    assert chat_for(server).invoke([HumanMessage("cap?")]).content == REPLY


def test_a_streamed_reply_through_the_real_openai_client(stand_in):
    server, _ = stand_in
    assert "".join(chunk.content for chunk in chat_for(server).stream([HumanMessage("cap?")])) == REPLY


def test_a_server_slower_than_the_timeout_is_a_clear_error(stand_in):
    server, handler = stand_in
    handler.delay_s = 2.0
    with pytest.raises(ModelUnavailableError, match="did not answer within 0.5 s"):
        chat_for(server, timeout_s=0.5).invoke([HumanMessage("cap?")])
