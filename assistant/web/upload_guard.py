"""Gradio's event routes, guarded: file inputs take only files this server received by upload, never a
server path, and handlers marked private (those that change the library) are not callable by name.

Gradio copies whatever path an event names into its cache before a handler runs, and mounted inside
FastAPI it skips its own "only uploaded files" check (that check runs only for ``launch()``-ed apps).
So the check happens here, in front of Gradio, on the raw event: every file object in an event's data
must name a file that Gradio's upload route stored for this app (``demo.upload_file_set``). Gradio's
``api_visibility="private"`` hides a handler from its docs and clients but still runs it for
``/gradio_api/call/<name>``; those routes are refused here too. The page itself runs events through
``queue/join``, which stays open (behind the login, when one is set).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

EVENT_ROUTES = ("/gradio_api/queue/join", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")
NAMED_ROUTES = ("/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")
MAX_EVENT_BYTES = 2_000_000


def file_paths(data) -> Iterator[str]:
    """Every ``path`` of a file object (a dict with a ``path``) anywhere in an event's JSON."""
    if isinstance(data, dict):
        if isinstance(data.get("path"), str):
            yield data["path"]
        for value in data.values():
            yield from file_paths(value)
    elif isinstance(data, list):
        for value in data:
            yield from file_paths(value)


def uploaded_by_user(demo) -> Callable[[str], bool]:
    """True for a path Gradio's upload route stored (the browser sends back exactly that path)."""
    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder()).resolve()

    def allowed(path: str) -> bool:
        resolved = Path(path).resolve()
        return folder in resolved.parents and (path in demo.upload_file_set or str(resolved) in demo.upload_file_set)

    return allowed


def private_names(demo) -> frozenset[str]:
    """The api names of the handlers registered with ``api_visibility="private"``."""
    return frozenset(
        str(fn.api_name) for fn in demo.fns.values() if fn.api_visibility == "private" and fn.api_name
    )


def _named(path: str) -> str:
    """``/gradio_api/call/on_delete/abc`` → ``on_delete``."""
    for prefix in NAMED_ROUTES:
        if path.startswith(prefix):
            return path[len(prefix) :].strip("/").split("/", 1)[0]
    return ""


class GuardedEvents:
    """ASGI middleware: an event naming a file that was not uploaded gets 403 before Gradio reads it;
    a private handler called by name gets 404."""

    def __init__(self, app, allowed: Callable[[str], bool], private: frozenset[str] = frozenset()):
        self.app, self.allowed, self.private = app, allowed, private

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith(EVENT_ROUTES):
            await self.app(scope, receive, send)
            return
        if _named(scope["path"]) in self.private:
            await _refuse(send, 404, "There is no such endpoint.", "unknown_route")
            return
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_EVENT_BYTES:
                await _refuse(send, 413, "The request is too large.", "request_too_large")
                return
        refused = self._refused_paths(body)
        if refused:
            await _refuse(send, 403, "Only files uploaded from your browser can be added.", "not_an_upload")
            return
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    def _refused_paths(self, body: bytes) -> list[str]:
        try:
            data = json.loads(body or b"null")
        except (ValueError, RecursionError):
            return []  # not JSON: Gradio answers it as a bad request
        try:
            return [path for path in file_paths(data) if not self.allowed(path)]
        except RecursionError:
            return ["(nested too deeply)"]


async def _refuse(send, status: int, message: str, code: str) -> None:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": code}}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
