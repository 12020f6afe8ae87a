"""API keys: ``Authorization: Bearer <key>`` checked against ASSISTANT_API_KEYS and ASSISTANT_API_KEYS_FILE.

Without any key the API answers only when the server listens on a loopback address, like the UI's
login rule: a server opened to the network must be given keys before its API does anything."""

from __future__ import annotations

import hmac

from fastapi import Request

from assistant.access import is_loopback
from assistant.api.errors import ApiError


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
