"""Request size limits and admission to the one model: refuse early and clearly instead of failing late."""

from __future__ import annotations

import json
import threading

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """ASGI middleware: a ``/v1`` body over its limit gets 413 (by Content-Length, or while it streams in)."""

    def __init__(self, app: ASGIApp, *, json_limit: int, upload_limit: int, prefix: str = "/v1/"):
        self.app, self.json_limit, self.upload_limit, self.prefix = app, json_limit, upload_limit, prefix

    def limit_for(self, scope: Scope) -> int:
        headers = dict(scope.get("headers") or [])
        multipart = headers.get(b"content-type", b"").startswith(b"multipart/")
        return self.upload_limit if multipart else self.json_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(send, limit)
            return
        received, started = 0, False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
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
    size = f"{limit / 1_000_000:g} MB" if limit >= 1_000_000 else f"{limit // 1000} KB"
    body = {
        "error": {
            "message": f"The request body is over the {size} limit.",
            "type": "request_too_large",
            "code": "request_too_large",
        }
    }
    payload = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
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
