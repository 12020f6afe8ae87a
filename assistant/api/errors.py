"""Every failure of the API as an OpenAI-style JSON error, ``{"error": {"message", "type", "code"}}``:
never a stack trace, always a sentence saying what to change."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    409: "conflict_error",
    413: "request_too_large",
    422: "invalid_request_error",
    503: "service_unavailable",
}


class ApiError(Exception):
    """Raised by a route; becomes the JSON error reply with this status, code and headers."""

    def __init__(self, status: int, message: str, code: str = "", headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}


def error_response(status: int, message: str, code: str = "", headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"error": {"message": message, "type": _TYPES.get(status, "api_error"), "code": code or None}}
    return JSONResponse(body, status_code=status, headers=headers)


def describe_validation(exc: RequestValidationError) -> tuple[int, str, str]:
    """(status, message, code): bad JSON is a 400, a body of the wrong shape a 422 naming the field."""
    problems = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "")
            return 400, f"The request body is not valid JSON ({reason}).".replace(" ()", ""), "invalid_json"
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
        if error.get("type") == "extra_forbidden":
            problems.append(f"{where}: unknown field")
        else:
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return 422, "Invalid request: " + "; ".join(problems) + ".", "invalid_value"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.message, exc.code, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(*describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = getattr(exc, "error_code", "")  # e.g. limits.BodyTooLarge's "request_too_large"
        return error_response(exc.status_code, str(exc.detail), code, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("API request %s %s failed", request.method, request.url.path)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        message = f"The request failed: {first_line}" if first_line else "The request failed (see the server log)."
        return error_response(500, message, "internal_error")
