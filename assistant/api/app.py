"""The FastAPI application: routes, keys, limits and errors wired to the services."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import FastAPI

from assistant.access import load_keys
from assistant.api.chat import ChatRoutes
from assistant.api.documents import DocumentRoutes
from assistant.api.errors import ApiError, install_error_handlers
from assistant.api.keys import KeyCheck
from assistant.api.limits import Admission, BodySizeLimit

log = logging.getLogger(__name__)

DESCRIPTION = """Answers from your policy documents, every claim cited. `POST /v1/chat/completions` is
OpenAI-compatible: the reply's content is the verified answer with `[n]` markers, and
`message.citations` / `message.verification` (streaming: the last chunk's `delta`) carry the sources.
Send `Authorization: Bearer <key>` when the server has keys (ASSISTANT_API_KEYS)."""


def create_app(services) -> FastAPI:
    """The API for these services; ``ui.launch`` mounts the web UI at ``/`` of the same app."""
    settings = services.settings
    keys = KeyCheck(load_keys(settings.api_keys, settings.api_keys_file), settings.host)
    if not keys.api_enabled:
        log.warning(
            "The HTTP API is off: %s is not a loopback address and no API key is set "
            "(ASSISTANT_API_KEYS or ASSISTANT_API_KEYS_FILE).",
            settings.host,
        )
    in_flight = settings.llm_queue_size + 1  # one generating, the rest waiting their turn
    admission = Admission(in_flight, lambda: getattr(services.chat_model, "waiting", 0), settings.llm_queue_size)
    answer_pool = ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="api-answer")
    jobs = services.jobs

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        jobs.shutdown()
        answer_pool.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(title="Policy Q&A Assistant API", version="1", description=DESCRIPTION, lifespan=lifespan)
    install_error_handlers(app)
    upload_limit = int(settings.max_file_mb * 1_000_000) * 10 + 1_000_000  # a few files per request
    app.add_middleware(BodySizeLimit, json_limit=settings.api_max_request_kb * 1000, upload_limit=upload_limit)
    chat = ChatRoutes(services, admission, answer_pool, settings.api_model_name, settings.api_retry_after_s)
    app.include_router(chat.router(keys))
    app.include_router(DocumentRoutes(services, jobs).router(keys))

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown(rest: str) -> None:
        raise ApiError(404, f"There is no /v1/{rest}; see /docs for the API.", "unknown_route")

    app.state.jobs, app.state.admission = jobs, admission
    return app
