"""``/v1/models`` and ``/v1/chat/completions``: OpenAI's shapes, plus the citations and verification.

The reply's ``content`` is the verified answer with its ``[n]`` markers, so a plain OpenAI client
shows readable, cited text. ``message.citations`` and ``message.verification`` (streaming: the last
chunk's ``delta``) carry the sources and the check. While streaming, the model's unverified draft
arrives in ``delta.draft``; ``delta.content`` carries only the verified text, once it is checked.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from assistant.answer.events import Final, Token, final_answer
from assistant.api.errors import ApiError
from assistant.api.limits import Admission, Ticket
from assistant.api.schemas import ChatRequest
from assistant.llm.backends import ModelUnavailableError
from assistant.search.hybrid import NO_FILTER
from assistant.search.store import IndexUnavailableError
from assistant.service.library import plain_reason

if TYPE_CHECKING:
    from assistant.answer import Answer

log = logging.getLogger(__name__)
HEARTBEAT_S = 10.0  # an SSE comment while the request waits for the model keeps proxies from closing it
_END = object()


def question_and_history(request: ChatRequest) -> tuple[str, list[str]]:
    """The last message must be the user's question; earlier user messages are the conversation."""
    last = request.messages[-1]
    if last.role != "user":
        raise ApiError(422, "The last message must be the user's question (role 'user').", "invalid_messages")
    question = last.text()
    if not question:
        raise ApiError(422, "The question is empty: put it in the last user message's content.", "empty_question")
    history = [m.text() for m in request.messages[:-1] if m.role == "user" and m.text()]
    return question, history


def assistant_extras(answer: Answer) -> dict:
    """The documented extra fields of the assistant message: ``citations`` and ``verification``."""
    data = answer.as_dict()
    return {
        "citations": data["citations"],
        "verification": {
            "verified": data["verified"],
            "badge": data["badge"],
            "unverified": data["unverified"],
            "refused": data["refused"],
            "notices": data["notices"],
            "rewritten_question": data["rewritten_question"],
        },
    }


class ChatRoutes:
    def __init__(self, services, admission: Admission, pool: ThreadPoolExecutor, model_name: str, retry_after_s: int):
        self.services, self.admission, self.pool = services, admission, pool
        self.model_name, self.retry_after_s = model_name, retry_after_s

    def router(self, check_key) -> APIRouter:
        router = APIRouter(prefix="/v1", tags=["chat"], dependencies=[Depends(check_key)])
        router.add_api_route("/models", self.models, methods=["GET"], summary="The assistant, as a model")
        router.add_api_route(
            "/chat/completions",
            self.completions,
            methods=["POST"],
            summary="Ask a question (OpenAI-compatible; stream true or false)",
            description=__doc__,
            response_model=None,
        )
        return router

    def models(self) -> dict:
        card = {"id": self.model_name, "object": "model", "created": 0, "owned_by": "policy-assistant"}
        return {"object": "list", "data": [card]}

    async def completions(self, request: ChatRequest):
        if request.model and request.model != self.model_name:
            raise ApiError(
                404, f"Unknown model {request.model!r}; this server offers {self.model_name!r}.", "model_not_found"
            )
        question, history = question_and_history(request)
        filters = request.filters.to_filter() if request.filters else NO_FILTER
        ticket = self.admission.ticket()
        if ticket is None:
            raise ApiError(
                503,
                "The model is busy: its queue is full. Try again in a moment.",
                "model_busy",
                {"Retry-After": str(self.retry_after_s)},
            )
        events = self.services.answerer.stream(question, history, filters)
        reply_id, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        if request.stream:
            body = self._sse(events, reply_id, created, ticket)
            weakref.finalize(body, ticket.release)  # a stream dropped before its first chunk gives its place back
            return StreamingResponse(
                body,
                media_type="text/event-stream",
                headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            )
        try:
            answer = await asyncio.get_running_loop().run_in_executor(self.pool, final_answer, events)
        except (IndexUnavailableError, ModelUnavailableError) as exc:
            raise ApiError(503, plain_reason(exc), "unavailable", {"Retry-After": str(self.retry_after_s)}) from exc
        finally:
            ticket.release()
        message = {"role": "assistant", "content": answer.text, **assistant_extras(answer)}
        choice = {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
        return {
            "id": reply_id,
            "object": "chat.completion",
            "created": created,
            "model": self.model_name,
            "choices": [choice],
        }

    def _chunk(self, reply_id: str, created: int, delta: dict, finish: str | None = None) -> str:
        chunk = {
            "id": reply_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": self.model_name,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
        }
        return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

    async def _sse(self, events: Iterator[dict], reply_id: str, created: int, ticket: Ticket) -> AsyncIterator[str]:
        """Role first, the draft as it is generated, then the verified content and its citations."""
        loop = asyncio.get_running_loop()
        try:
            yield self._chunk(reply_id, created, {"role": "assistant", "content": ""})
            pending = None
            while True:
                pending = pending or loop.run_in_executor(self.pool, next, events, _END)
                try:
                    event = await asyncio.wait_for(asyncio.shield(pending), HEARTBEAT_S)
                except TimeoutError:
                    yield ": waiting for the model\n\n"
                    continue
                pending = None
                if event is _END:
                    break
                if isinstance(event, Token) and event.text:
                    yield self._chunk(reply_id, created, {"draft": event.text})
                elif isinstance(event, Final):
                    answer = event.answer
                    yield self._chunk(reply_id, created, {"content": answer.text})
                    yield self._chunk(reply_id, created, assistant_extras(answer), "stop")
            yield "data: [DONE]\n\n"
        except Exception as exc:  # headers are sent: the error travels as an SSE event, as OpenAI's does
            log.exception("streamed answer failed")
            error = {"error": {"message": plain_reason(exc), "type": "service_unavailable", "code": "answer_failed"}}
            yield f"data: {json.dumps(error, ensure_ascii=False)}\n\n"
        finally:
            ticket.release()

