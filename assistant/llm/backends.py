"""Chat model backends behind LangChain's ``BaseChatModel``: local llama.cpp or an OpenAI-compatible server."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

_ROLES = {"human": "user", "ai": "assistant", "system": "system"}
_CONNECT_TIMEOUT_S = 3.0


class ModelUnavailableError(RuntimeError):
    """The language model cannot answer now (server unreachable, timed out, failed); the message says why."""


class ModelBusyError(ModelUnavailableError):
    """Too many questions are already waiting for the in-process model."""


class LlamaCppChat(BaseChatModel):
    """An in-process llama.cpp model. Calls are serialised (one llama context is not thread-safe)
    behind a bounded queue: more than ``queue_size`` waiting callers and the next one is refused."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    n_threads: int = 2
    n_ctx: int = 4096
    prompt_lookup: int = 0  # tokens drafted from the prompt per step (llama-cpp's LlamaPromptLookupDecoding); 0: off
    max_tokens: int = 384
    temperature: float = 0.0
    queue_size: int = 8
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _queue_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _waiting: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def waiting(self) -> int:
        """Requests queued behind the one being generated."""
        return self._waiting

    def _model(self):
        if self._llama is None:
            try:
                from llama_cpp import Llama
                from llama_cpp.llama_speculative import LlamaPromptLookupDecoding
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise RuntimeError("make install (missing: llama-cpp-python)") from exc
            draft = LlamaPromptLookupDecoding(num_pred_tokens=self.prompt_lookup) if self.prompt_lookup else None
            self._llama = Llama(
                model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads, seed=0, verbose=False,
                draft_model=draft,
            )  # fmt: skip
        return self._llama

    def _payload(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict:
        return {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages],
            "temperature": self.temperature,
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop or [],
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(chunk.text for chunk in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    @contextmanager
    def _turn(self) -> Iterator[None]:
        """Wait for the model (counted in ``waiting``), or refuse at once when the queue is full."""
        with self._queue_lock:
            if self._lock.locked() and self._waiting >= self.queue_size:
                raise ModelBusyError(
                    f"The model is busy: {self._waiting} questions are already waiting. Try again in a moment."
                )
            self._waiting += 1
        try:
            self._lock.acquire()
        finally:
            with self._queue_lock:
                self._waiting -= 1
        try:
            yield
        finally:
            self._lock.release()

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        with self._turn():
            stream = self._model().create_chat_completion(**self._payload(messages, stop, **kwargs), stream=True)
            for part in stream:
                token = part["choices"][0]["delta"].get("content") or ""
                if token:
                    if run_manager:
                        run_manager.on_llm_new_token(token)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=token))


def _root_cause(exc: BaseException) -> BaseException:
    """The socket-level reason ("Connection refused") beneath the client libraries' wrappers."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return exc


@contextmanager
def _server_errors(base_url: str, timeout_s: float) -> Iterator[None]:
    """The openai client's errors become one ``ModelUnavailableError`` naming the server and the fix."""
    import openai

    try:
        yield
    except openai.APITimeoutError as exc:
        raise ModelUnavailableError(
            f"The model server at {base_url} did not answer within {timeout_s:g} s "
            "(raise ASSISTANT_LLM_TIMEOUT_S if it is just slow)."
        ) from exc
    except openai.APIConnectionError as exc:
        raise ModelUnavailableError(
            f"The model server at {base_url} is unreachable ({_root_cause(exc)}). "
            "Start it, or fix ASSISTANT_LLM_BASE_URL; leave it empty to use the local model."
        ) from exc
    except openai.APIStatusError as exc:
        raise ModelUnavailableError(
            f"The model server at {base_url} refused the request (HTTP {exc.status_code}: {exc.message}). "
            "Check ASSISTANT_LLM_MODEL and ASSISTANT_LLM_API_KEY."
        ) from exc


def _server_chat_class():
    """Defined on first use so importing this module never imports langchain-openai."""
    from langchain_openai import ChatOpenAI

    class ServerChat(ChatOpenAI):
        """ChatOpenAI whose failures are ``ModelUnavailableError``; the server does its own queueing."""

        @property
        def waiting(self) -> int:
            return 0

        @property
        def timeout_s(self) -> float:
            return float(getattr(self.request_timeout, "read", None) or self.request_timeout or 0)

        def _guard(self):
            return _server_errors(str(self.openai_api_base), self.timeout_s)

        def _generate(self, *args, **kwargs) -> ChatResult:
            with self._guard():
                return super()._generate(*args, **kwargs)

        def _stream(self, *args, **kwargs) -> Iterator[ChatGenerationChunk]:
            with self._guard():
                yield from super()._stream(*args, **kwargs)

        async def _agenerate(self, *args, **kwargs) -> ChatResult:
            with self._guard():
                return await super()._agenerate(*args, **kwargs)

        async def _astream(self, *args, **kwargs) -> AsyncIterator[ChatGenerationChunk]:
            with self._guard():
                async for chunk in super()._astream(*args, **kwargs):
                    yield chunk

    return ServerChat


def make_chat_model(settings) -> BaseChatModel:
    """The configured model: an OpenAI-compatible server when ``llm_base_url`` is set, else local llama.cpp."""
    if settings.llm_base_url:
        return make_server_chat(settings)
    from assistant.llm.weights import prepare_model_file

    path = prepare_model_file(settings.llm, settings.cache_dir)
    return LlamaCppChat(
        model_path=str(path),
        n_threads=settings.n_threads,
        n_ctx=settings.n_ctx,
        prompt_lookup=settings.prompt_lookup,
        max_tokens=settings.max_tokens,
        queue_size=settings.llm_queue_size,
    )


def make_server_chat(settings) -> BaseChatModel:
    """An OpenAI-compatible server (vLLM, Ollama, llama.cpp's server). A refused connection fails at
    once and no call is retried: the answerer then answers from the passages instead of making the user wait."""
    try:
        import openai

        server_chat = _server_chat_class()
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError("make install (missing: langchain-openai)") from exc
    timeout = settings.llm_timeout_s
    return server_chat(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        temperature=0,
        max_tokens=settings.max_tokens,
        # The client's own Timeout type: openai 3.x runs on httpx2, which rejects an httpx.Timeout.
        timeout=openai.Timeout(timeout, connect=min(_CONNECT_TIMEOUT_S, timeout)),
        max_retries=0,
    )


def model_label(settings) -> str:
    if settings.llm_base_url:
        return f"{settings.llm_model} @ {settings.llm_base_url}"
    from assistant.llm.weights import PACKAGED_MODELS

    return PACKAGED_MODELS[settings.llm].name if settings.llm in PACKAGED_MODELS else settings.llm
