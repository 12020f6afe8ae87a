"""API keys: ``Authorization: Bearer <key>`` checked against ASSISTANT_API_KEYS and ASSISTANT_API_KEYS_FILE.

Without any key the API answers only when the server listens on a loopback address, like the UI's
login rule: a server opened to the network must be given keys before its API does anything."""

from __future__ import annotations

import hmac
from pathlib import Path

from fastapi import Request

from .errors import ApiError

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def load_keys(keys: str, keys_file: Path | None = None) -> frozenset[str]:
    """Comma-separated keys plus a file's keys (one per line or comma-separated; ``#`` starts a comment)."""
    found = [k.strip() for k in (keys or "").split(",")]
    if keys_file:
        try:
            text = Path(keys_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"ASSISTANT_API_KEYS_FILE {keys_file} cannot be read ({exc.strerror or exc}).") from exc
        for line in text.splitlines():
            found.extend(k.strip() for k in line.split("#", 1)[0].split(","))
    return frozenset(k for k in found if k)


class KeyCheck:
    """A FastAPI dependency: lets a request through, or raises 401 / 403 as JSON."""

    def __init__(self, keys: frozenset[str], host: str):
        self.keys, self.host = keys, host

    @property
    def api_enabled(self) -> bool:
        return bool(self.keys) or is_loopback(self.host)

    def __call__(self, request: Request) -> None:
        if not self.keys:
            if self.api_enabled:
                return
            raise ApiError(
                403,
                f"The API is off: this server listens on {self.host} and no API key is configured. "
                "Set ASSISTANT_API_KEYS (or ASSISTANT_API_KEYS_FILE), or serve on 127.0.0.1.",
                "api_disabled",
            )
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise ApiError(
                401,
                "Missing API key: send the header 'Authorization: Bearer <key>'.",
                "missing_api_key",
                {"WWW-Authenticate": "Bearer"},
            )
        if not any(hmac.compare_digest(token.encode(), key.encode()) for key in self.keys):
            raise ApiError(401, "Invalid API key.", "invalid_api_key", {"WWW-Authenticate": "Bearer"})
