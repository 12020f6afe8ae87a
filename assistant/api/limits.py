"""Request size limits and admission to the one model: refuse early and clearly instead of failing late."""

from __future__ import annotations

import json
import re
import threading

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_DEPTH = 100  # arrays and objects inside each other; far more than any request here needs
_JSON_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


class BodyTooLarge(HTTPException):
    """Raised while a body streams in past its limit. An ``HTTPException``, so FastAPI passes it on from
    its body parsing (instead of a 400 "error parsing the body") to the JSON error handler."""

    def __init__(self, limit: int):
        super().__init__(413, too_large_message(limit))
        self.error_code = "request_too_large"


def too_large_message(limit: int) -> str:
    size = f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit // 1000} KB"
    return f"The request body is over the {size} limit."


def nested_too_deeply(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """More than ``limit`` arrays and objects inside each other (brackets in strings do not count).
    Python's JSON parser gives up with a RecursionError near 1,000; this refuses long before, quickly."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    depth = 0
    for bracket in _JSON_BRACKETS.finditer(_JSON_STRINGS.sub(b'""', body)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        if depth > limit:
            return True
    return False


class BodySizeLimit:
    """ASGI middleware for ``/v1``: a body over its limit gets 413, by Content-Length or while it streams in
    (chunked); a JSON body is read whole first (it is small), so it is also refused with a 400 when it is
    nested too deeply to parse, before any route sees it."""

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int, prefix: str = "/v1/"):
        self.app, self.json_limit, self.upload_limit, self.prefix = app, json_limit, upload_limit, prefix

    @staticmethod
    def is_multipart(scope: Scope) -> bool:
        headers = dict(scope.get("headers") or [])
        return headers.get(b"content-type", b"").startswith(b"multipart/")

    def limit_for(self, scope: Scope) -> int:
        return self.upload_limit if self.is_multipart(scope) else self.json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        if self.is_multipart(scope):
            await self._streamed(scope, receive, send, limit)
        else:
            await self._buffered(scope, receive, send, limit)

    async def _buffered(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        body, more = bytearray(), True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client left before sending its body
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _too_large(send, limit)
                return
            more = message.get("more_body", False)
        if nested_too_deeply(bytes(body)):
            message = f"The request body is nested too deeply (over {MAX_JSON_DEPTH} levels of arrays and objects)."
            await _json_error(send, 400, message, "invalid_request_error", "json_too_deep")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # after the body: the disconnect, when it comes
            replayed = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        await self.app(scope, replay, send)

    async def _streamed(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received, started = 0, False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _too_large(send, limit)


async def _too_large(send: Send, limit: int) -> None:
    await _json_error(send, 413, too_large_message(limit), "request_too_large", "request_too_large")


async def _json_error(send: Send, status: int, message: str, kind: str, code: str) -> None:
    payload = json.dumps({"error": {"message": message, "type": kind, "code": code}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


class Admission:
    """At most ``limit`` chat requests at once through the API (one generating, the rest waiting for the
    model): past that, or when the model's own queue is full, a request is refused before any work."""

    def __init__(self, limit: int, model_waiting, model_queue_size: int):
        self.limit, self.model_waiting, self.model_queue_size = limit, model_waiting, model_queue_size
        self._lock = threading.Lock()
        self.active = 0

    def try_enter(self) -> bool:
        with self._lock:
            if self.active >= self.limit or self.model_waiting() >= self.model_queue_size:
                return False
            self.active += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.active -= 1

    def ticket(self) -> Ticket | None:
        """A place that is given back once, however the request ends (``None``: refused)."""
        return Ticket(self) if self.try_enter() else None


class Ticket:
    def __init__(self, admission: Admission):
        self._admission, self._lock, self._held = admission, threading.Lock(), True

    def release(self) -> None:
        with self._lock:
            held, self._held = self._held, False
        if held:
            self._admission.leave()
