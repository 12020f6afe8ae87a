"""The HTTP API against the real server: `python -m assistant serve` on a free loopback port, a temporary
documents folder with the sample article, and the official `openai` client. The chat model is a
deterministic fake OpenAI-compatible server in this process (tests/fake_llm.py); one test uses the
real default model end to end."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import httpx
import pytest
from openai import OpenAI

from assistant.access import load_keys
from assistant.answer.events import Final, Passages
from assistant.api.keys import KeyCheck
from assistant.api.limits import Admission
from assistant.search.hybrid import PUBLIC_METADATA
from tests.conftest import ROOT, SAMPLE
from tests.fake_llm import FakeChatServer, extractive_reply
from tests.servers import running, start_app

KEY = "test-key-1"
# No place named: how places are matched is the answer pipeline's business, not the API's.
FUNDING_QUESTION = "What is the funding cap for new equipment with demonstrative value?"
QUEUE_SIZE = 3  # the server admits QUEUE_SIZE + 1 chat requests at once
QINGDAO_NOTICE = (
    "Notice on Supporting Harbor Robotics in Qingdao (2025)\n\n"
    "The Qingdao harbor robotics notice offers a one-time subsidy of up to RMB 7.5 million for each autonomous "
    "container crane project that enters operation at Qingdao Port before the end of 2026.\n"
)


def server_env(tmp_path, **extra: str) -> dict[str, str]:
    documents = tmp_path / "documents"
    documents.mkdir()
    shutil.copy(SAMPLE, documents / SAMPLE.name)
    clean = {k: "" for k in os.environ if k.startswith("ASSISTANT_")}
    return {
        **clean,
        "ASSISTANT_DOCUMENTS_DIR": str(documents),
        "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
        "OMP_NUM_THREADS": "2",
        **extra,
    }


@pytest.fixture(scope="module")
def fake_llm():
    with FakeChatServer() as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory, fake_llm):
    work = tmp_path_factory.mktemp("api")
    env = server_env(
        work,
        ASSISTANT_LLM_BASE_URL=fake_llm.url,
        ASSISTANT_EMBEDDINGS="e5",
        ASSISTANT_API_KEYS=f"other-key, {KEY}",
        ASSISTANT_LLM_QUEUE_SIZE=str(QUEUE_SIZE),
        ASSISTANT_MAX_FILE_MB="1",
    )
    with running(start_app, env, work / "app.log") as app:
        app.documents = work / "documents"
        yield app


@pytest.fixture
def client(server) -> OpenAI:
    return OpenAI(base_url=server.url + "/v1", api_key=KEY, max_retries=0, timeout=120)


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120) as session:
        yield session


def ask(client: OpenAI, *messages: str, **extra):
    """Alternating user/assistant messages, the last one the question."""
    roles = ["user", "assistant"] * len(messages)
    conversation = [{"role": role, "content": text} for role, text in zip(roles, messages, strict=False)]
    return client.chat.completions.create(model="policy-assistant", messages=conversation, **extra)


def extras(message) -> dict:
    return message.model_extra or {}


def assert_cites_the_funding_passage(content: str, citations: list[dict]) -> None:
    assert "30 million" in content
    cited = [c for c in citations if f"[{c['n']}]" in content]
    assert cited and any("RMB 30 million" in c["text"] for c in cited)
    assert {"n", "source", "title", "section", "page", "region", "text"} <= set(cited[0])
    assert cited[0]["source"] == SAMPLE.name


@pytest.mark.server
def test_the_openai_client_gets_a_cited_verified_answer(client):
    reply = ask(client, FUNDING_QUESTION)

    message = reply.choices[0].message
    assert reply.model == "policy-assistant" and reply.choices[0].finish_reason == "stop"
    assert_cites_the_funding_passage(message.content, extras(message)["citations"])
    verification = extras(message)["verification"]
    assert verification["verified"] is True and verification["refused"] is False
    assert verification["unverified"] == [] and isinstance(verification["notices"], list)


@pytest.mark.server
def test_a_streamed_answer_carries_the_same_text_and_its_citations_in_the_last_chunk(client):
    chunks = list(ask(client, FUNDING_QUESTION, stream=True))

    content = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
    drafts = [extras(chunk.choices[0].delta).get("draft") for chunk in chunks]
    last = chunks[-1].choices[0]
    assert last.finish_reason == "stop"
    assert_cites_the_funding_passage(content, extras(last.delta)["citations"])
    assert extras(last.delta)["verification"]["verified"] is True
    assert len([d for d in drafts if d]) > 1, "the draft arrives token by token"
    assert content == ask(client, FUNDING_QUESTION).choices[0].message.content


@pytest.mark.server
def test_a_follow_up_is_read_with_the_conversation(client):
    first = ask(client, FUNDING_QUESTION).choices[0].message.content

    follow_up = ask(client, FUNDING_QUESTION, first, "And Shenzhen?").choices[0].message
    alone = ask(client, "And Shenzhen?").choices[0].message

    rewritten = extras(follow_up)["verification"]["rewritten_question"]
    assert "Shenzhen" in rewritten and "funding cap" in rewritten
    assert extras(alone)["verification"]["rewritten_question"] == "And Shenzhen?"


@pytest.mark.server
def test_filters_narrow_the_passages_and_models_lists_the_assistant(client):
    assert [model.id for model in client.models.list()] == ["policy-assistant"]
    inside = ask(client, FUNDING_QUESTION, extra_body={"filters": {"region": "National", "document": SAMPLE.name}})
    outside = ask(client, FUNDING_QUESTION, extra_body={"filters": {"region": "Atlantis"}})
    later = ask(client, FUNDING_QUESTION, extra_body={"filters": {"date_from": "2999-01-01"}})

    assert "30 million" in inside.choices[0].message.content
    for reply in (outside, later):
        verification = extras(reply.choices[0].message)["verification"]
        assert verification["refused"] is True and extras(reply.choices[0].message)["citations"] == []


@pytest.mark.server
def test_search_returns_the_search_json_shape_of_the_cli(http, server):
    response = http.post("/v1/search", json={"query": "funding cap for demonstration projects", "k": 3})

    assert response.status_code == 200
    body = response.json()
    env = {**os.environ, **server_env_for_cli(server)}
    command = [sys.executable, "-m", "assistant", "search", "funding cap for demonstration projects", "--k", "3"]
    cli = subprocess.run([*command, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    assert body == json.loads(cli.stdout)
    assert set(body["hits"][0]) == {"rank", "score", *PUBLIC_METADATA, "text"}
    assert any("RMB 30 million" in hit["text"] for hit in body["hits"])


def server_env_for_cli(server) -> dict[str, str]:
    return {
        "ASSISTANT_DOCUMENTS_DIR": str(server.documents),
        "ASSISTANT_INDEX_DIR": str(server.documents.parent / "index"),
        "ASSISTANT_EMBEDDINGS": "e5",
    }


def ui_documents_table(url: str) -> str:
    """The Documents tab's table as the UI's own page-load handler renders it (through gradio_client)."""
    from gradio_client import Client

    outputs = Client(url, verbose=False).predict(api_name="/view")
    return str(outputs[0])


@pytest.mark.server
def test_documents_upload_list_and_delete_and_the_ui_sees_each_change(http, server, client):
    upload = http.post("/v1/documents?wait=true", files=[("files", ("qingdao notice.txt", QINGDAO_NOTICE))])

    assert upload.status_code == 201, upload.text
    saved = upload.json()["documents"][0]["saved_as"]
    assert saved == "qingdao notice.txt" and upload.json()["ingest"]["status"] == "done"
    assert upload.json()["ingest"]["report"]["added"] == 1
    listed = {row["source"]: row for row in http.get("/v1/documents").json()["documents"]}
    assert listed[saved]["chunks"] > 0 and listed[saved]["status"] == "indexed"
    assert saved in ui_documents_table(server.url)
    answer = ask(client, "What subsidy does the Qingdao harbor robotics notice offer for crane projects?")
    assert "7.5 million" in answer.choices[0].message.content

    again = http.post("/v1/documents", files=[("files", ("copy.txt", QINGDAO_NOTICE))])
    assert again.status_code == 422 and "same content is already in the library" in again.json()["error"]["message"]

    deleted = http.delete(f"/v1/documents/{saved}", params={"wait": "true"})
    assert deleted.status_code == 200 and deleted.json()["ingest"]["report"]["removed"] == 1
    assert saved not in {row["source"] for row in http.get("/v1/documents").json()["documents"]}
    assert saved not in ui_documents_table(server.url)
    assert http.delete(f"/v1/documents/{saved}").status_code == 404


@pytest.mark.server
def test_reindexing_runs_as_a_job_with_progress(http):
    started = http.post("/v1/ingest", json={"rebuild": True})

    assert started.status_code == 202
    job_id = started.json()["id"]
    deadline = time.monotonic() + 300
    while (job := http.get(f"/v1/ingest/{job_id}").json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, "the re-index job never finished"
        time.sleep(0.2)
    assert job["status"] == "done" and job["done"] == job["total"] == 1
    assert job["report"]["added"] == 1 and job["report"]["failed"] == []
    assert http.get("/v1/ingest/no-such-job").status_code == 404


@pytest.mark.server
def test_a_missing_or_wrong_key_is_a_401_json_error(server):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": KEY}):
        for method, path in (("GET", "/v1/models"), ("POST", "/v1/chat/completions"), ("GET", "/v1/documents")):
            response = httpx.request(method, server.url + path, headers=headers, json={}, timeout=30)
            assert response.status_code == 401, (headers, path)
            assert response.json()["error"]["type"] == "authentication_error"
            assert response.headers["www-authenticate"] == "Bearer" and "Traceback" not in response.text
    other = OpenAI(base_url=server.url + "/v1", api_key="other-key", max_retries=0)
    assert [model.id for model in other.models.list()] == ["policy-assistant"]


@pytest.mark.server
def test_bad_input_gets_a_clear_4xx(http, server):
    def chat(body) -> httpx.Response:
        return http.post("/v1/chat/completions", json=body)

    question = [{"role": "user", "content": FUNDING_QUESTION}]
    bad_json = http.post("/v1/chat/completions", content=b"{not json", headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["error"]["message"]
    cases = [
        ({"messages": [{"role": "user", "content": "  "}]}, 422, "question is empty"),
        ({"messages": []}, 422, "messages"),
        ({"messages": [*question, {"role": "assistant", "content": "Hi"}]}, 422, "last message"),
        ({"messages": question, "filters": {"city": "Beijing"}}, 422, "filters.city: unknown field"),
        ({"messages": question, "filters": {"date_from": "soon"}}, 422, "filters.date_from"),
        ({"messages": question, "model": "gpt-4o"}, 404, "Unknown model 'gpt-4o'"),
    ]
    for body, status, says in cases:
        response = chat(body)
        assert response.status_code == status, (body, response.text)
        assert says in response.json()["error"]["message"]
    assert http.post("/v1/search", json={"query": "x", "where": "region=Beijing"}).status_code == 422

    huge = {"messages": [{"role": "user", "content": "x" * 300_000}]}
    too_large = chat(huge)
    assert too_large.status_code == 413 and "256 KB limit" in too_large.json()["error"]["message"]
    big_file = http.post("/v1/documents", files=[("files", ("big.txt", "policy text " * 120_000))])
    assert big_file.status_code == 422 and "over the 1 MB limit" in big_file.json()["error"]["message"]
    wrong_type = http.post("/v1/documents", files=[("files", ("tool.exe", b"MZ binary"))])
    assert wrong_type.status_code == 422 and "not supported" in wrong_type.json()["error"]["message"]
    assert sorted(p.name for p in server.documents.iterdir()) == [SAMPLE.name], "refused files are not saved"


@pytest.mark.server
def test_concurrent_requests_queue_on_the_model_and_a_full_queue_is_a_503(server, client, fake_llm):
    admitted = QUEUE_SIZE + 1
    fake_llm.hold()
    try:
        calls_before = fake_llm.calls
        with ThreadPoolExecutor(admitted) as pool:
            replies = [pool.submit(ask, client, FUNDING_QUESTION, stream=i % 2 == 1) for i in range(admitted)]
            deadline = time.monotonic() + 120
            while fake_llm.calls - calls_before < admitted:
                assert time.monotonic() < deadline, "the admitted requests never reached the model"
                time.sleep(0.05)
            refused = httpx.post(
                server.url + "/v1/chat/completions",
                headers={"Authorization": f"Bearer {KEY}"},
                json={"messages": [{"role": "user", "content": FUNDING_QUESTION}]},
                timeout=30,
            )
            assert refused.status_code == 503 and int(refused.headers["retry-after"]) > 0
            assert refused.json()["error"]["code"] == "model_busy"
            fake_llm.release()
            results = [future.result(120) for future in replies]
    finally:
        fake_llm.release()
    for i, result in enumerate(results):
        if i % 2:
            chunks = list(result)
            content = "".join(chunk.choices[0].delta.content or "" for chunk in chunks)
            citations = extras(chunks[-1].choices[0].delta)["citations"]
        else:
            content, citations = result.choices[0].message.content, extras(result.choices[0].message)["citations"]
        assert_cites_the_funding_passage(content, citations)
    assert ask(client, FUNDING_QUESTION).choices[0].finish_reason == "stop", "the queue drains"


@pytest.mark.server
def test_clients_that_hang_up_mid_stream_give_their_place_back(server, fake_llm):
    body = {"messages": [{"role": "user", "content": FUNDING_QUESTION}], "stream": True}
    headers = {"Authorization": f"Bearer {KEY}"}

    def open_and_hang_up() -> int:
        with httpx.stream("POST", server.url + "/v1/chat/completions", json=body, headers=headers, timeout=30) as r:
            if r.status_code == 200:
                next(r.iter_lines())  # the first chunk arrived; now leave without reading the answer
            return r.status_code

    fake_llm.hold()
    try:
        for _ in range(2 * (QUEUE_SIZE + 1)):  # more than there are places: each must come back
            deadline = time.monotonic() + 30
            while (status := open_and_hang_up()) == 503:
                assert time.monotonic() < deadline, "a place was never given back"
                time.sleep(0.1)
            assert status == 200
    finally:
        fake_llm.release()


def test_without_a_key_the_api_answers_only_on_loopback(settings):
    from fastapi.testclient import TestClient

    from assistant import app
    from assistant.api import create_app

    opened = app.build_services(settings.model_copy(update={"host": "0.0.0.0"}))
    with TestClient(create_app(opened)) as api:
        refused = api.get("/v1/models")
        assert refused.status_code == 403 and "ASSISTANT_API_KEYS" in refused.json()["error"]["message"]
        assert api.get("/openapi.json").status_code == 200
    assert KeyCheck(frozenset(), "127.0.0.1").api_enabled and not KeyCheck(frozenset(), "0.0.0.0").api_enabled
    assert KeyCheck(frozenset({"k"}), "0.0.0.0").api_enabled


class SlowAnswerer:
    """Stands in for the answerer: waits, then answers, or fails the way a stopped index does."""

    def __init__(self, fail: Exception | None = None):
        self.fail = fail

    def stream(self, question, history=(), filters=None):
        yield Passages(question, [])
        time.sleep(0.5)
        if self.fail:
            raise self.fail
        answer = SimpleNamespace(text="Up to RMB 30 million [1].")
        answer.as_dict = lambda: {
            "citations": [{"n": 1, "text": "RMB 30 million"}],
            "verified": True,
            "badge": "verified",
            "unverified": [],
            "refused": False,
            "notices": [],
            "rewritten_question": question,
        }
        yield Final(answer)


def stub_api(settings, answerer):
    from fastapi.testclient import TestClient

    from assistant.api import create_app
    from assistant.service.jobs import IngestJobs

    services = SimpleNamespace(settings=settings, answerer=answerer, chat_model=SimpleNamespace(waiting=0))
    services.jobs = IngestJobs(services)
    return TestClient(create_app(services))


def test_a_waiting_stream_sends_heartbeats_and_a_failure_arrives_as_an_error_event(settings, monkeypatch):
    from assistant.api import chat
    from assistant.search.store import IndexUnavailableError

    monkeypatch.setattr(chat, "HEARTBEAT_S", 0.05)
    body = {"messages": [{"role": "user", "content": "funding cap?"}], "stream": True}
    with stub_api(settings, SlowAnswerer()) as api:
        streamed = api.post("/v1/chat/completions", json=body).text
    assert ": waiting for the model" in streamed and streamed.endswith("data: [DONE]\n\n")

    stopped = SlowAnswerer(IndexUnavailableError("The Chroma server at http://x is unreachable."))
    with stub_api(settings, stopped) as api:
        streamed = api.post("/v1/chat/completions", json=body).text
        plain = api.post("/v1/chat/completions", json={**body, "stream": False})
    events = [json.loads(line[6:]) for line in streamed.splitlines() if line.startswith("data: {")]
    assert events[-1]["error"]["message"] == "The Chroma server at http://x is unreachable."
    assert plain.status_code == 503 and "unreachable" in plain.json()["error"]["message"]
    assert "Traceback" not in streamed + plain.text


def test_keys_come_from_the_setting_and_a_file(tmp_path):
    keys_file = tmp_path / "keys.txt"
    keys_file.write_text("# team keys\nalpha\n\nbeta, gamma  # ops\n", encoding="utf-8")

    assert load_keys(" one ,two,, ", keys_file) == {"one", "two", "alpha", "beta", "gamma"}
    assert load_keys("") == frozenset()
    with pytest.raises(ValueError, match="cannot be read"):
        load_keys("", tmp_path / "missing.txt")


def test_admission_refuses_past_its_limit_or_when_the_model_queue_is_full():
    waiting = [0]
    admission = Admission(2, lambda: waiting[0], model_queue_size=3)
    assert admission.try_enter() and admission.try_enter()
    assert not admission.try_enter()
    admission.leave()
    waiting[0] = 3
    assert not admission.try_enter()
    waiting[0] = 2
    assert admission.try_enter()
    admission.leave()
    ticket = admission.ticket()
    assert ticket is not None and admission.ticket() is None
    ticket.release()
    ticket.release()
    assert admission.active == 1, "a ticket gives its place back once"


def test_the_fake_model_cites_the_sentence_sharing_most_words():
    prompt = (
        "Passages:\n[1] A\nThe sky is blue.\n\n[2] B\nFunding is capped at RMB 30 million.\n\nQuestion: funding cap?"
    )
    assert extractive_reply(prompt) == "Funding is capped at RMB 30 million. [2]"


@pytest.fixture(scope="module")
def real_server(tmp_path_factory):
    work = tmp_path_factory.mktemp("api-real")
    env = server_env(work, ASSISTANT_API_KEYS=KEY)
    with running(start_app, env, work / "app.log", timeout_s=600) as app:
        yield app


@pytest.mark.server
@pytest.mark.llm
def test_the_real_default_model_answers_through_the_api(real_server):
    client = OpenAI(base_url=real_server.url + "/v1", api_key=KEY, max_retries=0, timeout=900)

    reply = ask(client, FUNDING_QUESTION)

    message = reply.choices[0].message
    assert_cites_the_funding_passage(message.content, extras(message)["citations"])
    assert not any("unavailable" in notice for notice in extras(message)["verification"]["notices"])
