"""Beyond one machine: a real Chroma server and a real OpenAI-compatible model server on 127.0.0.1,
replicas sharing one index, failures that read as messages, and many sessions at once."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from langchain_core.language_models import FakeListChatModel
from langchain_core.messages import HumanMessage

from assistant import app
from assistant.answer import Answerer
from assistant.llm.backends import LlamaCppChat, ModelBusyError, ModelUnavailableError, make_chat_model
from assistant.search.store import IndexUnavailableError
from assistant.web.handlers import chat_turn
from tests.conftest import ROOT
from tests.servers import free_port, running, start_chroma, start_llama_server

FUNDING_QUESTION = "What is the funding cap for new equipment with demonstrative value in Beijing's plan?"
# Text of this test's own: a document only a later ingest adds.
LATER_DOCUMENT = (
    "Hangzhou Lighthouse Factory Notice\n\n"
    "Hangzhou will fund quantum metrology lighthouse factories with grants of up to RMB 12 million each."
)


def services_for(settings, embeddings):
    built = app.build_services(settings)
    built.__dict__["embeddings"] = embeddings  # one loaded embedding model for every replica in the test
    return built


def on_server(settings, url: str):
    """Settings for a Chroma server; a fresh collection keeps tests sharing the server apart."""
    return settings.model_copy(update={"chroma_url": url, "collection": f"t{uuid.uuid4().hex[:10]}"})


def cli(*args: str, settings) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ASSISTANT_CHROMA_URL": settings.chroma_url,
        "ASSISTANT_COLLECTION": settings.collection,
        "ASSISTANT_DOCUMENTS_DIR": str(settings.documents_dir),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
    }
    command = [sys.executable, "-m", "assistant", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def cited_funding_answer(searcher) -> str:
    hits = searcher.search_balanced(FUNDING_QUESTION, 6)
    n = next(i for i, hit in enumerate(hits, start=1) if "RMB 30 million" in hit.text)
    return f"The plan offers support of up to RMB 30 million [{n}]."


@pytest.fixture(scope="module")
def chroma(tmp_path_factory):
    with running(start_chroma, tmp_path_factory.mktemp("chroma") / "db") as server:
        yield server


@pytest.mark.server
def test_ingest_search_and_ask_through_a_chroma_server(settings, embeddings, chroma):
    remote = on_server(settings, chroma.url)
    services = services_for(remote, embeddings)

    report = services.ingest()

    assert report.failed == [] and report.chunks > 0
    assert services.store.url == chroma.url
    assert not (remote.index_dir / "chroma.sqlite3").exists(), "nothing is written to the embedded index"
    assert [p.name for p in remote.index_dir.iterdir()] == ["keyword"], "only the saved keyword index"
    hits = services.searcher.search_balanced(FUNDING_QUESTION, 6)
    assert any("RMB 30 million" in hit.text for hit in hits)
    model = FakeListChatModel(responses=[cited_funding_answer(services.searcher)])
    answer = Answerer(services.searcher, model, top_k=remote.top_k).ask(FUNDING_QUESTION)
    assert answer.verified and "30 million" in answer.text
    assert any("RMB 30 million" in answer.passages[n - 1].text for n in answer.cited)


@pytest.mark.server
def test_replicas_share_the_index_and_keyword_search_follows_later_ingests(settings, embeddings, chroma):
    remote = on_server(settings, chroma.url)
    first, second = services_for(remote, embeddings), services_for(remote, embeddings)
    first.ingest()
    assert len(second.keyword) == first.store.count()
    assert not second.searcher.search("quantum metrology lighthouse", 3, mode="bm25")

    (remote.documents_dir / "hangzhou.md").write_text(LATER_DOCUMENT, encoding="utf-8")
    assert first.ingest().added == 1

    hits = second.searcher.search("quantum metrology lighthouse", 3, mode="bm25")
    assert hits and "RMB 12 million" in hits[0].text
    assert len(second.keyword) == first.store.count()
    other_process = cli("search", "quantum metrology lighthouse", "--mode", "bm25", "--json", settings=remote)
    assert other_process.returncode == 0, other_process.stderr
    assert "RMB 12 million" in json.loads(other_process.stdout)["hits"][0]["text"]


@pytest.mark.server
def test_a_stopped_chroma_server_is_a_clear_error_and_service_resumes_when_it_returns(settings, embeddings, tmp_path):
    path = tmp_path / "chroma-db"
    server = start_chroma(path)
    try:
        remote = on_server(settings, server.url)
        services = services_for(remote, embeddings)
        services.ingest()
        server.stop()

        with pytest.raises(IndexUnavailableError) as error:
            services.searcher.search_balanced(FUNDING_QUESTION, 6)
        assert server.url in str(error.value) and "chroma run" in str(error.value)
        answerer = Answerer(services.searcher, FakeListChatModel(responses=["unused"]))
        chat_page = str(list(chat_turn(answerer, FUNDING_QUESTION, []))[-1][0])
        assert f"The Chroma server at {server.url} is unreachable" in chat_page and "Traceback" not in chat_page
        from_cli = cli("search", "funding cap", "--json", settings=remote)
        assert from_cli.returncode == 2
        assert f"error: The Chroma server at {server.url} is unreachable" in from_cli.stderr
        assert "Traceback" not in from_cli.stderr and from_cli.stdout == ""

        server = start_chroma(path, port=server.port)
        hits = services.searcher.search_balanced(FUNDING_QUESTION, 6)
        assert any("RMB 30 million" in hit.text for hit in hits)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory):
    from assistant.llm.weights import prepare_model_file
    from assistant.settings import Settings

    model_path = prepare_model_file("qwen0.5b", Settings().cache_dir)
    with running(start_llama_server, model_path, tmp_path_factory.mktemp("llama") / "server.log") as server:
        yield server


@pytest.mark.server
def test_the_assistant_answers_through_an_openai_compatible_server(settings, embeddings, llama_server):
    served = settings.model_copy(update={"llm_base_url": llama_server.url + "/v1", "llm_model": "qwen0.5b"})
    services = services_for(served, embeddings)
    services.ingest()

    reply = services.chat_model.invoke([HumanMessage("Reply with one word: hello")])
    assert str(reply.content).strip()
    answer = services.answerer.ask(FUNDING_QUESTION)

    assert not answer.refused and "30 million" in answer.text
    assert any("RMB 30 million" in answer.passages[n - 1].text for n in answer.cited)
    assert not any("unavailable" in notice for notice in answer.notices), "the server answered, not the fallback"


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a model server that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"


@pytest.mark.server
def test_an_unreachable_or_hanging_model_server_raises_model_unavailable_error(settings, silent_server):
    refused = f"http://127.0.0.1:{free_port()}/v1"
    for url, reason in ((refused, "unreachable"), (silent_server, "did not answer within 1 s")):
        model = make_chat_model(settings.model_copy(update={"llm_base_url": url, "llm_timeout_s": 1}))
        with pytest.raises(ModelUnavailableError) as error:
            model.invoke("hello")
        assert url in str(error.value) and reason in str(error.value)
        with pytest.raises(ModelUnavailableError):
            list(model.stream("hello"))


@pytest.mark.server
def test_without_its_model_server_the_assistant_answers_from_the_passages(indexed):
    url = f"http://127.0.0.1:{free_port()}/v1"
    down = indexed.settings.model_copy(update={"llm_base_url": url})
    answerer = Answerer(indexed.searcher, make_chat_model(down), top_k=down.top_k)

    answer = answerer.ask(FUNDING_QUESTION)

    assert "30 million" in answer.text and answer.cited
    assert any("unavailable" in notice and url in notice for notice in answer.notices)


class GatedLlama:
    """Stands in for ``llama_cpp.Llama``: holds each call until released and records overlapping calls."""

    def __init__(self, reply: str = "Shenzhen released four action plans [1]."):
        self.reply = reply
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)
        self._lock = threading.Lock()
        self.active = self.most_active = self.calls = 0

    def create_chat_completion(self, **_):
        with self._lock:
            self.active += 1
            self.calls += 1
            self.most_active = max(self.most_active, self.active)
        self.entered.release()
        try:
            assert self.release.wait(60), "the test never released the model"
            for word in self.reply.split(" "):
                yield {"choices": [{"delta": {"content": word + " "}}]}
        finally:
            with self._lock:
                self.active -= 1


def gated_model(queue_size: int, llama: GatedLlama) -> LlamaCppChat:
    model = LlamaCppChat(model_path="not-loaded.gguf", queue_size=queue_size)
    model._llama = llama
    return model


def wait_for(condition, what: str, limit_s: float = 60.0) -> None:
    deadline = time.monotonic() + limit_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


def test_the_in_process_model_serves_one_call_at_a_time_and_refuses_beyond_its_queue():
    llama = GatedLlama()
    model = gated_model(2, llama)
    with ThreadPoolExecutor(3) as pool:
        running_call = pool.submit(lambda: model.invoke("first").content)
        assert llama.entered.acquire(timeout=60)
        queued = [pool.submit(lambda: model.invoke("queued").content) for _ in range(2)]
        wait_for(lambda: model.waiting == 2, "two queued calls")

        with pytest.raises(ModelBusyError, match="2 questions are already waiting"):
            model.invoke("one too many")
        assert model.waiting == 2

        llama.release.set()
        replies = [running_call.result(60)] + [future.result(60) for future in queued]
    assert all("four action plans" in reply for reply in replies)
    assert llama.most_active == 1 and llama.calls == 3
    assert model.waiting == 0


def test_many_sessions_at_once_retrieve_concurrently_and_share_the_model_in_turn(indexed, dev_questions):
    questions = [q["question"] for q in dev_questions][:8]
    expected = {q: [hit.id for hit in indexed.searcher.search_balanced(q, 6)] for q in questions}
    llama = GatedLlama()
    answerer = Answerer(indexed.searcher, gated_model(len(questions), llama), top_k=6)
    llama.release.set()

    with ThreadPoolExecutor(len(questions)) as pool:
        retrieved = list(pool.map(lambda q: [hit.id for hit in indexed.searcher.search_balanced(q, 6)], questions))
        answers = list(pool.map(answerer.ask, questions))

    assert retrieved == [expected[q] for q in questions]
    assert [a.question for a in answers] == questions
    assert all(a.passages for a in answers)
    assert not any("unavailable" in notice for a in answers for notice in a.notices)
    assert llama.most_active == 1, "llama.cpp is never entered by two sessions at once"
