"""Chat model backends behind LangChain's ``BaseChatModel``: local llama.cpp or an OpenAI-compatible server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

_ROLES = {"human": "user", "ai": "assistant", "system": "system"}


class LlamaCppChat(BaseChatModel):
    """An in-process llama.cpp model. Calls are serialised: one llama context is not thread-safe."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    model_path: str
    n_threads: int = 2
    n_ctx: int = 4096
    max_tokens: int = 384
    temperature: float = 0.0
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
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
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise RuntimeError("pip install -r requirements.txt (missing: llama-cpp-python)") from exc
            self._llama = Llama(
                model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads, seed=0, verbose=False
            )
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

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self._waiting += 1
        with self._lock:
            self._waiting -= 1
            stream = self._model().create_chat_completion(**self._payload(messages, stop, **kwargs), stream=True)
            for part in stream:
                token = part["choices"][0]["delta"].get("content") or ""
                if token:
                    if run_manager:
                        run_manager.on_llm_new_token(token)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=token))


def make_chat_model(settings) -> BaseChatModel:
    """The configured model: an OpenAI-compatible server when ``llm_base_url`` is set, else local llama.cpp."""
    if settings.llm_base_url:
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover
            raise RuntimeError("pip install -r requirements.txt (missing: langchain-openai)") from exc
        return ChatOpenAI(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key,
            temperature=0,
            max_tokens=settings.max_tokens,
            timeout=settings.llm_timeout_s,
            max_retries=1,
        )
    from .models import prepare_model_file

    path = prepare_model_file(settings.llm, settings.cache_dir)
    return LlamaCppChat(
        model_path=str(path), n_threads=settings.n_threads, n_ctx=settings.n_ctx, max_tokens=settings.max_tokens
    )


def model_label(settings) -> str:
    if settings.llm_base_url:
        return f"{settings.llm_model} @ {settings.llm_base_url}"
    from .models import PACKAGED_MODELS

    return PACKAGED_MODELS[settings.llm].name if settings.llm in PACKAGED_MODELS else settings.llm
